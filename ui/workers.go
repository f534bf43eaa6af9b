package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"

	"cutout/refine"
)

// segJob asks the segmentation worker for a photo's matte.
type segJob struct {
	doc   *document
	photo *loadedPhoto
	opt   SegmenterOptions
}

// segResult is what the worker hands back to the UI goroutine.
type segResult struct {
	matte  *refine.Matte
	matteP []uint8
	guide  *refine.Guide
	device string
	note   string
}

// segmentLoop owns the Segmenter: it is the only goroutine that opens,
// uses and closes it. It reopens it when the model or device changes.
func (e *Editor) segmentLoop(ctx context.Context) {
	var (
		seg    Segmenter
		segOpt SegmenterOptions
	)
	defer func() {
		if seg != nil {
			if err := seg.Close(); err != nil {
				fyne.LogError("", err)
			}
		}
	}()
	var idle <-chan time.Time // closes an unused model
	for {
		var job segJob
		select {
		case <-ctx.Done():
			return
		case <-idle:
			idle = nil
			if seg != nil {
				if err := seg.Close(); err != nil {
					fyne.LogError("", err)
				}
				seg = nil
			}
			continue
		case job = <-e.segJobs:
		}
		idle = nil
		if seg != nil && segOpt != job.opt {
			if err := seg.Close(); err != nil {
				fyne.LogError("", err)
			}
			seg = nil
		}
		if seg == nil {
			if e.deps.OpenSegmenter == nil {
				e.post(func() { e.segmentDone(job.doc, nil, errors.New("ui: no segmentation model is configured")) })
				continue
			}
			e.post(func() { e.setBusy("Loading the model…") })
			s, err := e.deps.OpenSegmenter(job.opt)
			if err != nil {
				e.post(func() { e.segmentDone(job.doc, nil, err) })
				continue
			}
			seg, segOpt = s, job.opt
		}
		e.post(func() {
			e.device = seg.Device()
			e.setBusy("Segmenting " + job.doc.name + "…")
		})
		res, err := segment(ctx, seg, job, e.deps.AutoGuide)
		e.post(func() { e.segmentDone(job.doc, res, err) })
		idle = time.After(modelKeepAlive(job.photo.img.Rect.Dx() * job.photo.img.Rect.Dy()))
	}
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

func segment(ctx context.Context, seg Segmenter, job segJob, autoGuide func(*image.NRGBA, *refine.Matte) *refine.Guide) (*segResult, error) {
	m, err := seg.Segment(ctx, job.photo.img)
	if err != nil {
		return nil, err
	}
	if m.W != job.photo.img.Rect.Dx() || m.H != job.photo.img.Rect.Dy() {
		return nil, fmt.Errorf("ui: segment %s: matte is %dx%d, photo %dx%d", job.doc.name, m.W, m.H, job.photo.img.Rect.Dx(), job.photo.img.Rect.Dy())
	}
	if autoGuide == nil {
		autoGuide = func(img *image.NRGBA, m *refine.Matte) *refine.Guide { return refine.AutoGuide(img, m, nil) }
	}
	return &segResult{
		matte:  m,
		matteP: proxyMatte(m, job.photo.pw, job.photo.ph),
		guide:  autoGuide(job.photo.img, m),
		device: seg.Device(),
		note:   seg.Fallback(),
	}, nil
}

// refineJob asks the refine worker to solve a trimap snapshot.
type refineJob struct {
	ctx     context.Context
	doc     *document
	img     *image.NRGBA
	pw, ph  int
	in      refine.Input
	version int
}

// refineOutput is a finished matting run with its display proxies.
type refineOutput struct {
	res    *RefineResult
	matteP []uint8
	fgP    *image.NRGBA
}

// refineLoop runs matting jobs one at a time. A job replaced in the
// channel before it starts never runs; a running one is stopped through
// its context when a newer edit arrives.
func (e *Editor) refineLoop(ctx context.Context) {
	for {
		var job refineJob
		select {
		case <-ctx.Done():
			return
		case job = <-e.refineJobs:
		}
		if job.ctx.Err() != nil {
			continue
		}
		var last time.Time
		progress := func(p RefineProgress) {
			if now := time.Now(); now.Sub(last) >= progressGap {
				last = now
				e.post(func() { e.refineProgress(job.doc, job.version, p) })
			}
		}
		res, err := e.deps.Refiner.Refine(job.ctx, job.img, job.in, progress)
		var out *refineOutput
		if err == nil {
			out = &refineOutput{res: res, matteP: proxyMatte(res.Alpha, job.pw, job.ph)}
			if res.Foreground != nil {
				out.fgP = proxyNRGBA(res.Foreground, job.pw, job.ph)
			}
		}
		e.post(func() { e.refineDone(job.doc, job.version, out, err) })
	}
}
