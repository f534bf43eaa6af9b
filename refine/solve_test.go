package refine

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
)

func TestSolveAlphaSynthetic(t *testing.T) {
	s := newSynthetic(160, 120)
	imgBefore := slices.Clone(s.img.Pix)
	triBefore := slices.Clone(s.tri.Pix)
	for name, tc := range map[string]struct {
		opt *Options
		// maxSAD is the bound on the whole-image SAD. The unknown band
		// holds about 5,000 pixels; the bound allows a mean error of
		// about 0.02 there.
		maxSAD float64
	}{
		"defaults":        {nil, 0.1},
		"reduced":         {&Options{MaxSolvePixels: 1500}, 0.2},
		"no snapping":     {&Options{Snap: -1}, 0.1},
		"loose tolerance": {&Options{Tolerance: 1e-2}, 0.4},
	} {
		t.Run(name, func(t *testing.T) {
			m, st, err := SolveAlpha(context.Background(), s.img, s.tri, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := sadOf(m, s.alpha)
			t.Logf("SAD %.4f, %d unknowns, %d iterations, scale %d", got, st.Unknowns, st.Iterations, st.Scale)
			if got > tc.maxSAD {
				t.Errorf("SAD %.4f > %.4f", got, tc.maxSAD)
			}
			for i, l := range s.tri.Pix {
				if l == Foreground && m.Pix[i] != 1 || l == Background && m.Pix[i] != 0 {
					t.Fatalf("known pixel %d changed: label %d alpha %v", i, l, m.Pix[i])
				}
				if v := m.Pix[i]; !(v >= 0 && v <= 1) {
					t.Fatalf("alpha %v out of [0,1] at %d", v, i)
				}
			}
		})
	}
	if !slices.Equal(imgBefore, s.img.Pix) || !slices.Equal(triBefore, s.tri.Pix) {
		t.Error("inputs were modified")
	}
}

// TestSolveAlphaDeterministic checks that results do not depend on the
// number of cores: reductions are per fixed chunk, summed in order.
func TestSolveAlphaDeterministic(t *testing.T) {
	s := newSynthetic(200, 150)
	run := func(procs int) *Matte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, _, err := SolveAlpha(context.Background(), s.img, s.tri, nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := run(1), run(4)
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("results differ between GOMAXPROCS 1 and 4")
	}
}

func TestSolveAlphaCancel(t *testing.T) {
	s := newSynthetic(160, 120)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := SolveAlpha(ctx, s.img, s.tri, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("SolveAlpha: err = %v, want context.Canceled", err)
	}
	if _, err := Refine(ctx, s.img, s.tri, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Refine: err = %v, want context.Canceled", err)
	}
	// Cancelled mid-solve, from the progress callback.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, _, err := SolveAlpha(ctx, s.img, s.tri, &Options{Tolerance: 1e-12, Progress: func(p Progress) {
		calls++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("mid-solve: err = %v, want context.Canceled", err)
	}
	if calls == 0 {
		t.Error("progress never reported")
	}
}

func TestSolveAlphaIterationLimit(t *testing.T) {
	s := newSynthetic(160, 120)
	m, st, err := SolveAlpha(context.Background(), s.img, s.tri, &Options{MaxIterations: 3, Tolerance: 1e-12})
	if err != nil {
		t.Fatalf("err = %v, want nil: the iteration limit is reported in Stats", err)
	}
	if st.Converged || st.Iterations != 3 || !(st.Residual > 1e-12) {
		t.Errorf("stats %+v, want not converged after 3 iterations", st)
	}
	if m == nil || len(m.Pix) != len(s.alpha.Pix) {
		t.Fatal("no matte returned")
	}
	_, st, err = SolveAlpha(context.Background(), s.img, s.tri, nil)
	if err != nil || !st.Converged {
		t.Errorf("defaults: err %v, stats %+v", err, st)
	}
}

// TestProgressMonotonic: Fraction never goes back within one call, even
// when every iteration is reported (Options.ProgressInterval < 0, as on a
// slow or loaded machine, or under the race detector, where the 30 Hz
// throttle lets each through):
// the residual of conjugate gradients rises now and then. It covers a
// full-resolution solve, a cascade over levels, a reduced-resolution solve
// and Refine's two stages.
func TestProgressMonotonic(t *testing.T) {
	s := newSynthetic(160, 120)
	big := newSynthetic(300, 220)
	for i := range big.tri.Pix { // mostly unknown: about 50,000 unknowns
		if big.tri.Pix[i] == Background && i%300 > 20 && i%300 < 280 {
			big.tri.Pix[i] = Unknown
		}
	}
	for name, c := range map[string]struct {
		s      *synthetic
		opt    Options
		refine bool
	}{
		"full resolution": {s: s, opt: Options{Tolerance: 1e-6}},
		"cascade":         {s: big, opt: Options{Tolerance: 1e-5, MaxIterations: 100}},
		"reduced":         {s: big, opt: Options{MaxSolvePixels: 20_000}},
		"refine":          {s: s, opt: Options{Tolerance: 1e-6}, refine: true},
	} {
		t.Run(name, func(t *testing.T) {
			var last Progress
			n, backs := 0, 0
			c.opt.ProgressInterval = -1 // every iteration
			c.opt.Progress = func(p Progress) {
				if p.Fraction < last.Fraction {
					backs++
					if backs <= 3 {
						t.Errorf("report %d: fraction went back from %v to %v (%s, iteration %d, residual %.3g)", n, last.Fraction, p.Fraction, p.Stage, p.Iteration, p.Residual)
					}
				}
				if p.Fraction < 0 || p.Fraction > 1 {
					t.Errorf("fraction %v outside [0,1]", p.Fraction)
				}
				last = p
				n++
			}
			var st Stats
			var err error
			if c.refine {
				var res *Result
				res, err = Refine(context.Background(), c.s.img, c.s.tri, &c.opt)
				if res != nil {
					st = res.Stats
				}
			} else {
				_, st, err = SolveAlpha(context.Background(), c.s.img, c.s.tri, &c.opt)
			}
			if err != nil {
				t.Fatal(err)
			}
			if backs > 0 {
				t.Errorf("%d of %d reports went back", backs, n)
			}
			wantStage := "alpha"
			if c.refine {
				wantStage = "foreground"
			}
			if n < 10 || last.Stage != wantStage || last.Fraction != 1 {
				t.Errorf("last progress %+v after %d reports, want %s at 1 after at least 10", last, n, wantStage)
			}
			if !c.refine && last.Iteration != st.Iterations {
				t.Errorf("last report at iteration %d, stats say %d", last.Iteration, st.Iterations)
			}
			if n < st.Iterations {
				t.Errorf("%d reports of %d iterations: with a negative ProgressInterval each is reported", n, st.Iterations)
			}
			t.Logf("%d reports, %d iterations", n, st.Iterations)
		})
	}
}

func TestSolveAlphaEdgeCases(t *testing.T) {
	for name, tc := range map[string]struct {
		w, h  int
		label func(i int) uint8
	}{
		"empty":         {0, 0, nil},
		"all unknown":   {20, 16, func(int) uint8 { return Unknown }},
		"no unknown":    {20, 16, func(i int) uint8 { return []uint8{Foreground, Background}[i%2] }},
		"one pixel":     {1, 1, func(int) uint8 { return Unknown }},
		"single row":    {30, 1, func(i int) uint8 { return []uint8{Background, Unknown, Foreground}[min(i/10, 2)] }},
		"stray labels":  {20, 16, func(i int) uint8 { return uint8(i * 37) }},
		"unknown holes": {24, 24, func(i int) uint8 { return []uint8{Foreground, Unknown, Unknown, Background}[i%4] }},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSynthetic(max(tc.w, 1), max(tc.h, 1))
			img := s.img.SubImage(s.img.Rect.Intersect(imageRect(tc.w, tc.h)))
			tri := NewTrimap(tc.w, tc.h)
			for i := range tri.Pix {
				tri.Pix[i] = tc.label(i)
			}
			res, err := Refine(context.Background(), toNRGBA(img), tri, nil)
			if err != nil && !isSolveError(err) {
				t.Fatal(err)
			}
			for i, v := range res.Alpha.Pix {
				if !(v >= 0 && v <= 1) || math.IsNaN(float64(v)) {
					t.Fatalf("alpha[%d] = %v", i, v)
				}
			}
		})
	}
}

func TestSolveAlphaSizeMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	s := newSynthetic(20, 10)
	SolveAlpha(context.Background(), s.img, NewTrimap(10, 20), nil)
}

// TestSolveAlphaPortraits runs the matting on the alphamatting.com pairs
// with their own trimaps. Measured: 5.08, 10.51, 2.37 (the solver is
// deterministic, so these do not vary from run to run). The bounds are
// PyMatting's closed-form matting on the same inputs (5.66, 11.45, 2.45),
// far below the raw segmentation's SAD (20.1, 25.4, 6.6).
func TestSolveAlphaPortraits(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation-set matting skipped in short mode")
	}
	bounds := map[string]float64{"am-gt03": 5.66, "am-gt08": 11.45, "am-gt15": 2.45}
	for _, c := range loadGT(t) {
		t.Run(c.name, func(t *testing.T) {
			m, st, err := SolveAlpha(context.Background(), c.img, c.tri, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := sadOf(m, c.alpha)
			t.Logf("%s: SAD %.3f (%d unknowns, %d iterations, setup %v, solve %v)", c.name, got, st.Unknowns, st.Iterations, st.Durations["setup"], st.Durations["solve"])
			if got > bounds[c.name] {
				t.Errorf("SAD %.3f > %.3f", got, bounds[c.name])
			}
		})
	}
}

func TestSolveAlphaPrior(t *testing.T) {
	s := newSynthetic(160, 120)
	// Widen the unknown region into the background by 8 pixels, then let
	// a prior that knows the background (the true alpha) or claims
	// foreground everywhere (weight 0: it must change nothing) steer it.
	wide := s.tri.Clone()
	bg := make([]bool, len(wide.Pix))
	for i, l := range wide.Pix {
		bg[i] = l != Background
	}
	near := boxDilate(bg, 160, 120, 8)
	for i := range wide.Pix {
		if near[i] {
			wide.Pix[i] = Unknown
		}
	}
	// The noise-free synthetic gradients converge slowly over a wide band;
	// a few hundred iterations show the difference the prior makes.
	plain, _, err := SolveAlpha(context.Background(), s.img, wide, &Options{MaxIterations: 300})
	if err != nil {
		t.Fatal(err)
	}
	guided, _, err := SolveAlpha(context.Background(), s.img, wide, &Options{Prior: s.alpha, PriorWeight: 0.1, MaxIterations: 300})
	if err != nil {
		t.Fatal(err)
	}
	ones := NewMatte(160, 120)
	for i := range ones.Pix {
		ones.Pix[i] = 1
	}
	same, _, err := SolveAlpha(context.Background(), s.img, wide, &Options{Prior: ones, MaxIterations: 300})
	if err != nil {
		t.Fatal(err)
	}
	sp, sg := sadOf(plain, s.alpha), sadOf(guided, s.alpha)
	t.Logf("wide band: SAD %.4f without prior, %.4f with the true alpha as prior", sp, sg)
	if !(sg < sp) {
		t.Errorf("a true prior did not help: %.4f vs %.4f", sg, sp)
	}
	if !slices.Equal(same.Pix, plain.Pix) {
		t.Error("an all-foreground prior (zero weight everywhere) changed the result")
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic on a prior of the wrong size")
		}
	}()
	SolveAlpha(context.Background(), s.img, s.tri, &Options{Prior: NewMatte(3, 3)})
}

// TestCutSynthetic runs the automatic chain on a synthetic composite
// whose segmentation is simulated (thresholded true alpha, blurred,
// eroded or dilated by up to 3 pixels in random blocks): the guide keeps
// its edges and the result stays within 1.5% of the segmentation's error.
// The chain makes the segmentation's ramp no wider than the photo's edge
// and solves its contour where it runs through doubt (about the strands),
// which on this photo, whose rim is soft over 6 pixels and whose
// segmentation is misplaced by up to 3, costs a little: 1.933 against
// 1.914 (1.909 when the guide kept every edge pixel at the segmentation's
// value).
func TestCutSynthetic(t *testing.T) {
	s := newSynthetic(320, 240)
	seg := simulatedSegmentation(s.alpha, 3, 1)
	raw := sadOf(seg, s.alpha)
	res, err := Cut(context.Background(), s.img, Input{Matte: seg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := sadOf(res.Alpha, s.alpha)
	t.Logf("simulated segmentation SAD %.3f, refined %.3f", raw, got)
	if got > 1.015*raw {
		t.Errorf("refined SAD %.3f is more than 1.5%% above the segmentation's %.3f", got, raw)
	}
}
