package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"

	"cutout/refine"
	"cutout/refine/parallel"
)

// segmenter runs the model on the queued photos, in order, the shown one
// first. One worker goroutine owns the Segmenter: it alone opens, uses
// and closes it. The queue itself belongs to the UI goroutine.
type segmenter struct {
	host  segHost
	deps  segDeps
	queue *docQueue
	jobs  chan segJob
	// warm asks the worker to load the model before the first photo is
	// decoded, so that loading and decoding overlap.
	warm chan SegmenterOptions
}

// segHost is what the segmenter needs of the editor. Its methods are
// called on the UI goroutine, except post.
type segHost interface {
	post(fn func()) // runs fn on the UI goroutine
	segmenterOptions() SegmenterOptions
	guideBand() float64 // the automatic guide's band (Refiner.Guide)
	modelLoading()
	modelLoaded(device string)
	// changed redraws what shows d's state (nil: the model's state).
	changed(d *document)
	// segmented receives a photo's result, or why there is none.
	segmented(d *document, res *segResult, err error)
}

// segDeps are the segmenter's collaborators, called on its worker.
type segDeps struct {
	open   func(SegmenterOptions) (Segmenter, error)
	decode func(path string) (*image.NRGBA, error)
	guide  func(img *image.NRGBA, m *refine.Matte, band float64) *refine.Guide
}

// segJob asks the worker for a photo's matte. img is nil when the
// photo's pixels were released: the worker decodes the file again.
type segJob struct {
	doc  *document
	img  *image.NRGBA
	path string
	opt  SegmenterOptions
	band float64 // of the automatic guide
	more bool    // more photos wait: keep the model loaded
}

// segResult is what the worker hands back to the UI goroutine.
type segResult struct {
	model  []uint8       // the matte, 8-bit
	guide  *refine.Guide // the automatic guide made from it
	band   float64       // the guide's band
	device string
	note   string
}

// newSegmenter makes the segmenter; its worker is loop, which the caller
// starts.
func newSegmenter(host segHost, deps segDeps) *segmenter {
	s := &segmenter{host: host, deps: deps, jobs: make(chan segJob, 1), warm: make(chan SegmenterOptions, 1)}
	s.queue = &docQueue{start: s.start}
	return s
}

// warmUp loads the model now if it is not loaded, unless a photo is on
// it already.
func (s *segmenter) warmUp() {
	if s.queue.busy != nil {
		return
	}
	select {
	case s.warm <- s.host.segmenterOptions():
	default: // a warm-up is on its way
	}
}

// start hands d to the worker (the queue's job).
func (s *segmenter) start(d *document) {
	d.state = docSegmenting
	job := segJob{doc: d, path: d.path, opt: s.host.segmenterOptions(), band: s.host.guideBand(), more: s.queue.more()}
	if d.live() {
		job.img = d.photo.img
	}
	s.jobs <- job // the queue runs one job at a time, so this never blocks
	s.host.changed(d)
}

func (e *Editor) segmenterOptions() SegmenterOptions {
	o := e.deps.Options
	p := e.app.Preferences()
	if o.Model == "" {
		o.Model = p.StringWithFallback(prefModel, "medium")
	}
	if o.Device == "" {
		o.Device = p.StringWithFallback(prefDevice, "auto")
	}
	return o
}

// loop is the worker. It reopens the model when the model or device
// changes, and closes an idle one (see modelKeepAlive).
func (s *segmenter) loop(ctx context.Context) {
	h := s.host
	var (
		seg    Segmenter
		segOpt SegmenterOptions
	)
	release := func() {
		if seg != nil {
			if err := seg.Close(); err != nil {
				fyne.LogError("", err)
			}
			seg = nil
		}
	}
	defer release()
	// open loads the model for opt, unless it is loaded already.
	open := func(opt SegmenterOptions) error {
		if seg != nil && segOpt == opt {
			return nil
		}
		release()
		if s.deps.open == nil {
			return errors.New("ui: no segmentation model is configured")
		}
		h.post(h.modelLoading)
		sg, err := s.deps.open(opt)
		if err != nil {
			return err
		}
		seg, segOpt = sg, opt
		dev := seg.Device()
		h.post(func() { h.modelLoaded(dev) })
		return nil
	}
	var idle <-chan time.Time
	for {
		var job segJob
		select {
		case <-ctx.Done():
			return
		case <-idle:
			idle = nil
			release()
			continue
		case opt := <-s.warm:
			if err := open(opt); err != nil {
				fyne.LogError("loading the model ahead of the photo", err) // the photo's job reports it
			}
			h.post(func() { h.changed(nil) })
			idle = time.After(modelKeepAlive(0))
			continue
		case job = <-s.jobs:
		}
		idle = nil
		if err := open(job.opt); err != nil {
			h.post(func() { h.segmented(job.doc, nil, err) })
			continue
		}
		res, err := s.run(ctx, seg, job)
		h.post(func() { h.segmented(job.doc, res, err) })
		if !job.more && res != nil {
			idle = time.After(modelKeepAlive(len(res.model)))
		}
	}
}

// run segments one photo, decoding it first when its pixels were
// released.
func (s *segmenter) run(ctx context.Context, seg Segmenter, job segJob) (*segResult, error) {
	img := job.img
	if img == nil {
		var err error
		if img, err = s.deps.decode(job.path); err != nil {
			return nil, err
		}
	}
	m, err := seg.Segment(ctx, img)
	if err != nil {
		return nil, err
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if m.W != w || m.H != h {
		return nil, fmt.Errorf("ui: segment %s: matte is %dx%d, photo %dx%d", job.doc.name, m.W, m.H, w, h)
	}
	// The model's matte comes in steps of 1/255 (see inference.Postprocess),
	// so the editor keeps it in 8 bits without loss: a photo reloaded
	// later gets exactly the same guide, and the command line's.
	return &segResult{
		model:  quantize(m),
		guide:  s.deps.guide(img, m, job.band),
		band:   job.band,
		device: seg.Device(),
		note:   seg.Fallback(),
	}, nil
}

// quantize rounds a matte to 8 bits.
func quantize(m *refine.Matte) []uint8 {
	out := make([]uint8, len(m.Pix))
	parallel.Rows(m.H, func(y0, y1 int) {
		for i := y0 * m.W; i < y1*m.W; i++ {
			out[i] = unit8(m.Pix[i])
		}
	})
	return out
}

// modelKeepAlive is how long the model stays loaded with nothing to do.
// The runtime keeps its working memory (over a gigabyte for ISNet at
// 1024²) while a session is open; after a large photo the model is closed
// at once so that matting and editing do not stack on top of it, after
// small ones it is kept a while to open the next photo faster.
func modelKeepAlive(pixels int) time.Duration {
	if pixels >= largePhoto {
		return 0
	}
	return 2 * time.Minute
}

// largePhoto is the size (in pixels) from which the model is released as
// soon as it is idle.
const largePhoto = 8_000_000

// modelLoading says the model is being loaded.
func (e *Editor) modelLoading() { e.setBusy("Loading the model…") }

// modelLoaded says where the loaded model runs.
func (e *Editor) modelLoaded(device string) {
	e.device = device
	e.updateStatus()
}

// changed redraws what shows d's state: its filmstrip item and, for the
// shown photo (or nil), the status bar.
func (e *Editor) changed(d *document) {
	if d != nil {
		e.strip.refresh(d)
	}
	if d == nil || d == e.cur {
		e.updateStatus()
	}
}

// segmented receives the model's result for d.
func (e *Editor) segmented(d *document, res *segResult, err error) {
	e.seg.queue.done(d)
	if err != nil {
		e.failed(d, err)
		return
	}
	e.device, e.deviceNote = res.device, res.note
	d.state = docReady
	d.model = res.model
	if d.live() {
		e.installMask(d, res.guide, res.band)
	}
	e.strip.refresh(d)
	e.updateStatus()
	if e.events.segmented != nil {
		e.events.segmented(d)
	}
}
