package ui

import (
	"context"
	"errors"
	"image"
	"time"

	"cutout/refine"
	"cutout/refine/parallel"
)

// edgeSettings are the edge controls, applied to every refined matte.
type edgeSettings struct {
	Smooth        float64 // pixels: steps smaller than this are rounded off (0: none)
	Shift         float64 // pixels: > 0 expands the subject, < 0 contracts it
	Feather       float64 // blur deviation in pixels (0: none)
	Contrast      float64 // per cent: soft edges narrow to 1 − Contrast/100 (0: none)
	Decontaminate bool    // use the estimated foreground colours
}

// refiner schedules matting: one run at a time, on the latest trimap of a
// photo, debounced after edits; a newer edit cancels a run. Its worker
// goroutine solves and applies the edge settings; the rest belongs to the
// UI goroutine.
type refiner struct {
	host   refineHost
	solver Refiner
	ctx    context.Context // the editor's: cancelled when it closes
	jobs   chan refineJob
	timer  *time.Timer
	stopFn context.CancelFunc // cancels the run in progress
	run    *refineJob         // the run in progress or queued
	// waiters are called when a photo's result is fresh, or its run
	// failed (see whenFresh).
	waiters waitList
	// kept is the solution later edits update (incremental.go); the
	// worker owns it.
	kept keptSolution
}

// refineJob asks the worker for a photo's result.
type refineJob struct {
	ctx   context.Context
	doc   *document
	rev   int
	edge  edgeSettings
	img   *image.NRGBA
	imgP  *image.NRGBA
	pw    int
	ph    int
	tri   *refine.Trimap // a snapshot
	guide *refine.Guide  // the photo's automatic guide
	reuse *solved        // set when only the edge settings changed
	// changed bounds the labels edited since the previous job of the
	// photo; full asks for a solve of the whole photo (see edited).
	changed image.Rectangle
	full    bool
}

// refineHost is what the refiner needs of the editor. Its methods are
// called on the UI goroutine, except post.
type refineHost interface {
	post(fn func()) // runs fn on the UI goroutine
	current() *document
	edgeSettings() edgeSettings
	// refineStarted says a run for d began.
	refineStarted(d *document)
	// refineProgress follows the run for d's trimap of revision rev.
	refineProgress(d *document, rev int, p RefineProgress)
	// refined says a run for d ended: with its result installed (err
	// nil), cancelled (context.Canceled) or failed.
	refined(d *document, err error)
}

// newRefiner makes the refiner of the editor whose context is ctx; its
// worker is loop, which the caller starts.
func newRefiner(ctx context.Context, host refineHost, solver Refiner) *refiner {
	return &refiner{host: host, solver: solver, ctx: ctx, jobs: make(chan refineJob, 1), waiters: waitList{}}
}

// schedule refines the shown photo d after delay, unless another edit
// comes first. Other photos are refined when they are shown or exported.
// A run that an export waits for is not interrupted: the scheduled one
// comes after it.
func (r *refiner) schedule(d *document, delay time.Duration) {
	if d != r.host.current() {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	rev := d.rev
	r.timer = time.AfterFunc(delay, func() {
		r.host.post(func() {
			switch {
			case d.rev != rev || d.fresh(r.host.edgeSettings()) || r.running(d) || d != r.host.current():
			case r.run != nil && len(r.waiters[r.run.doc]) > 0:
				r.schedule(d, refineDelay)
			default:
				r.start(d)
			}
		})
	})
}

// running reports whether a run for d's current trimap and edge
// settings is in progress.
func (r *refiner) running(d *document) bool {
	j := r.run
	return j != nil && j.doc == d && j.rev == d.rev && j.edge == r.host.edgeSettings()
}

// cancel stops the run in progress and a pending scheduled one.
func (r *refiner) cancel() {
	if r.timer != nil {
		r.timer.Stop()
	}
	if r.stopFn != nil {
		r.stopFn()
		r.stopFn = nil
	}
	r.run = nil
}

// stopTimers stops the pending scheduled run.
func (r *refiner) stopTimers() {
	if r.timer != nil {
		r.timer.Stop()
	}
}

// start cancels any run and queues d's current trimap; when only the
// edge settings changed since the last solve, the solve is reused.
func (r *refiner) start(d *document) {
	if !d.editable() {
		return
	}
	r.cancel()
	ctx, stop := context.WithCancel(r.ctx)
	r.stopFn = stop
	job := refineJob{
		ctx: ctx, doc: d, rev: d.rev, edge: r.host.edgeSettings(),
		img: d.ly.src, imgP: d.ly.srcP, pw: d.ly.pw, ph: d.ly.ph,
		tri: d.ly.tri, guide: d.solveGuide(),
	}
	if res := d.ly.res; res != nil && res.rev == d.rev && res.solved.matte != nil {
		reuse := res.solved // a copy: the UI goroutine may drop the result's matte
		job.tri, job.reuse = res.tri, &reuse
	} else {
		job.tri = d.ly.tri.Clone()
	}
	job.changed, job.full = d.changed, d.full
	d.changed, d.full = image.Rectangle{}, false
	select { // replace a queued job that has not started, keeping what it changed
	case old := <-r.jobs:
		if old.doc == d {
			job.changed, job.full = job.changed.Union(old.changed), job.full || old.full
		} else {
			old.doc.full = true
		}
	default:
	}
	r.jobs <- job
	r.run = &job
	r.host.refineStarted(d)
}

// forget drops what is pending for a photo whose pixels are released.
func (r *refiner) forget(d *document) {
	if r.run != nil && r.run.doc == d {
		r.cancel()
	}
	r.kept.forget(d)
	r.fail(d, errors.New("ui: the photo was closed"))
}

// whenFresh calls fn once d's result matches its trimap and the edge
// settings (at once if it does), starting a run if none is on the way,
// or with the error that stopped the run. The returned function cancels
// the wait.
func (r *refiner) whenFresh(d *document, fn func(error)) (cancel func()) {
	if d.fresh(r.host.edgeSettings()) {
		fn(nil)
		return func() {}
	}
	cancel = r.waiters.add(d, fn)
	if !r.running(d) {
		r.start(d)
	}
	return cancel
}

// fail tells d's waiters that its result will not come.
func (r *refiner) fail(d *document, err error) { r.waiters.fire(d, err) }

// loop runs the jobs one at a time. A job replaced in the channel before
// it starts never runs; a running one is stopped through its context.
func (r *refiner) loop() {
	h := r.host
	for {
		var job refineJob
		select {
		case <-r.ctx.Done():
			return
		case job = <-r.jobs:
		}
		r.kept.take(job)
		if job.ctx.Err() != nil {
			continue
		}
		var last time.Time
		progress := func(p RefineProgress) {
			if now := time.Now(); now.Sub(last) >= progressGap {
				last = now
				h.post(func() { h.refineProgress(job.doc, job.rev, p) })
			}
		}
		res, err := r.solve(job, progress)
		h.post(func() { r.done(job, res, err) })
	}
}

// solve runs the Refiner and applies the edge settings.
func (r *refiner) solve(job refineJob, progress func(RefineProgress)) (*result, error) {
	var s solved
	var win image.Rectangle
	if job.reuse != nil {
		s = *job.reuse
	} else {
		in := refine.Input{Trimap: job.tri}
		if job.guide != nil {
			in.Matte, in.Guide = job.guide.Prior, job.guide
		}
		var err error
		if s, win, err = r.solveKept(job, in, progress); err != nil {
			return nil, err
		}
	}
	if s.fg != nil && s.fgP == nil {
		s.fgP = proxyNRGBA(s.fg, job.pw, job.ph)
	}
	if err := job.ctx.Err(); err != nil {
		return nil, err
	}
	res := finish(job, s)
	res.win = win
	return res, nil
}

// finish applies the edge settings to a solve: the alpha it shows and
// exports (the trimap's known labels, the solve inside the unknown band,
// then shifted and feathered) and the colours (the estimated foreground
// when decontaminating, else the photo's).
func finish(job refineJob, s solved) *result {
	var alpha []uint8
	ed := job.edge
	if ed.Shift == 0 && ed.Feather <= 0 && ed.Smooth <= 0 && ed.Contrast <= 0 {
		alpha = effectiveAlpha(job.tri, job.guide, s.matte) // no float copy of the photo's size
	} else {
		a := smoothEdge(effectiveMatte(job.tri, job.guide, s.matte), ed.Smooth)
		if job.edge.Shift != 0 {
			a = refine.ShiftEdge(a, job.edge.Shift)
		}
		if job.edge.Feather > 0 {
			a = refine.Feather(a, job.edge.Feather)
		}
		alpha = quantize(contrastEdge(a, ed.Contrast/100))
	}
	res := &result{
		rev: job.rev, edge: job.edge, tri: job.tri, solved: s,
		alpha: alpha, alphaP: proxy8(alpha, job.tri.W, job.tri.H, job.pw, job.ph),
		colour: job.img, colourP: job.imgP,
	}
	if job.edge.Decontaminate && s.fg != nil {
		res.colour, res.colourP = s.fg, s.fgP
	}
	return res
}

// effectiveMatte combines a trimap and a solve: Foreground is 1,
// Background 0, Unknown takes the solve's value (0 without one), and so do
// the known pixels where the automatic guide keeps the model's own edge
// and the trimap still has the guide's label (see keepsModel).
func effectiveMatte(tri *refine.Trimap, g *refine.Guide, m *refine.Matte) *refine.Matte {
	out := refine.NewMatte(tri.W, tri.H)
	parallel.Rows(tri.H, func(y0, y1 int) {
		for i := y0 * tri.W; i < y1*tri.W; i++ {
			switch {
			case tri.Pix[i] == refine.Unknown || keepsModel(tri, g, i):
				if m != nil {
					out.Pix[i] = m.Pix[i]
				}
			case tri.Pix[i] == refine.Foreground:
				out.Pix[i] = 1
			}
		}
	})
	return out
}

// effectiveAlpha is effectiveMatte in 8 bits.
func effectiveAlpha(tri *refine.Trimap, g *refine.Guide, m *refine.Matte) []uint8 {
	out := make([]uint8, len(tri.Pix))
	parallel.Rows(tri.H, func(y0, y1 int) {
		for i := y0 * tri.W; i < y1*tri.W; i++ {
			switch {
			case tri.Pix[i] == refine.Unknown || keepsModel(tri, g, i):
				if m != nil {
					out[i] = unit8(m.Pix[i])
				}
			case tri.Pix[i] == refine.Foreground:
				out[i] = 255
			}
		}
	})
	return out
}

// keepsModel reports whether known pixel i takes the solve's value: the
// automatic guide keeps the model's own edge there (refine.Guide) and the
// user has not painted over it.
func keepsModel(tri *refine.Trimap, g *refine.Guide, i int) bool {
	return g != nil && g.Weight.Pix[i] < 0 && tri.Pix[i] == g.Trimap.Pix[i]
}

func (e *Editor) refineProgress(d *document, rev int, p RefineProgress) {
	if d.rev != rev || !e.ref.running(d) {
		return
	}
	if d == e.cur {
		e.status.progress.SetValue(p.Fraction)
	}
	e.exports.progress(d, p.Fraction)
}

// done installs a finished run. A run for an older trimap still replaces
// an older result: the canvas shows it only where the labels it was
// solved for are unchanged.
func (r *refiner) done(job refineJob, res *result, err error) {
	d := job.doc
	if r.run != nil && r.run.ctx == job.ctx {
		r.run, r.stopFn = nil, nil
	}
	if err != nil {
		r.host.refined(d, err)
		if !errors.Is(err, context.Canceled) {
			r.fail(d, err)
		}
		return
	}
	if !d.live() || d.ly.tri == nil || (d.ly.res != nil && d.ly.res.rev > res.rev) {
		return
	}
	prev := d.ly.res
	d.ly.res = res
	if prev == nil || prev.edge != res.edge || res.edge != (edgeSettings{Decontaminate: res.edge.Decontaminate}) {
		res.win = image.Rectangle{} // the edge settings reach beyond the window: repaint all
	}
	switch {
	case d.fresh(r.host.edgeSettings()):
		r.waiters.fire(d, nil)
	case res.rev == d.rev && !r.running(d):
		r.start(d) // the edge settings changed meanwhile: apply them
	}
	r.host.refined(d, nil)
}

// refineStarted shows the start of d's run.
func (e *Editor) refineStarted(*document) {
	e.status.progress.SetValue(0)
	e.updateStatus()
}

// refined shows the end of d's run: its result, or why it failed.
func (e *Editor) refined(d *document, err error) {
	switch {
	case err == nil && d == e.cur && !d.ly.res.win.Empty():
		e.canvas.repaint(d.ly.res.win)
	case err == nil && d == e.cur:
		e.canvas.redraw()
	case err != nil && !errors.Is(err, context.Canceled) && d == e.cur:
		e.showError(err)
	}
	e.updateStatus()
	if err == nil && e.events.refined != nil {
		e.events.refined(d)
	}
}

// edgeSettings are the edge controls' settings.
func (e *Editor) edgeSettings() edgeSettings { return e.edge }

// setEdge changes the edge settings and applies them to the current photo
// shortly after the last change.
func (e *Editor) setEdge(s edgeSettings) {
	if s == e.edge {
		return
	}
	e.edge = s
	p := e.app.Preferences()
	p.SetFloat(prefEdgeSmooth, s.Smooth)
	p.SetFloat(prefEdgeShift, s.Shift)
	p.SetFloat(prefEdgeFeather, s.Feather)
	p.SetFloat(prefEdgeContrast, s.Contrast)
	p.SetBool(prefDecontaminate, s.Decontaminate)
	if d := e.cur; d != nil && d.editable() {
		e.ref.schedule(d, edgeDelay)
	}
	e.updateStatus()
}

// refineNow runs matting on the current photo at once.
func (e *Editor) refineNow() {
	if d := e.cur; d != nil && d.editable() {
		e.ref.start(d)
	}
}
