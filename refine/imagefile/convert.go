package imagefile

import (
	"image"

	"github.com/disintegration/imaging"
)

// ToNRGBA returns a copy of img as *image.NRGBA (straight alpha, 8 bits per
// channel) with its origin at (0, 0), made by imaging.Clone: fast paths
// for the common concrete types, rows split across cores, premultiplied
// colour divided by alpha. The result never aliases img.
func ToNRGBA(img image.Image) *image.NRGBA {
	return imaging.Clone(img)
}

// toNRGBA converts img; when owned is true and img already is a tightly
// packed *image.NRGBA at the origin, it is returned as is.
func toNRGBA(img image.Image, owned bool) *image.NRGBA {
	b := img.Bounds()
	if src, ok := img.(*image.NRGBA); ok && owned && b.Min == (image.Point{}) && src.Stride == 4*b.Dx() {
		return src
	}
	return imaging.Clone(img)
}
