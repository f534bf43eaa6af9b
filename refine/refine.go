package refine

import (
	"context"
	"image"
	"time"
)

// Result is the outcome of Refine.
type Result struct {
	// Alpha is the refined matte, the size of the input.
	Alpha *Matte
	// Foreground holds the estimated foreground colours, opaque, the size
	// of the input (see EstimateForeground).
	Foreground *image.NRGBA
	// Stats reports the alpha solve, with Durations["foreground"] added.
	Stats Stats
}

// Refine solves alpha over tri's Unknown pixels of img (Foreground and
// Background pixels keep 1 and 0) with SolveAlpha, then estimates the
// foreground colours with EstimateForeground. img and tri must have the
// same size; it panics otherwise (a programmer error). Neither input is
// modified. It returns ctx.Err() as soon as it sees ctx cancelled, so an
// editor can cancel a stale run when a newer brush stroke arrives; if the
// solver breaks down, the result is still returned with the *SolveError
// (see SolveAlpha). opt may be nil. Refine is safe for concurrent use on
// different inputs.
func Refine(ctx context.Context, img *image.NRGBA, tri *Trimap, opt *Options) (*Result, error) {
	return refine(ctx, img, tri, opt, nil)
}

// refine is Refine, with then, when set, called on the solved alpha
// before the foreground is estimated from it (Cut's decisions).
func refine(ctx context.Context, img *image.NRGBA, tri *Trimap, opt *Options, then func(alpha *Matte)) (*Result, error) {
	checkSameSize("Refine", img, tri.W, tri.H)
	o := opt.resolve()
	checkPrior("Refine", o, tri)
	rep := &reporter{fn: o.Progress, every: o.ProgressInterval}
	alpha, st, err := solveAlphaImage(ctx, img, tri, o, rep, 0, 0.8)
	if err != nil && !isSolveError(err) {
		return nil, err
	}
	solveErr := err
	if then != nil {
		t := time.Now()
		then(alpha)
		st.Durations["decide"] = time.Since(t)
	}
	t0 := time.Now()
	fg, err := estimateForeground(ctx, img, alpha, rep, 0.8, 1, fgDenseLimit)
	if err != nil {
		return nil, err
	}
	st.Durations["foreground"] = time.Since(t0)
	return &Result{Alpha: alpha, Foreground: fg, Stats: st}, solveErr
}
