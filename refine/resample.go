package refine

import (
	"cutout/refine/parallel"
)

// halfRGB returns img box-filtered to half size (rounded up; odd edges
// average the pixels that exist).
func halfRGB(img *rgb) *rgb {
	w, h := img.W, img.H
	cw, ch := (w+1)/2, (h+1)/2
	out := &rgb{W: cw, H: ch, Pix: make([]float32, 3*cw*ch)}
	parallel.Rows(ch, func(y0, y1 int) {
		for cy := y0; cy < y1; cy++ {
			for cx := 0; cx < cw; cx++ {
				var s [3]float32
				var cnt float32
				for y := 2 * cy; y < min(2*cy+2, h); y++ {
					for x := 2 * cx; x < min(2*cx+2, w); x++ {
						p := 3 * (y*w + x)
						s[0] += img.Pix[p]
						s[1] += img.Pix[p+1]
						s[2] += img.Pix[p+2]
						cnt++
					}
				}
				q := 3 * (cy*cw + cx)
				out.Pix[q] = s[0] / cnt
				out.Pix[q+1] = s[1] / cnt
				out.Pix[q+2] = s[2] / cnt
			}
		}
	})
	return out
}

// halfLabels halves a label map: a coarse pixel is known only when all of
// its fine pixels carry the same known label.
func halfLabels(lab []uint8, w, h int) []uint8 {
	cw, ch := (w+1)/2, (h+1)/2
	out := make([]uint8, cw*ch)
	parallel.Rows(ch, func(y0, y1 int) {
		for cy := y0; cy < y1; cy++ {
			for cx := 0; cx < cw; cx++ {
				l := lab[2*cy*w+2*cx]
				for y := 2 * cy; y < min(2*cy+2, h); y++ {
					for x := 2 * cx; x < min(2*cx+2, w); x++ {
						if lab[y*w+x] != l {
							l = Unknown
						}
					}
				}
				out[cy*cw+cx] = l
			}
		}
	})
	return out
}

// upBilinear resizes a cw×ch map to w×h by bilinear interpolation with
// pixel centres aligned (fine x maps to coarse (x+0.5)·cw/w − 0.5).
func upBilinear(src []float32, cw, ch, w, h int) []float32 {
	out := make([]float32, w*h)
	sx := float32(cw) / float32(w)
	sy := float32(ch) / float32(h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			fy := (float32(y)+0.5)*sy - 0.5
			fy = max(0, min(fy, float32(ch-1)))
			iy := min(int(fy), ch-2)
			if ch == 1 {
				iy = 0
			}
			ty := fy - float32(iy)
			iy1 := min(iy+1, ch-1)
			for x := 0; x < w; x++ {
				fx := (float32(x)+0.5)*sx - 0.5
				fx = max(0, min(fx, float32(cw-1)))
				ix := min(int(fx), cw-2)
				if cw == 1 {
					ix = 0
				}
				tx := fx - float32(ix)
				ix1 := min(ix+1, cw-1)
				a := src[iy*cw+ix]*(1-tx) + src[iy*cw+ix1]*tx
				b := src[iy1*cw+ix]*(1-tx) + src[iy1*cw+ix1]*tx
				out[y*w+x] = a*(1-ty) + b*ty
			}
		}
	})
	return out
}
