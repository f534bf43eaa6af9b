package refine

import (
	"math"

	"cutout/refine/parallel"
)

// Edge controls: what an editor applies to a finished matte when the
// person asks for a tighter or looser, harder or softer edge (the "shift
// edge" and "feather" of Photoshop's Select and Mask). Both are pure pixel
// operations on the matte, linear in its size whatever the radius, with
// rows (and strips of columns) split across cores.

// edgeStrip is how many columns a vertical pass handles together, so that
// it walks the matte row by row (cache-friendly) with a small buffer.
const edgeStrip = 64

// ShiftEdge moves the edge of a matte by px pixels: outwards (the subject
// grows) for px > 0, inwards for px < 0. It is grey-level morphology with
// a square window of side 2r+1, r = round(|px|): dilation (the maximum
// over the window) to expand, erosion (the minimum) to contract. Soft
// edges such as hair keep their gradation and only move. Outside the
// photo counts as background when expanding and as foreground when
// contracting, so a subject cut by the frame keeps touching it. The
// maximum over a window costs three comparisons per pixel whatever r (van
// Herk, Pattern Recognition Letters 1992; Gil and Werman, PAMI 1993).
//
// It returns a new matte; m is not modified. r = 0 returns a copy.
func ShiftEdge(m *Matte, px float64) *Matte {
	r := int(math.Round(math.Abs(px)))
	out := m.Clone()
	if r == 0 || m.W == 0 || m.H == 0 {
		return out
	}
	// Erosion is the complement of the dilation of the complement:
	// min(v) = 1 − max(1 − v).
	erode := px < 0
	if erode {
		complement(out)
	}
	maxFilterRows(out, r)
	maxFilterColumns(out, r)
	if erode {
		complement(out)
	}
	return out
}

// complement replaces every value v of m by 1 − v.
func complement(m *Matte) {
	parallel.Rows(m.H, func(y0, y1 int) {
		for i := y0 * m.W; i < y1*m.W; i++ {
			m.Pix[i] = 1 - m.Pix[i]
		}
	})
}

// slidingMax writes into dst[i] the maximum of src[i−r … i+r], values
// outside src counting as 0. a, g and hs are scratch of len(src)+2r.
func slidingMax(dst, src []float32, r int, a, g, hs []float32) {
	n, k := len(src), 2*r+1
	clear(a[:r])
	copy(a[r:], src)
	clear(a[r+n:])
	// g[j]: maximum from the start of j's block of k up to j;
	// hs[j]: maximum from j to the end of its block. A window [i, i+2r]
	// spans at most two blocks, so max = max(hs[i], g[i+2r]).
	for j := range a {
		if j%k == 0 {
			g[j] = a[j]
		} else {
			g[j] = max(g[j-1], a[j])
		}
	}
	for j := len(a) - 1; j >= 0; j-- {
		if j == len(a)-1 || (j+1)%k == 0 {
			hs[j] = a[j]
		} else {
			hs[j] = max(hs[j+1], a[j])
		}
	}
	for i := range dst[:n] {
		dst[i] = max(hs[i], g[i+2*r])
	}
}

// maxFilterRows replaces each row of m by its sliding maximum.
func maxFilterRows(m *Matte, r int) {
	w := m.W
	parallel.Rows(m.H, func(y0, y1 int) {
		a, g, hs := make([]float32, w+2*r), make([]float32, w+2*r), make([]float32, w+2*r)
		row := make([]float32, w)
		for y := y0; y < y1; y++ {
			line := m.Pix[y*w : (y+1)*w]
			copy(row, line)
			slidingMax(line, row, r, a, g, hs)
		}
	})
}

// maxFilterColumns replaces each column of m by its sliding maximum. It
// works on strips of edgeStrip columns, walking rows in order: the same
// recurrences as slidingMax, one lane per column.
func maxFilterColumns(m *Matte, r int) {
	w, h, k := m.W, m.H, 2*r+1
	strips := (w + edgeStrip - 1) / edgeStrip
	n := h + 2*r // padded length
	parallel.Rows(strips, func(s0, s1 int) {
		g := make([]float32, n*edgeStrip)
		hs := make([]float32, n*edgeStrip)
		zero := make([]float32, edgeStrip)
		for s := s0; s < s1; s++ {
			x0 := s * edgeStrip
			sw := min(edgeStrip, w-x0)
			// row(j) is padded row j of the strip: 0 outside the matte.
			row := func(j int) []float32 {
				if y := j - r; y >= 0 && y < h {
					return m.Pix[y*w+x0 : y*w+x0+sw]
				}
				return zero[:sw]
			}
			for j := 0; j < n; j++ {
				gj, a := g[j*edgeStrip:j*edgeStrip+sw], row(j)
				if j%k == 0 {
					copy(gj, a)
					continue
				}
				gp := g[(j-1)*edgeStrip:]
				for c := range gj {
					gj[c] = max(gp[c], a[c])
				}
			}
			for j := n - 1; j >= 0; j-- {
				hj, a := hs[j*edgeStrip:j*edgeStrip+sw], row(j)
				if j == n-1 || (j+1)%k == 0 {
					copy(hj, a)
					continue
				}
				hn := hs[(j+1)*edgeStrip:]
				for c := range hj {
					hj[c] = max(hn[c], a[c])
				}
			}
			for y := 0; y < h; y++ {
				out := m.Pix[y*w+x0 : y*w+x0+sw]
				hy, gy := hs[y*edgeStrip:], g[(y+2*r)*edgeStrip:]
				for c := range out {
					out[c] = max(hy[c], gy[c])
				}
			}
		}
	})
}

// Feather softens a matte's edges with an approximately Gaussian blur of
// standard deviation sigma pixels: three box blurs in each direction,
// whose widths are chosen so that their variances add up to sigma²
// (Kovesi, "Fast Almost-Gaussian Filtering", DICTA 2010). Pixels beyond
// the border repeat the border, so a subject cut by the frame stays
// opaque there. Each box costs two additions per pixel whatever its width.
//
// It returns a new matte; m is not modified. sigma ≤ 0 returns a copy,
// and so does a sigma below about 0.8, which three odd-width boxes
// cannot approximate.
func Feather(m *Matte, sigma float64) *Matte {
	out := m.Clone()
	if !(sigma > 0) || m.W == 0 || m.H == 0 {
		return out
	}
	for _, r := range boxRadii(sigma) {
		if r == 0 {
			continue
		}
		boxRows(out, r)
		boxColumns(out, r)
	}
	return out
}

// boxRadii returns the radii of three box filters whose successive
// application approximates a Gaussian of deviation sigma. A box of width
// w = 2r+1 has variance (w²−1)/12; with m boxes of width wl and 3−m of
// width wl+2 the variances sum to sigma² (Kovesi 2010, eq. 2-3).
func boxRadii(sigma float64) [3]int {
	const n = 3
	wIdeal := math.Sqrt(12*sigma*sigma/n + 1)
	wl := int(math.Floor(wIdeal))
	if wl%2 == 0 {
		wl--
	}
	wu := wl + 2
	m := int(math.Round((12*sigma*sigma - n*float64(wl*wl) - 4*n*float64(wl) - 3*n) / float64(-4*wl-4)))
	var r [3]int
	for i := range r {
		w := wu
		if i < m {
			w = wl
		}
		r[i] = (w - 1) / 2
	}
	return r
}

// boxRows replaces each row by its mean over [x−r, x+r], the border
// repeated beyond the ends.
func boxRows(m *Matte, r int) {
	w := m.W
	inv := 1 / float32(2*r+1)
	parallel.Rows(m.H, func(y0, y1 int) {
		row := make([]float32, w)
		for y := y0; y < y1; y++ {
			line := m.Pix[y*w : (y+1)*w]
			copy(row, line)
			// Running sum over the window: add the pixel entering on the
			// right, drop the one leaving on the left (clamped indices
			// repeat the border).
			var s float32
			for x := -r; x <= r; x++ {
				s += row[min(max(x, 0), w-1)]
			}
			for x := range line {
				line[x] = s * inv
				s += row[min(x+r+1, w-1)] - row[max(x-r, 0)]
			}
		}
	})
}

// boxColumns replaces each column by its mean over [y−r, y+r], the border
// repeated beyond the ends, a strip of columns at a time in row order.
func boxColumns(m *Matte, r int) {
	w, h := m.W, m.H
	inv := 1 / float32(2*r+1)
	strips := (w + edgeStrip - 1) / edgeStrip
	parallel.Rows(strips, func(s0, s1 int) {
		sum := make([]float32, edgeStrip)
		col := make([]float32, h*edgeStrip) // the strip's input, row-major
		for s := s0; s < s1; s++ {
			x0 := s * edgeStrip
			sw := min(edgeStrip, w-x0)
			for y := 0; y < h; y++ {
				copy(col[y*edgeStrip:y*edgeStrip+sw], m.Pix[y*w+x0:y*w+x0+sw])
			}
			at := func(y int) []float32 {
				y = min(max(y, 0), h-1)
				return col[y*edgeStrip : y*edgeStrip+sw]
			}
			clear(sum)
			for y := -r; y <= r; y++ {
				for c, v := range at(y) {
					sum[c] += v
				}
			}
			for y := 0; y < h; y++ {
				out := m.Pix[y*w+x0 : y*w+x0+sw]
				in, gone := at(y+r+1), at(y-r)
				for c := range out {
					// The running sum drifts by float rounding; keep [0,1].
					out[c] = min(max(sum[c]*inv, 0), 1)
					sum[c] += in[c] - gone[c]
				}
			}
		}
	})
}
