package ui

import (
	"image"
	"math"

	"cutout/refine"
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
	// ToolKeep keeps the connected mask region under a click and drops every other one.
	ToolKeep
	// ToolDrop drops the connected mask region under a click.
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
		"Foreground brush (B): paint what to keep. X swaps with the background brush",
		"Background brush (E): paint what to remove. X swaps with the foreground brush",
		"Refine-edge brush (R): paint over hair and soft edges to have them worked out",
		"Keep subject (W): click the subject; everything not connected to it goes",
		"Drop region (D): click a region you see to remove it",
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

// brush is one stroke's paint settings. Radius is in source pixels;
// Hardness in [0,1] is the fraction of the radius painted with the label:
// the rim beyond it becomes refine.Unknown (unless it already holds the
// label), so a soft brush leaves the exact edge to the matting solver.
type brush struct {
	Radius   float64
	Hardness float64
	Label    uint8
}

// paintSegment stamps a capsule from a to b (source pixel coordinates)
// into tri, so consecutive drag events join without gaps however fast the
// pointer moves. Before touching a pixel it lets rec save the pixel's tile
// for undo. It returns the rectangle of pixels it may have changed.
func paintSegment(tri *refine.Trimap, a, b vec, br brush, rec *tileRecorder) image.Rectangle {
	r := br.Radius
	if r < 0.5 {
		r = 0.5
	}
	core := r * min(max(br.Hardness, 0), 1)
	rect := image.Rect(
		int(math.Floor(math.Min(a.X, b.X)-r)), int(math.Floor(math.Min(a.Y, b.Y)-r)),
		int(math.Ceil(math.Max(a.X, b.X)+r))+1, int(math.Ceil(math.Max(a.Y, b.Y)+r))+1,
	).Intersect(image.Rect(0, 0, tri.W, tri.H))
	if rect.Empty() {
		return image.Rectangle{}
	}
	if rec != nil {
		rec.save(rect)
	}
	dx, dy := b.X-a.X, b.Y-a.Y
	ll := dx*dx + dy*dy
	r2, c2 := r*r, core*core
	lab := br.Label
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		py := float64(y) + 0.5
		row := tri.Pix[y*tri.W : (y+1)*tri.W]
		for x := rect.Min.X; x < rect.Max.X; x++ {
			px := float64(x) + 0.5
			// Squared distance from the pixel centre to segment ab:
			// t = clamp(((p-a)·(b-a)) / |b-a|²), d² = |p - (a + t(b-a))|².
			t := 0.0
			if ll > 0 {
				t = min(max(((px-a.X)*dx+(py-a.Y)*dy)/ll, 0), 1)
			}
			ex, ey := px-(a.X+t*dx), py-(a.Y+t*dy)
			d2 := ex*ex + ey*ey
			switch {
			case d2 > r2:
			case d2 <= c2:
				row[x] = lab
			case row[x] != lab:
				row[x] = refine.Unknown
			}
		}
	}
	return rect
}

// vec is a point in source pixel coordinates.
type vec struct{ X, Y float64 }
