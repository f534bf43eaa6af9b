package ui

import (
	"os"
	"path/filepath"

	"cutout/refine"
	"cutout/refine/parallel"
)

// Opening photos and holding their pixels. Every photo opened is decoded
// at once, one at a time and the shown one first, for its thumbnail, size
// and hash, then queued for the model (segment.go). Only the liveDocs
// photos shown most recently keep their pixels and editable mask; the
// others keep their thumbnail, the model's matte and their edit list, and
// are decoded again when shown.

// Open adds photos to the filmstrip and shows the first of them. Photos
// already open (the same file, however its path is written) are shown
// again rather than added twice.
func (e *Editor) Open(paths []string) { e.openShowing(paths, "") }

// openShowing is Open showing the photo at path current (the first when
// it is not among paths): that photo is decoded and segmented first, the
// others after it, in order.
func (e *Editor) openShowing(paths []string, current string) {
	var first *document
	var added []*document
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		d := e.findDoc(p)
		if d == nil {
			d = newDocument(p)
			e.docs = append(e.docs, d)
			e.addRecent(p)
			added = append(added, d)
		}
		if first == nil || (current != "" && p == current) {
			first = d
		}
	}
	if first != nil && first.state == docQueued {
		e.loads.add(first, false)
	}
	for _, d := range added {
		e.loads.add(d, false)
	}
	if first != nil && first.state == docQueued {
		e.seg.warmUp()
	}
	e.strip.rebuild()
	if first != nil {
		e.show(first)
	}
}

// findDoc returns the open photo at path, or nil.
func (e *Editor) findDoc(path string) *document {
	fi, statErr := os.Stat(path)
	for _, d := range e.docs {
		if d.path == path {
			return d
		}
		if statErr == nil {
			if di, err := os.Stat(d.path); err == nil && os.SameFile(fi, di) {
				return d
			}
		}
	}
	return nil
}

// show makes d the current photo, loading it first when needed: its
// decoding and its model run move to the front of their queues.
func (e *Editor) show(d *document) {
	if d == nil {
		return
	}
	e.endStroke()
	e.cur = d
	e.touchLive(d)
	if !d.live() && d.state != docFailed {
		e.loads.add(d, true)
	}
	if d.state == docWaiting {
		e.seg.queue.add(d, true)
	}
	e.canvas.setLayers(e.shownLayers(), true)
	if d.editable() && d.guideBand != e.band {
		e.reguide(d) // the band changed while another photo was shown
	} else if d.editable() && !d.fresh(e.edge) {
		e.ref.schedule(d, 0)
	}
	e.win.SetTitle("Cutout — " + d.name)
	e.strip.refreshAll()
	e.updateStatus()
	e.prepareBackdrop(d)
	e.saveWorkspace()
	if d.state == docFailed {
		e.showError(errAbout(d.name, d.err))
	}
}

// shownLayers is what the canvas shows: the current photo's layers once
// it is decoded.
func (e *Editor) shownLayers() *layers {
	if d := e.cur; d != nil && d.live() {
		return &d.ly
	}
	return nil
}

// step shows the next (delta 1) or previous (-1) photo of the filmstrip.
func (e *Editor) step(delta int) {
	for i, d := range e.docs {
		if d == e.cur {
			e.show(e.docs[(i+delta+len(e.docs))%len(e.docs)])
			return
		}
	}
}

// touchLive marks d as recently shown and releases the pixels of the
// photos shown least recently beyond liveDocs; their edits are kept and
// replayed when they are shown again.
func (e *Editor) touchLive(d *document) {
	live := []*document{}
	for _, o := range e.live {
		if o != d {
			live = append(live, o)
		}
	}
	live = append(live, d)
	for i := 0; len(live) > liveDocs && i < len(live); {
		old := live[i]
		if old == e.cur { // the shown photo stays
			i++
			continue
		}
		live = append(live[:i:i], live[i+1:]...)
		e.ref.forget(old)
		old.unload()
	}
	e.live = live
}

// whenLoaded calls fn once d has its pixels and a mask to edit (at once
// if it has), or with the error that stopped it. It puts d at the front
// of the queues. The returned function cancels the wait.
func (e *Editor) whenLoaded(d *document, fn func(error)) (cancel func()) {
	switch {
	case d.editable():
		fn(nil)
		return func() {}
	case d.state == docFailed:
		fn(d.err)
		return func() {}
	}
	cancel = e.loading.add(d, fn)
	e.touchLive(d)
	if !d.live() {
		e.loads.add(d, true)
	}
	if d.state == docWaiting {
		e.seg.queue.add(d, true)
	}
	return cancel
}

func (e *Editor) isLive(d *document) bool {
	for _, o := range e.live {
		if o == d {
			return true
		}
	}
	return false
}

// decoded is a photo decoded off the UI goroutine, with the automatic
// guide of its model matte when that was known.
type decoded struct {
	photo *loadedPhoto
	guide *refine.Guide
	band  float64 // the guide's
}

// decode reads d's file on a worker goroutine (the loads queue's job).
func (e *Editor) decode(d *document) {
	if d.state == docQueued {
		d.state = docDecoding
	}
	if d == e.cur {
		e.updateStatus()
	}
	decode, guide, band, model, w, h := e.deps.Decode, e.deps.Refiner.Guide, e.band, d.model, d.w, d.h
	e.goWork(func() {
		p, err := loadPhoto(d.path, decode)
		var out decoded
		if err == nil {
			out.photo = p
			if model != nil && p.img.Rect.Dx() == w && p.img.Rect.Dy() == h {
				out.guide, out.band = guide(p.img, matteFrom8(model, w, h), band), band
			}
		}
		e.post(func() { e.decoded(d, out, err) })
	})
}

// decoded installs a decoded photo: its thumbnail always, its pixels when
// it is still among the photos kept in memory.
func (e *Editor) decoded(d *document, out decoded, err error) {
	e.loads.done(d)
	if err != nil {
		e.failed(d, err)
		return
	}
	p := out.photo
	if d.model != nil && (p.img.Rect.Dx() != d.w || p.img.Rect.Dy() != d.h) {
		d.model = nil // the file changed since the model saw it
		d.state = docDecoding
	}
	d.hash, d.thumb, d.w, d.h = p.hash, p.thumb, p.img.Rect.Dx(), p.img.Rect.Dy()
	if d.state == docDecoding {
		d.state = docWaiting
		e.seg.queue.add(d, d == e.cur)
	}
	if e.isLive(d) && !d.live() {
		d.setPhoto(p)
		if d == e.cur {
			e.canvas.setLayers(&d.ly, true)
			e.prepareBackdrop(d)
		}
		if d.state == docReady {
			e.installMask(d, out.guide, out.band)
		}
	}
	e.strip.refresh(d)
	e.updateStatus()
}

// failed marks d as failed: it could not be opened or segmented.
func (e *Editor) failed(d *document, err error) {
	d.state, d.err = docFailed, err
	e.loading.fire(d, err)
	if d == e.cur {
		e.showError(errAbout(d.name, err))
	}
	e.strip.refresh(d)
	e.updateStatus()
}

// installMask starts editing a decoded, segmented photo from its
// automatic guide (computed from the model's matte when g is nil), then
// replays its edits: those of a crash being recovered, those kept while
// its pixels were released, or (after asking) a crashed session.
func (e *Editor) installMask(d *document, g *refine.Guide, band float64) {
	if g == nil {
		g, band = e.deps.Refiner.Guide(d.ly.src, matteFrom8(d.model, d.w, d.h), e.band), e.band
	}
	d.setMask(g)
	d.guideBand = band
	switch {
	case d.restore != nil:
		s := d.restore
		d.restore = nil
		e.replaySession(d, s)
	case d.ops != nil:
		ops := d.ops
		d.ops = nil
		e.replay(d, d.auto, ops)
	default:
		e.offerRestore(d)
	}
	if d == e.cur {
		e.canvas.setLayers(&d.ly, false)
	}
	e.ref.schedule(d, 0)
	e.loading.fire(d, nil)
}

// matteFrom8 widens an 8-bit matte to a refine.Matte.
func matteFrom8(p []uint8, w, h int) *refine.Matte {
	m := refine.NewMatte(w, h)
	widen8(m, p)
	return m
}

// widen8 writes the 8-bit values p into m, as fractions of 255.
func widen8(m *refine.Matte, p []uint8) {
	parallel.Rows(m.H, func(y0, y1 int) {
		for i := y0 * m.W; i < y1*m.W; i++ {
			m.Pix[i] = float32(p[i]) / 255
		}
	})
}
