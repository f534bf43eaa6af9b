package stroke

import (
	"container/heap"
	"image"
	"math"
	"slices"

	"cutout/refine"
	"cutout/refine/parallel"
)

// Strokes that understand the photo (Photoshop's Quick Selection, GIMP's
// Foreground Select): a foreground or background stroke spreads from the
// pixels it covers to the region it was painted in. The region is found
// on a reduced grid of the photo (at most gridSize pixels on the long
// side) as the pixels whose geodesic colour distance from the stroke
// (Criminisi, Sharp and Blake, "GeoS: Geodesic Image Segmentation",
// ECCV 2008: the least sum of colour steps along a path) is under a
// threshold and whose colour is near the stroke's. A path never enters
// what the model is sure is the other label; a background stroke painted
// where the model is sure of the subject is grown by a graph cut instead
// (see cut.go); and a background
// stroke's path never climbs out of a dip of the model's value into
// something it holds as the subject more surely (see climbLimit).
// (Letting a stroke painted inside such a region grow by colour alone
// fixed a little more on the benchmark, NoC@95 3.93 against 4.03, but one
// step in ten lost up to 0.43 of IoU where the region was the subject's
// own colour.) The grown region takes the stroke's label, and a band of
// the grid's cell size on both sides of its edge becomes Unknown, so
// matting places the edge at full resolution.

// Growth parameters, measured with the simulated-user benchmark
// (go run ./cmd/evaluate strokes).
const (
	// gridSize is the long side of the grid the region is grown on.
	gridSize = 512
	// stepCost is the cost of one grid step on a flat colour, so a
	// region cannot spread forever over a smooth gradient.
	stepCost = 0.5
	// noiseFloor is the colour step (8-bit levels summed over R, G, B)
	// that costs nothing: a photo's noise and fine texture. Without it a
	// region stops a few cells into a noisy suit (on the benchmark NoC@95
	// 4.03 against 3.83 with it; 24 spreads further and leaks more).
	noiseFloor = 12
	// growLimit is the geodesic distance (colour steps beyond noiseFloor,
	// in 8-bit levels summed over R, G, B along the path, plus stepCost a
	// step) up to which the region grows.
	growLimit = 90
	// colourLimit bounds the distance (8-bit levels, summed over R, G, B)
	// between a grown pixel's colour and the stroke's mean colour plus
	// its spread.
	colourLimit = 60
	// sureLo and sureHi: the model is confident of the background at or
	// below sureLo and of the foreground at or above sureHi.
	sureLo, sureHi = 0.05, 0.95
	// subjectHi and climbLimit: where the model holds the subject at
	// subjectHi or more, a background stroke goes on only along paths on
	// which the model's value has not risen more than climbLimit above
	// the least it holds anywhere under the stroke or on the way. A
	// background stroke is most often painted on something beside the
	// subject that the model half took (another person in a crowd, a
	// prop, a bin); where it touches the subject in the same colours, a
	// dip of the model's value between the two is all that tells them
	// apart, and a path that climbs out of such a dip has entered another
	// thing the model holds more surely. Up to sureHi alone, a click on
	// the head of a man behind the subject's shoulder (0.94-0.97) spread
	// past a dip to 0.77 into the subject's dark coat (0.88-0.96) and one
	// step lost 0.046 of IoU (hsd-241); stopping every background stroke
	// at 0.8 kept every step of the benchmark within 0.002 (but for
	// hsd-212, whose reference is offset from the photo) but also stopped
	// the clicks on a bin the model kept at 0.8-0.95 from spreading over
	// it (hsd-168: IoU after ten clicks 0.21 against 0.38). With the climb
	// bounded, no step loses more than 0.002 for climbLimit 0.02 to 0.07
	// (0.1: 0.008 on hsd-241), and ten clicks on hsd-168 reach 0.35. A
	// foreground stroke still spreads as far as sureLo: a missed suit the
	// model gave 0.1 is filled (stopping it at 0.2 costs hsd-198 seven
	// clicks to reach IoU 0.95).
	subjectHi, climbLimit = 0.8, 0.05
)

// Scene holds what strokes that understand the photo read: the photo and
// the model's matte reduced to the growth grid. Build it once per photo;
// it is safe for concurrent use, as it is never modified.
type Scene struct {
	w, h   int // the photo's size
	gw, gh int // the grid's size
	cell   int // photo pixels per grid cell, along each axis
	rgb    []float32
	model  []float32      // the model's matte on the grid; nil without one
	full   *refine.Matte  // the model's matte at the photo's size, or nil
	auto   *refine.Trimap // the automatic guide's trimap, or nil
}

// ownLabel returns the person's label in tri at grid cell k's centre, or
// Unknown where the automatic guide put the label there (or there is no
// guide).
func (s *Scene) ownLabel(tri *refine.Trimap, k int) uint8 {
	if s.auto == nil || tri == nil {
		return refine.Unknown
	}
	i := min((k/s.gw)*s.cell+s.cell/2, s.h-1)*s.w + min((k%s.gw)*s.cell+s.cell/2, s.w-1)
	if l := tri.Pix[i]; l != s.auto.Pix[i] {
		return l
	}
	return refine.Unknown
}

// NewScene reduces img and the model's matte (nil when no model ran;
// else img's size) to the growth grid. auto, the automatic guide's
// trimap (or nil), tells the person's own labels from the guide's: a
// stroke never grows over what the person painted with the other label
// (clicks of the two labels side by side would otherwise undo each
// other). Neither map is modified; auto and model are kept and must not
// change afterwards.
func NewScene(img *image.NRGBA, model *refine.Matte, auto *refine.Trimap) *Scene {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cell := max(1, (max(w, h)+gridSize-1)/gridSize)
	s := &Scene{w: w, h: h, cell: cell, gw: (w + cell - 1) / cell, gh: (h + cell - 1) / cell, full: model, auto: auto}
	s.rgb = make([]float32, 3*s.gw*s.gh)
	if model != nil {
		s.model = make([]float32, s.gw*s.gh)
	}
	parallel.Rows(s.gh, func(y0, y1 int) {
		for gy := y0; gy < y1; gy++ {
			for gx := range s.gw {
				var r, g, b, m float32
				var n int
				for y := gy * cell; y < min(gy*cell+cell, h); y++ {
					row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
					for x := gx * cell; x < min(gx*cell+cell, w); x++ {
						r += float32(row[4*x])
						g += float32(row[4*x+1])
						b += float32(row[4*x+2])
						if model != nil {
							m += model.Pix[y*w+x]
						}
						n++
					}
				}
				k := gy*s.gw + gx
				inv := 1 / float32(n)
				s.rgb[3*k], s.rgb[3*k+1], s.rgb[3*k+2] = r*inv, g*inv, b*inv
				if model != nil {
					s.model[k] = m * inv
				}
			}
		}
	})
	return s
}

// Grow paints a stroke that understands the photo: the polyline pts
// (one point for a click) with br as Segment paints it, then the region
// the stroke was painted in (see above) with br.Label, and a band of
// Unknown along that region's edge where the other side holds another
// label. The painted capsule itself always keeps br.Label. A stroke of
// Unknown grows nothing. It returns the rectangle of pixels it may have
// changed. It is Plan followed by Apply.
func (s *Scene) Grow(tri *refine.Trimap, pts []Point, br Brush) image.Rectangle {
	return s.Plan(tri, pts, br).Apply()
}

// Growth is a stroke's growth found on a trimap (Plan), not yet painted.
type Growth struct {
	s     *Scene
	tri   *refine.Trimap
	pts   []Point
	br    Brush
	grown []bool          // grown cells, nil when nothing grows
	box   image.Rectangle // grid rectangle of the cells and their band
	cells image.Rectangle // photo rectangle of the grown cells
	rect  image.Rectangle // photo rectangle Apply may change
}

// Plan finds where Grow would spread the stroke on tri, without changing
// it, so that an editor can save the pixels Bounds names for undo before
// Apply paints them. tri must not change between Plan and Apply.
func (s *Scene) Plan(tri *refine.Trimap, pts []Point, br Brush) *Growth {
	grown, box, cells := s.region(tri, pts, br, nil)
	rect := cells
	for i := range pts {
		rect = rect.Union(SegmentBounds(tri, pts[max(i-1, 0)], pts[i], br))
	}
	return &Growth{s: s, tri: tri, pts: pts, br: br, grown: grown, box: box, cells: cells, rect: rect}
}

// Bounds returns the rectangle Apply may change.
func (g *Growth) Bounds() image.Rectangle { return g.rect }

// Apply paints the growth into the trimap it was planned on and returns
// the rectangle of pixels it may have changed (see Grow).
func (g *Growth) Apply() image.Rectangle {
	if g.grown != nil {
		g.s.paintRegion(g.tri, g.grown, g.box, g.br.Label)
	}
	rect := g.cells
	for i := range g.pts {
		rect = rect.Union(Segment(g.tri, g.pts[max(i-1, 0)], g.pts[i], g.br))
	}
	return rect
}

// region grows the stroke on the grid and returns the grown cells (nil
// when nothing grows), the grid rectangle they and their edge band
// cover, and the photo rectangle of those cells. With allowed set, the
// region stays within the cells it marks.
func (s *Scene) region(tri *refine.Trimap, pts []Point, br Brush, allowed []bool) ([]bool, image.Rectangle, image.Rectangle) {
	if len(pts) == 0 || (br.Label != refine.Foreground && br.Label != refine.Background) {
		return nil, image.Rectangle{}, image.Rectangle{}
	}
	gw, gh := s.gw, s.gh
	c := float64(s.cell)
	seed := make([]bool, gw*gh)
	rr := max(br.Radius*min(max(br.Hardness, 0), 1), 0.5) / c
	var mean [3]float64
	n := 0
	for i := range pts {
		a, b := pts[max(i-1, 0)], pts[i]
		a, b = Point{a.X / c, a.Y / c}, Point{b.X / c, b.Y / c}
		x0, x1 := max(0, int(math.Floor(math.Min(a.X, b.X)-rr))), min(gw-1, int(math.Ceil(math.Max(a.X, b.X)+rr)))
		y0, y1 := max(0, int(math.Floor(math.Min(a.Y, b.Y)-rr))), min(gh-1, int(math.Ceil(math.Max(a.Y, b.Y)+rr)))
		dx, dy := b.X-a.X, b.Y-a.Y
		ll := dx*dx + dy*dy
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				px, py := float64(x)+0.5, float64(y)+0.5
				t := 0.0
				if ll > 0 {
					t = min(max(((px-a.X)*dx+(py-a.Y)*dy)/ll, 0), 1)
				}
				ex, ey := px-(a.X+t*dx), py-(a.Y+t*dy)
				k := y*gw + x
				if ex*ex+ey*ey <= rr*rr+0.5 && !seed[k] {
					seed[k] = true
					for j := range 3 {
						mean[j] += float64(s.rgb[3*k+j])
					}
					n++
				}
			}
		}
	}
	if n == 0 {
		return nil, image.Rectangle{}, image.Rectangle{}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// The stroke's colour spread: the mean distance of its cells from the
	// mean colour widens the colour bound on textured strokes.
	var spread float64
	for k, v := range seed {
		if v {
			spread += colourDist(s.rgb[3*k:3*k+3], mean)
		}
	}
	spread /= float64(n)
	limit := colourLimit + spread
	// The model blocks paths where it is sure of the other label, and so
	// do the person's own labels of the other kind.
	other := refine.Foreground
	if br.Label == refine.Foreground {
		other = refine.Background
	}
	// The person's own labels of the other kind, at the cells' centres,
	// and the band an earlier stroke left Unknown along them (bandCells on
	// either side of its region's edge, see paintRegion): on hsd-168, a
	// foreground click on a child's trousers ran along the band the
	// clicks on a bin had left at its foot, the trousers' colour, and one
	// step lost 0.023 of IoU (0.0044 with the band blocked).
	var own []bool
	if s.auto != nil && tri != nil {
		own = make([]bool, gw*gh)
		parallel.Rows(gh, func(y0, y1 int) {
			for k := y0 * gw; k < y1*gw; k++ {
				own[k] = s.ownLabel(tri, k) == other
			}
		})
		if slices.Contains(own, true) {
			own = dilate(own, gw, image.Rect(0, 0, gw, gh), 2*bandCells(s.cell))
		} else {
			own = nil // nothing of the other kind painted yet
		}
	}
	blocked := func(k int) bool {
		if s.model != nil && ((other == refine.Background && s.model[k] <= sureLo) || (other == refine.Foreground && s.model[k] >= sureHi)) {
			return true
		}
		return own != nil && own[k]
	}
	dist := make([]float32, gw*gh)
	for i := range dist {
		dist[i] = math.MaxFloat32
	}
	// low is, for a background stroke, the least the model holds the
	// subject under the stroke and along the best path to each cell (see
	// climbLimit).
	var low []float32
	if s.model != nil && other == refine.Foreground {
		low = make([]float32, gw*gh)
		least := float32(1)
		for k, v := range seed {
			if v {
				least = min(least, s.model[k])
			}
		}
		for k, v := range seed {
			if v {
				low[k] = least
			}
		}
	}
	q := &cellHeap{}
	for k, v := range seed {
		if v {
			dist[k] = 0
			q.items = append(q.items, cellItem{int32(k), 0})
		}
	}
	heap.Init(q)
	grown := make([]bool, gw*gh)
	minX, minY, maxX, maxY := gw, gh, -1, -1
	for q.Len() > 0 {
		it := heap.Pop(q).(cellItem)
		k := int(it.k)
		if it.d > dist[k] || grown[k] {
			continue
		}
		grown[k] = true
		x, y := k%gw, k/gw
		minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				nx, ny := x+dx, y+dy
				if (dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= gw || ny >= gh {
					continue
				}
				j := ny*gw + nx
				if grown[j] || blocked(j) || (allowed != nil && !allowed[j]) || colourDist(s.rgb[3*j:3*j+3], mean) > limit {
					continue
				}
				if low != nil && s.model[j] >= subjectHi && s.model[j] > low[k]+climbLimit {
					continue
				}
				step := float32(stepCost)
				if dx != 0 && dy != 0 {
					step *= math.Sqrt2
				}
				d := it.d + step + colourStep(s.rgb[3*k:3*k+3], s.rgb[3*j:3*j+3])
				if d <= growLimit && d < dist[j] {
					dist[j] = d
					if low != nil {
						low[j] = min(low[k], s.model[j])
					}
					heap.Push(q, cellItem{int32(j), d})
				}
			}
		}
	}
	if cut := s.sureCut(tri, seed, n, rr, br.Label, other); cut != nil {
		for k, v := range cut {
			if v && !grown[k] {
				grown[k] = true
				x, y := k%gw, k/gw
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	cell := s.cell
	band := 2 * bandCells(cell)
	box := image.Rect(minX-band, minY-band, maxX+1+band, maxY+1+band).Intersect(image.Rect(0, 0, gw, gh))
	rect := image.Rect(box.Min.X*cell, box.Min.Y*cell, box.Max.X*cell, box.Max.Y*cell).Intersect(image.Rect(0, 0, s.w, s.h))
	return grown, box, rect
}

// bandCells is the width, in grid cells, of the Unknown band along a
// grown region's edge: at least two photo pixels on each side.
func bandCells(cell int) int { return max(1, (2+cell-1)/cell) }

// paintRegion writes label over the grown cells, and Unknown over the
// cells within bandCells of the region's edge whose other side does not
// hold label (neither grown nor labelled so in tri).
func (s *Scene) paintRegion(tri *refine.Trimap, grown []bool, box image.Rectangle, label uint8) {
	gw, cell := s.gw, s.cell
	band := bandCells(cell)
	// other marks cells that are not grown and hold another label
	// somewhere: the side the edge is drawn against.
	other := make([]bool, len(grown))
	parallel.Rows(box.Dy(), func(y0, y1 int) {
		for gy := box.Min.Y + y0; gy < box.Min.Y+y1; gy++ {
			for gx := box.Min.X; gx < box.Max.X; gx++ {
				k := gy*gw + gx
				if grown[k] {
					continue
				}
				for y := gy * cell; y < min(gy*cell+cell, s.h) && !other[k]; y++ {
					for _, l := range tri.Pix[y*s.w+gx*cell : y*s.w+min(gx*cell+cell, s.w)] {
						if l != label {
							other[k] = true
							break
						}
					}
				}
			}
		}
	})
	nearOther := dilate(other, gw, box, band)
	nearGrown := dilate(grown, gw, box, band)
	py0, py1 := box.Min.Y*cell, min(box.Max.Y*cell, s.h)
	px0, px1 := box.Min.X*cell, min(box.Max.X*cell, s.w)
	parallel.Rows(py1-py0, func(y0, y1 int) {
		for y := py0 + y0; y < py0+y1; y++ {
			row := tri.Pix[y*s.w : (y+1)*s.w]
			gy := y / cell
			for x := px0; x < px1; x++ {
				k := gy*gw + x/cell
				switch {
				case grown[k] && nearOther[k], other[k] && nearGrown[k]:
					row[x] = refine.Unknown
				case grown[k]:
					row[x] = label
				}
			}
		}
	})
}

// dilate marks the cells of box within a (2r+1)² box of a marked cell
// of box, on a grid w cells wide.
func dilate(m []bool, w int, box image.Rectangle, r int) []bool {
	tmp := make([]bool, len(m))
	for y := box.Min.Y; y < box.Max.Y; y++ {
		last := -1 << 30
		for x := box.Min.X; x < box.Max.X+r; x++ {
			if x < box.Max.X && m[y*w+x] {
				last = x
			}
			if xo := x - r; xo >= box.Min.X {
				tmp[y*w+xo] = last >= xo-r
			}
		}
	}
	out := make([]bool, len(m))
	for x := box.Min.X; x < box.Max.X; x++ {
		last := -1 << 30
		for y := box.Min.Y; y < box.Max.Y+r; y++ {
			if y < box.Max.Y && tmp[y*w+x] {
				last = y
			}
			if yo := y - r; yo >= box.Min.Y {
				out[yo*w+x] = last >= yo-r
			}
		}
	}
	return out
}

// colourStep is the colour difference between two neighbouring cells,
// summed over R, G, B (8-bit levels), less noiseFloor.
func colourStep(a, b []float32) float32 {
	return max(0, abs(a[0]-b[0])+abs(a[1]-b[1])+abs(a[2]-b[2])-noiseFloor)
}

// colourDist is a cell's colour distance from mean, summed over R, G, B.
func colourDist(a []float32, mean [3]float64) float64 {
	return math.Abs(float64(a[0])-mean[0]) + math.Abs(float64(a[1])-mean[1]) + math.Abs(float64(a[2])-mean[2])
}

func abs(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// cellItem is a grid cell in the growth's priority queue.
type cellItem struct {
	k int32
	d float32
}

// cellHeap is a min-heap of cells by distance.
type cellHeap struct{ items []cellItem }

func (h *cellHeap) Len() int           { return len(h.items) }
func (h *cellHeap) Less(i, j int) bool { return h.items[i].d < h.items[j].d }
func (h *cellHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *cellHeap) Push(x any)         { h.items = append(h.items, x.(cellItem)) }
func (h *cellHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}
