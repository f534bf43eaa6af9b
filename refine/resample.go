package refine

import (
	"image"

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

// boxDilate marks the pixels within a (2r+1)×(2r+1) box of a marked pixel,
// by a row pass and a column pass, each linear in the pixel count.
func boxDilate(m []bool, w, h, r int) []bool {
	tmp := make([]bool, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			dilateLine(m[y*w:], tmp[y*w:], w, 1, r)
		}
	})
	out := make([]bool, w*h)
	parallel.Rows(w, func(x0, x1 int) {
		for x := x0; x < x1; x++ {
			dilateLine(tmp[x:], out[x:], h, w, r)
		}
	})
	return out
}

// dilateLine sets out[k·step] for k in [0, n) to whether src[j·step] is
// marked for some j within r of k.
func dilateLine(src, out []bool, n, step, r int) {
	last := -1 << 30 // last marked k seen
	for k := 0; k < n+r; k++ {
		if k < n && src[k*step] {
			last = k
		}
		if ko := k - r; ko >= 0 {
			out[ko*step] = last >= ko-r
		}
	}
}

// downNRGBA box-filters img by an integer factor f (rounded up; edge
// blocks average the pixels that exist) straight into a float image, so
// the full-resolution float copy is never made.
func downNRGBA(img *image.NRGBA, f int) *rgb {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+f-1)/f, (h+f-1)/f
	out := &rgb{W: cw, H: ch, Pix: make([]float32, 3*cw*ch)}
	parallel.Rows(ch, func(y0, y1 int) {
		// Block sums are kept as integers: exact, and within 32 bits for
		// any block of a photo Decode accepts.
		acc := make([]uint32, 3*cw)
		for cy := y0; cy < y1; cy++ {
			clear(acc)
			ys := min(cy*f+f, h) - cy*f
			for y := cy * f; y < cy*f+ys; y++ {
				row := img.Pix[y*img.Stride : y*img.Stride+4*w]
				for cx := 0; cx < cw; cx++ {
					var r, g, b uint32
					blk := row[4*cx*f : 4*min(cx*f+f, w)]
					for k := 0; k+3 < len(blk); k += 4 {
						r += uint32(blk[k])
						g += uint32(blk[k+1])
						b += uint32(blk[k+2])
					}
					a := acc[3*cx : 3*cx+3]
					a[0] += r
					a[1] += g
					a[2] += b
				}
			}
			for cx := 0; cx < cw; cx++ {
				n := float32(ys * (min(cx*f+f, w) - cx*f))
				s := 1 / (255 * n)
				a := acc[3*cx:]
				q := 3 * (cy*cw + cx)
				out.Pix[q], out.Pix[q+1], out.Pix[q+2] = float32(a[0])*s, float32(a[1])*s, float32(a[2])*s
			}
		}
	})
	return out
}

// downLabels reduces a label map by an integer factor f: a coarse pixel is
// known only when all of its fine pixels carry the same known label.
func downLabels(lab []uint8, w, h, f int) []uint8 {
	cw, ch := (w+f-1)/f, (h+f-1)/f
	out := make([]uint8, cw*ch)
	parallel.Rows(ch, func(y0, y1 int) {
		for cy := y0; cy < y1; cy++ {
			for cx := 0; cx < cw; cx++ {
				l := lab[cy*f*w+cx*f]
				for y := cy * f; y < min(cy*f+f, h) && l != Unknown; y++ {
					for x := cx * f; x < min(cx*f+f, w); x++ {
						if lab[y*w+x] != l {
							l = Unknown
							break
						}
					}
				}
				if l != Foreground && l != Background {
					l = Unknown
				}
				out[cy*cw+cx] = l
			}
		}
	})
	return out
}

// downMatte box-filters a w×h map by an integer factor f (rounded up).
func downMatte(src []float32, w, h, f int) []float32 { return downMean(src, w, h, f, false) }

// downWeights is downMatte for data-term weights: negative weights (the
// markers of Options.PriorWeights) count as 0.
func downWeights(src []float32, w, h, f int) []float32 { return downMean(src, w, h, f, true) }

// downMean box-filters a w×h map by an integer factor f (rounded up; edge
// blocks average the values that exist), reading negative values as 0
// when nonNeg is set. Each block is summed row by row, left to right, in
// a row of accumulators, so the fine rows are read straight through.
func downMean(src []float32, w, h, f int, nonNeg bool) []float32 {
	cw, ch := (w+f-1)/f, (h+f-1)/f
	out := make([]float32, cw*ch)
	parallel.Rows(ch, func(y0, y1 int) {
		acc := make([]float32, cw)
		for cy := y0; cy < y1; cy++ {
			clear(acc)
			ys := min(cy*f+f, h) - cy*f
			for y := cy * f; y < cy*f+ys; y++ {
				row := src[y*w : y*w+w]
				full := w / f
				switch {
				case f == 3 && !nonNeg:
					// 12 MP photos reduce by 3 (see maxFullImage).
					for cx := range full {
						b := row[3*cx : 3*cx+3 : 3*cx+3]
						acc[cx] = acc[cx] + b[0] + b[1] + b[2]
					}
				case f == 3:
					for cx := range full {
						b := row[3*cx : 3*cx+3 : 3*cx+3]
						acc[cx] = acc[cx] + max(b[0], 0) + max(b[1], 0) + max(b[2], 0)
					}
				case f == 4 && !nonNeg:
					for cx := range full {
						b := row[4*cx : 4*cx+4 : 4*cx+4]
						acc[cx] = acc[cx] + b[0] + b[1] + b[2] + b[3]
					}
				default:
					for cx := range full {
						s := acc[cx]
						for _, v := range row[cx*f : cx*f+f] {
							if nonNeg {
								v = max(v, 0)
							}
							s += v
						}
						acc[cx] = s
					}
				}
				for x := full * f; x < w; x++ {
					v := row[x]
					if nonNeg {
						v = max(v, 0)
					}
					acc[x/f] += v
				}
			}
			for cx := range cw {
				n := float32(ys * (min(cx*f+f, w) - cx*f))
				out[cy*cw+cx] = acc[cx] / n
			}
		}
	})
	return out
}
