package stroke

import (
	"image"
	"math"

	"cutout/refine"
)

// Keep and Drop on what the model was unsure of: a click where the model
// left the photo half-sure (sureLo < m < sureHi: roses beside a face, a
// shirt it gave half) selects that half-sure region alone, even where it
// touches the subject, instead of the connected part of the mask, which
// would take the subject with it. The model's own anti-aliased edge is
// half-sure too, but only a few pixels wide: an opening of unsureOpen
// grid cells removes it, so a region never runs along the subject's
// contour.

// unsureOpen is the radius, in grid cells, of the opening that cuts the
// model's thin edge from half-sure regions (the model's edge is one to
// three of its 1024² pixels wide).
const unsureOpen = 2

// clickRadius is the radius of the disc, as a share of the photo's short
// side, whose colours a pick's region is grown from.
const clickRadius = 0.02

// PickUnsure finds the half-sure region under a Keep or Drop click at
// (x, y): the cells of the grid, half-sure after the opening, that a
// stroke grows over from a disc of clickRadius around the click (see
// Grow), grown back by the opening's radius over cells that are not sure
// foreground, and at the photo's resolution the pixels of those cells
// where the model is below sureHi. It returns the region
// as runs (see Runs) and false when the model is sure at (x, y), or
// there is no model: the click then picks as PickRuns does.
func (s *Scene) PickUnsure(x, y int) ([]int32, bool) {
	if s.full == nil || x < 0 || y < 0 || x >= s.w || y >= s.h {
		return nil, false
	}
	gw, gh := s.gw, s.gh
	all := image.Rect(0, 0, gw, gh)
	unsure := make([]bool, gw*gh)
	for k, m := range s.model {
		unsure[k] = m > sureLo && m < sureHi
	}
	// Opening: erode (the complement's dilation), then dilate.
	not := make([]bool, len(unsure))
	for k, u := range unsure {
		not[k] = !u
	}
	core := dilate(not, gw, all, unsureOpen)
	for k := range core {
		core[k] = !core[k]
	}
	opened := dilate(core, gw, all, unsureOpen)
	k0 := (y/s.cell)*gw + x/s.cell
	if !opened[k0] || !unsure[k0] {
		return nil, false
	}
	// The component of the opened half-sure cells under the click.
	comp := s.component(k0, opened)
	// Within it, the cells whose colour is nearer the click's than the
	// sure foreground's beside the component (nearest neighbour among
	// each side's cells), connected to the click: roses are split from
	// the hair they touch, though the model was unsure of both.
	r := max(1, int(clickRadius*float64(min(s.w, s.h))/float64(s.cell)))
	var near, far [][3]float32
	cx0, cy0 := k0%gw, k0/gw
	for y := max(0, cy0-r); y <= min(gh-1, cy0+r); y++ {
		for x := max(0, cx0-r); x <= min(gw-1, cx0+r); x++ {
			if k := y*gw + x; comp[k] && (x-cx0)*(x-cx0)+(y-cy0)*(y-cy0) <= r*r {
				near = append(near, s.colourOf(k))
			}
		}
	}
	beside := dilate(comp, gw, all, 2*unsureOpen)
	for k, b := range beside {
		if b && s.model[k] >= sureHi {
			far = append(far, s.colourOf(k))
		}
	}
	near, far = thin(near, paletteSize), thin(far, paletteSize)
	like := make([]bool, len(comp))
	for k, c := range comp {
		if c {
			col := s.colourOf(k)
			like[k] = len(far) == 0 || nearest(col, near) <= nearest(col, far)
		}
	}
	like[k0] = true
	region := s.component(k0, like)
	grown := dilate(region, gw, all, unsureOpen)
	mark := make([]uint8, s.w*s.h)
	bounds := image.Rectangle{}
	for k, g := range grown {
		if !g || s.model[k] >= sureHi {
			continue
		}
		cx, cy := k%gw, k/gw
		r := image.Rect(cx*s.cell, cy*s.cell, min(cx*s.cell+s.cell, s.w), min(cy*s.cell+s.cell, s.h))
		any := false
		for py := r.Min.Y; py < r.Max.Y; py++ {
			for px := r.Min.X; px < r.Max.X; px++ {
				if s.full.Pix[py*s.w+px] < sureHi {
					mark[py*s.w+px] = 1
					any = true
				}
			}
		}
		if any {
			bounds = bounds.Union(r)
		}
	}
	return Runs(mark, s.w, bounds), true
}

// unsureRim is the width, in photo pixels, of the Unknown band
// ApplyUnsure leaves where a region meets pixels of another label, so
// matting places the edge between them.
const unsureRim = 2

// ApplyUnsure gives the region of runs (from PickUnsure) the label of a
// Keep (Foreground) or a Drop (Background), except within unsureRim of
// pixels outside the region that hold another label, which become
// Unknown. It changes only the pixels of runs and returns their bounds,
// RegionBounds(tri, runs, false), which an editor saves for undo first.
func ApplyUnsure(tri *refine.Trimap, runs []int32, keep bool) image.Rectangle {
	label := refine.Background
	if keep {
		label = refine.Foreground
	}
	w, h := tri.W, tri.H
	bounds := RegionBounds(tri, runs, false)
	if bounds.Empty() {
		return bounds
	}
	box := bounds.Inset(-unsureRim).Intersect(image.Rect(0, 0, w, h))
	bw := box.Dx()
	in := make([]bool, bw*box.Dy())
	for k := 0; k+2 < len(runs); k += 3 {
		y := int(runs[k])
		for x := max(int(runs[k+1]), box.Min.X); x < min(int(runs[k+2]), box.Max.X); x++ {
			in[(y-box.Min.Y)*bw+x-box.Min.X] = true
		}
	}
	// other: pixels outside the region with another label.
	other := make([]bool, len(in))
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			k := (y-box.Min.Y)*bw + x - box.Min.X
			other[k] = !in[k] && tri.Pix[y*w+x] != label
		}
	}
	near := dilate(other, bw, image.Rect(0, 0, bw, box.Dy()), unsureRim)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			k := (y-box.Min.Y)*bw + x - box.Min.X
			if !in[k] {
				continue
			}
			if near[k] {
				tri.Pix[y*w+x] = refine.Unknown
			} else {
				tri.Pix[y*w+x] = label
			}
		}
	}
	return bounds
}

// paletteSize is the most colours each side of a pick's nearest-neighbour
// test keeps.
const paletteSize = 256

// component returns the 4-connected cells of allowed around cell k0.
func (s *Scene) component(k0 int, allowed []bool) []bool {
	gw, gh := s.gw, s.gh
	out := make([]bool, len(allowed))
	out[k0] = true
	stack := []int{k0}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cx, cy := k%gw, k/gw
		for _, n := range [4][2]int{{cx - 1, cy}, {cx + 1, cy}, {cx, cy - 1}, {cx, cy + 1}} {
			if n[0] < 0 || n[1] < 0 || n[0] >= gw || n[1] >= gh {
				continue
			}
			if j := n[1]*gw + n[0]; !out[j] && allowed[j] {
				out[j] = true
				stack = append(stack, j)
			}
		}
	}
	return out
}

// colourOf is cell k's colour.
func (s *Scene) colourOf(k int) [3]float32 {
	return [3]float32{s.rgb[3*k], s.rgb[3*k+1], s.rgb[3*k+2]}
}

// thin keeps at most n colours of p, evenly spaced in its order.
func thin(p [][3]float32, n int) [][3]float32 {
	if len(p) <= n {
		return p
	}
	out := make([][3]float32, n)
	for i := range out {
		out[i] = p[i*len(p)/n]
	}
	return out
}

// nearest returns the least colour distance (summed over R, G, B) from c
// to the colours of p.
func nearest(c [3]float32, p [][3]float32) float32 {
	best := float32(math.MaxFloat32)
	for _, q := range p {
		best = min(best, abs(c[0]-q[0])+abs(c[1]-q[1])+abs(c[2]-q[2]))
	}
	return best
}
