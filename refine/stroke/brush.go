package stroke

import (
	"image"
	"math"

	"cutout/refine"
)

// Point is a position in source pixel coordinates; pixel (x, y) covers
// [x, x+1)×[y, y+1), so its centre is (x+0.5, y+0.5).
type Point struct{ X, Y float64 }

// Brush is one stroke's paint settings. Radius is in source pixels;
// Hardness in [0,1] is the fraction of the radius painted with Label: the
// rim beyond it becomes refine.Unknown (unless it already holds the
// label), so a soft brush leaves the exact edge to the matting solver.
type Brush struct {
	Radius   float64
	Hardness float64
	Label    uint8
}

// SegmentBounds returns the rectangle of pixels Segment may change for
// the same arguments, clipped to tri (empty when the capsule misses it).
// An editor saves these pixels for undo before painting.
func SegmentBounds(tri *refine.Trimap, a, b Point, br Brush) image.Rectangle {
	r := max(br.Radius, 0.5)
	return image.Rect(
		int(math.Floor(math.Min(a.X, b.X)-r)), int(math.Floor(math.Min(a.Y, b.Y)-r)),
		int(math.Ceil(math.Max(a.X, b.X)+r))+1, int(math.Ceil(math.Max(a.Y, b.Y)+r))+1,
	).Intersect(image.Rect(0, 0, tri.W, tri.H))
}

// Segment stamps a capsule from a to b into tri, so consecutive drag
// events join without gaps however fast the pointer moves: pixels whose
// centre lies within Hardness·Radius of the segment take br.Label, the
// rest of the capsule of radius Radius (at least 0.5) becomes Unknown
// where it does not already hold the label. It returns SegmentBounds.
func Segment(tri *refine.Trimap, a, b Point, br Brush) image.Rectangle {
	rect := SegmentBounds(tri, a, b, br)
	if rect.Empty() {
		return image.Rectangle{}
	}
	r := max(br.Radius, 0.5)
	core := r * min(max(br.Hardness, 0), 1)
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
