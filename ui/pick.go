package ui

import (
	"image"

	"cutout/refine"
)

// pickRegion finds the connected part of the mask under (x, y): the
// 4-connected pixels that are Foreground in tri, or Unknown with matte
// alpha ≥ 0.5, plus the Unknown rim around them up to ring pixels away.
// It returns a mark per pixel (1 inside the region), the region's bounds,
// and false when (x, y) is not on the mask.
func pickRegion(tri *refine.Trimap, matte *refine.Matte, x, y, ring int) ([]uint8, image.Rectangle, bool) {
	w, h := tri.W, tri.H
	if x < 0 || y < 0 || x >= w || y >= h {
		return nil, image.Rectangle{}, false
	}
	core := func(i int) bool {
		switch tri.Pix[i] {
		case refine.Foreground:
			return true
		case refine.Unknown:
			return matte != nil && matte.Pix[i] >= 0.5
		}
		return false
	}
	if !core(y*w + x) {
		return nil, image.Rectangle{}, false
	}
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
	// Grow the Unknown rim breadth-first, one pixel per step.
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
	return mark, bounds, true
}

// pickRing is how far (in source pixels) a picked region's Unknown rim
// reaches: about the width of the automatic trimap's band.
func pickRing(w, h int) int {
	r := (w + h) / 100
	if r < 4 {
		r = 4
	}
	return r
}

// applyPick keeps (keep true) or drops the mask region under (x, y),
// writing Background over what goes. It returns the changed bounds and
// false when the click was not on the mask.
func applyPick(tri *refine.Trimap, matte *refine.Matte, x, y int, keep bool, rec *tileRecorder) (image.Rectangle, bool) {
	mark, bounds, ok := pickRegion(tri, matte, x, y, pickRing(tri.W, tri.H))
	if !ok {
		return image.Rectangle{}, false
	}
	if !keep {
		rec.save(bounds)
		for yy := bounds.Min.Y; yy < bounds.Max.Y; yy++ {
			for i := yy*tri.W + bounds.Min.X; i < yy*tri.W+bounds.Max.X; i++ {
				if mark[i] != 0 {
					tri.Pix[i] = refine.Background
				}
			}
		}
		return bounds, true
	}
	rec.saveAll()
	changed := image.Rectangle{}
	for yy := 0; yy < tri.H; yy++ {
		row := tri.Pix[yy*tri.W : (yy+1)*tri.W]
		m := mark[yy*tri.W : (yy+1)*tri.W]
		x0, x1 := -1, -1
		for xx, v := range row {
			if m[xx] == 0 && v != refine.Background {
				row[xx] = refine.Background
				if x0 < 0 {
					x0 = xx
				}
				x1 = xx
			}
		}
		if x0 >= 0 {
			changed = changed.Union(image.Rect(x0, yy, x1+1, yy+1))
		}
	}
	return changed, true
}
