package refine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"

	"cutout/refine/deblock"
	"cutout/refine/parallel"
)

// Incremental keeps a photo's cutout between edits of its trimap, so that
// an editor answers each brush stroke at once: after an edit only the
// window the edit can reach is matted again, starting from the previous
// solution, with the previous alpha as the window's boundary, and the
// foreground colours are estimated again in that window alone. The
// result equals a full Cut of the edited trimap within 2/255 on all but
// a few pixels (TestIncrementalMatchesFullSolve).
//
// An Incremental is not safe for concurrent use: one goroutine (an
// editor's refining worker) calls Update, and the maps it returns are
// its own, changed in place by the next Update.
type Incremental struct {
	img *image.NRGBA
	// phase and grid are the photo's JPEG block grid (deblock.Grid).
	phase    image.Point
	grid     bool
	guide    *Guide // nil when the photo has no model matte
	opt      resolved
	tri      *Trimap // the trimap of the current solution
	unknowns int     // Unknown pixels of tri
	alpha    *Matte
	fg       *image.NRGBA
	// dirty holds the labels taken by an Update that was cancelled
	// before its solve was written: the next Update solves them too.
	dirty image.Rectangle
}

// NewIncremental runs Cut on img and in (the model's matte, a trimap, or
// both; see Cut) and keeps the result for later updates. The automatic
// guide is built once here when in has a matte and no guide. NoRefine is
// refused: there is nothing to update. in's maps are not modified and
// not kept, except the guide's, which must not change afterwards.
func NewIncremental(ctx context.Context, img *image.NRGBA, in Input, opt *CutOptions) (*Incremental, *CutResult, error) {
	if opt != nil && opt.NoRefine {
		return nil, nil, errors.New("refine: incremental: nothing to update without refinement")
	}
	if in.Matte != nil && in.Guide == nil && in.Matte.W == img.Rect.Dx() && in.Matte.H == img.Rect.Dy() {
		var to *TrimapOptions
		if opt != nil {
			to = opt.Trimap
		}
		in.Guide = AutoGuide(img, in.Matte, to)
	}
	res, err := Cut(ctx, img, in, opt)
	if err != nil {
		return nil, nil, err
	}
	r := &Incremental{img: img, guide: in.Guide, tri: res.Trimap.Clone(), alpha: res.Alpha.Clone(), fg: res.Foreground}
	r.phase, r.grid = deblock.Grid(img)
	if opt != nil && opt.Refine != nil {
		r.opt = opt.Refine.resolve()
	} else {
		r.opt = (*Options)(nil).resolve()
	}
	r.opt.Progress = nil
	for _, l := range r.tri.Pix {
		if l != Foreground && l != Background {
			r.unknowns++
		}
	}
	return r, res, nil
}

// Alpha returns the current matte. It belongs to r: the next Update
// changes it in place.
func (r *Incremental) Alpha() *Matte { return r.alpha }

// Foreground returns the current foreground colours (see Cut). It
// belongs to r: the next Update changes it in place.
func (r *Incremental) Foreground() *image.NRGBA { return r.fg }

// Trimap returns the trimap of the current solution. It belongs to r.
func (r *Incremental) Trimap() *Trimap { return r.tri }

// incrementalReach is how far around an edit, as a share of the photo's
// short side (at least incrementalMinReach pixels), the alpha is solved
// again: beyond it a change of labels moves the solution by less than
// 2/255 on the evaluation photos (TestIncrementalMatchesFullSolve).
const (
	incrementalReach    = 0.03
	incrementalMinReach = 24
)

// Update brings the cutout up to date with tri, which differs from the
// trimap of the current solution only inside changed (the rectangle an
// editor's stroke or pick returned). It solves the alpha again over
// changed and as far around it as matting reaches, starting from the
// current solution and holding it at the window's rim, then estimates
// the foreground colours there. It returns the rectangle of Alpha and
// Foreground it rewrote (empty when changed misses the photo). tri must
// have the photo's size; it is read, not kept. On ctx's cancellation it
// returns ctx.Err(); the labels inside changed are taken, and the next
// Update solves them as well as its own.
func (r *Incremental) Update(ctx context.Context, tri *Trimap, changed image.Rectangle) (image.Rectangle, error) {
	w, h := r.tri.W, r.tri.H
	if tri.W != w || tri.H != h || len(tri.Pix) != w*h {
		return image.Rectangle{}, fmt.Errorf("refine: incremental: trimap is %dx%d, photo %dx%d", tri.W, tri.H, w, h)
	}
	changed = changed.Intersect(image.Rect(0, 0, w, h))
	if changed.Empty() {
		return image.Rectangle{}, nil
	}
	// Only the labels that differ count: a stroke over pixels that already
	// hold its label changes nothing.
	var diff image.Rectangle
	for y := changed.Min.Y; y < changed.Max.Y; y++ {
		dst := r.tri.Pix[y*w+changed.Min.X : y*w+changed.Max.X]
		for x, l := range tri.Pix[y*w+changed.Min.X : y*w+changed.Max.X] {
			if l != dst[x] {
				r.unknowns += isUnknown(l) - isUnknown(dst[x])
				dst[x] = l
				diff = diff.Union(image.Rect(changed.Min.X+x, y, changed.Min.X+x+1, y+1))
			}
		}
	}
	if changed = diff.Union(r.dirty); changed.Empty() {
		return image.Rectangle{}, nil
	}
	r.dirty = changed
	f := solveScale(w, h, r.unknowns, r.opt)
	reach := max(incrementalMinReach, int(math.Ceil(incrementalReach*float64(min(w, h)))))
	// The window is aligned to blocks of 8f pixels, the grid of the
	// solve's third coarser level, so that the pixels of every level it
	// solves are those of a full solve, and its rim of 2f pixels (two
	// pixels of the finest level solved: the reach of the Laplacian's
	// windows) is held at the current alpha. Aligned to f alone, the 13 MP
	// case of TestIncrementalMatchesFullSolve, solved at 1/3, left 0.104%
	// of the pixels more than 2/255 from a full solve; aligned to 8f,
	// 0.075%.
	g := 8 * f
	win := image.Rect(
		max(0, changed.Min.X-reach)/g*g, max(0, changed.Min.Y-reach)/g*g,
		(changed.Max.X+reach+g-1)/g*g, (changed.Max.Y+reach+g-1)/g*g,
	).Intersect(image.Rect(0, 0, w, h))
	alpha, err := r.solveWindow(ctx, win, f)
	if err != nil && !isSolveError(err) {
		return image.Rectangle{}, err
	}
	solveErr := err
	// Only the window's inside is written: next to the held rim the
	// guided filter's coefficients see the rim's values rather than a
	// solve's, so a band of 4f pixels keeps the current alpha, as close
	// to a new full solve there as the window's reach makes it.
	in := insetInside(win, 4*f, w, h)
	ww := win.Dx()
	for y := in.Min.Y; y < in.Max.Y; y++ {
		o := (y-win.Min.Y)*ww + in.Min.X - win.Min.X
		copy(r.alpha.Pix[y*w+in.Min.X:y*w+in.Max.X], alpha[o:o+in.Dx()])
	}
	if r.grid {
		deblockAlpha(r.alpha, r.tri, in, r.phase, nil)
	}
	if r.guide != nil {
		r.decide(in)
		if r.grid {
			deblockAlpha(r.alpha, r.tri, in, r.phase, r.guide.Prior)
		}
	}
	if !r.img.Opaque() {
		// After the decisions, as Cut bounds its alpha.
		boundAlphaIn(r.alpha, r.img, in)
	}
	if err := r.foregroundWindow(ctx, in); err != nil {
		return in, err
	}
	r.dirty = image.Rectangle{}
	return in, solveErr
}

// decide makes Cut's decisions (see decide) on the pixels of in, from a
// crop of the photo around it aligned to the analysis grid, with
// deepReach(deep)+4 cells of context on each side (the reach of the
// decisions' passes).
func (r *Incremental) decide(in image.Rectangle) {
	w, h := r.tri.W, r.tri.H
	f, width, deep := decideGrid(w, h)
	m := (deepReach(deep) + 4) * f
	c := image.Rect((in.Min.X-m)/f*f, (in.Min.Y-m)/f*f, in.Max.X+m, in.Max.Y+m).Intersect(image.Rect(0, 0, w, h))
	cw, ch := c.Dx(), c.Dy()
	a := &Matte{W: cw, H: ch, Pix: make([]float32, cw*ch)}
	gl, user := make([]uint8, cw*ch), make([]uint8, cw*ch)
	for y := range ch {
		i := (y+c.Min.Y)*w + c.Min.X
		copy(a.Pix[y*cw:(y+1)*cw], r.alpha.Pix[i:i+cw])
		copy(gl[y*cw:(y+1)*cw], r.guide.Trimap.Pix[i:i+cw])
		copy(user[y*cw:(y+1)*cw], r.tri.Pix[i:i+cw])
	}
	decideWith(a, gl, user, f, width, deep, r.grid)
	for y := in.Min.Y; y < in.Max.Y; y++ {
		o := (y-c.Min.Y)*cw + in.Min.X - c.Min.X
		copy(r.alpha.Pix[y*w+in.Min.X:y*w+in.Max.X], a.Pix[o:o+in.Dx()])
	}
}

// insetInside returns r moved in by d on each side that is not on the
// border of the w×h photo.
func insetInside(r image.Rectangle, d, w, h int) image.Rectangle {
	if r.Min.X > 0 {
		r.Min.X += d
	}
	if r.Min.Y > 0 {
		r.Min.Y += d
	}
	if r.Max.X < w {
		r.Max.X -= d
	}
	if r.Max.Y < h {
		r.Max.Y -= d
	}
	return r
}

func isUnknown(l uint8) int {
	if l != Foreground && l != Background {
		return 1
	}
	return 0
}

// solveWindow solves the alpha of the pixels of win at 1/f of their size
// with the current alpha as the start and, on a rim of 2f pixels where
// win does not reach the photo's border, as fixed values. It returns the
// window's alpha, win.Dx() wide.
func (r *Incremental) solveWindow(ctx context.Context, win image.Rectangle, f int) ([]float32, error) {
	w, h := r.tri.W, r.tri.H
	ww, wh := win.Dx(), win.Dy()
	lab := make([]uint8, ww*wh)
	prior := &Matte{W: ww, H: wh, Pix: make([]float32, ww*wh)}
	weight := &Matte{W: ww, H: wh, Pix: make([]float32, ww*wh)}
	init := make([]float32, ww*wh)
	rim := 2 * f
	var target *Matte
	if r.guide != nil {
		target = r.guide.target()
	}
	parallel.Rows(wh, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			gy := y + win.Min.Y
			for x := range ww {
				gx := x + win.Min.X
				i, k := gy*w+gx, y*ww+x
				init[k] = r.alpha.Pix[i]
				onRim := (gx-win.Min.X < rim && win.Min.X > 0) || (win.Max.X-gx <= rim && win.Max.X < w) ||
					(gy-win.Min.Y < rim && win.Min.Y > 0) || (win.Max.Y-gy <= rim && win.Max.Y < h)
				l := r.tri.Pix[i]
				switch {
				case onRim:
					// Known, with the current alpha (see Options.PriorWeights).
					lab[k], prior.Pix[k], weight.Pix[k] = Foreground, r.alpha.Pix[i], -1
				case r.guide != nil:
					lab[k], prior.Pix[k] = l, target.Pix[i]
					weight.Pix[k] = brushedWeight(r.guide, l, i)
				default:
					lab[k] = l
				}
			}
		}
	})
	if r.guide != nil {
		// The brush ramp, inside the rim only: the rim keeps its values.
		if in := brushedRect(r.guide, r.tri, insetInside(win, rim, w, h)); !in.Empty() {
			brushedTerms(r.guide, r.tri, in, prior.Pix, weight.Pix, win.Min, ww)
		}
	}
	o := r.opt
	o.Prior, o.PriorWeights = prior, weight
	sub := r.img.SubImage(image.Rectangle{Min: r.img.Rect.Min.Add(win.Min), Max: r.img.Rect.Min.Add(win.Max)}).(*image.NRGBA)
	full := newLevel(&rgb{W: ww, H: wh}, lab, o)
	m, _, err := solveAlphaAt(ctx, sub, full, f, init, o, &reporter{}, 0, 1)
	if err != nil && !isSolveError(err) {
		return nil, err
	}
	return m.Pix, err
}

// foregroundPad is how far beyond the solved window the foreground is
// estimated again, so the window's colours see their neighbours.
const foregroundPad = 16

// foregroundWindow estimates the foreground colours of win again, from
// the window grown by foregroundPad.
func (r *Incremental) foregroundWindow(ctx context.Context, win image.Rectangle) error {
	w, h := r.tri.W, r.tri.H
	pad := win.Inset(-foregroundPad).Intersect(image.Rect(0, 0, w, h))
	pw, ph := pad.Dx(), pad.Dy()
	a := &Matte{W: pw, H: ph, Pix: make([]float32, pw*ph)}
	for y := range ph {
		copy(a.Pix[y*pw:(y+1)*pw], r.alpha.Pix[(y+pad.Min.Y)*w+pad.Min.X:])
	}
	sub := r.img.SubImage(image.Rectangle{Min: r.img.Rect.Min.Add(pad.Min), Max: r.img.Rect.Min.Add(pad.Max)}).(*image.NRGBA)
	fg, err := estimateForeground(ctx, sub, a, &reporter{}, 0, 1, fgDenseLimit)
	if err != nil {
		return err
	}
	opaque := r.img.Opaque()
	for y := win.Min.Y; y < win.Max.Y; y++ {
		dst := r.fg.Pix[y*r.fg.Stride+4*win.Min.X : y*r.fg.Stride+4*win.Max.X]
		src := fg.Pix[(y-pad.Min.Y)*fg.Stride+4*(win.Min.X-pad.Min.X):]
		for i := 0; i < len(dst); i += 4 {
			dst[i], dst[i+1], dst[i+2] = src[i], src[i+1], src[i+2]
			if opaque {
				dst[i+3] = 255
			}
		}
	}
	return nil
}
