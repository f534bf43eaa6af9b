package stroke

import (
	"image"

	"cutout/refine"
)

// Picks (an editor's Keep and Drop) work on what the person sees: the
// shown alpha, refined where the refinement is current. A click selects
// the connected region around it whose alpha is at least half the alpha
// under the pointer (but at least MinPickAlpha and at most 50%), so a
// click on a faint, semi-transparent ghost selects the ghost and a click
// on the subject selects the solid subject, plus the unknown band around
// the region. The region is recorded as runs, so that replaying the edit
// later (crash recovery, a reloaded photo) gives the same labels without
// the refinement that was on screen.

// MinPickAlpha is the faintest alpha (of 255) a click picks: about 5%.
const MinPickAlpha = 13

// PickRegion finds the region under (x, y) given the shown alpha of each
// pixel: the 4-connected pixels with alpha ≥ the threshold described
// above, plus the Unknown pixels around them up to ring pixels away. It
// returns a mark per pixel (non-zero inside the region), the region's
// bounds, and false when (x, y) shows nothing.
func PickRegion(tri *refine.Trimap, alpha func(i int) uint8, x, y, ring int) ([]uint8, image.Rectangle, bool) {
	w, h := tri.W, tri.H
	if x < 0 || y < 0 || x >= w || y >= h {
		return nil, image.Rectangle{}, false
	}
	at := alpha(y*w + x)
	if at < MinPickAlpha {
		return nil, image.Rectangle{}, false
	}
	thr := min(max(at/2, MinPickAlpha), 128)
	core := func(i int) bool { return alpha(i) >= thr }
	mark := make([]uint8, w*h)
	bounds := image.Rect(x, y, x+1, y+1)
	// Scanline flood fill of the core component.
	stack := []int{y*w + x}
	mark[y*w+x] = 1
	var rim []int
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		py, px := i/w, i%w
		x0 := px
		for x0 > 0 && mark[py*w+x0-1] == 0 && core(py*w+x0-1) {
			x0--
			mark[py*w+x0] = 1
		}
		x1 := px
		for x1 < w-1 && mark[py*w+x1+1] == 0 && core(py*w+x1+1) {
			x1++
			mark[py*w+x1] = 1
		}
		bounds = bounds.Union(image.Rect(x0, py, x1+1, py+1))
		for _, ny := range [2]int{py - 1, py + 1} {
			if ny < 0 || ny >= h {
				continue
			}
			for nx := x0; nx <= x1; nx++ {
				j := ny*w + nx
				if mark[j] != 0 {
					continue
				}
				if core(j) {
					mark[j] = 1
					stack = append(stack, j)
				} else if tri.Pix[j] == refine.Unknown {
					mark[j] = 2
					rim = append(rim, j)
				}
			}
		}
		for _, nx := range [2]int{x0 - 1, x1 + 1} {
			if nx < 0 || nx >= w {
				continue
			}
			if j := py*w + nx; mark[j] == 0 && tri.Pix[j] == refine.Unknown {
				mark[j] = 2
				rim = append(rim, j)
			}
		}
	}
	bounds = growRim(tri, mark, rim, ring, core, bounds)
	return mark, bounds, true
}

// growRim grows the Unknown rim of a marked region breadth-first, one
// pixel per step, up to ring steps, over pixels that are not core, and
// returns bounds enlarged by what it marked.
func growRim(tri *refine.Trimap, mark []uint8, rim []int, ring int, core func(int) bool, bounds image.Rectangle) image.Rectangle {
	w, h := tri.W, tri.H
	for step := 1; step < ring && len(rim) > 0; step++ {
		var next []int
		for _, i := range rim {
			py, px := i/w, i%w
			for _, j := range [4]int{i - 1, i + 1, i - w, i + w} {
				if (j == i-1 && px == 0) || (j == i+1 && px == w-1) || j < 0 || j >= w*h {
					continue
				}
				if mark[j] == 0 && tri.Pix[j] == refine.Unknown && !core(j) {
					mark[j] = 2
					next = append(next, j)
				}
			}
			bounds = bounds.Union(image.Rect(px, py, px+1, py+1))
		}
		rim = next
	}
	for _, i := range rim {
		bounds = bounds.Union(image.Rect(i%w, i/w, i%w+1, i/w+1))
	}
	return bounds
}

// PickRing is how far (in source pixels) a picked region's Unknown rim
// reaches for a w×h photo: about the width of the automatic trimap's
// band, at least 4.
func PickRing(w, h int) int {
	return max((w+h)/100, 4)
}

// Runs encodes the marked pixels inside bounds as runs: triples
// (y, x0, x1) with x1 exclusive, row by row.
func Runs(mark []uint8, w int, bounds image.Rectangle) []int32 {
	var runs []int32
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		row := mark[y*w : (y+1)*w]
		for x := bounds.Min.X; x < bounds.Max.X; {
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < bounds.Max.X && row[x] != 0 {
				x++
			}
			runs = append(runs, int32(y), int32(x0), int32(x))
		}
	}
	return runs
}

// RegionBounds returns the rectangle ApplyRegion may change: the runs'
// bounds for a drop, the whole trimap for a keep.
func RegionBounds(tri *refine.Trimap, runs []int32, keep bool) image.Rectangle {
	all := image.Rect(0, 0, tri.W, tri.H)
	if keep {
		return all
	}
	var bounds image.Rectangle
	for k := 0; k+2 < len(runs); k += 3 {
		bounds = bounds.Union(image.Rect(int(runs[k+1]), int(runs[k]), int(runs[k+2]), int(runs[k]+1)))
	}
	return bounds.Intersect(all)
}

// ApplyRegion keeps (keep true) or drops the region given as runs (see
// Runs), writing Background over what goes: the region itself for a
// drop, everything outside it for a keep. It returns the bounds of the
// pixels it changed (a drop returns the runs' bounds).
func ApplyRegion(tri *refine.Trimap, runs []int32, keep bool) image.Rectangle {
	if !keep {
		for k := 0; k+2 < len(runs); k += 3 {
			y, x0, x1 := int(runs[k]), int(runs[k+1]), int(runs[k+2])
			if y < 0 || y >= tri.H {
				continue
			}
			row := tri.Pix[y*tri.W : (y+1)*tri.W]
			for x := max(x0, 0); x < min(x1, tri.W); x++ {
				row[x] = refine.Background
			}
		}
		return RegionBounds(tri, runs, false)
	}
	kept := make([]bool, tri.W)
	changed := image.Rectangle{}
	k := 0
	for y := 0; y < tri.H; y++ {
		clear(kept)
		for ; k+2 < len(runs) && int(runs[k]) <= y; k += 3 {
			if int(runs[k]) == y {
				for x := max(int(runs[k+1]), 0); x < min(int(runs[k+2]), tri.W); x++ {
					kept[x] = true
				}
			}
		}
		row := tri.Pix[y*tri.W : (y+1)*tri.W]
		x0, x1 := -1, -1
		for x, v := range row {
			if !kept[x] && v != refine.Background {
				row[x] = refine.Background
				if x0 < 0 {
					x0 = x
				}
				x1 = x
			}
		}
		if x0 >= 0 {
			changed = changed.Union(image.Rect(x0, y, x1+1, y+1))
		}
	}
	return changed
}

// PickRuns finds the region a click at (x, y) selects, as runs (see
// Runs); false when the click shows nothing.
func PickRuns(tri *refine.Trimap, alpha func(i int) uint8, x, y int) ([]int32, bool) {
	mark, bounds, ok := PickRegion(tri, alpha, x, y, PickRing(tri.W, tri.H))
	if !ok {
		return nil, false
	}
	return Runs(mark, tri.W, bounds), true
}

// LabelAlpha is the alpha a trimap and the model's matte alone show
// (model holds 8-bit values, or is nil): Foreground 255, Background 0,
// Unknown the model's value. Picks recorded before picks kept their
// region replay with it.
func LabelAlpha(tri *refine.Trimap, model []uint8) func(int) uint8 {
	return func(i int) uint8 {
		switch tri.Pix[i] {
		case refine.Foreground:
			return 255
		case refine.Unknown:
			if model != nil {
				return model[i]
			}
		}
		return 0
	}
}
