package refine

import (
	"context"
	"math"
	"math/rand"
	"runtime"
	"slices"
	"testing"
	"time"
)

// randomSystem returns the matting system of a w×h image of random
// colours whose pixels are unknown with probability p (otherwise 0 or
// 1), with a random data term.
func randomSystem(w, h int, p float64, seed int64) *system {
	rnd := rand.New(rand.NewSource(seed))
	im := &rgb{W: w, H: h, Pix: make([]float32, 3*w*h)}
	for i := range im.Pix {
		im.Pix[i] = rnd.Float32()
	}
	known := make([]float32, w*h)
	prior := make([]float32, w*h)
	weight := make([]float32, w*h)
	var idx []int32
	for i := range known {
		if rnd.Float64() < p {
			idx = append(idx, int32(i))
		} else if rnd.Intn(2) == 0 {
			known[i] = 1
		}
		prior[i], weight[i] = rnd.Float32(), 0.01*rnd.Float32()
	}
	s := newSystem(im, idx, known, 1e-4)
	s.addPrior(prior, weight)
	return s
}

// TestMultilevelGalerkinDiagonals: every level groups exactly the
// unknowns whose pixels share a cell of 2^l pixels, the last level holds
// them all, and its diagonal is θ over Σ A_ij over the cell's pairs,
// summed here straight from the rows.
func TestMultilevelGalerkinDiagonals(t *testing.T) {
	for name, tc := range map[string]struct {
		w, h int
		p    float64
	}{
		"dense 37x29":  {37, 29, 0.8},
		"sparse 64x17": {64, 17, 0.3},
		"one row":      {50, 1, 0.9},
		"one unknown":  {9, 9, 0.02},
	} {
		t.Run(name, func(t *testing.T) {
			s := randomSystem(tc.w, tc.h, tc.p, 7)
			if s.n == 0 {
				t.Skip("no unknowns drawn")
			}
			m := newMultilevel(s, tc.w)
			if s.n > 1 && len(m.levels) == 0 {
				t.Fatal("no levels")
			}
			if l := len(m.levels); l > 0 && len(m.levels[l-1].inv) != 1 {
				t.Fatalf("the last level has %d aggregates, want 1", len(m.levels[l-1].inv))
			}
			// agg[l][k]: unknown k's aggregate at level l+1, by the parents.
			agg := make([][]int32, len(m.levels))
			for l, lv := range m.levels {
				agg[l] = make([]int32, s.n)
				for k := range s.n {
					below := int32(k)
					if l > 0 {
						below = agg[l-1][k]
					}
					agg[l][k] = lv.parent[below]
				}
			}
			cell := func(k, l int) [2]int {
				p := int(s.idx[k])
				return [2]int{(p % tc.w) >> (l + 1), (p / tc.w) >> (l + 1)}
			}
			for l, lv := range m.levels {
				d := make([]float64, len(lv.inv))
				for k := range s.n {
					for slot := range stencil {
						c := s.col[k*stencil+slot]
						if int(c) == s.n {
							continue
						}
						same := cell(k, l) == cell(int(c), l)
						if same != (agg[l][k] == agg[l][c]) {
							t.Fatalf("level %d: unknowns %d and %d share a cell: %v, an aggregate: %v", l+1, k, c, same, !same)
						}
						if same {
							d[agg[l][k]] += float64(s.val[k*stencil+slot])
						}
					}
				}
				for j, v := range d {
					want := multilevelWeight / v
					if got := lv.inv[j]; math.Abs(got-want) > 1e-9*math.Abs(want) {
						t.Fatalf("level %d aggregate %d: θ/D = %v, want %v", l+1, j, got, want)
					}
				}
			}
		})
	}
}

// TestMultilevelSymmetricPositive: the preconditioner conjugate gradients
// get is symmetric and positive definite: u·M⁻¹v = v·M⁻¹u and u·M⁻¹u > 0
// for random vectors.
func TestMultilevelSymmetricPositive(t *testing.T) {
	s := randomSystem(41, 33, 0.7, 11)
	s.ml = newMultilevel(s, 41)
	apply := func(r []float64) []float64 {
		z := make([]float64, s.n+1)
		s.preparer()(r)
		s.precondRange(z, r, 0, s.n)
		return z
	}
	dot := func(a, b []float64) float64 {
		var v float64
		for k := range s.n {
			v += a[k] * b[k]
		}
		return v
	}
	rnd := rand.New(rand.NewSource(5))
	random := func() []float64 {
		v := make([]float64, s.n+1)
		for k := range s.n {
			v[k] = rnd.NormFloat64()
		}
		return v
	}
	jacobi := &system{n: s.n, invDiag: s.invDiag}
	for range 20 {
		u, v := random(), random()
		uv, vu := dot(u, apply(v)), dot(v, apply(u))
		if math.Abs(uv-vu) > 1e-10*(math.Abs(uv)+math.Abs(vu)) {
			t.Fatalf("u·M⁻¹v = %v but v·M⁻¹u = %v", uv, vu)
		}
		// The coarse levels only add: u·M⁻¹u is above Jacobi's u·D⁻¹u.
		z := make([]float64, s.n+1)
		jacobi.precondRange(z, u, 0, s.n)
		if uu, ju := dot(u, apply(u)), dot(u, z); !(uu > ju) || !(ju > 0) {
			t.Fatalf("u·M⁻¹u = %v, u·D⁻¹u = %v", uu, ju)
		}
	}
}

// TestMultilevelFewerIterations: a solve at half size of a real hair
// portrait, with its own trimap, takes far fewer iterations with the
// coarse levels than with Jacobi alone, and stops closer to the solution
// solved to a relative residual of 1e-7.
func TestMultilevelFewerIterations(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation-set matting skipped in short mode")
	}
	c := loadGT(t)[0]
	o := (&Options{}).resolve()
	var idx []int32
	solve := func(multilevel bool, tol float64) ([]float32, int) {
		full := newLevel(&rgb{W: c.tri.W, H: c.tri.H}, c.tri.Pix, o)
		l := full.down(downNRGBA(c.img, 2), 2)
		o.multilevel, o.Tolerance = multilevel, tol
		st := Stats{Durations: map[string]time.Duration{}}
		if err := solveLevels(context.Background(), l, o, &reporter{}, &st, 0, 1); err != nil {
			t.Fatal(err)
		}
		idx = l.idx
		return l.known, st.Iterations
	}
	jacobi, jit := solve(false, DefaultTolerance)
	multi, mit := solve(true, DefaultTolerance)
	exact, _ := solve(true, 1e-7)
	// dist is the mean |α − exact| over the unknowns.
	dist := func(a []float32) float64 {
		var sum float64
		for _, p := range idx {
			sum += math.Abs(float64(a[p] - exact[p]))
		}
		return sum / float64(len(idx))
	}
	dj, dm := dist(jacobi), dist(multi)
	t.Logf("%d unknowns: %d iterations with Jacobi alone, %d with the coarse levels; mean distance from the converged alpha %.4f and %.4f", len(idx), jit, mit, dj, dm)
	if float64(mit) > 0.75*float64(jit) {
		t.Errorf("%d iterations with the coarse levels, %d without", mit, jit)
	}
	if dm > dj {
		t.Errorf("the coarse levels stop farther from the converged alpha: %.4f against %.4f", dm, dj)
	}
}

// TestMultilevelDeterministic: a solve at reduced scale, where the
// coarse levels precondition, gives the same alpha on one core and four.
func TestMultilevelDeterministic(t *testing.T) {
	s := newSynthetic(400, 300)
	opt := &Options{MaxSolvePixels: 4000}
	run := func(procs int) (*Matte, Stats) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, st, err := SolveAlpha(context.Background(), s.img, s.tri, opt)
		if err != nil {
			t.Fatal(err)
		}
		return m, st
	}
	a, st := run(1)
	b, _ := run(4)
	if st.Scale < 2 {
		t.Fatalf("solved at scale %d, want a reduced solve", st.Scale)
	}
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("results differ between GOMAXPROCS 1 and 4")
	}
}
