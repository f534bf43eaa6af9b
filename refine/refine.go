package refine

import (
	"context"
	"image"
	"time"

	"cutout/refine/deblock"
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
//
// Where img carries a JPEG's 8×8 block grid (deblock.Grid: found in the
// pixels, so a JPEG's copy in another format counts too), the solved
// alpha's steps across the block borders are spread into ramps over the
// Unknown pixels (see deblockAlpha); the photo's colours are matted as
// they are.
func Refine(ctx context.Context, img *image.NRGBA, tri *Trimap, opt *Options) (*Result, error) {
	return refine(ctx, img, tri, opt, nil)
}

// maxAlphaExcess is the largest step of the solved alpha across a block
// border, beyond what the slopes beside it make, that deblockAlpha takes
// for the photo's blocks rather than an edge. At 0.25 the automatic
// alpha of the developer JPEGs steps across every 8th line up to 1.45
// times as much as elsewhere in the model's unsure plateaus (hsd-037;
// hsd-241 1.36), at 0.5 up to 1.09.
const maxAlphaExcess = 0.5

// modelSolid is the model's value below which (or above 1 minus which)
// it is sure of a pixel: after the decisions, a line of the alpha that
// crosses 0.5 is deblocked only where the model is sure of none of its
// pixels. Set against two photos: at 0.05 hsd-037's steps across every
// 8th line in the model's unsure plateaus are 1.14 times the others (1.09
// at 0.02); with no such test hsd-041's ghost area rises by 0.1 point (a
// decided edge beside the model's solid background spread into a ramp).
const modelSolid = 0.02

// deblockAlpha spreads the steps the solved alpha takes across the
// photo's block borders (its grid starting at phase) into ramps, inside r
// and on lines of tri's Unknown pixels only (deblock.Plane): matting
// follows the steps of the blocks' colours, and the decisions would
// steepen them. A line whose alpha crosses 0.5 is left alone before the
// decisions (model nil), so that they take the sides matting gave
// (spreading a faint edge that the decisions then steepened moved the
// cutout's outline on hsd-198: IoU −0.004); after them, their steep
// edges must not carry the blocks, and such a line is spread where the
// model's matte (model) is sure of none of its pixels: where it is, the
// edge beside it is the model's and stays crisp.
func deblockAlpha(alpha *Matte, tri *Trimap, r image.Rectangle, phase image.Point, model *Matte) {
	a := alpha.Pix
	deblock.Plane(a, alpha.W, r, phase, maxAlphaExcess, func(i0, step int) bool {
		above, cross, sure := a[i0] >= 0.5, false, false
		for i := i0; i < i0+8*step; i += step {
			if tri.Pix[i] != Unknown {
				return false
			}
			cross = cross || (a[i] >= 0.5) != above
			sure = sure || model == nil || model.Pix[i] <= modelSolid || model.Pix[i] >= 1-modelSolid
		}
		return !cross || !sure
	})
}

// decisions are Cut's decisions on the solved alpha (see decide): the
// guide and the user's trimap, if any.
type decisions struct {
	guide *Guide
	user  *Trimap
}

// refine is Refine, with the decisions dec, when set, made on the solved
// alpha before the foreground is estimated from it (Cut).
func refine(ctx context.Context, img *image.NRGBA, tri *Trimap, opt *Options, dec *decisions) (*Result, error) {
	checkSameSize("Refine", img, tri.W, tri.H)
	o := opt.resolve()
	checkPrior("Refine", o, tri)
	rep := &reporter{fn: o.Progress, every: o.ProgressInterval}
	t := time.Now()
	phase, grid := deblock.Grid(img)
	deblocking := time.Since(t)
	alpha, st, err := solveAlphaImage(ctx, img, tri, o, rep, 0, 0.8)
	if err != nil && !isSolveError(err) {
		return nil, err
	}
	solveErr := err
	whole := image.Rect(0, 0, alpha.W, alpha.H)
	t = time.Now()
	if grid {
		deblockAlpha(alpha, tri, whole, phase, nil)
	}
	deblocking += time.Since(t)
	if dec != nil {
		t := time.Now()
		decide(alpha, dec.guide, dec.user, grid)
		st.Durations["decide"] = time.Since(t)
		t = time.Now()
		if grid {
			// The decisions steepen what is left of the blocks' steps.
			deblockAlpha(alpha, tri, whole, phase, dec.guide.Prior)
		}
		deblocking += time.Since(t)
	}
	if grid {
		st.Durations["deblock"] = deblocking
	}
	t0 := time.Now()
	fg, err := estimateForeground(ctx, img, alpha, rep, 0.8, 1, fgDenseLimit)
	if err != nil {
		return nil, err
	}
	st.Durations["foreground"] = time.Since(t0)
	return &Result{Alpha: alpha, Foreground: fg, Stats: st}, solveErr
}
