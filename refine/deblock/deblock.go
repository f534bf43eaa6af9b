// Package deblock takes a JPEG's 8×8 block grid out of a solved alpha.
//
// A JPEG quantises each 8×8 block of the photo on its own, so a smooth
// surface (a shirt, a wall) arrives as flat tiles whose levels step at
// the tiles' borders. Closed-form matting makes alpha follow the colour
// locally (α ≈ a·I + b in every 3×3 window), so where the segmentation
// model is unsure over such a surface the solved alpha shows the same
// tiles. Grid finds the block grid in the pixels themselves (a photo
// carries it whatever its file, and wherever a crop or a rotation put
// it), and Plane, in the spirit of the in-loop deblocking filters of
// H.264 and HEVC, spreads a step of a plane of floats (the alpha) across
// a block border into an even ramp where the step stands out from the
// texture on both sides and is small enough to be the blocks' rather
// than an edge. The photo's colours are left as they are: the solver
// follows their low-contrast edges, which a filter of the colours
// smooths away with the blocks.
//
// Cost on 12 MP (4000×3000, 2 cores shared with other work): Grid 16
// ms, which every photo pays, and Plane at most 39 ms on an alpha whose
// every pixel is inside and steps at every border (BenchmarkPlane12MP); a
// real alpha is mostly flat about the borders and is read, not filtered.
package deblock

import (
	"image"

	"cutout/refine/parallel"
)

const (
	// block is the JPEG block size, in pixels.
	block = 8
	// gridStrength is the ratio of the mean step across the strongest
	// phase of lines to the mean step across the others above which the
	// photo counts as carrying a block grid. The developer sets' JPEGs
	// (quality 63 to 92) measure 1.12 to 2.4 with steps capped at
	// gridClip, their lossless photos 1.03 at most.
	gridStrength = 1.08
	// gridClip caps each step, in 8-bit levels of luma, when the grid is
	// looked for, so that edges and texture do not drown the small steps
	// of the blocks.
	gridClip = 8
	// texture is how many times a step's excess over the slopes beside
	// it must exceed the curvature on both sides (the sum of the four
	// second differences) for Plane to take it for the blocks': a smaller
	// excess sits in texture and is left alone. A matte's edge
	// anti-aliased over two pixels and centred on the border passes at 4
	// and not at 2. With refine's settings, at 2 the automatic alpha of
	// the developer JPEGs steps across every 8th line up to 1.48 times as
	// much as elsewhere in the model's unsure plateaus (hsd-037; hsd-241
	// 1.07, celebamaskhq-demo0 1.11), at 4 up to 1.09.
	texture = 4
	// gridFull is the pixel count up to which Grid reads every row;
	// beyond it, every gridRows-th.
	gridFull, gridRows = 4 << 20, 3
)

// Grid returns the origin of img's 8×8 block grid (the column and row,
// 0..7, at which a block starts) and whether img carries one: whether the
// mean step in luma (each capped at gridClip) between neighbours across one phase of every 8th column, and
// of every 8th row, stands out from the others.
func Grid(img *image.NRGBA) (origin image.Point, ok bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < 4*block || h < 4*block {
		return image.Point{}, false
	}
	// Large photos are sampled every gridRows-th row (odd, so that every
	// phase of the rows is sampled alike).
	step := 1
	if w*h > gridFull {
		step = gridRows
	}
	rowsOf := (h - 1 + step - 1) / step
	bands := parallel.Workers(rowsOf)
	sums := make([][2][block]int64, bands)
	parallel.Bands(rowsOf, bands, func(b, r0, r1 int) {
		var cols, rows [block]int64
		for r := r0; r < r1; r++ {
			y := 1 + r*step
			row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):][:4*w]
			up := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y-1):][:4*w]
			prev := luma(row)
			for x := 1; x < w; x++ {
				l := luma(row[4*x:])
				cols[x%block] += int64(min(gridClip, absDiff(l, prev)))
				rows[y%block] += int64(min(gridClip, absDiff(l, luma(up[4*x:]))))
				prev = l
			}
		}
		sums[b] = [2][block]int64{cols, rows}
	})
	var cols, rows [block]float64
	for _, s := range sums {
		for i := range block {
			cols[i] += float64(s[0][i])
			rows[i] += float64(s[1][i])
		}
	}
	cx, sx := strongest(cols)
	cy, sy := strongest(rows)
	return image.Pt(cx, cy), sx >= gridStrength && sy >= gridStrength
}

// strongest returns the phase with the largest sum and its ratio to the
// mean of the others.
func strongest(s [block]float64) (phase int, ratio float64) {
	var total float64
	for i, v := range s {
		total += v
		if v > s[phase] {
			phase = i
		}
	}
	rest := (total - s[phase]) / (block - 1)
	if rest == 0 {
		return phase, 0
	}
	return phase, s[phase] / rest
}

func luma(p []uint8) int32 { return (int32(p[0]) + 2*int32(p[1]) + int32(p[2])) / 4 }

func absDiff(a, b int32) int32 {
	if a < b {
		return b - a
	}
	return a - b
}

// first returns the first block border of a grid starting at phase that
// lies at least block/2 past lo, so that a line of 8 samples fits.
func first(lo, phase int) int {
	b := lo + block/2
	return b + ((phase-b)%block+block)%block
}

// Plane deblocks the rectangle r of a plane of float samples (row
// stride stride) in place across the borders of the grid whose blocks
// start at o (in p's coordinates), on the lines of 8 samples inside r
// that ok allows (the samples p[i0+k·step], k = 0..7, across a border
// between k = 3 and 4): the excess of a border's step over the slopes
// beside it, where it is at most maxExcess and texture times larger
// than the curvature on both sides, is spread evenly over the 4 samples
// each side (sample k moves by e·((k+0.5)/8 − [k ≥ 4])).
func Plane(p []float32, stride int, r image.Rectangle, o image.Point, maxExcess float32, ok func(i0, step int) bool) {
	line := func(i0, step int) {
		// The four samples about the border first: most lines of an
		// alpha are flat there (solid or clear), and the rest need not
		// be read.
		var v [block]float32
		for k := 2; k < 6; k++ {
			v[k] = p[i0+k*step]
		}
		e := v[4] - v[3] - (v[3]-v[2]+v[5]-v[4])/2
		if e == 0 || e > maxExcess || e < -maxExcess {
			return
		}
		v[0], v[1], v[6], v[7] = p[i0], p[i0+step], p[i0+6*step], p[i0+7*step]
		curv := absf(v[3]-2*v[2]+v[1]) + absf(v[2]-2*v[1]+v[0]) + absf(v[4]-2*v[5]+v[6]) + absf(v[5]-2*v[6]+v[7])
		if texture*absf(e) <= curv || !ok(i0, step) {
			return
		}
		for k := range v {
			c := e * (float32(k) + 0.5) / block
			if k >= block/2 {
				c -= e
			}
			p[i0+k*step] = v[k] + c
		}
	}
	parallel.Rows(r.Dy(), func(y0, y1 int) {
		for y := r.Min.Y + y0; y < r.Min.Y+y1; y++ {
			for x := first(r.Min.X, o.X); x+block/2 <= r.Max.X; x += block {
				line(y*stride+x-block/2, 1)
			}
		}
	})
	parallel.Rows(r.Dx(), func(x0, x1 int) {
		for y := first(r.Min.Y, o.Y); y+block/2 <= r.Max.Y; y += block {
			for x := r.Min.X + x0; x < r.Min.X+x1; x++ {
				line((y-block/2)*stride+x, stride)
			}
		}
	})
}

func absf(a float32) float32 {
	if a < 0 {
		return -a
	}
	return a
}
