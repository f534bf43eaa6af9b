package refine

import "image"

// Helpers for the external tests (package refine_test), which use
// refine/stroke and so cannot live in this package.

// SimulatedSegmentation is simulatedSegmentation.
var SimulatedSegmentation = simulatedSegmentation

// ResizeNRGBA resizes img to w×h bilinearly (opaque).
func ResizeNRGBA(img *image.NRGBA, w, h int) *image.NRGBA {
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	ch := make([]float32, sw*sh)
	for c := range 3 {
		for i := range ch {
			ch[i] = float32(img.Pix[(i/sw)*img.Stride+4*(i%sw)+c])
		}
		for i, v := range upBilinear(ch, sw, sh, w, h) {
			out.Pix[4*i+c] = uint8(min(255, v+0.5))
		}
	}
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 255
	}
	return out
}

// ResizeMatte resizes m to w×h bilinearly.
func ResizeMatte(m *Matte, w, h int) *Matte {
	return &Matte{W: w, H: h, Pix: upBilinear(m.Pix, m.W, m.H, w, h)}
}

// Restore returns a function that puts r back as it is now.
func (r *Incremental) Restore() func() {
	tri, alpha, fg, n := r.tri.Clone(), r.alpha.Clone(), image.NewNRGBA(r.fg.Rect), r.unknowns
	copy(fg.Pix, r.fg.Pix)
	return func() {
		copy(r.tri.Pix, tri.Pix)
		copy(r.alpha.Pix, alpha.Pix)
		copy(r.fg.Pix, fg.Pix)
		r.unknowns = n
	}
}
