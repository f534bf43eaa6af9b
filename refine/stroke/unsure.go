package stroke

import (
	"image"

	"cutout/refine"
)

// Keep and Drop on what the model was unsure of: a click where the model
// left the photo half-sure (sureLo < m < sureHi: roses beside a face, a
// shirt it gave half) selects that half-sure region alone, even where it
// touches the subject, instead of the connected part of the mask, which
// would take the subject with it. The model's own anti-aliased edge is
// half-sure too, but only a few pixels wide: an opening of unsureOpen
// grid cells removes it, so a region never runs along the subject's
// contour. Within the region, a graph cut between the click's colours
// and the sure foreground's around it (GrabCut's colour models and
// contrast term, as for a stroke on what the model is sure of) keeps
// what looks like the subject, along the photo's edges: roses that touch
// auburn hair go, the hair stays. On celebamaskhq-demo0 one Drop click on
// the roses takes the IoU from 0.9454 to 0.9477; the cells' nearest
// colours alone (the click's or the sure foreground's, cell by cell) took
// a strip of the hair's half-sure edge with the roses and lowered it to
// 0.9419 (with the JPEG's chroma repeated, as it was decoded before:
// 0.9446 -> 0.9508 with the cut, 0.9454 with the nearest colours).

// unsureOpen is the radius, in grid cells, of the opening that cuts the
// model's thin edge from half-sure regions (the model's edge is one to
// three of its 1024² pixels wide).
const unsureOpen = 2

// clickRadius is the radius of the disc, as a share of the photo's short
// side, that a pick's cut holds on the click's side.
const clickRadius = 0.02

// PickUnsure finds the half-sure region under a Keep or Drop click at
// (x, y): the component of the grid's half-sure cells, after the opening,
// under the click, grown back by the opening's radius over cells that are
// not sure foreground; within it, the cells on the click's side of a
// graph cut against the sure foreground around it (see splitUnsure),
// connected to the click; and at the photo's resolution the pixels of
// those cells where the model is below sureHi. It returns the region
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
	// The component of the opened half-sure cells under the click, grown
	// back over what the opening took that is not sure foreground.
	comp := dilate(s.component(k0, opened), gw, all, unsureOpen)
	for k, g := range comp {
		comp[k] = g && s.model[k] < sureHi
	}
	// Within it, the cells on the click's side of a graph cut between the
	// click's colours and those of the sure foreground around the
	// component, connected to the click: roses are split from the hair
	// they touch, though the model was unsure of both, along the photo's
	// edges between them. The cut, not the opening, decides the margin
	// the opening took: grown back blindly, it took a strip of the hair.
	r := max(1, int(clickRadius*float64(min(s.w, s.h))/float64(s.cell)))
	region := s.splitUnsure(comp, k0, r)
	mark := make([]uint8, s.w*s.h)
	bounds := image.Rectangle{}
	for k, g := range region {
		if !g {
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

// splitUnsure returns the cells of the half-sure component comp that a
// pick at cell k0 takes: the click's side of a minimum graph cut (see
// cutCells) over comp and the sure foreground within 2×unsureOpen cells
// of it, with the cells of comp within r of the click held on the
// click's side and that sure foreground on the other, colour models
// learnt from each, connected to the click (the click's cell is in comp
// and within r of itself, so it is always held). Without sure foreground
// around, the whole component.
func (s *Scene) splitUnsure(comp []bool, k0, r int) []bool {
	gw, gh := s.gw, s.gh
	all := image.Rect(0, 0, gw, gh)
	beside := dilate(comp, gw, all, 2*unsureOpen)
	dom := make([]bool, len(comp))
	box := image.Rectangle{}
	for k, b := range beside {
		if comp[k] || b && s.model[k] >= sureHi {
			dom[k] = true
			box = box.Union(image.Rect(k%gw, k/gw, k%gw+1, k/gw+1))
		}
	}
	hard := make([]uint8, (box.Dx()+2)*(box.Dy()+2))
	var near, far []float32
	cx0, cy0 := k0%gw, k0/gw
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			k := y*gw + x
			c := s.rgb[3*k : 3*k+3]
			switch {
			case !dom[k]:
			case !comp[k]:
				hard[cutNode(box, gw, k)] = 2
				far = append(far, c...)
			case (x-cx0)*(x-cx0)+(y-cy0)*(y-cy0) <= r*r:
				hard[cutNode(box, gw, k)] = 1
				near = append(near, c...)
			}
		}
	}
	if len(far) == 0 {
		return comp
	}
	g := s.cutCells(dom, hard, box, near, far)
	if g == nil {
		return comp
	}
	like := make([]bool, len(comp))
	for k, c := range comp {
		like[k] = c && g.source(cutNode(box, gw, k))
	}
	return s.component(k0, like)
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
