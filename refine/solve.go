package refine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"time"

	"cutout/refine/parallel"
)

// Default solver parameters, used where Options fields are zero.
const (
	// DefaultEpsilon regularises the window covariances of the matting
	// Laplacian (Levin et al. use 1e-7; larger values smooth more).
	DefaultEpsilon = 1e-7
	// DefaultTolerance is the relative residual ‖b−Ax‖/‖b‖ at which the
	// conjugate-gradient solver stops, at every level. Stopping there
	// rather than at full convergence, from the guided coarse-level start,
	// regularises the matte: on the evaluation set it lowers the SAD by
	// 2–9% against solving to 1e-6 (5.08/10.51/2.37 against
	// 5.57/11.40/2.41) and takes a fraction of the time.
	DefaultTolerance = 3e-4
	// DefaultMaxIterations caps conjugate-gradient iterations per level.
	DefaultMaxIterations = 2000
	// DefaultPriorWeight weighs Options.Prior.
	DefaultPriorWeight = 2e-3
	// DefaultSnap is the distance from 0 and 1 within which solved alphas
	// are snapped to 0 and 1: the solver leaves a faint haze where the
	// truth is flat, and snapping it removes error without touching real
	// transparency (measured on the evaluation set).
	DefaultSnap = 0.02
	// DefaultMaxSolvePixels is the largest number of unknowns solved at
	// full resolution; above it the solve runs at reduced resolution and
	// the result is upsampled with a guided filter.
	DefaultMaxSolvePixels = 400_000
)

// Progress describes how far a Refine or SolveAlpha call has come.
type Progress struct {
	Stage     string  // "alpha" or "foreground"
	Iteration int     // conjugate-gradient iterations so far in this stage
	Residual  float64 // latest relative residual of the alpha solve
	Fraction  float64 // rough overall completion in [0,1], never decreasing within one call
}

// Options tunes SolveAlpha, EstimateForeground and Refine. The zero value,
// and a nil pointer, mean the defaults.
type Options struct {
	// Progress, if set, is called on the goroutine that called SolveAlpha,
	// EstimateForeground or Refine, at most once per ProgressInterval and
	// once at the end of each stage. It must be quick; a GUI should hand
	// the value to its UI thread rather than draw from it.
	Progress func(Progress)
	// ProgressInterval is the shortest time between two progress
	// callbacks that are not the end of a stage: 0 means
	// DefaultProgressInterval (about 30 a second), a negative value
	// reports every iteration.
	ProgressInterval time.Duration
	// MaxIterations caps conjugate-gradient iterations per resolution
	// level; 0 means DefaultMaxIterations.
	MaxIterations int
	// Tolerance is the relative residual at which the solver stops; 0
	// means DefaultTolerance.
	Tolerance float64
	// Epsilon regularises the matting Laplacian; 0 means DefaultEpsilon.
	Epsilon float64
	// MaxSolvePixels bounds the unknowns solved at full resolution; 0
	// means DefaultMaxSolvePixels. Larger unknown regions are solved at a
	// reduced scale and upsampled edge-aware.
	MaxSolvePixels int
	// Prior, if set, is the segmentation matte m the trimap came from.
	// Unknown pixels are pulled towards it, by PriorWeights where given
	// (AutoGuide's), else where it says background: the energy gains
	// PriorWeight·Σ(1−m)²(α−m)². Segmentation networks call
	// semi-transparent hair opaque far more often than they miss it, so
	// their background is worth trusting in hair and their foreground is
	// not. It must have the image's size (SolveAlpha panics otherwise).
	Prior *Matte
	// PriorWeight weighs Prior; 0 means DefaultPriorWeight.
	PriorWeight float64
	// PriorWeights, if set with Prior, gives the data term's weight per
	// pixel instead of PriorWeight·(1−m)². On known pixels (Foreground and
	// Background) a negative weight means the pixel's alpha is the prior's
	// value rather than its label's 1 or 0: AutoGuide keeps the model's
	// own edge that way. It must have the image's size.
	PriorWeights *Matte
	// Snap sets solved alphas below Snap to 0 and above 1−Snap to 1; 0
	// means DefaultSnap, a negative value disables snapping.
	Snap float32
}

// resolved is Options with defaults filled in.
type resolved struct {
	Options
	// multilevel preconditions conjugate gradients with the coarse
	// levels of multilevel as well as Jacobi (set for a reduced solve).
	multilevel bool
}

func (o *Options) resolve() resolved {
	var r resolved
	if o != nil {
		r.Options = *o
	}
	if r.MaxIterations <= 0 {
		r.MaxIterations = DefaultMaxIterations
	}
	if !(r.Tolerance > 0) {
		r.Tolerance = DefaultTolerance
	}
	if !(r.Epsilon > 0) {
		r.Epsilon = DefaultEpsilon
	}
	if r.Snap == 0 || r.Snap != r.Snap {
		r.Snap = DefaultSnap
	}
	if !(r.PriorWeight > 0) {
		r.PriorWeight = DefaultPriorWeight
	}
	if r.MaxSolvePixels <= 0 {
		r.MaxSolvePixels = DefaultMaxSolvePixels
	}
	return r
}

// Stats reports what a solve did.
type Stats struct {
	Unknowns   int     // unknown pixels of the trimap
	Solved     int     // unknowns solved at the finest level actually solved
	Scale      int     // 1 at full resolution, k when solved at 1/k and upsampled
	Iterations int     // conjugate-gradient iterations over all levels
	Residual   float64 // final relative residual of the finest level
	// Converged is false when the finest level stopped at MaxIterations
	// before reaching Tolerance. The matte is still usable (the solver
	// stops early on purpose anyway); this is not reported as an error.
	Converged bool
	// Durations holds wall time per stage: "setup", "solve", "upsample",
	// "foreground", and from Refine and Cut "decide" and, for a photo
	// with a JPEG's block grid, "deblock".
	Durations map[string]time.Duration
}

// DefaultProgressInterval is the shortest time between two progress
// callbacks that are not the end of a stage (Options.ProgressInterval).
const DefaultProgressInterval = time.Second / 30

// reporter throttles the progress callbacks of one call (SolveAlpha,
// EstimateForeground or Refine) to about 30 per second, and keeps their
// Fraction from going back: a conjugate-gradient residual does not fall
// monotonically, nor does the estimate of completion made from it.
type reporter struct {
	mu    sync.Mutex
	fn    func(Progress)
	every time.Duration // see Options.ProgressInterval; 0: the default
	last  time.Time
	frac  float64 // highest Fraction reported so far
}

func (r *reporter) report(p Progress, force bool) {
	if r == nil || r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	every := r.every
	if every == 0 {
		every = DefaultProgressInterval
	}
	if !force && now.Sub(r.last) < every {
		return
	}
	r.last = now
	r.frac = max(r.frac, p.Fraction)
	p.Fraction = r.frac
	r.fn(p)
}

// SolveAlpha estimates the alpha matte of img over the Unknown pixels of
// tri; Foreground pixels get alpha 1 and Background pixels 0. It minimises
// the closed-form matting energy αᵀLα of Levin, Lischinski and Weiss
// (PAMI 2008, 3×3 windows) with the known pixels as boundary values, by
// preconditioned conjugate gradients, coarse to fine.
//
// img and tri must have the same size (it panics otherwise). Neither is
// modified. It returns ctx.Err() when ctx is cancelled, and a *SolveError
// (with the last finite matte) if the solver breaks down, which only a
// degenerate system can cause; reaching MaxIterations is not an error (see
// Stats.Converged). opt may be nil. It is safe to call concurrently on
// different inputs.
func SolveAlpha(ctx context.Context, img *image.NRGBA, tri *Trimap, opt *Options) (*Matte, Stats, error) {
	checkSameSize("SolveAlpha", img, tri.W, tri.H)
	o := opt.resolve()
	checkPrior("SolveAlpha", o, tri)
	rep := &reporter{fn: o.Progress, every: o.ProgressInterval}
	return solveAlphaImage(ctx, img, tri, o, rep, 0, 1)
}

// level is one resolution of a matting problem: the image, its labels,
// the alpha of every known pixel, and the optional data term (prior
// target and per-pixel weight).
type level struct {
	im     *rgb
	lab    []uint8
	known  []float32 // alpha of known pixels (label value or Options.Known)
	idx    []int32   // unknown pixels, increasing
	prior  []float32 // data-term target per pixel, or nil
	weight []float32 // data-term weight per pixel, or nil
	init   []float32 // starting alpha per pixel, or nil for the cascade's
}

// newLevel splits labels into known alphas and unknown indices and
// applies the fixed alphas and the data term of o.
func newLevel(im *rgb, lab []uint8, o resolved) *level {
	l := &level{im: im, lab: lab}
	l.known, l.idx = splitLabels(lab)
	if o.Prior != nil {
		l.prior = o.Prior.Pix
		if o.PriorWeights != nil {
			l.weight = o.PriorWeights.Pix
			spans(len(lab), func(i0, i1 int) {
				for i := i0; i < i1; i++ {
					if l.weight[i] < 0 && (lab[i] == Foreground || lab[i] == Background) {
						l.known[i] = clamp01(l.prior[i])
					}
				}
			})
		} else {
			l.weight = make([]float32, len(lab))
			lambda := float32(o.PriorWeight)
			spans(len(lab), func(i0, i1 int) {
				for i := i0; i < i1; i++ {
					m := clamp01(l.prior[i])
					l.weight[i] = lambda * (1 - m) * (1 - m)
				}
			})
		}
	}
	return l
}

// down returns the level reduced by an integer factor f, with cim the
// reduced image: a coarse pixel is known when all its fine pixels carry
// the same known label, and then holds their mean known alpha.
func (l *level) down(cim *rgb, f int) *level {
	w, h := l.im.W, l.im.H
	c := &level{im: cim, lab: downLabels(l.lab, w, h, f)}
	ck := downMatte(l.known, w, h, f)
	c.known, c.idx = splitLabels(c.lab)
	spans(len(c.lab), func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if lb := c.lab[i]; lb == Foreground || lb == Background {
				c.known[i] = ck[i]
			}
		}
	})
	if l.prior != nil {
		c.prior = downMatte(l.prior, w, h, f)
		c.weight = downWeights(l.weight, w, h, f)
	}
	return c
}

// maxFullImage is the largest photo (pixels) whose alpha is solved at full
// resolution: a larger one is solved at the integer fraction of its size
// that brings it to maxFullImage or less (a 12 MP photo at 1/3, 24 MP at
// 1/4) and brought up with the guided filter, which takes its detail from
// the photo at full size. On the hair mattes at their own resolution,
// solving at 1/2 or 1/3 instead of in full changes the SAD by −7% to +3%
// (am-gt03 9.97 / 9.91 / 10.03, am-gt08 15.63 / 16.13 / 16.13, am-gt15
// 4.06 / 3.95 / 3.77, simulated segmentation); enlarged 3× (4.6 MP, all
// now solved at 1/2) the automatic SADs go from 7.06 / 14.72 / 5.06 to
// 7.06 / 14.72 / 4.75. BenchmarkCut12MP takes about 37% less time than
// at the earlier limit of 8 MP, and the float copy of the photo the
// solver works on is never made at full size. Photos up to 2.5 MP (Full
// HD included) keep the full-resolution solve.
const maxFullImage = 2_500_000

// solveAlphaImage solves at full resolution when the unknowns fit in
// MaxSolvePixels and the photo in maxFullImage, and otherwise at 1/f of
// the size with guided-filter upsampling.
func solveAlphaImage(ctx context.Context, img *image.NRGBA, tri *Trimap, o resolved, rep *reporter, f0, f1 float64) (*Matte, Stats, error) {
	full := newLevel(&rgb{W: tri.W, H: tri.H}, tri.Pix, o)
	return solveAlphaAt(ctx, img, full, solveScale(tri.W, tri.H, len(full.idx), o), nil, o, rep, f0, f1)
}

// solveScale returns the factor by which SolveAlpha reduces a w×h photo
// with n unknowns before solving: 1 when the unknowns fit in
// MaxSolvePixels and the photo in maxFullImage.
func solveScale(w, h, n int, o resolved) int {
	f := 1
	if n > o.MaxSolvePixels {
		f = int(math.Ceil(math.Sqrt(float64(n) / float64(o.MaxSolvePixels))))
	}
	if w*h > maxFullImage && n > 0 {
		f = max(f, int(math.Ceil(math.Sqrt(float64(w*h)/maxFullImage))))
	}
	return f
}

// solveAlphaAt solves the full-resolution level full (whose image is
// made here) at 1/f of its size, f ≥ 1. init, if set, is the starting
// alpha of every pixel at full resolution (a previous solution): the
// coarse-to-fine cascade is then skipped.
func solveAlphaAt(ctx context.Context, img *image.NRGBA, full *level, f int, init []float32, o resolved, rep *reporter, f0, f1 float64) (*Matte, Stats, error) {
	w, h := full.im.W, full.im.H
	idx := full.idx
	n := len(idx)
	if f == 1 {
		full.im = toRGB(img)
		full.init = init
		return solveAlpha(ctx, full, o, rep, f0, f1)
	}
	// At reduced scale the solve is preconditioned by multilevel's coarse
	// levels too. On the three hair mattes enlarged 3× and 5× (simulated
	// segmentation, solved at 1/2 and 1/3) the cut's SAD per original
	// pixel goes from 9.98 / 16.31 / 4.13 and 10.57 / 17.28 / 4.31 with
	// Jacobi alone to 9.98 / 16.30 / 4.12 and 10.66 / 17.13 / 4.26, with
	// 40% fewer iterations. At full resolution Jacobi alone is kept: its
	// stop at DefaultTolerance leaves the smooth part of the error where
	// the cascade's coarse guess put it, which the hair mattes at their
	// own size measure as better (their own trimaps: SAD 5.08 / 10.51 /
	// 2.37, against 5.32 / 11.10 / 2.34 with the coarse levels).
	o.multilevel = true
	t0 := time.Now()
	cim := downNRGBA(img, f)
	coarse := full.down(cim, f)
	if init != nil {
		coarse.init = downMatte(init, w, h, f)
	}
	setup := time.Since(t0)
	calpha, st, err := solveAlpha(ctx, coarse, o, rep, f0, f0+(f1-f0)*0.9)
	st.Durations["setup"] += setup
	st.Scale = f
	if err != nil && !isSolveError(err) {
		return nil, st, err
	}
	t0 = time.Now()
	out := &Matte{W: w, H: h, Pix: full.known}
	guidedFrom(cim, coarse.lab, calpha.Pix).upsample(img, w, h, idx, out.Pix)
	spans(len(idx), func(k0, k1 int) {
		for _, p := range idx[k0:k1] {
			out.Pix[p] = snap(out.Pix[p], o.Snap)
		}
	})
	st.Unknowns = n
	st.Durations["upsample"] += time.Since(t0)
	rep.report(Progress{Stage: "alpha", Iteration: st.Iterations, Residual: st.Residual, Fraction: f1}, true)
	return out, st, err
}

// Guided-filter upsampling parameters (coarse-grid radius and
// regulariser), chosen on the evaluation set: see BenchmarkSolveAlphaReduced.
var (
	guidedRadius = 1
	guidedEps    = 1e-5
)

// solveAlpha solves one level; progress fractions are mapped to [f0, f1].
// The level's known alphas become the result: the solve writes its
// unknowns in place.
func solveAlpha(ctx context.Context, l *level, o resolved, rep *reporter, f0, f1 float64) (*Matte, Stats, error) {
	st := Stats{Scale: 1, Durations: map[string]time.Duration{}}
	out := &Matte{W: l.im.W, H: l.im.H, Pix: l.known}
	st.Unknowns = len(l.idx)
	if st.Unknowns == 0 {
		return out, st, ctx.Err()
	}
	err := solveLevels(ctx, l, o, rep, &st, f0, f1)
	for _, p := range l.idx {
		out.Pix[p] = snap(out.Pix[p], o.Snap)
	}
	rep.report(Progress{Stage: "alpha", Iteration: st.Iterations, Residual: st.Residual, Fraction: f1}, true)
	return out, st, err
}

// snap clamps v to [0,1] and moves values within s of either end onto it.
func snap(v, s float32) float32 {
	switch {
	case v < s:
		return 0
	case v > 1-s:
		return 1
	}
	return clamp01(v)
}

func clamp01(v float32) float32 {
	if v > 0 {
		if v < 1 {
			return v
		}
		return 1
	}
	return 0 // also NaN
}

// coarsestUnknowns is the unknown count below which the cascade stops
// halving and solves directly.
const coarsestUnknowns = 20_000

// solveLevels solves level l by a cascade: it first solves on the
// half-size image for an initial guess when the problem is large, then
// runs conjugate gradients at this level. It writes the solved alphas
// into l.known, unless it fails with another error than a *SolveError.
func solveLevels(ctx context.Context, l *level, o resolved, rep *reporter, st *Stats, f0, f1 float64) error {
	im := l.im
	w, h := im.W, im.H
	init := l.init
	if init == nil && len(l.idx) > coarsestUnknowns && w >= 16 && h >= 16 {
		c := l.down(halfRGB(im), 2)
		if err := solveLevels(ctx, c, o, rep, st, f0, f0+(f1-f0)/4); err != nil && !isSolveError(err) {
			return err
		}
		init = make([]float32, w*h)
		guidedFrom(c.im, c.lab, c.known).upsampleRGB(im, l.idx, init)
		f0 += (f1 - f0) / 4
	}
	t0 := time.Now()
	sys := newSystem(im, l.idx, l.known, o.Epsilon)
	if l.prior != nil {
		sys.addPrior(l.prior, l.weight)
	}
	if o.multilevel {
		sys.ml = newMultilevel(sys, w)
	}
	x := make([]float64, sys.n+1)
	for k, p := range sys.idx {
		if init != nil {
			x[k] = float64(init[p])
		} else {
			x[k] = 0.5
		}
	}
	st.Durations["setup"] += time.Since(t0)
	t0 = time.Now()
	logTol := math.Log(o.Tolerance)
	res, err := conjugateGradient(sys, sys.b, x, cgSettings{
		maxIter: o.MaxIterations,
		tol:     o.Tolerance,
		iterHook: func(it int, res float64) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			frac := 0.0
			if res > 0 && res < 1 {
				frac = min(1, math.Log(res)/logTol)
			}
			rep.report(Progress{Stage: "alpha", Iteration: st.Iterations + it, Residual: res, Fraction: f0 + (f1-f0)*frac}, false)
			return nil
		},
	})
	st.Durations["solve"] += time.Since(t0)
	st.Iterations += res.iterations
	st.Residual = res.residual
	st.Solved = sys.n
	st.Converged = err == nil
	var se *SolveError
	if errors.As(err, &se) && se.Reason == iterationLimit {
		err = nil
	}
	if err != nil && !isSolveError(err) {
		return err
	}
	for k, p := range sys.idx {
		l.known[p] = float32(x[k])
	}
	if err != nil {
		return fmt.Errorf("refine: solve alpha: %w", err)
	}
	return nil
}

// splitLabels returns the alpha that labels fix (1 for Foreground, 0
// otherwise) and the indices, increasing, of the pixels left to solve:
// Unknown and any stray label value.
func splitLabels(lab []uint8) (known []float32, unknown []int32) {
	known = make([]float32, len(lab))
	// Runs of labels are split across cores twice: once to set the known
	// alphas and count the unknowns, once to list them at the offsets the
	// counts give, so the list is in increasing order.
	const run = 1 << 14
	runs := (len(lab) + run - 1) / run
	start := make([]int, runs+1)
	parallel.Rows(runs, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			n := 0
			for i := r * run; i < min(len(lab), (r+1)*run); i++ {
				switch lab[i] {
				case Foreground:
					known[i] = 1
				case Background:
				default:
					n++
				}
			}
			start[r+1] = n
		}
	})
	for r := range runs {
		start[r+1] += start[r]
	}
	unknown = make([]int32, start[runs])
	parallel.Rows(runs, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			k := start[r]
			for i := r * run; i < min(len(lab), (r+1)*run); i++ {
				if l := lab[i]; l != Foreground && l != Background {
					unknown[k] = int32(i)
					k++
				}
			}
		}
	})
	return known, unknown
}

// guidedFrom fits the guided filter of a coarse solution over the coarse
// pixels that full-resolution unknowns interpolate from: the unknown
// coarse pixels and their neighbours.
func guidedFrom(cim *rgb, clab []uint8, coarse []float32) *guidedCoeffs {
	need := make([]bool, len(clab))
	for i, l := range clab {
		need[i] = l != Foreground && l != Background
	}
	need = boxDilate(need, cim.W, cim.H, 1)
	return guidedFilterCoeffs(cim, coarse, need, guidedRadius, guidedEps)
}

func isSolveError(err error) bool {
	var se *SolveError
	return errors.As(err, &se)
}

// checkPrior panics when the prior matte or its weights do not match the
// trimap's size.
func checkPrior(fn string, o resolved, tri *Trimap) {
	for _, m := range []*Matte{o.Prior, o.PriorWeights} {
		if m != nil && (m.W != tri.W || m.H != tri.H || len(m.Pix) != tri.W*tri.H) {
			panic(fmt.Sprintf("refine: %s: prior is %dx%d, trimap is %dx%d", fn, m.W, m.H, tri.W, tri.H))
		}
	}
}

// spans runs fn over [0, n) split into runs of at least 4096 across cores.
func spans(n int, fn func(i0, i1 int)) {
	const run = 4096
	runs := (n + run - 1) / run
	parallel.Rows(runs, func(r0, r1 int) { fn(r0*run, min(n, r1*run)) })
}
