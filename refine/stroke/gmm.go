package stroke

import "math"

// gmm is a Gaussian mixture over RGB colours (8-bit levels), the colour
// model of GrabCut (Rother, Kolmogorov and Blake, SIGGRAPH 2004).
type gmm struct {
	n     int
	w     []float64 // log of each component's weight, less its log normaliser
	mean  [][3]float64
	icov  [][9]float64 // inverse covariances
	empty bool
}

// gmmVariance is added to each component's variance (8-bit levels
// squared), so a component fitted to a flat colour still covers the
// photo's noise.
const gmmVariance = 36

// fitGMM fits up to k components to the colours rgb (3 values a colour):
// the component with the largest spread is split at its mean across its
// principal axis until there are k (Orchard and Bouman's colour
// quantisation, as GrabCut initialises its models), then each component
// is the Gaussian of its colours.
func fitGMM(rgb []float32, k int) *gmm {
	n := len(rgb) / 3
	if n == 0 {
		return &gmm{empty: true}
	}
	label := make([]int, n)
	type stat struct {
		n    float64
		s    [3]float64
		ss   [9]float64
		mean [3]float64
		cov  [9]float64
	}
	stats := func(c int) stat {
		var st stat
		for i, l := range label {
			if l != c {
				continue
			}
			x := rgb[3*i : 3*i+3]
			st.n++
			for a := range 3 {
				st.s[a] += float64(x[a])
				for b := range 3 {
					st.ss[3*a+b] += float64(x[a]) * float64(x[b])
				}
			}
		}
		if st.n == 0 {
			return st
		}
		for a := range 3 {
			st.mean[a] = st.s[a] / st.n
		}
		for a := range 3 {
			for b := range 3 {
				st.cov[3*a+b] = st.ss[3*a+b]/st.n - st.mean[a]*st.mean[b]
			}
		}
		return st
	}
	comps := []stat{stats(0)}
	for len(comps) < k {
		// Split the component whose principal axis holds the most spread.
		best, bestL := -1, 0.0
		var bestE [3]float64
		for c, st := range comps {
			if st.n < 2 {
				continue
			}
			e, l := principal(st.cov)
			if l > bestL {
				best, bestL, bestE = c, l, e
			}
		}
		if best < 0 || bestL < 1 {
			break
		}
		m := comps[best].mean
		next := len(comps)
		for i, l := range label {
			if l != best {
				continue
			}
			x := rgb[3*i : 3*i+3]
			if (float64(x[0])-m[0])*bestE[0]+(float64(x[1])-m[1])*bestE[1]+(float64(x[2])-m[2])*bestE[2] > 0 {
				label[i] = next
			}
		}
		comps[best] = stats(best)
		comps = append(comps, stats(next))
	}
	g := &gmm{}
	for _, st := range comps {
		if st.n == 0 {
			continue
		}
		cov := st.cov
		for a := range 3 {
			cov[4*a] += gmmVariance
		}
		inv, det := invert3(cov)
		g.n++
		g.w = append(g.w, math.Log(st.n/float64(n))-0.5*math.Log(det)-1.5*math.Log(2*math.Pi))
		g.mean = append(g.mean, st.mean)
		g.icov = append(g.icov, inv)
	}
	return g
}

// logLik is the log density of colour c (8-bit levels) under g.
func (g *gmm) logLik(c []float32) float64 {
	best := math.Inf(-1)
	var terms [8]float64
	for i := range g.n {
		m, ic := g.mean[i], g.icov[i]
		d0, d1, d2 := float64(c[0])-m[0], float64(c[1])-m[1], float64(c[2])-m[2]
		q := d0*(ic[0]*d0+ic[1]*d1+ic[2]*d2) + d1*(ic[3]*d0+ic[4]*d1+ic[5]*d2) + d2*(ic[6]*d0+ic[7]*d1+ic[8]*d2)
		t := g.w[i] - 0.5*q
		if i < len(terms) {
			terms[i] = t
		}
		best = max(best, t)
	}
	s := 0.0
	for i := range min(g.n, len(terms)) {
		s += math.Exp(terms[i] - best)
	}
	return best + math.Log(s)
}

// principal returns the unit eigenvector of the symmetric 3×3 matrix m
// with the largest eigenvalue, and that eigenvalue (power iteration).
func principal(m [9]float64) ([3]float64, float64) {
	v := [3]float64{1, 1, 1}
	l := 0.0
	for range 30 {
		u := [3]float64{m[0]*v[0] + m[1]*v[1] + m[2]*v[2], m[3]*v[0] + m[4]*v[1] + m[5]*v[2], m[6]*v[0] + m[7]*v[1] + m[8]*v[2]}
		l = math.Sqrt(u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
		if l == 0 {
			return v, 0
		}
		v = [3]float64{u[0] / l, u[1] / l, u[2] / l}
	}
	return v, l
}

// invert3 returns the inverse and the determinant of the 3×3 matrix m.
func invert3(m [9]float64) ([9]float64, float64) {
	c00 := m[4]*m[8] - m[5]*m[7]
	c01 := m[5]*m[6] - m[3]*m[8]
	c02 := m[3]*m[7] - m[4]*m[6]
	det := m[0]*c00 + m[1]*c01 + m[2]*c02
	inv := 1 / det
	return [9]float64{
		c00 * inv, (m[2]*m[7] - m[1]*m[8]) * inv, (m[1]*m[5] - m[2]*m[4]) * inv,
		c01 * inv, (m[0]*m[8] - m[2]*m[6]) * inv, (m[2]*m[3] - m[0]*m[5]) * inv,
		c02 * inv, (m[1]*m[6] - m[0]*m[7]) * inv, (m[0]*m[4] - m[1]*m[3]) * inv,
	}, det
}
