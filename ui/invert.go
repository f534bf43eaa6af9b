package ui

import (
	"cutout/refine"
	"cutout/refine/parallel"
)

// Invert (Edit ▸ Invert Mask, Ctrl+Shift+I as Select ▸ Inverse in
// Photoshop) keeps what was removed and removes what was kept: the
// trimap's foreground and background swap, the unknown band stays, and
// matting solves the band against the inverted automatic guide (its
// labels swapped, its matte 1 − m), so the edge is the same edge, seen
// from the other side. It is one undoable edit.

// invertMask inverts the current photo's mask.
func (e *Editor) invertMask() { e.wholeEdit(opInvert) }

// invertLabels swaps the foreground and background labels of pix.
func invertLabels(pix []uint8) {
	parallel.Rows(len(pix), func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if l := pix[i]; l != refine.Unknown {
				pix[i] = refine.Foreground + refine.Background - l
			}
		}
	})
}

// inverted reports whether d's edits leave its mask inverted: an odd
// number of inversions since the last reset.
func (d *document) inverted() bool {
	inv := false
	for _, op := range d.edits() {
		switch op.Kind {
		case opInvert:
			inv = !inv
		case opReset:
			inv = false
		}
	}
	return inv
}

// solveGuide is the automatic guide that matting holds d's trimap to:
// the model's, or its inversion when the mask is inverted.
func (d *document) solveGuide() *refine.Guide {
	if d.guide == nil || !d.inverted() {
		return d.guide
	}
	if d.guideInv == nil {
		d.guideInv = invertGuide(d.guide)
	}
	return d.guideInv
}

// invertGuide is g for the inverted subject: labels swapped, matte 1 − m,
// the same weights.
func invertGuide(g *refine.Guide) *refine.Guide {
	tri := g.Trimap.Clone()
	invertLabels(tri.Pix)
	prior := refine.NewMatte(g.Prior.W, g.Prior.H)
	parallel.Rows(len(prior.Pix), func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			prior.Pix[i] = 1 - g.Prior.Pix[i]
		}
	})
	return &refine.Guide{Trimap: tri, Prior: prior, Weight: g.Weight}
}
