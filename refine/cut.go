package refine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"cutout/refine/parallel"
)

// Input is what a cutout starts from: the segmentation model's matte of
// the photo, a trimap, or both. The command line's automatic cutout gives
// the matte alone; `cutout remove --trimap` gives a trimap alone; the
// editor gives the matte and the trimap the user brushed, which started
// as the automatic one.
type Input struct {
	// Matte is the segmentation model's matte, or nil when no model ran.
	Matte *Matte
	// Trimap is a user's trimap (read from a file or brushed), or nil for
	// the automatic one built from Matte.
	Trimap *Trimap
	// Guide, if set, is AutoGuide's result for Matte, computed before
	// (the editor keeps it from one stroke to the next); nil means Cut
	// computes it when Matte is set.
	Guide *Guide
}

// CutOptions configures Cut. The zero value, and nil, build the automatic
// guide with its defaults and refine.
type CutOptions struct {
	// NoRefine keeps the model's matte as the alpha and the photo's own
	// colours as the foreground (Input.Matte is then required).
	NoRefine bool
	// Trimap tunes the automatic guide.
	Trimap *TrimapOptions
	// Refine tunes matting and foreground estimation; its Prior and
	// PriorWeights are set by Cut from the guide.
	Refine *Options
}

// CutResult is the outcome of Cut.
type CutResult struct {
	// Alpha is the final matte, the photo's size.
	Alpha *Matte
	// Foreground holds the colours to composite: estimated, or the photo
	// itself with NoRefine.
	Foreground *image.NRGBA
	// Trimap is the trimap matting used (nil with NoRefine).
	Trimap *Trimap
	// Stats reports the alpha solve (zero with NoRefine).
	Stats Stats
	// Guide and Solve split the time: building the automatic guide, and
	// matting with foreground estimation.
	Guide, Solve time.Duration
	// Warning is set when matting stopped short of its tolerance; the
	// result is still the best the solver reached.
	Warning string
}

// Cut runs the chain that turns a photo into a cutout, the same for the
// command line and the editor: the automatic guide from the model's matte
// (AutoGuide), or the user's trimap, then alpha matting over the unknown
// pixels and foreground colour estimation (Refine). Composite or Compose
// put the result over transparency, a colour or an image.
//
// With a trimap and a matte, the pixels where the trimap agrees with the
// automatic guide's trimap keep the guide's meaning (the model's own edge
// values and data term), and the pixels the user changed follow the
// user's labels; with a trimap alone, the trimap stands alone (no data
// term). Where img has its own transparency (a PNG the user already cut
// into), the result's alpha never exceeds it, and the returned
// Foreground carries img's alpha, which the compositor honours too.
// img must match the sizes of in's maps; a mismatch is an error,
// as in's maps come from files and the user. Neither img nor in is
// modified. It returns ctx.Err() when cancelled.
func Cut(ctx context.Context, img *image.NRGBA, in Input, opt *CutOptions) (*CutResult, error) {
	if opt == nil {
		opt = &CutOptions{}
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if m := in.Matte; m != nil && (m.W != w || m.H != h || len(m.Pix) != w*h) {
		return nil, fmt.Errorf("refine: matte is %dx%d but the image is %dx%d", m.W, m.H, w, h)
	}
	if t := in.Trimap; t != nil && (t.W != w || t.H != h || len(t.Pix) != w*h) {
		return nil, fmt.Errorf("refine: trimap is %dx%d but the image is %dx%d", t.W, t.H, w, h)
	}
	if g := in.Guide; g != nil && (in.Matte == nil || g.Trimap.W != w || g.Trimap.H != h) {
		return nil, errors.New("refine: cut: the guide does not belong to the matte")
	}
	if in.Matte == nil && in.Trimap == nil {
		return nil, errors.New("refine: cut: neither a matte nor a trimap")
	}
	if opt.NoRefine {
		if in.Matte == nil {
			return nil, errors.New("refine: cut: no matte to keep without refinement")
		}
		alpha := in.Matte
		if !img.Opaque() {
			alpha = boundAlpha(in.Matte, img, true)
		}
		return &CutResult{Alpha: alpha, Foreground: img}, nil
	}
	var ro Options
	if opt.Refine != nil {
		ro = *opt.Refine
	}
	t0 := time.Now()
	tri := in.Trimap
	var dec *decisions
	if in.Matte != nil {
		g := in.Guide
		if g == nil {
			g = AutoGuide(img, in.Matte, opt.Trimap)
		}
		dec = &decisions{guide: g, user: tri}
		if tri == nil {
			tri = g.Trimap
			ro.Prior, ro.PriorWeights = g.target(), g.Weight
		} else {
			ro.Prior, ro.PriorWeights = brushedPrior(g, tri)
		}
	}
	t1 := time.Now()
	res, err := refine(ctx, img, tri, &ro, dec)
	var se *SolveError
	r := &CutResult{Trimap: tri, Guide: t1.Sub(t0), Solve: time.Since(t1)}
	switch {
	case errors.As(err, &se) && res != nil:
		r.Warning = se.Error()
	case err != nil:
		return nil, err
	}
	r.Alpha, r.Foreground, r.Stats = res.Alpha, res.Foreground, res.Stats
	if !img.Opaque() {
		boundAlpha(r.Alpha, img, false)
		copyAlpha(r.Foreground, img)
	}
	return r, nil
}

// boundAlpha returns alpha limited by img's own alpha (A/255), so pixels
// a photo has already made transparent stay so; a copy when copied is
// set, else alpha itself, changed in place. Callers skip it for opaque
// images.
func boundAlpha(alpha *Matte, img *image.NRGBA, copied bool) *Matte {
	out := alpha
	if copied {
		out = &Matte{W: alpha.W, H: alpha.H, Pix: append([]float32(nil), alpha.Pix...)}
	}
	boundAlphaIn(out, img, image.Rect(0, 0, alpha.W, alpha.H))
	return out
}

// boundAlphaIn limits alpha by img's own alpha (both the same size) in
// the rectangle r, in place.
func boundAlphaIn(alpha *Matte, img *image.NRGBA, r image.Rectangle) {
	w := alpha.W
	parallel.Rows(r.Dy(), func(y0, y1 int) {
		for y := r.Min.Y + y0; y < r.Min.Y+y1; y++ {
			src := img.Pix[img.PixOffset(img.Rect.Min.X+r.Min.X, img.Rect.Min.Y+y):][:4*r.Dx()]
			row := alpha.Pix[y*w+r.Min.X : y*w+r.Max.X]
			for x, a := range row {
				row[x] = min(a, float32(src[4*x+3])/255)
			}
		}
	})
}

// copyAlpha copies img's alpha channel into fg (both the same size).
func copyAlpha(fg, img *image.NRGBA) {
	w := fg.Rect.Dx()
	parallel.Rows(fg.Rect.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			dst := fg.Pix[fg.PixOffset(fg.Rect.Min.X, fg.Rect.Min.Y+y):][:4*w]
			src := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):][:4*w]
			for i := 3; i < len(dst); i += 4 {
				dst[i] = src[i]
			}
		}
	})
}

// target returns the data term's target: Target, or Prior without one.
func (g *Guide) target() *Matte {
	if g.Target != nil {
		return g.Target
	}
	return g.Prior
}

// brushedPrior returns the data term's target and weights for a trimap
// the user changed: unchanged pixels keep the guide's meaning; changed
// known pixels follow their label (weight 0); changed unknown pixels are
// held towards the model's background only, as in hair, or towards the
// brush's ramp where the model is sure (see brushedTerms).
func brushedPrior(g *Guide, tri *Trimap) (prior, weight *Matte) {
	weight = &Matte{W: tri.W, H: tri.H, Pix: make([]float32, len(tri.Pix))}
	spans(len(tri.Pix), func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			weight.Pix[i] = brushedWeight(g, tri.Pix[i], i)
		}
	})
	prior = g.target()
	if r := brushedRect(g, tri, image.Rect(0, 0, tri.W, tri.H)); !r.Empty() {
		prior = prior.Clone()
		brushedTerms(g, tri, r, prior.Pix, weight.Pix, image.Point{}, tri.W)
	}
	return prior, weight
}

// brushedWeight is brushedPrior's weight at pixel i labelled l, before
// the brush ramp.
func brushedWeight(g *Guide, l uint8, i int) float32 {
	switch {
	case l == g.Trimap.Pix[i]:
		return g.Weight.Pix[i]
	case l == Unknown:
		m := clamp01(g.Prior.Pix[i])
		return hairPriorWeight * (1 - m) * (1 - m)
	}
	return 0
}
