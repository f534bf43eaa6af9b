package refine

import (
	"fmt"
	"image"

	"cutout/refine/parallel"
)

// rgb is a float colour image: Pix holds W*H interleaved R, G, B triples in
// [0,1], row-major. Alpha of the source is ignored.
type rgb struct {
	W, H int
	Pix  []float32
}

// toRGB converts img once into a float image; hot loops then index Pix.
func toRGB(img *image.NRGBA) *rgb {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &rgb{W: w, H: h, Pix: make([]float32, 3*w*h)}
	const s = 1.0 / 255
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			src := img.Pix[y*img.Stride : y*img.Stride+4*w]
			dst := out.Pix[3*y*w : 3*(y+1)*w]
			for x := 0; x < w; x++ {
				dst[3*x] = float32(src[4*x]) * s
				dst[3*x+1] = float32(src[4*x+1]) * s
				dst[3*x+2] = float32(src[4*x+2]) * s
			}
		}
	})
	return out
}

// checkSameSize panics when img and a w×h map differ in size: a programmer
// error, as the caller built both.
func checkSameSize(fn string, img *image.NRGBA, w, h int) {
	b := img.Bounds()
	if b.Dx() != w || b.Dy() != h {
		panic(fmt.Sprintf("refine: %s: image is %dx%d, map is %dx%d", fn, b.Dx(), b.Dy(), w, h))
	}
}
