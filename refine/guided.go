package refine

import (
	"image"
	"math"

	"cutout/refine/parallel"
)

// Guided-filter upsampling (He, Sun and Tang, "Guided Image Filtering",
// PAMI 2013, colour guide; He and Sun, "Fast Guided Filter", 2015): the
// coarse alpha is modelled in each coarse window as a linear function of
// the coarse colours, α ≈ aᵀI + b; the window-averaged coefficients are
// bilinearly upsampled and applied to the full-resolution colours, which
// restores edges finer than the coarse grid.

// guidedCoeffs holds the averaged linear coefficients (a_r, a_g, a_b, b)
// of the guided filter at the coarse pixels where they were asked for:
// at[p] indexes coef (4 values per entry) or is −1.
type guidedCoeffs struct {
	w, h int
	at   []int32
	coef []float32
}

// guidedFilterCoeffs computes the guided-filter coefficients of p guided by
// im with window radius r and regulariser eps, at the pixels marked in
// need (and nowhere else, so the cost follows the band, not the image).
func guidedFilterCoeffs(im *rgb, p []float32, need []bool, r int, eps float64) *guidedCoeffs {
	w, h := im.W, im.H
	// Per-window coefficients are needed at every window centre within r
	// of a needed pixel.
	centres := boxDilate(need, w, h, r)
	at := make([]int32, w*h)
	var nc int32
	for i, c := range centres {
		at[i] = -1
		if c {
			at[i] = nc
			nc++
		}
	}
	ak := make([]float32, 4*nc)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				k := at[y*w+x]
				if k < 0 {
					continue
				}
				var m moments
				var sp float64
				var sip [3]float64
				for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
					x0, x1 := max(0, x-r), min(w-1, x+r)
					m.add(im.Pix[3*(yy*w+x0) : 3*(yy*w+x1+1)])
					for xx := x0; xx <= x1; xx++ {
						q := yy*w + xx
						v := float64(p[q])
						sp += v
						sip[0] += float64(im.Pix[3*q]) * v
						sip[1] += float64(im.Pix[3*q+1]) * v
						sip[2] += float64(im.Pix[3*q+2]) * v
					}
				}
				mu, g := m.meanCov(eps)
				n := m.n
				mp := sp / n
				// cov(I, p) = E[Ip] − μ·E[p]
				cov := [3]float64{sip[0]/n - mu[0]*mp, sip[1]/n - mu[1]*mp, sip[2]/n - mu[2]*mp}
				a, ok := solve3(g, cov)
				if !ok {
					a = [3]float64{}
				}
				b := mp - a[0]*mu[0] - a[1]*mu[1] - a[2]*mu[2]
				ak[4*k], ak[4*k+1], ak[4*k+2], ak[4*k+3] = float32(a[0]), float32(a[1]), float32(a[2]), float32(b)
			}
		}
	})
	// Average the coefficients of the windows covering each needed pixel;
	// pixels that are centres but not needed are dropped from the index.
	out := &guidedCoeffs{w: w, h: h, at: at, coef: make([]float32, 4*nc)}
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				k := at[y*w+x]
				if k < 0 || !need[y*w+x] {
					continue
				}
				var s [4]float32
				var n float32
				for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
					for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
						q := 4 * at[yy*w+xx]
						s[0] += ak[q]
						s[1] += ak[q+1]
						s[2] += ak[q+2]
						s[3] += ak[q+3]
						n++
					}
				}
				copy(out.coef[4*k:4*k+4], []float32{s[0] / n, s[1] / n, s[2] / n, s[3] / n})
			}
		}
	})
	parallel.Rows(h, func(y0, y1 int) {
		for i := y0 * w; i < y1*w; i++ {
			if !need[i] {
				at[i] = -1
			}
		}
	})
	return out
}

// upsample evaluates alpha at the full-resolution pixels listed in idx of
// img (fw×fh) from coarse coefficients, bilinearly interpolated at the
// pixel's position on the coarse grid, and writes them into dst.
func (g *guidedCoeffs) upsample(img *image.NRGBA, fw, fh int, idx []int32, dst []float32) {
	const s = 1.0 / 255
	g.apply(fw, fh, idx, dst, func(x, y int) (float32, float32, float32) {
		src := img.Pix[y*img.Stride+4*x:]
		return float32(src[0]) * s, float32(src[1]) * s, float32(src[2]) * s
	})
}

// upsampleRGB is upsample with a float image as the fine guide.
func (g *guidedCoeffs) upsampleRGB(im *rgb, idx []int32, dst []float32) {
	g.apply(im.W, im.H, idx, dst, func(x, y int) (float32, float32, float32) {
		p := 3 * (y*im.W + x)
		return im.Pix[p], im.Pix[p+1], im.Pix[p+2]
	})
}

func (g *guidedCoeffs) apply(fw, fh int, idx []int32, dst []float32, colour func(x, y int) (float32, float32, float32)) {
	sx := float32(g.w) / float32(fw)
	sy := float32(g.h) / float32(fh)
	cw, ch := g.w, g.h
	parallel.Rows(len(idx), func(k0, k1 int) {
		for k := k0; k < k1; k++ {
			p := int(idx[k])
			x, y := p%fw, p/fw
			fx := max(0, min((float32(x)+0.5)*sx-0.5, float32(cw-1)))
			fy := max(0, min((float32(y)+0.5)*sy-0.5, float32(ch-1)))
			ix, iy := int(fx), int(fy)
			ix1, iy1 := min(ix+1, cw-1), min(iy+1, ch-1)
			tx, ty := fx-float32(ix), fy-float32(iy)
			var c [4]float32
			var wsum float32
			for _, t := range [4]struct {
				i int
				w float32
			}{
				{iy*cw + ix, (1 - tx) * (1 - ty)}, {iy*cw + ix1, tx * (1 - ty)},
				{iy1*cw + ix, (1 - tx) * ty}, {iy1*cw + ix1, tx * ty},
			} {
				e := g.at[t.i]
				if e < 0 || t.w == 0 {
					continue
				}
				for j := range 4 {
					c[j] += t.w * g.coef[4*int(e)+j]
				}
				wsum += t.w
			}
			if wsum == 0 {
				continue
			}
			r, gr, b := colour(x, y)
			v := (c[0]*r + c[1]*gr + c[2]*b + c[3]) / wsum
			dst[p] = clamp01(v)
		}
	})
}

// solve3 solves the symmetric 3×3 system g·y = s (g as xx, xy, xz, yy,
// yz, zz); ok is false when g is singular.
func solve3(g [6]float64, s [3]float64) (y [3]float64, ok bool) {
	i := invertSym3(g)
	y = [3]float64{
		i[0]*s[0] + i[1]*s[1] + i[2]*s[2],
		i[1]*s[0] + i[3]*s[1] + i[4]*s[2],
		i[2]*s[0] + i[4]*s[1] + i[5]*s[2],
	}
	ok = !math.IsInf(y[0], 0) && !math.IsNaN(y[0]) && !math.IsInf(y[1], 0) && !math.IsNaN(y[1]) && !math.IsInf(y[2], 0) && !math.IsNaN(y[2])
	return y, ok
}
