package imagefile

import (
	"image"

	"github.com/disintegration/imaging"
)

// Orient returns img transformed for display according to an EXIF
// orientation value:
//
//	1 unchanged              5 transposed (mirrored across the main diagonal)
//	2 mirrored horizontally  6 rotated 90° clockwise
//	3 rotated 180°           7 transversed (mirrored across the anti-diagonal)
//	4 mirrored vertically    8 rotated 90° counter-clockwise
//
// Values 5 to 8 swap width and height. For orientation 1 and for values
// outside 1..8, img itself is returned; otherwise the result is a new image
// with its origin at (0, 0), made by imaging's transforms, and img is not
// modified.
func Orient(img *image.NRGBA, orientation int) *image.NRGBA {
	switch orientation {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // imaging rotates counter-clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
