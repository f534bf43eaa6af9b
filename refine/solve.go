package refine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"time"
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
	Fraction  float64 // rough overall completion in [0,1]
}

// Options tunes SolveAlpha, EstimateForeground and Refine. The zero value,
// and a nil pointer, mean the defaults.
type Options struct {
	// Progress, if set, is called on the goroutine that called SolveAlpha,
	// EstimateForeground or Refine, at most about 30 times per second and
	// once at the end of each stage. It must be quick; a GUI should hand
	// the value to its UI thread rather than draw from it.
	Progress func(Progress)
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
	// Unknown pixels are pulled towards it where it says background: the
	// energy gains PriorWeight·Σ(1−m)²(α−m)². Segmentation networks call
	// semi-transparent hair opaque far more often than they miss it, so
	// their background is worth trusting and their foreground is not. On
	// the evaluation set (real ISNet mattes, AutoTrimap defaults) it lowers
	// the SAD from 9.98/22.31/4.39 to 9.62/21.48/4.38. It must have the
	// image's size (SolveAlpha panics otherwise).
	Prior *Matte
	// PriorWeight weighs Prior; 0 means DefaultPriorWeight.
	PriorWeight float64
	// Snap sets solved alphas below Snap to 0 and above 1−Snap to 1; 0
	// means DefaultSnap, a negative value disables snapping.
	Snap float32
}

// resolved is Options with defaults filled in.
type resolved struct {
	Options
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
	// "foreground".
	Durations map[string]time.Duration
}

// reporter throttles progress callbacks to about 30 per second.
type reporter struct {
	mu   sync.Mutex
	fn   func(Progress)
	last time.Time
}

func (r *reporter) report(p Progress, force bool) {
	if r == nil || r.fn == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if !force && now.Sub(r.last) < time.Second/30 {
		return
	}
	r.last = now
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
	checkPrior("SolveAlpha", o.Prior, tri)
	rep := &reporter{fn: o.Progress}
	return solveAlphaImage(ctx, img, tri, o, rep, 0, 1)
}

// solveAlphaImage solves at full resolution when the unknowns fit in
// MaxSolvePixels, and otherwise at 1/f of the size with guided-filter
// upsampling.
func solveAlphaImage(ctx context.Context, img *image.NRGBA, tri *Trimap, o resolved, rep *reporter, f0, f1 float64) (*Matte, Stats, error) {
	known, idx := splitLabels(tri.Pix)
	n := len(idx)
	if n <= o.MaxSolvePixels {
		var prior []float32
		if o.Prior != nil {
			prior = o.Prior.Pix
		}
		return solveAlpha(ctx, toRGB(img), tri, prior, o, rep, f0, f1)
	}
	w, h := tri.W, tri.H
	f := int(math.Ceil(math.Sqrt(float64(n) / float64(o.MaxSolvePixels))))
	t0 := time.Now()
	cim := downNRGBA(img, f)
	ctri := &Trimap{W: cim.W, H: cim.H, Pix: downLabels(tri.Pix, w, h, f)}
	setup := time.Since(t0)
	var cprior []float32
	if o.Prior != nil {
		cprior = downMatte(o.Prior.Pix, w, h, f)
	}
	coarse, st, err := solveAlpha(ctx, cim, ctri, cprior, o, rep, f0, f0+(f1-f0)*0.9)
	st.Durations["setup"] += setup
	st.Scale = f
	if err != nil && !isSolveError(err) {
		return nil, st, err
	}
	t0 = time.Now()
	out := &Matte{W: w, H: h, Pix: known}
	guidedFrom(cim, ctri.Pix, coarse.Pix).upsample(img, w, h, idx, out.Pix)
	for _, p := range idx {
		out.Pix[p] = snap(out.Pix[p], o.Snap)
	}
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

// solveAlpha is SolveAlpha on a float image; progress fractions are mapped
// to [f0, f1].
func solveAlpha(ctx context.Context, im *rgb, tri *Trimap, prior []float32, o resolved, rep *reporter, f0, f1 float64) (*Matte, Stats, error) {
	st := Stats{Scale: 1, Durations: map[string]time.Duration{}}
	known, idx := splitLabels(tri.Pix)
	out := &Matte{W: tri.W, H: tri.H, Pix: known}
	st.Unknowns = len(idx)
	if st.Unknowns == 0 {
		return out, st, ctx.Err()
	}
	alpha, err := solveLevels(ctx, im, tri.Pix, prior, o, rep, &st, f0, f1)
	if alpha != nil {
		for _, p := range idx {
			out.Pix[p] = snap(alpha[p], o.Snap)
		}
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

// solveLevels solves on lab (w×h labels) by a cascade: it first solves on
// the half-size image for an initial guess when the problem is large,
// then runs conjugate gradients at this level. It returns alpha for every
// pixel (known pixels hold their label's value).
func solveLevels(ctx context.Context, im *rgb, lab []uint8, prior []float32, o resolved, rep *reporter, st *Stats, f0, f1 float64) ([]float32, error) {
	w, h := im.W, im.H
	known, idx := splitLabels(lab)
	var init []float32
	if len(idx) > coarsestUnknowns && w >= 16 && h >= 16 {
		cim := halfRGB(im)
		clab := downLabels(lab, w, h, 2)
		var cprior []float32
		if prior != nil {
			cprior = downMatte(prior, w, h, 2)
		}
		coarse, err := solveLevels(ctx, cim, clab, cprior, o, rep, st, f0, f0+(f1-f0)/4)
		if err != nil && !isSolveError(err) {
			return nil, err
		}
		init = make([]float32, w*h)
		guidedFrom(cim, clab, coarse).upsampleRGB(im, idx, init)
		f0 += (f1 - f0) / 4
	}
	t0 := time.Now()
	sys := newSystem(im, idx, known, o.Epsilon)
	if prior != nil && o.PriorWeight > 0 {
		sys.addPrior(prior, o.PriorWeight)
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
		return nil, err
	}
	out := known
	for k, p := range sys.idx {
		out[p] = float32(x[k])
	}
	if err != nil {
		return out, fmt.Errorf("refine: solve alpha: %w", err)
	}
	return out, nil
}

// splitLabels returns the alpha that labels fix (1 for Foreground, 0
// otherwise) and the indices, increasing, of the pixels left to solve:
// Unknown and any stray label value.
func splitLabels(lab []uint8) (known []float32, unknown []int32) {
	known = make([]float32, len(lab))
	for i, l := range lab {
		switch l {
		case Foreground:
			known[i] = 1
		case Background:
		default:
			unknown = append(unknown, int32(i))
		}
	}
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

// checkPrior panics when a prior matte does not match the trimap's size.
func checkPrior(fn string, p *Matte, tri *Trimap) {
	if p != nil && (p.W != tri.W || p.H != tri.H || len(p.Pix) != tri.W*tri.H) {
		panic(fmt.Sprintf("refine: %s: prior is %dx%d, trimap is %dx%d", fn, p.W, p.H, tri.W, tri.H))
	}
}
