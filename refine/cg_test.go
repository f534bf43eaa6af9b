package refine

import (
	"errors"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// csrOp is a test operator: a sparse symmetric matrix with a Jacobi
// preconditioner.
type csrOp struct {
	n    int
	rows [][]int
	vals [][]float64
}

func (a *csrOp) size() int { return a.n }

func (a *csrOp) mulRange(dst, x []float64, k0, k1 int) (dot float64) {
	for i := k0; i < k1; i++ {
		var s float64
		for j, c := range a.rows[i] {
			s += a.vals[i][j] * x[c]
		}
		dst[i] = s
		dot += s * x[i]
	}
	return dot
}

func (a *csrOp) preparer() func([]float64) { return nil }

func (a *csrOp) precondRange(z, r []float64, k0, k1 int) {
	for i := k0; i < k1; i++ {
		d := 1.0
		for j, c := range a.rows[i] {
			if c == i {
				d = a.vals[i][j]
			}
		}
		z[i] = r[i] / d
	}
}

func (a *csrOp) set(i, j int, v float64) {
	a.rows[i] = append(a.rows[i], j)
	a.vals[i] = append(a.vals[i], v)
}

func newCSR(n int) *csrOp {
	return &csrOp{n: n, rows: make([][]int, n), vals: make([][]float64, n)}
}

// poisson1D is the n×n matrix tridiag(−1, 2, −1).
func poisson1D(n int) *csrOp {
	a := newCSR(n)
	for i := range n {
		if i > 0 {
			a.set(i, i-1, -1)
		}
		a.set(i, i, 2)
		if i+1 < n {
			a.set(i, i+1, -1)
		}
	}
	return a
}

// poisson2D is the 5-point Laplacian on a k×k grid with Dirichlet borders.
func poisson2D(k int) *csrOp {
	a := newCSR(k * k)
	for y := range k {
		for x := range k {
			i := y*k + x
			a.set(i, i, 4)
			if x > 0 {
				a.set(i, i-1, -1)
			}
			if x+1 < k {
				a.set(i, i+1, -1)
			}
			if y > 0 {
				a.set(i, i-k, -1)
			}
			if y+1 < k {
				a.set(i, i+k, -1)
			}
		}
	}
	return a
}

// randomSPD returns a dense random SPD matrix MᵀM + n·I from a fixed seed.
func randomSPD(n int, seed int64) *csrOp {
	rnd := rand.New(rand.NewSource(seed))
	m := make([]float64, n*n)
	for i := range m {
		m[i] = rnd.NormFloat64()
	}
	a := newCSR(n)
	for i := range n {
		for j := range n {
			var s float64
			for k := range n {
				s += m[k*n+i] * m[k*n+j]
			}
			if i == j {
				s += float64(n)
			}
			a.set(i, j, s)
		}
	}
	return a
}

func TestConjugateGradientKnownSolutions(t *testing.T) {
	for name, tc := range map[string]struct {
		a   *csrOp
		tol float64
	}{
		"poisson1D 100":   {poisson1D(100), 1e-10},
		"poisson2D 40x40": {poisson2D(40), 1e-10},
		"random SPD 60":   {randomSPD(60, 1), 1e-12},
		"poisson2D 100":   {poisson2D(100), 1e-9},
	} {
		t.Run(name, func(t *testing.T) {
			n := tc.a.n
			rnd := rand.New(rand.NewSource(2))
			want := make([]float64, n+1)
			for i := range n {
				want[i] = rnd.Float64()*2 - 1
			}
			b := make([]float64, n+1)
			tc.a.mulRange(b, want, 0, n)
			bCopy := slices.Clone(b)
			x := make([]float64, n+1)
			res, err := conjugateGradient(tc.a, b, x, cgSettings{maxIter: 10 * n, tol: tc.tol})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(b, bCopy) {
				t.Error("b was modified")
			}
			if x[n] != 0 {
				t.Errorf("padding entry x[n] = %v, want 0", x[n])
			}
			var num, den float64
			for i := range n {
				num += (x[i] - want[i]) * (x[i] - want[i])
				den += want[i] * want[i]
			}
			// The error is bounded by the condition number times the
			// residual; 1e-5 leaves room for the 2-D Poisson's ~4e3.
			if rel := math.Sqrt(num / den); rel > 1e-5 {
				t.Errorf("relative error %.3g after %d iterations (residual %.3g)", rel, res.iterations, res.residual)
			}
			if res.iterations > 10*n || res.residual > tc.tol {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestConjugateGradientFailures(t *testing.T) {
	a := poisson2D(30)
	n := a.n
	b := make([]float64, n+1)
	for i := range n {
		b[i] = 1
	}
	x := make([]float64, n+1)
	_, err := conjugateGradient(a, b, x, cgSettings{maxIter: 5, tol: 1e-12})
	var se *SolveError
	if !errors.As(err, &se) || se.Reason != "iteration limit" || se.Iterations != 5 {
		t.Errorf("iteration limit: err = %v", err)
	}
	// An indefinite matrix breaks the method down.
	ind := newCSR(2)
	ind.set(0, 0, 1)
	ind.set(1, 1, -1)
	x = make([]float64, 3)
	_, err = conjugateGradient(ind, []float64{0, 1, 0}, x, cgSettings{maxIter: 10, tol: 1e-12})
	if !errors.As(err, &se) || se.Reason != "breakdown" {
		t.Errorf("indefinite: err = %v", err)
	}
	// The hook's error stops the run.
	stop := errors.New("stop")
	x = make([]float64, n+1)
	_, err = conjugateGradient(a, b, x, cgSettings{maxIter: 100, tol: 1e-12, iterHook: func(it int, _ float64) error {
		if it == 2 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) {
		t.Errorf("hook: err = %v", err)
	}
}

// TestLaplacianMatchesDense builds the matting Laplacian of a tiny random
// image densely from its definition and compares it with the assembled
// rows, the right-hand side and the diagonal.
func TestLaplacianMatchesDense(t *testing.T) {
	const w, h, eps = 7, 6, 1e-3
	rnd := rand.New(rand.NewSource(3))
	im := &rgb{W: w, H: h, Pix: make([]float32, 3*w*h)}
	for i := range im.Pix {
		im.Pix[i] = rnd.Float32()
	}
	n := w * h
	dense := make([]float64, n*n)
	for cy := 1; cy < h-1; cy++ {
		for cx := 1; cx < w-1; cx++ {
			var win []int
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					win = append(win, (cy+dy)*w+cx+dx)
				}
			}
			var mu [3]float64
			for _, p := range win {
				for c := range 3 {
					mu[c] += float64(im.Pix[3*p+c]) / 9
				}
			}
			var cov [3][3]float64
			for _, p := range win {
				for a := range 3 {
					for b := range 3 {
						cov[a][b] += (float64(im.Pix[3*p+a]) - mu[a]) * (float64(im.Pix[3*p+b]) - mu[b]) / 9
					}
				}
			}
			for a := range 3 {
				cov[a][a] += eps / 9
			}
			inv := invert3(cov)
			for _, i := range win {
				for _, j := range win {
					var q float64
					for a := range 3 {
						for b := range 3 {
							q += (float64(im.Pix[3*i+a]) - mu[a]) * inv[a][b] * (float64(im.Pix[3*j+b]) - mu[b])
						}
					}
					v := -(1 + q) / 9
					if i == j {
						v++
					}
					dense[i*n+j] += v
				}
			}
		}
	}
	unknown := make([]bool, n)
	known := make([]float32, n)
	var idx []int32
	for i := range unknown {
		switch rnd.Intn(3) {
		case 0:
			unknown[i] = true
			idx = append(idx, int32(i))
		case 1:
			known[i] = 1
		}
	}
	s := newSystem(im, idx, known, eps)
	full := make([]float64, n*n)
	for k, p := range s.idx {
		for slot := range stencil {
			if c := s.col[k*stencil+slot]; c != int32(s.n) {
				full[int(p)*n+int(s.idx[c])] = float64(s.val[k*stencil+slot])
			}
		}
		var rhs float64
		for j := range n {
			if !unknown[j] {
				rhs -= dense[int(p)*n+j] * float64(known[j])
			}
		}
		if math.Abs(rhs-s.b[k]) > 1e-6*(1+math.Abs(rhs)) {
			t.Errorf("b[%d] = %v, want %v", k, s.b[k], rhs)
		}
		if d := 1 / s.invDiag[k]; math.Abs(d-dense[int(p)*n+int(p)]) > 1e-5*(1+math.Abs(d)) {
			t.Errorf("diag[%d] = %v, want %v", k, d, dense[int(p)*n+int(p)])
		}
	}
	for _, p := range s.idx {
		for _, q := range s.idx {
			want := dense[int(p)*n+int(q)]
			got := full[int(p)*n+int(q)]
			if math.Abs(got-want) > 1e-5*(1+math.Abs(want)) { // entries are stored as float32
				t.Errorf("L[%d][%d] = %v, want %v", p, q, got, want)
			}
			if math.Abs(dense[int(p)*n+int(q)]-dense[int(q)*n+int(p)]) > 1e-9 {
				t.Fatalf("dense reference not symmetric at %d,%d", p, q)
			}
		}
	}
}

func invert3(a [3][3]float64) [3][3]float64 {
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	var r [3][3]float64
	for i := range 3 {
		for j := range 3 {
			// Cofactor of (j, i) over det.
			r1, r2 := [2]int{(j + 1) % 3, (j + 2) % 3}, [2]int{(i + 1) % 3, (i + 2) % 3}
			r[i][j] = (a[r1[0]][r2[0]]*a[r1[1]][r2[1]] - a[r1[0]][r2[1]]*a[r1[1]][r2[0]]) / det
		}
	}
	return r
}
