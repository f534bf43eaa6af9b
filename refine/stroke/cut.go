package stroke

import (
	"image"
	"math"

	"cutout/refine"
)

// A stroke painted where the model is sure of the other label (another
// person, a bin, a bouquet the model took for part of the subject; a
// dark jacket on dark foliage it left out) is told from what the model
// holds by the photo itself, as GrabCut (Rother, Kolmogorov and Blake,
// SIGGRAPH 2004) and Lazy Snapping (Li et al., SIGGRAPH 2004) do: a
// minimum graph cut on the growth grid, within the cells the model holds
// as the other label connected to the stroke, with the stroke (and the
// person's earlier labels) as hard seeds, colour models (Gaussian
// mixtures) learnt from the stroke and from the other label's core
// (below), and the photo's contrast between neighbouring cells
// (GrabCut's β) as the cost of cutting there. The cells the model holds
// at its ceiling or floor (cutSat) are held as the other label: colour
// alone cannot tell a bin beside a child from the child's own coat, and
// without that hold a background click on a patch of a dark shirt took
// the whole shirt (hsd-063 lost 0.55 of IoU in one step) and a click
// between a man's legs took the man behind (hsd-241, 0.135). The things
// the model wrongly keeps are mostly held short of its ceiling (the bin
// on hsd-168 at 0.85-0.99, the roses on celebamaskhq-demo0 below 0.99),
// the subject at it; the things it wrongly leaves out above its floor
// (hsd-034's jacket at 0.002-0.1; 96-99% of every people photo's true
// background is at the floor). Those cells are also the other label's
// colour model: learnt from all its sure cells instead, the model held
// the bin's own colours and ten clicks on hsd-168 took the bin's body but
// not its lid (NoC@90 9 against 3). The stroke's side of the cut, where
// it is connected to the stroke, joins the growth. Cutting for
// foreground strokes too took hsd-034's IoU to 0.95 in 2 clicks instead
// of 10 and hsd-037's in 3 instead of 6, with no click lowering any
// photo's IoU by more than before.

// Cut parameters, measured with the simulated-user benchmark.
const (
	// cutComponents is the number of Gaussians in each colour model.
	cutComponents = 5
	// cutGamma weighs the photo's contrast against the colour models
	// (GrabCut's γ, for log densities in nats).
	cutGamma = 50
	// cutFar is how far from the stroke, in brush radii, the model's sure
	// cells stand for the other label's colours where its core has fewer
	// than cutCoreMin cells.
	cutFar     = 2
	cutCoreMin = 50
	// cutSat: where the model holds the other label at cutSat or more
	// (its ceiling; for the background, 1-cutSat or less, its floor),
	// the cell is held as the other label. 0.995 holds the bin on
	// hsd-168 too.
	cutSat = 0.999
	// cutWindow bounds the cut to this many grid cells around the
	// stroke, for time (96 cost hsd-168 a click).
	cutWindow = 160
)

// cutRegion splits the cells the model holds as other, connected to the
// stroke's seed cells, into the stroke's object and the rest by a graph
// cut: colour models learnt from the stroke and from the other label's
// sure cells far from it, the photo's contrast between cells. It returns
// the cells on the stroke's side connected to the stroke, or nil.
func (s *Scene) cutRegion(tri *refine.Trimap, seed []bool, rr float64, label, other uint8) []bool {
	gw, gh := s.gw, s.gh
	side := func(k int) bool {
		if other == refine.Foreground {
			return s.model[k] >= 0.5
		}
		return s.model[k] < 0.5
	}
	sure := func(k int) bool {
		if other == refine.Foreground {
			return s.model[k] >= sureHi
		}
		return s.model[k] <= sureLo
	}
	saturated := func(k int) bool {
		if other == refine.Foreground {
			return s.model[k] >= cutSat
		}
		return s.model[k] <= 1-cutSat
	}
	// The domain: cells on the other side of the model's 0.5, connected
	// to the stroke.
	dom := make([]bool, gw*gh)
	var stack []int
	win := image.Rectangle{}
	for k, v := range seed {
		if v {
			dom[k] = true
			stack = append(stack, k)
			win = win.Union(image.Rect(k%gw, k/gw, k%gw+1, k/gw+1))
		}
	}
	win = win.Inset(-cutWindow)
	minX, minY, maxX, maxY := gw, gh, -1, -1
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := k%gw, k/gw
		minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		for d := range 8 {
			nx, ny := x+gridDX[d], y+gridDY[d]
			if nx < 0 || ny < 0 || nx >= gw || ny >= gh || !image.Pt(nx, ny).In(win) {
				continue
			}
			if j := ny*gw + nx; !dom[j] && side(j) {
				dom[j] = true
				stack = append(stack, j)
			}
		}
	}
	box := image.Rect(minX, minY, maxX+1, maxY+1)
	// The graph's nodes (see cutNode).
	local := func(k int) int { return cutNode(box, gw, k) }
	// Hard labels: the stroke and the person's labels.
	hard := make([]uint8, (box.Dx()+2)*(box.Dy()+2)) // 0 none, 1 label, 2 other
	near := dilate(seed, gw, box, max(1, int(math.Ceil(cutFar*rr))))
	var lab, own, oth, far []float32
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			k := y*gw + x
			if !dom[k] {
				continue
			}
			c := s.rgb[3*k : 3*k+3]
			switch o := s.ownLabel(tri, k); {
			case seed[k]:
				hard[local(k)] = 1
				own = append(own, c...)
			case o == label:
				hard[local(k)] = 1
				lab = append(lab, c...)
			case o == other:
				hard[local(k)] = 2
				oth = append(oth, c...)
			case saturated(k):
				hard[local(k)] = 2
				oth = append(oth, c...)
			case sure(k) && !near[k]:
				far = append(far, c...)
			}
		}
	}
	// The subject's colours are those of its core (what the model holds
	// at its ceiling and the person's labels), or where it has hardly
	// any, of its sure cells far from the stroke: a thing the model kept
	// at 0.95-0.999 beside the subject is then not in the subject's
	// model, however large it is.
	if len(oth) < 3*cutCoreMin {
		oth = append(oth, far...)
	}
	if len(oth) == 0 {
		return nil
	}
	// The stroke's own colours weigh at least as much as the label's
	// earlier ones (repeated as often as it takes): what the person
	// paints now is what they mean, and a large earlier stroke (a bin's
	// body) must not drown a small one on another colour (its lid). On
	// hsd-168 the lid then goes with the first click on it (NoC@90 5 ->
	// 3); no other photo's clicks change.
	for rep := max(1, len(lab)/max(1, len(own))); rep > 0; rep-- {
		lab = append(lab, own...)
	}
	g := s.cutCells(dom, hard, box, lab, oth)
	if g == nil {
		return nil
	}
	// The stroke's side, connected to the stroke.
	out := make([]bool, gw*gh)
	stack = stack[:0]
	for k, v := range seed {
		if v && dom[k] {
			out[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := k%gw, k/gw
		for d := range 8 {
			nx, ny := x+gridDX[d], y+gridDY[d]
			if nx < minX || ny < minY || nx > maxX || ny > maxY {
				continue
			}
			if j := ny*gw + nx; !out[j] && dom[j] && g.source(local(j)) {
				out[j] = true
				stack = append(stack, j)
			}
		}
	}
	return out
}

// cutCells solves the minimum graph cut over the grid cells dom (within
// box) between colour models learnt from lab and oth (RGB triples): the
// photo's contrast between neighbouring cells (GrabCut's β, the inverse
// of twice the mean squared colour step over dom) as the cost of cutting
// there, weighed by cutGamma against the colour models' log densities.
// hard holds, per node of the box with a border of one node (see
// cutNode), 1 for a cell held on lab's side and 2 for one held on oth's.
// It returns the solved graph (source: lab's side), or nil when either
// model has no colour. One cut: GrabCut's iterations, each cut with
// colour models learnt from the last, gave the benchmark the same clicks
// at two or three times the time.
func (s *Scene) cutCells(dom []bool, hard []uint8, box image.Rectangle, lab, oth []float32) *flowGrid {
	gw, gh := s.gw, s.gh
	var sum float64
	var cnt int
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			k := y*gw + x
			if !dom[k] {
				continue
			}
			for d := 4; d < 8; d++ {
				nx, ny := x+gridDX[d], y+gridDY[d]
				if nx >= gw || ny >= gh || nx < 0 {
					continue
				}
				if j := ny*gw + nx; dom[j] {
					sum += colourSq(s.rgb[3*k:3*k+3], s.rgb[3*j:3*j+3])
					cnt++
				}
			}
		}
	}
	beta := 0.0
	if sum > 0 {
		beta = float64(cnt) / (2 * sum)
	}
	lm, om := fitGMM(lab, cutComponents), fitGMM(oth, cutComponents)
	if lm.empty || om.empty {
		return nil
	}
	g := newFlowGrid(box.Dx()+2, box.Dy()+2)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			k := y*gw + x
			if !dom[k] {
				continue
			}
			u := cutNode(box, gw, k)
			c := s.rgb[3*k : 3*k+3]
			switch hard[u] {
			case 1:
				g.tr[u] = 1e9
			case 2:
				g.tr[u] = -1e9
			default:
				g.tr[u] = float32(lm.logLik(c) - om.logLik(c))
			}
			for d := 4; d < 8; d++ {
				nx, ny := x+gridDX[d], y+gridDY[d]
				if nx >= gw || ny >= gh || nx < 0 {
					continue
				}
				if j := ny*gw + nx; dom[j] {
					wgt := cutGamma * math.Exp(-beta*colourSq(c, s.rgb[3*j:3*j+3]))
					if d != 6 && d != 4 {
						wgt /= math.Sqrt2
					}
					g.setEdge(u, d, float32(wgt))
				}
			}
		}
	}
	g.solve()
	return g
}

// cutNode is the node of grid cell k in the graph of box (with a border
// of one node that no arc reaches, so that every node of the box has
// eight neighbours).
func cutNode(box image.Rectangle, gw, k int) int {
	return (k/gw-box.Min.Y+1)*(box.Dx()+2) + k%gw - box.Min.X + 1
}

// colourSq is the squared RGB distance between two colours.
func colourSq(a, b []float32) float64 {
	d0, d1, d2 := float64(a[0]-b[0]), float64(a[1]-b[1]), float64(a[2]-b[2])
	return d0*d0 + d1*d1 + d2*d2
}

// sureCut is the cut for a stroke painted where the model is sure of the
// other label (at least half its n seed cells), or nil.
func (s *Scene) sureCut(tri *refine.Trimap, seed []bool, n int, rr float64, label, other uint8) []bool {
	if s.model == nil {
		return nil
	}
	in := 0
	for k, v := range seed {
		if v && (other == refine.Foreground && s.model[k] >= sureHi || other == refine.Background && s.model[k] <= sureLo) {
			in++
		}
	}
	if 2*in < n {
		return nil
	}
	return s.cutRegion(tri, seed, rr, label, other)
}
