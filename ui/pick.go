package ui

import (
	"image"

	"cutout/refine"
	"cutout/refine/stroke"
)

// Picks (the Keep and Drop tools) work on what the person sees; see
// refine/stroke.

// applyRegion keeps (keep true) or drops the region given as runs,
// writing Background over what goes. Before changing pixels it lets rec
// save their tiles. It returns the changed bounds.
func applyRegion(tri *refine.Trimap, runs []int32, keep bool, rec *tileRecorder) image.Rectangle {
	if keep {
		rec.saveAll()
	} else {
		rec.save(stroke.RegionBounds(tri, runs, false))
	}
	return stroke.ApplyRegion(tri, runs, keep)
}

// pickRuns finds the region a click at (x, y) selects, as runs (see
// stroke.Runs); false when the click shows nothing.
func pickRuns(tri *refine.Trimap, alpha func(i int) uint8, x, y int) ([]int32, bool) {
	return stroke.PickRuns(tri, alpha, x, y)
}

// labelAlpha is the alpha a trimap and the model's matte alone show
// (stroke.LabelAlpha).
func labelAlpha(tri *refine.Trimap, model []uint8) func(int) uint8 {
	return stroke.LabelAlpha(tri, model)
}
