package refine

import (
	"cutout/refine/parallel"
)

// stencil is the number of neighbours (including itself) that a pixel is
// coupled to by the 3×3-window matting Laplacian: the 5×5 block around it.
// Slot s of a row holds the neighbour at dx = s%5−2, dy = s/5−2.
const (
	stencil    = 25
	centreSlot = 12
)

// system is the linear system L_uu α_u = b restricted to the unknown
// pixels u, with the known pixels' alphas moved to the right-hand side.
// Rows are stored in ELL form: stencil slots per unknown, column n (an
// always-zero entry of every vector) standing for "no unknown there".
type system struct {
	n       int         // number of unknowns
	idx     []int32     // pixel index of each unknown, increasing
	pos     []int32     // unknown index of each pixel, n for known pixels
	val     []float32   // stencil coefficients per unknown
	col     []int32     // stencil columns per unknown
	b       []float64   // right-hand side, n+1 long, b[n] = 0
	invDiag []float64   // inverse of the diagonal, the preconditioner's first term
	ml      *multilevel // the preconditioner's coarse levels, or nil
}

// windowStats holds, for one 3×3 window, the mean colour and the inverse
// of its regularised covariance (Σ + ε/9·I)⁻¹ as 6 symmetric entries
// (xx, xy, xz, yy, yz, zz).
type windowStats struct {
	mu  [3]float64
	inv [6]float64
}

// computeWindows returns the statistics of the windows centred at every
// pixel that is within one pixel of an unknown pixel and whose window fits
// in the image, stored compactly: at[c] is the index in stats of the
// window centred at pixel c, or −1.
func computeWindows(img *rgb, unknown []bool, eps float64) (stats []windowStats, at []int32) {
	w, h := img.W, img.H
	at = make([]int32, w*h)
	var n int32
	for cy := range h {
		for cx := range w {
			at[cy*w+cx] = -1
			if cx < 1 || cy < 1 || cx >= w-1 || cy >= h-1 {
				continue
			}
			need := false
			for dy := -1; dy <= 1 && !need; dy++ {
				r := (cy+dy)*w + cx
				need = unknown[r-1] || unknown[r] || unknown[r+1]
			}
			if need {
				at[cy*w+cx] = n
				n++
			}
		}
	}
	stats = make([]windowStats, n)
	e := eps / 9
	parallel.Rows(h, func(y0, y1 int) {
		for cy := y0; cy < y1; cy++ {
			for cx := 0; cx < w; cx++ {
				k := at[cy*w+cx]
				if k < 0 {
					continue
				}
				var m moments
				for dy := -1; dy <= 1; dy++ {
					p := 3 * ((cy+dy)*w + cx - 1)
					m.add(img.Pix[p : p+9])
				}
				mu, cov := m.meanCov(e)
				// Kept in float64: with ε = 1e-7 the inverse reaches 9e7 across
				// the colour line of a flat window, so a mean rounded to
				// float32 would put errors of order 1 into L.
				stats[k] = windowStats{mu: mu, inv: invertSym3(cov)}
			}
		}
	})
	return stats, at
}

// newSystem assembles the matting Laplacian rows of the unknown pixels of
// a w×h image: idx lists them in increasing order and known[i] is the
// alpha of every other pixel. The Laplacian is Levin et al.'s
//
//	L_ij = Σ_{k | i,j ∈ w_k} (δ_ij − (1 + (I_i−μ_k)ᵀ(Σ_k + ε/9·I)⁻¹(I_j−μ_k)) / 9)
//
// over the 3×3 windows w_k that fit in the image. Each row is gathered by
// its own pixel, so rows are built in parallel without write conflicts.
func newSystem(img *rgb, idx []int32, known []float32, eps float64) *system {
	w, h := img.W, img.H
	s := &system{pos: make([]int32, w*h), idx: idx}
	unknown := make([]bool, w*h)
	for _, p := range idx {
		unknown[p] = true
	}
	n := len(s.idx)
	s.n = n
	for i := range s.pos {
		s.pos[i] = int32(n)
	}
	for k, i := range s.idx {
		s.pos[i] = int32(k)
	}
	s.val = make([]float32, stencil*n)
	s.col = make([]int32, stencil*n)
	s.b = make([]float64, n+1)
	s.invDiag = make([]float64, n+1)
	stats, at := computeWindows(img, unknown, eps)
	parallel.Bands(n, chunks(n), func(_, k0, k1 int) {
		var row [stencil]float64
		for k := k0; k < k1; k++ {
			p := int(s.idx[k])
			px, py := p%w, p/w
			row = [stencil]float64{}
			ip := img.Pix[3*p : 3*p+3]
			for wy := py - 1; wy <= py+1; wy++ {
				for wx := px - 1; wx <= px+1; wx++ {
					if wx < 0 || wy < 0 || wx >= w || wy >= h || at[wy*w+wx] < 0 {
						continue
					}
					st := &stats[at[wy*w+wx]]
					v0 := float64(ip[0]) - st.mu[0]
					v1 := float64(ip[1]) - st.mu[1]
					v2 := float64(ip[2]) - st.mu[2]
					a := &st.inv
					// u = A(I_i − μ_k)
					u0 := a[0]*v0 + a[1]*v1 + a[2]*v2
					u1 := a[1]*v0 + a[3]*v1 + a[4]*v2
					u2 := a[2]*v0 + a[4]*v1 + a[5]*v2
					for jy := wy - 1; jy <= wy+1; jy++ {
						for jx := wx - 1; jx <= wx+1; jx++ {
							q := 3 * (jy*w + jx)
							d := u0*(float64(img.Pix[q])-st.mu[0]) +
								u1*(float64(img.Pix[q+1])-st.mu[1]) +
								u2*(float64(img.Pix[q+2])-st.mu[2])
							slot := (jy-py+2)*5 + (jx - px + 2)
							row[slot] -= (1 + d) / 9
						}
					}
					row[centreSlot]++
				}
			}
			base := k * stencil
			var rhs float64
			for slot, v := range row {
				if v == 0 {
					s.col[base+slot] = int32(n)
					continue
				}
				jx, jy := px+slot%5-2, py+slot/5-2
				j := jy*w + jx
				if c := s.pos[j]; c != int32(n) {
					s.val[base+slot] = float32(v)
					s.col[base+slot] = c
				} else {
					// Known neighbour: L_uk α_k moves to the right-hand side.
					rhs -= v * float64(known[j])
					s.col[base+slot] = int32(n)
				}
			}
			s.b[k] = rhs
			if d := row[centreSlot]; d > 0 {
				s.invDiag[k] = 1 / float64(float32(d)) // as stored in val
			} else {
				// A pixel in no window (images under 3 pixels wide) has
				// an all-zero row; CG then leaves it at its start value.
				s.invDiag[k] = 0
			}
		}
	})
	return s
}

// chunks returns the number of fixed index ranges that vector loops over n
// unknowns are split into. It depends only on n, not on the number of
// cores, so that reductions summed per chunk in chunk order give the same
// result on every machine.
func chunks(n int) int {
	const maxChunks, minChunk = 16, 4096
	return max(1, min(maxChunks, n/minChunk))
}

// mulRange computes dst[k] = (A x)[k] for k in [k0, k1), A being L_uu
// plus any prior term on its diagonal, and returns Σ dst[k]·x[k] over the
// range, summed in order, so conjugate gradients get pᵀAp from the same
// pass. x must be n+1 long with x[n] == 0. Each stencil row of a row is
// summed on its own and the five sums added last: one running sum makes
// every product wait for the one before, and the five independent chains
// make the product 1.6-2× faster on a 12 MP cut's 134 000 unknowns.
func (s *system) mulRange(dst, x []float64, k0, k1 int) (dot float64) {
	for k := k0; k < k1; k++ {
		v := s.val[k*stencil : k*stencil+stencil : k*stencil+stencil]
		c := s.col[k*stencil : k*stencil+stencil : k*stencil+stencil]
		s0 := float64(v[0])*x[c[0]] + float64(v[1])*x[c[1]] + float64(v[2])*x[c[2]] + float64(v[3])*x[c[3]] + float64(v[4])*x[c[4]]
		s1 := float64(v[5])*x[c[5]] + float64(v[6])*x[c[6]] + float64(v[7])*x[c[7]] + float64(v[8])*x[c[8]] + float64(v[9])*x[c[9]]
		s2 := float64(v[10])*x[c[10]] + float64(v[11])*x[c[11]] + float64(v[12])*x[c[12]] + float64(v[13])*x[c[13]] + float64(v[14])*x[c[14]]
		s3 := float64(v[15])*x[c[15]] + float64(v[16])*x[c[16]] + float64(v[17])*x[c[17]] + float64(v[18])*x[c[18]] + float64(v[19])*x[c[19]]
		s4 := float64(v[20])*x[c[20]] + float64(v[21])*x[c[21]] + float64(v[22])*x[c[22]] + float64(v[23])*x[c[23]] + float64(v[24])*x[c[24]]
		sum := (s0 + s1) + (s2 + s3) + s4
		dst[k] = sum
		dot += sum * x[k]
	}
	return dot
}

func (s *system) size() int { return s.n }

// preparer returns multilevel's prepare, which forms the coarse levels'
// correction of r, or nil for Jacobi alone.
func (s *system) preparer() func(r []float64) {
	if s.ml == nil || len(s.ml.levels) == 0 {
		return nil
	}
	return s.ml.prepare
}

// precondRange applies the preconditioner on [k0, k1): Jacobi, z = D⁻¹r,
// plus the coarse levels' correction that the preparer formed. (A symmetric
// Gauss–Seidel block preconditioner halved the iterations but cost more
// than it saved: its sweeps are sequential.)
func (s *system) precondRange(z, r []float64, k0, k1 int) {
	if s.ml == nil || len(s.ml.levels) == 0 {
		for k := k0; k < k1; k++ {
			z[k] = r[k] * s.invDiag[k]
		}
		return
	}
	lv := &s.ml.levels[0]
	for k := k0; k < k1; k++ {
		z[k] = r[k]*s.invDiag[k] + lv.sum[lv.parent[k]]
	}
}

// mul sets dst = L_uu x (with any data term), in parallel over fixed chunks.
func (s *system) mul(dst, x []float64) {
	parallel.Bands(s.n, chunks(s.n), func(_, k0, k1 int) { s.mulRange(dst, x, k0, k1) })
}

// addPrior adds the data term Σ_k w_k·(α_k − m_k)² over the unknowns, m
// the prior and w its weight (both indexed by pixel; negative weights
// count as 0): w on the diagonal, w·m on the right-hand side.
func (s *system) addPrior(prior, weight []float32) {
	parallel.Bands(s.n, chunks(s.n), func(_, k0, k1 int) {
		for k := k0; k < k1; k++ {
			c := k*stencil + centreSlot
			p := s.idx[k]
			m := float64(clamp01(prior[p]))
			l := float64(max(0, weight[p]))
			s.val[c] += float32(l)
			s.invDiag[k] = 1 / float64(s.val[c])
			s.b[k] += l * m
		}
	})
}

// moments accumulates the colour statistics of a window.
type moments struct {
	n float64
	s [3]float64 // Σ I
	c [6]float64 // Σ IIᵀ as xx, xy, xz, yy, yz, zz
}

// add accumulates the RGB triples in px (a multiple of 3 values).
func (m *moments) add(px []float32) {
	for i := 0; i+2 < len(px); i += 3 {
		r, g, b := float64(px[i]), float64(px[i+1]), float64(px[i+2])
		m.n++
		m.s[0] += r
		m.s[1] += g
		m.s[2] += b
		m.c[0] += r * r
		m.c[1] += r * g
		m.c[2] += r * b
		m.c[3] += g * g
		m.c[4] += g * b
		m.c[5] += b * b
	}
}

// meanCov returns the mean colour and the covariance Σ = E[IIᵀ] − μμᵀ
// plus e on its diagonal.
func (m *moments) meanCov(e float64) (mu [3]float64, cov [6]float64) {
	mu = [3]float64{m.s[0] / m.n, m.s[1] / m.n, m.s[2] / m.n}
	cov = [6]float64{
		m.c[0]/m.n - mu[0]*mu[0] + e, m.c[1]/m.n - mu[0]*mu[1], m.c[2]/m.n - mu[0]*mu[2],
		m.c[3]/m.n - mu[1]*mu[1] + e, m.c[4]/m.n - mu[1]*mu[2],
		m.c[5]/m.n - mu[2]*mu[2] + e,
	}
	return mu, cov
}

// invertSym3 inverts a symmetric 3×3 matrix given as xx, xy, xz, yy, yz,
// zz, by cofactors. A singular matrix gives non-finite entries.
func invertSym3(g [6]float64) [6]float64 {
	a, b, c, d, e, f := g[0], g[1], g[2], g[3], g[4], g[5]
	i0 := d*f - e*e
	i1 := c*e - b*f
	i2 := b*e - c*d
	inv := 1 / (a*i0 + b*i1 + c*i2)
	return [6]float64{i0 * inv, i1 * inv, i2 * inv, (a*f - c*c) * inv, (b*c - a*e) * inv, (a*d - b*b) * inv}
}
