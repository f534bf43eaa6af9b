package ui

import (
	"image"

	"cutout/refine"
)

// tileSize is the side of the square trimap tiles that undo saves. A
// stroke saves only the tiles it touches, so undo memory follows the
// painted area, not the photo size.
const tileSize = 64

// tileRecorder saves the tiles of a trimap before an edit changes them.
// It is not safe for concurrent use.
type tileRecorder struct {
	tri    *refine.Trimap
	cols   int
	before map[int][]uint8 // tile index -> labels before the edit
}

func newTileRecorder(tri *refine.Trimap) *tileRecorder {
	return &tileRecorder{tri: tri, cols: (tri.W + tileSize - 1) / tileSize, before: map[int][]uint8{}}
}

// save copies every tile overlapping r that has not been saved yet.
func (rec *tileRecorder) save(r image.Rectangle) {
	if r.Empty() {
		return
	}
	for ty := r.Min.Y / tileSize; ty <= (r.Max.Y-1)/tileSize; ty++ {
		for tx := r.Min.X / tileSize; tx <= (r.Max.X-1)/tileSize; tx++ {
			i := ty*rec.cols + tx
			if _, ok := rec.before[i]; !ok {
				rec.before[i] = copyTile(rec.tri, rec.tileRect(i), nil)
			}
		}
	}
}

// restore pastes the saved tiles back: the trimap is as it was before
// the edit. It returns the rectangle the saved tiles cover.
func (rec *tileRecorder) restore() image.Rectangle {
	var r image.Rectangle
	for i, before := range rec.before {
		t := rec.tileRect(i)
		pasteTile(rec.tri, t, before)
		r = r.Union(t)
	}
	return r
}

// saveAll saves every tile (for edits that may touch the whole trimap).
func (rec *tileRecorder) saveAll() { rec.save(image.Rect(0, 0, rec.tri.W, rec.tri.H)) }

func (rec *tileRecorder) tileRect(i int) image.Rectangle {
	tx, ty := i%rec.cols, i/rec.cols
	return image.Rect(tx*tileSize, ty*tileSize, (tx+1)*tileSize, (ty+1)*tileSize).
		Intersect(image.Rect(0, 0, rec.tri.W, rec.tri.H))
}

// finish turns the saved tiles into an edit holding the labels before and
// after, dropping tiles the edit left unchanged. It returns nil when
// nothing changed.
func (rec *tileRecorder) finish(op editOp) *edit {
	e := &edit{op: op}
	for i, before := range rec.before {
		r := rec.tileRect(i)
		after := copyTile(rec.tri, r, nil)
		if string(after) == string(before) {
			continue
		}
		e.tiles = append(e.tiles, tileDiff{rect: r, before: before, after: after})
		e.bounds = e.bounds.Union(r)
	}
	if len(e.tiles) == 0 {
		return nil
	}
	return e
}

func copyTile(tri *refine.Trimap, r image.Rectangle, dst []uint8) []uint8 {
	dst = dst[:0]
	for y := r.Min.Y; y < r.Max.Y; y++ {
		dst = append(dst, tri.Pix[y*tri.W+r.Min.X:y*tri.W+r.Max.X]...)
	}
	return dst
}

func pasteTile(tri *refine.Trimap, r image.Rectangle, src []uint8) {
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(tri.Pix[y*tri.W+r.Min.X:y*tri.W+r.Max.X], src[(y-r.Min.Y)*w:])
	}
}

// tileDiff is one tile's labels before and after an edit.
type tileDiff struct {
	rect          image.Rectangle
	before, after []uint8
}

// edit is one undoable change to the trimap: a stroke, a pick or a reset.
type edit struct {
	op     editOp
	tiles  []tileDiff
	bounds image.Rectangle
}

// history is the undo and redo stacks of one photo.
type history struct {
	undo, redo []*edit
}

func (h *history) push(e *edit) {
	h.undo = append(h.undo, e)
	h.redo = h.redo[:0]
}

// undoInto reverts the latest edit in tri and returns the region it
// changed, or false when there is nothing to undo.
func (h *history) undoInto(tri *refine.Trimap) (image.Rectangle, bool) {
	return move(&h.undo, &h.redo, tri, func(t tileDiff) []uint8 { return t.before })
}

// redoInto re-applies the latest undone edit.
func (h *history) redoInto(tri *refine.Trimap) (image.Rectangle, bool) {
	return move(&h.redo, &h.undo, tri, func(t tileDiff) []uint8 { return t.after })
}

// move pops the top edit of from, pastes the tiles state picks into tri
// and pushes the edit onto to.
func move(from, to *[]*edit, tri *refine.Trimap, state func(tileDiff) []uint8) (image.Rectangle, bool) {
	if len(*from) == 0 {
		return image.Rectangle{}, false
	}
	e := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	for _, t := range e.tiles {
		pasteTile(tri, t.rect, state(t))
	}
	*to = append(*to, e)
	return e.bounds, true
}

// ops lists the operations of the edits that are currently applied, in
// order; replaying them on the automatic trimap rebuilds the current one.
func (h *history) ops() []editOp {
	out := make([]editOp, len(h.undo))
	for i, e := range h.undo {
		out[i] = e.op
	}
	return out
}
