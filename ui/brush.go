package ui

import (
	"image"

	"cutout/refine"
	"cutout/refine/stroke"
)

// Tool is what a press on the canvas does.
type Tool int

// Tools, in toolbar order.
const (
	// ToolForeground paints refine.Foreground into the trimap.
	ToolForeground Tool = iota
	// ToolBackground paints refine.Background into the trimap.
	ToolBackground
	// ToolUnknown paints refine.Unknown (refine edge) into the trimap.
	ToolUnknown
	// ToolKeep keeps the region the model was half-sure of under a
	// click, or else the connected mask region under it, dropping every
	// other one.
	ToolKeep
	// ToolDrop drops the region the model was half-sure of under a
	// click, or else the connected mask region under it.
	ToolDrop
)

// String names the tool as the toolbar does.
func (t Tool) String() string {
	switch t {
	case ToolForeground:
		return "Foreground brush"
	case ToolBackground:
		return "Background brush"
	case ToolUnknown:
		return "Refine-edge brush"
	case ToolKeep:
		return "Keep subject"
	case ToolDrop:
		return "Drop region"
	}
	return "Unknown tool"
}

// short is the tool's name on its button.
func (t Tool) short() string {
	return [...]string{"Brush", "Erase", "Edge", "Keep", "Drop"}[t]
}

// key is the tool's key.
func (t Tool) key() string {
	return [...]string{"B", "E", "R", "W", "D"}[t]
}

// tip says what the tool does, with its key.
func (t Tool) tip() string {
	return [...]string{
		"Foreground brush (B): paint what to keep; a stroke spreads over its region (Shift: only what it covers). X swaps brushes",
		"Background brush (E): paint what to remove; a stroke spreads over its region (Shift: only what it covers). X swaps brushes",
		"Refine-edge brush (R): paint over hair and soft edges to have them worked out",
		"Keep subject (W): click the subject; everything not connected to it goes, or click what the model half-kept to keep it",
		"Drop region (D): click a region to remove it; what the model half-kept goes alone",
	}[t]
}

// label is the trimap label a brush tool paints.
func (t Tool) label() uint8 {
	switch t {
	case ToolForeground:
		return refine.Foreground
	case ToolBackground:
		return refine.Background
	}
	return refine.Unknown
}

// isBrush reports whether the tool paints strokes (rather than picking).
func (t Tool) isBrush() bool { return t <= ToolUnknown }

// brush is one stroke's paint settings (see stroke.Brush).
type brush = stroke.Brush

// paintSegment stamps a capsule from a to b (source pixel coordinates)
// into tri with stroke.Segment, after letting rec save the tiles it may
// change for undo. It returns the rectangle of pixels it may have changed.
func paintSegment(tri *refine.Trimap, a, b vec, br brush, rec *tileRecorder) image.Rectangle {
	pa, pb := stroke.Point(a), stroke.Point(b)
	if rec != nil {
		rec.save(stroke.SegmentBounds(tri, pa, pb, br))
	}
	return stroke.Segment(tri, pa, pb, br)
}

// vec is a point in source pixel coordinates.
type vec struct{ X, Y float64 }
