package ui

import (
	"image"

	"cutout/refine"
	"cutout/refine/parallel"
	"cutout/refine/stroke"
)

// Strokes that understand the photo: a foreground or background stroke
// spreads over the region it was painted in (stroke.Scene.Grow, as
// Photoshop's Quick Selection), up to the photo's edges and what the
// model is sure is the other label. It is the default of both brushes;
// the Spread option off, or Shift held while painting, paints only what
// the brush covers (stroke.Segment), as the Brush tool does. While the
// pointer moves, the stroke paints what it covers and shows where it
// spreads as often as the photo's size allows (spreadWhilePainting); on
// release it spreads once more, from the whole stroke, as a replay does.
// Keep and Drop select first what the model was half-sure of under the
// click (stroke.Scene.PickUnsure), so roses that touch a face go alone,
// and else the connected region the person sees.

// scene is what strokes and picks read of d's photo: the photo and the
// model's matte on the growth grid, and the automatic trimap, inverted
// with the mask (see invert.go). It is made when first needed.
func (d *document) scene(inverted bool) *stroke.Scene {
	k := 0
	if inverted {
		k = 1
	}
	if d.scenes[k] == nil {
		var m *refine.Matte
		if d.model != nil {
			m = matteFrom8(d.model, d.w, d.h)
		}
		auto := d.auto
		if inverted {
			if m != nil {
				parallel.Rows(len(m.Pix), func(i0, i1 int) {
					for i := i0; i < i1; i++ {
						m.Pix[i] = 1 - m.Pix[i]
					}
				})
			}
			auto = d.auto.Clone()
			invertLabels(auto.Pix)
		} else {
			auto = auto.Clone() // d.auto changes on a restore; the scene keeps its own
		}
		d.scenes[k] = stroke.NewScene(d.ly.src, m, auto)
	}
	return d.scenes[k]
}

// spreads reports whether a stroke beginning now spreads: the Spread
// option, unless Shift is held, for the foreground and background
// brushes.
func (e *Editor) spreads(label uint8) bool {
	return label != refine.Unknown && e.tools.spread != e.keys.shiftHeld()
}

// setSpread sets the Spread option.
func (e *Editor) setSpread(on bool) {
	e.tools.spread = on
	e.app.Preferences().SetBool(prefBrushSpread, on)
	if e.ctl.spread != nil && e.ctl.spread.Checked != on {
		e.ctl.spread.SetChecked(on)
	}
}

// growStroke spreads the stroke op over the region it was painted in
// (stroke.Scene.Plan and Apply: the region is found once), after letting
// rec save the tiles it may change.
// It returns the rectangle it may have changed.
func growStroke(tri *refine.Trimap, sc *stroke.Scene, op editOp, rec *tileRecorder) image.Rectangle {
	pts := make([]stroke.Point, len(op.Points))
	for i, p := range op.Points {
		pts[i] = stroke.Point{X: p[0], Y: p[1]}
	}
	br := brush{Radius: op.Radius, Hardness: op.Hardness, Label: op.Label}
	g := sc.Plan(tri, pts, br)
	rec.save(g.Bounds())
	return g.Apply()
}

// applyUnsure keeps or drops a half-sure region (stroke.ApplyUnsure),
// after letting rec save the tiles it changes.
func applyUnsure(tri *refine.Trimap, runs []int32, keep bool, rec *tileRecorder) image.Rectangle {
	rec.save(stroke.RegionBounds(tri, runs, false))
	return stroke.ApplyUnsure(tri, runs, keep)
}
