package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cutout/inference/imageio"
	"cutout/refine"
)

// imageExtensions are the file types the open dialog lists.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}

// handleDrop opens the image files among uris: the window's drop handler
// and tests call it. Folders and other files are skipped with a notice.
func (e *Editor) handleDrop(uris []fyne.URI) {
	var paths, skipped []string
	for _, u := range uris {
		if u == nil {
			continue
		}
		if u.Scheme() == "file" && imageio.IsImageFile(u.Path()) {
			paths = append(paths, u.Path())
		} else {
			skipped = append(skipped, u.Name())
		}
	}
	if len(skipped) > 0 {
		e.showError(fmt.Errorf("ui: not an image: %s", strings.Join(skipped, ", ")))
	}
	e.Open(paths)
}

// Open adds photos to the filmstrip and shows the first of them. Photos
// already open are shown again rather than added twice.
func (e *Editor) Open(paths []string) {
	var first *document
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		d := e.findDoc(p)
		if d == nil {
			d = newDocument(p)
			e.docs = append(e.docs, d)
			e.addRecent(p)
		}
		if first == nil {
			first = d
		}
	}
	e.rebuildStrip()
	if first != nil {
		e.show(first)
	}
}

func (e *Editor) findDoc(path string) *document {
	for _, d := range e.docs {
		if d.path == path {
			return d
		}
	}
	return nil
}

// show makes d the current photo, loading it when needed.
func (e *Editor) show(d *document) {
	if e.stroking() {
		e.endStroke()
	}
	e.cur = d
	e.touchLive(d)
	if d.photo == nil && !d.decoding {
		e.loadDoc(d)
	}
	if d.photo != nil {
		e.canvas.setLayers(&d.ly, true)
	} else {
		e.canvas.setLayers(nil, true)
	}
	e.win.SetTitle("Cutout — " + d.name)
	e.rebuildStrip()
	e.updateStatus()
}

// step shows the next (delta 1) or previous (-1) photo of the filmstrip.
func (e *Editor) step(delta int) {
	if len(e.docs) == 0 || e.cur == nil {
		return
	}
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
	for len(live) > liveDocs {
		old := live[0]
		live = live[1:]
		old.unload()
	}
	e.live = live
}

func (e *Editor) isLive(d *document) bool {
	for _, o := range e.live {
		if o == d {
			return true
		}
	}
	return false
}

// loadDoc decodes d's file on a goroutine, then queues segmentation.
func (e *Editor) loadDoc(d *document) {
	d.decoding, d.loading, d.loadErr = true, true, nil
	e.setBusy("Opening " + d.name + "…")
	decode := e.deps.Decode
	go func() {
		p, err := loadPhoto(d.path, decode)
		e.post(func() { e.photoLoaded(d, p, err) })
	}()
}

func (e *Editor) photoLoaded(d *document, p *loadedPhoto, err error) {
	d.decoding = false
	if err != nil {
		d.loading, d.loadErr = false, err
		e.showError(err)
		e.updateStatus()
		e.rebuildStrip()
		return
	}
	if !e.isLive(d) { // released while decoding; shown again, it reloads
		d.loading = false
		return
	}
	d.photo = p
	d.setPhoto(p)
	d.segmenting = true
	e.segJobs <- segJob{doc: d, photo: p, opt: e.segmenterOptions()}
	if d == e.cur {
		e.canvas.setLayers(&d.ly, true)
	}
	e.rebuildStrip()
	e.updateStatus()
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

func (e *Editor) segmentDone(d *document, res *segResult, err error) {
	d.segmenting, d.loading = false, false
	if err != nil {
		d.loadErr = err
		e.showError(err)
		e.updateStatus()
		return
	}
	if d.photo == nil { // unloaded while the model ran
		return
	}
	e.device = res.device
	if res.note != "" {
		e.device += " (" + res.note + ")"
	}
	d.setSegmentation(res.matte, res.matteP, res.guide)
	if d == e.cur {
		e.canvas.setLayers(&d.ly, false)
	}
	e.updateStatus()
	if ops := d.resumeOps; ops != nil {
		d.resumeOps = nil
		e.replay(d, d.auto, ops)
	} else {
		e.offerRestore(d)
	}
	e.scheduleRefine(d, 0)
	e.script.segmented(e, d)
}

// offerRestore asks to restore a session left by a process that did not
// exit cleanly.
func (e *Editor) offerRestore(d *document) {
	if e.sessions == nil || d.hash == "" {
		return
	}
	base, f, err := e.sessions.load(d.hash, d.ly.w, d.ly.h)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			fyne.LogError("ignoring a damaged recovery session", err)
		}
		return
	}
	if len(f.Ops) == 0 {
		return
	}
	e.restorePrompt(d, len(f.Ops), func(ok bool) {
		if !ok {
			if err := e.sessions.remove(d.hash); err != nil {
				e.showError(err)
			}
			return
		}
		e.replay(d, base, f.Ops)
	})
}

func (e *Editor) askRestore(d *document, n int, answer func(bool)) {
	msg := fmt.Sprintf("Cutout did not close normally while you were editing\n%s.\n\nRestore your %d edit(s)?", d.name, n)
	dlg := dialog.NewConfirm("Restore edits?", msg, answer, e.win)
	dlg.SetConfirmText("Restore")
	dlg.SetDismissText("Discard")
	dlg.Show()
}

// replay rebuilds d's trimap from base and ops, one undo step per op.
func (e *Editor) replay(d *document, base *refine.Trimap, ops []editOp) {
	if d.ly.tri == nil || len(ops) == 0 {
		return
	}
	copy(d.ly.tri.Pix, base.Pix)
	d.hist = history{}
	for _, op := range ops {
		rec := newTileRecorder(d.ly.tri)
		applyOp(d.ly.tri, d.model, base, op, rec)
		if ed := rec.finish(op); ed != nil {
			d.hist.push(ed)
		}
	}
	d.version++
	if d.auto != nil && string(d.auto.Pix) != string(base.Pix) {
		copy(d.auto.Pix, base.Pix) // reset returns to the restored base
	}
	if d == e.cur {
		e.canvas.redraw()
	}
	e.edited(d)
}

// stroking reports whether a brush stroke is in progress.
func (e *Editor) stroking() bool { return e.rec != nil }

// beginStroke starts a brush stroke at source point p. It returns false
// when there is no trimap to paint on yet.
func (e *Editor) beginStroke(p vec) bool {
	d := e.cur
	if d == nil || d.ly.tri == nil || !e.tool.isBrush() {
		return false
	}
	e.rec = newTileRecorder(d.ly.tri)
	e.strokeOp = editOp{Kind: opStroke, Label: e.tool.label(), Radius: e.brushSize / 2, Hardness: e.hardness}
	e.strokeOp.Points = append(e.strokeOp.Points, [2]float64{p.X, p.Y})
	e.cancelRefine()
	return true
}

// strokeTo paints the stroke segment a→b and repaints only the viewport
// pixels that show the changed source region.
func (e *Editor) strokeTo(a, b vec) {
	d := e.cur
	if e.rec == nil || d == nil {
		return
	}
	if last := e.strokeOp.Points[len(e.strokeOp.Points)-1]; last != [2]float64{b.X, b.Y} {
		e.strokeOp.Points = append(e.strokeOp.Points, [2]float64{b.X, b.Y})
	}
	br := brush{Radius: e.strokeOp.Radius, Hardness: e.strokeOp.Hardness, Label: e.strokeOp.Label}
	e.canvas.repaint(paintSegment(d.ly.tri, a, b, br, e.rec))
}

// endStroke commits the stroke as one undo step.
func (e *Editor) endStroke() {
	rec, d := e.rec, e.cur
	e.rec = nil
	if rec == nil || d == nil {
		return
	}
	if ed := rec.finish(e.strokeOp); ed != nil {
		d.hist.push(ed)
		e.edited(d)
	}
}

// pick keeps or drops the mask region under source point p.
func (e *Editor) pick(p vec) {
	d := e.cur
	if d == nil || d.ly.tri == nil {
		return
	}
	keep := e.tool == ToolKeep
	op := editOp{Kind: opDrop, Points: [][2]float64{{p.X, p.Y}}}
	if keep {
		op.Kind = opKeep
	}
	rec := newTileRecorder(d.ly.tri)
	r, ok := applyPick(d.ly.tri, d.model, int(p.X), int(p.Y), keep, rec)
	if !ok {
		e.status.SetText("Click on the subject: nothing of the mask is under the pointer.")
		return
	}
	if ed := rec.finish(op); ed != nil {
		d.hist.push(ed)
		e.canvas.repaint(r)
		e.edited(d)
	}
}

// undo reverts the latest edit of the current photo.
func (e *Editor) undo() {
	if d := e.cur; d != nil && d.ly.tri != nil && !e.stroking() {
		if r, ok := d.hist.undoInto(d.ly.tri); ok {
			e.canvas.repaint(r)
			e.edited(d)
		}
	}
}

// redo re-applies the latest undone edit.
func (e *Editor) redo() {
	if d := e.cur; d != nil && d.ly.tri != nil && !e.stroking() {
		if r, ok := d.hist.redoInto(d.ly.tri); ok {
			e.canvas.repaint(r)
			e.edited(d)
		}
	}
}

// resetMask returns to the automatic trimap, as one undoable edit.
func (e *Editor) resetMask() {
	d := e.cur
	if d == nil || d.ly.tri == nil {
		return
	}
	rec := newTileRecorder(d.ly.tri)
	op := editOp{Kind: opReset}
	r := applyOp(d.ly.tri, d.model, d.auto, op, rec)
	if ed := rec.finish(op); ed != nil {
		d.hist.push(ed)
		e.canvas.repaint(r)
		e.edited(d)
	}
}

// edited follows every trimap change: it bumps the version, schedules a
// debounced refine and a recovery save.
func (e *Editor) edited(d *document) {
	d.version++
	e.scheduleRefine(d, refineDelay)
	e.scheduleSave(d)
	e.updateStatus()
}

// scheduleRefine runs matting on d's trimap after delay, unless another
// edit comes first.
func (e *Editor) scheduleRefine(d *document, delay time.Duration) {
	if e.deps.Refiner == nil {
		return
	}
	if e.refineTimer != nil {
		e.refineTimer.Stop()
	}
	v := d.version
	e.refineTimer = time.AfterFunc(delay, func() {
		e.post(func() {
			if d.version == v && d.refinedAt != v {
				e.startRefine(d)
			}
		})
	})
}

// refineNow runs matting on the current photo at once.
func (e *Editor) refineNow() {
	if d := e.cur; d != nil && d.ly.tri != nil && e.deps.Refiner != nil {
		e.startRefine(d)
	}
}

func (e *Editor) cancelRefine() {
	if e.refineTimer != nil {
		e.refineTimer.Stop()
	}
	if e.refineCancel != nil {
		e.refineCancel()
		e.refineCancel = nil
	}
}

// startRefine cancels any running matting and queues d's trimap.
func (e *Editor) startRefine(d *document) {
	if d.photo == nil || d.ly.tri == nil {
		return
	}
	e.cancelRefine()
	ctx, cancel := context.WithCancel(e.workerCtx)
	e.refineCancel = cancel
	in := refine.Input{Matte: d.model, Trimap: d.ly.tri.Clone(), Guide: d.guide}
	job := refineJob{ctx: ctx, doc: d, img: d.ly.src, pw: d.ly.pw, ph: d.ly.ph, in: in, version: d.version}
	select { // replace a queued job that has not started
	case <-e.refineJobs:
	default:
	}
	e.refineJobs <- job
	d.refining = true
	e.progress.SetValue(0)
	e.updateStatus()
}

func (e *Editor) refineProgress(d *document, version int, p RefineProgress) {
	if d != e.cur || d.version != version || !d.refining {
		return
	}
	e.progress.SetValue(p.Fraction)
	if p.Stage != "" {
		e.status.SetText(d.name + " — refining: " + p.Stage)
	}
}

func (e *Editor) refineDone(d *document, version int, out *refineOutput, err error) {
	if d.version != version || d.photo == nil {
		return // a newer edit superseded this run
	}
	d.refining = false
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			e.showError(err)
		}
		e.updateStatus()
		return
	}
	d.refinedAt = version
	d.ly.matte, d.ly.matteP = out.res.Alpha, out.matteP
	d.ly.fg, d.ly.fgP = out.res.Foreground, out.fgP
	if d == e.cur {
		e.canvas.redraw()
	}
	e.updateStatus()
	e.script.refined(e, d)
}

// scheduleSave writes d's recovery session shortly after the last edit.
func (e *Editor) scheduleSave(d *document) {
	if e.sessions == nil || d.hash == "" || d.auto == nil {
		return
	}
	if e.saveTimer != nil {
		e.saveTimer.Stop()
	}
	e.saveTimer = time.AfterFunc(saveDelay, func() { e.post(func() { e.saveSession(d) }) })
}

// saveSession snapshots d's edit list on the UI goroutine and writes it
// on another.
func (e *Editor) saveSession(d *document) {
	if d.savedAt == d.version || d.auto == nil {
		return
	}
	v := d.version
	f := sessionFile{Source: d.name, Width: d.ly.w, Height: d.ly.h, Ops: d.hist.ops()}
	writeBase := !d.baseSaved
	base := d.auto
	store := e.sessions
	go func() {
		err := store.save(d.hash, base, writeBase, f)
		e.post(func() {
			if err != nil {
				e.showError(err)
				return
			}
			d.baseSaved = true
			d.savedAt = v
			e.script.saved(e, d)
		})
	}()
}

// setBusy shows an indeterminate progress with a message.
func (e *Editor) setBusy(msg string) {
	e.status.SetText(msg)
	e.progress.Hide()
	e.busy.Show()
	e.busy.Start()
}

// updateStatus sets the status bar from the current photo's state.
func (e *Editor) updateStatus() {
	dev := e.device
	if dev == "" {
		dev = "—"
	}
	e.deviceLabel.SetText("Device: " + dev)
	d := e.cur
	busy, determinate := false, false
	var msg string
	switch {
	case d == nil:
		msg = "Open a photo (Ctrl+O) or drop files onto the window."
	case d.loadErr != nil:
		msg = d.name + " — could not be opened"
	case d.decoding:
		msg, busy = "Opening "+d.name+"…", true
	case d.segmenting || d.loading:
		msg, busy = "Segmenting "+d.name+"…", true
	case d.refining:
		msg, determinate = d.name+" — refining edges…", true
	default:
		msg = fmt.Sprintf("%s — %d×%d — %s", d.name, d.ly.w, d.ly.h, e.toolHint())
	}
	e.status.SetText(msg)
	if busy {
		e.progress.Hide()
		e.busy.Show()
		e.busy.Start()
	} else {
		e.busy.Stop()
		e.busy.Hide()
		if determinate {
			e.progress.Show()
		} else {
			e.progress.Hide()
		}
	}
}

func (e *Editor) toolHint() string {
	switch e.tool {
	case ToolKeep:
		return "click the subject to keep it and drop everything else"
	case ToolDrop:
		return "click a region to drop it from the mask"
	}
	return e.tool.String() + " — drag to paint, [ ] size, space-drag to pan, F view"
}

// showError reports err in a dialog.
func (e *Editor) showError(err error) {
	if err == nil {
		return
	}
	fyne.LogError("", err)
	dialog.ShowError(err, e.win)
}

// rebuildStrip redraws the filmstrip buttons (hidden for a single photo).
func (e *Editor) rebuildStrip() {
	e.strip.RemoveAll()
	for i, d := range e.docs {
		label := fmt.Sprintf("%d. %s", i+1, d.name)
		if d.loadErr != nil {
			label += " ⚠"
		}
		b := widget.NewButton(label, func() { e.show(d) })
		if d == e.cur {
			b.Importance = widget.HighImportance
		}
		var thumb fyne.CanvasObject = widget.NewIcon(theme.FileImageIcon())
		if d.thumb != nil {
			img := canvas.NewImageFromImage(d.thumb)
			img.FillMode = canvas.ImageFillContain
			thumb = img
		}
		box := container.NewGridWrap(fyne.NewSize(thumbSide/2, b.MinSize().Height), thumb)
		e.strip.Add(container.NewHBox(box, b))
	}
	if len(e.docs) > 1 {
		e.stripScroll.Show()
	} else {
		e.stripScroll.Hide()
	}
}

// showOpen opens the file dialog filtered to images.
func (e *Editor) showOpen() {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if r == nil {
			return
		}
		u := r.URI()
		if cerr := r.Close(); cerr != nil {
			fyne.LogError("", cerr)
		}
		e.rememberFolder(u)
		e.handleDrop([]fyne.URI{u})
	}, e.win)
	dlg.SetFilter(storage.NewExtensionFileFilter(imageExtensions))
	if l := e.lastFolder(); l != nil {
		dlg.SetLocation(l)
	}
	dlg.Resize(fyne.NewSize(900, 620))
	dlg.Show()
}

// lastFolder returns the remembered folder, if it still exists.
func (e *Editor) lastFolder() fyne.ListableURI {
	p := e.app.Preferences().String(prefLastFolder)
	if p == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(p))
	if err != nil {
		return nil
	}
	return l
}

func (e *Editor) rememberFolder(u fyne.URI) {
	if u != nil && u.Scheme() == "file" {
		e.app.Preferences().SetString(prefLastFolder, filepath.Dir(u.Path()))
	}
}

func (e *Editor) addRecent(path string) {
	addRecent(e.app.Preferences(), path)
	e.refreshRecentMenu()
}

// photoSize is the current photo's size in source pixels (zero if none).
func (e *Editor) photoSize() image.Point {
	if e.cur == nil {
		return image.Point{}
	}
	return image.Pt(e.cur.ly.w, e.cur.ly.h)
}
