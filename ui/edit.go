package ui

import (
	"image"
	"time"

	"fyne.io/fyne/v2"

	"cutout/refine"
	"cutout/refine/stroke"
)

// Edits to the trimap: brush strokes, picks, undo and redo, reset. Each
// is one undo step recorded as the 64×64 tiles it changed, and one
// editOp for crash recovery.

// strokeState is a brush stroke in progress.
type strokeState struct {
	rec *tileRecorder
	op  editOp
	// spreadNext is when a stroke that spreads may show its spread
	// again while the pointer moves (see spreadWhilePainting).
	spreadNext time.Time
}

// stroking reports whether a brush stroke is in progress.
func (e *Editor) stroking() bool { return e.stroke.rec != nil }

// beginStroke starts a brush stroke at source point p. It returns false
// when there is no trimap to paint on yet.
func (e *Editor) beginStroke(p vec) bool {
	d := e.cur
	if d == nil || !d.editable() || !e.tools.tool.isBrush() {
		return false
	}
	label := e.tools.tool.label()
	if label != refine.Unknown && e.keys.altBrush() { // Alt: the other brush
		label = refine.Foreground + refine.Background - label
	}
	e.stroke.rec = newTileRecorder(d.ly.tri)
	e.stroke.op = editOp{Kind: opStroke, Label: label, Radius: e.tools.size / 2, Hardness: e.tools.hardness, Grow: e.spreads(label)}
	e.stroke.op.Points = append(e.stroke.op.Points, [2]float64{p.X, p.Y})
	e.stroke.spreadNext = time.Time{}
	e.ref.cancel()
	return true
}

// strokeTo paints the stroke segment a→b and repaints only the viewport
// pixels that show the changed source region.
func (e *Editor) strokeTo(a, b vec) {
	d := e.cur
	if e.stroke.rec == nil || d == nil {
		return
	}
	op := &e.stroke.op
	if last := op.Points[len(op.Points)-1]; last != [2]float64{b.X, b.Y} {
		op.Points = append(op.Points, [2]float64{b.X, b.Y})
	}
	br := brush{Radius: op.Radius, Hardness: op.Hardness, Label: op.Label}
	e.canvas.repaint(paintSegment(d.ly.tri, a, b, br, e.stroke.rec))
	if op.Grow && !time.Now().Before(e.stroke.spreadNext) {
		e.spreadWhilePainting(d)
	}
}

// spreadWhilePainting shows where the stroke in progress spreads, as its
// release will (see endStroke), while the pointer still moves, as
// Quick Selection does: the labels go back to those before the stroke
// and the stroke so far spreads from them. The next is shown no sooner
// than twice the time this one took (and a frame at 60 Hz) later, so on
// a large photo the spread never holds the pointer back.
func (e *Editor) spreadWhilePainting(d *document) {
	t0 := time.Now()
	e.canvas.repaint(spreadFromStart(d, e.stroke.rec, e.stroke.op))
	now := time.Now()
	e.stroke.spreadNext = now.Add(max(2*now.Sub(t0), time.Second/60))
}

// spreadFromStart puts back the labels d had before the stroke op (the
// tiles rec saved) and spreads op from them, as a replay of op does. It
// returns the rectangle it may have changed.
func spreadFromStart(d *document, rec *tileRecorder, op editOp) image.Rectangle {
	r := rec.restore()
	return r.Union(growStroke(d.ly.tri, d.scene(d.inverted()), op, rec))
}

// endStroke commits the stroke in progress, if any, as one undo step.
func (e *Editor) endStroke() {
	rec, d := e.stroke.rec, e.cur
	e.stroke.rec = nil
	if rec == nil || d == nil {
		return
	}
	var r image.Rectangle
	if op := e.stroke.op; op.Grow {
		r = spreadFromStart(d, rec, op)
	}
	e.commit(d, rec, e.stroke.op, r)
	e.keys.altReleased(e.post)
}

// commit turns what rec saved into an undo step of d and follows it up;
// r is the region to repaint (nothing when strokes repainted already).
// An edit that changed nothing (foreground painted over foreground) is an
// undo step too, as in Photoshop: Ctrl+Z takes back the stroke just made,
// never the edit before it.
func (e *Editor) commit(d *document, rec *tileRecorder, op editOp, r image.Rectangle) {
	ed := rec.finish(op)
	if ed == nil {
		d.hist.push(&edit{op: op})
		e.updateStatus() // Undo is enabled
		return
	}
	d.hist.push(ed)
	if d == e.cur {
		e.canvas.repaint(r)
	}
	e.edited(d, ed.bounds)
}

// pick keeps or drops the region of what the person sees under source
// point p (see pick.go).
func (e *Editor) pick(p vec) {
	d := e.cur
	if d == nil || !d.editable() {
		return
	}
	ly := &d.ly
	keep := e.tools.tool == ToolKeep
	op := editOp{Kind: opDrop, Points: [][2]float64{{p.X, p.Y}}}
	if keep {
		op.Kind = opKeep
	}
	if runs, ok := d.scene(d.inverted()).PickUnsure(int(p.X), int(p.Y)); ok && len(runs) > 0 {
		op.Runs, op.Unsure = runs, true
		rec := newTileRecorder(ly.tri)
		e.commit(d, rec, op, applyUnsure(ly.tri, runs, keep, rec))
		return
	}
	runs, ok := pickRuns(ly.tri, func(i int) uint8 { a, _ := ly.alphaAt(i); return a }, int(p.X), int(p.Y))
	if !ok {
		verb := "drop"
		if e.tools.tool == ToolKeep {
			verb = "keep"
		}
		e.status.text.SetText("Nothing visible under the pointer to " + verb + ": click on the subject, or on a region you see.")
		return
	}
	op.Runs = runs
	rec := newTileRecorder(ly.tri)
	e.commit(d, rec, op, applyRegion(ly.tri, runs, op.Kind == opKeep, rec))
}

// undo reverts the latest edit of the current photo. When a text field
// of a dialog has the focus, Ctrl+Z is the field's.
func (e *Editor) undo() {
	if e.forwardShortcut(&fyne.ShortcutUndo{}) {
		return
	}
	if d := e.cur; d != nil && d.editable() && !e.stroking() {
		if r, ok := d.hist.undoInto(d.ly.tri); ok && !r.Empty() {
			e.canvas.repaint(r)
			e.edited(d, r)
		} else if ok {
			e.updateStatus()
		}
	}
}

// redo re-applies the latest undone edit.
func (e *Editor) redo() {
	if e.forwardShortcut(&fyne.ShortcutRedo{}) {
		return
	}
	if d := e.cur; d != nil && d.editable() && !e.stroking() {
		if r, ok := d.hist.redoInto(d.ly.tri); ok && !r.Empty() {
			e.canvas.repaint(r)
			e.edited(d, r)
		} else if ok {
			e.updateStatus()
		}
	}
}

// forwardShortcut hands sc to the focused widget when it takes shortcuts
// (a text field in a dialog); it reports whether it did.
func (e *Editor) forwardShortcut(sc fyne.Shortcut) bool {
	if f, ok := e.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return true
	}
	return false
}

// resetMask returns to the automatic trimap, as one undoable edit.
func (e *Editor) resetMask() { e.wholeEdit(opReset) }

// wholeEdit applies an edit of the whole trimap (reset, invert) to the
// current photo, as one undoable edit.
func (e *Editor) wholeEdit(kind string) {
	d := e.cur
	if d == nil || !d.editable() {
		return
	}
	rec := newTileRecorder(d.ly.tri)
	op := editOp{Kind: kind}
	e.commit(d, rec, op, applyOp(d.ly.tri, d.ly.model, d.auto, e.sceneOf(d), op, rec))
}

// sceneOf gives the scene of d's mask as it is now (see scene).
func (e *Editor) sceneOf(d *document) func() *stroke.Scene {
	return func() *stroke.Scene { return d.scene(d.inverted()) }
}

// edited follows every trimap change: it bumps the revision, schedules a
// debounced refine and a recovery save. changed bounds the labels the
// change touched; wholePhoto (a replay, a new guide) has the whole photo
// solved again.
func (e *Editor) edited(d *document, changed image.Rectangle) {
	d.rev++
	if changed == wholePhoto {
		d.full = true
	} else {
		d.changed = d.changed.Union(changed)
	}
	if r := d.ly.res; r != nil {
		// The solve can no longer be reused for other edge settings (that
		// needs the same trimap); its alpha and colours still show.
		r.solved.matte = nil
	}
	e.ref.schedule(d, e.ref.editDelay())
	e.scheduleSave(d)
	e.strip.refresh(d)
	e.updateStatus()
}

// wholePhoto is the change of a replay or a new guide, which has the
// whole photo solved again.
var wholePhoto = image.Rect(-1, -1, 0, 0)

// replay rebuilds d's trimap from base and ops, one undo step per op. It
// is not an edit: callers follow it up.
func (e *Editor) replay(d *document, base *refine.Trimap, ops []editOp) {
	if !d.editable() || len(ops) == 0 {
		return
	}
	copy(d.ly.tri.Pix, base.Pix)
	d.hist = history{}
	if d.auto != nil && string(d.auto.Pix) != string(base.Pix) {
		copy(d.auto.Pix, base.Pix) // reset returns to the restored base
		d.scenes = [2]*stroke.Scene{}
	}
	inv := false // as the mask stands before each op (see inverted)
	scene := func() *stroke.Scene { return d.scene(inv) }
	for _, op := range ops {
		rec := newTileRecorder(d.ly.tri)
		applyOp(d.ly.tri, d.ly.model, base, scene, op, rec)
		switch op.Kind {
		case opInvert:
			inv = !inv
		case opReset:
			inv = false
		}
		if ed := rec.finish(op); ed != nil {
			d.hist.push(ed)
		} else {
			d.hist.push(&edit{op: op}) // as commit does
		}
	}
	if d == e.cur {
		e.canvas.redraw()
	}
}
