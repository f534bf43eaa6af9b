package refine

import (
	"math"
	"runtime"

	"cutout/refine/parallel"
)

// Parameters of the automatic cutout's decisions (see decide), measured on
// the developer sets (cmd/evaluate): ghost area, people's IoU and the hair
// mattes' SAD together.
const (
	// decideWidth is the widest transition between subject and
	// background, in analysis pixels (see AutoGuide), that the automatic
	// cutout keeps where the solved alpha shows no fine structure: a
	// gentler one is steepened to this width around its 0.5 level, and a
	// plateau becomes solid or clear. The model's anti-aliased edge, drawn
	// at its 1024 px input, rises over one to three such pixels.
	decideWidth = 2
	// structureDev is the fine structure of an analysis cell's alpha (the
	// mean |α − its 3×3 mean| over the cell's pixels between 0 and 1) at
	// which it counts as fully structured; the cells around a pixel,
	// averaged, keep its matting in proportion to twice their share.
	// Strands of hair and fur show such structure, a plateau or a ramp of
	// the model's doubt does not. At 0.02 the hair mattes keep more (SAD
	// 6.89/13.90/4.65) and the ghost area's mean is 6.5%; at 0.1
	// am-gt08's SAD rises 9% (15.12); at 0.2 (structure counted over the
	// solved pixels only) the ghost area's mean is 2.9% and its median
	// 0.9%, but the hair mattes' SAD rises to 7.21/16.86/5.11.
	structureDev = 0.05
	// deepShare is how far inside, as a share of the analysis grid's
	// short side, a solved pixel is deep in the subject: no cell within
	// that distance of it is left below 0.5 by the decisions. Hair and fur
	// are transparent where their strands thin out against the
	// background, not inside a mass of them, so such a pixel is made
	// solid even where matting found structure (a mass of hair the
	// model half saw). Over both developer sets the ghost area falls from
	// 5.30% to 4.54% on average (plateaus 2.31% -> 1.55%; hsd-037 41.6% ->
	// 27.5%), the people's IoU is unchanged, and the hair mattes' SAD goes
	// from 6.42 / 13.90 / 4.63 to 6.59 / 14.21 / 4.71. At 0.01 the ghost
	// area falls to 4.00% but am-gt08's SAD rises 6% (14.71); making
	// deep background clear as well gained 0.1 point of ghost area and
	// cost am-gt03 5% (6.93).
	deepShare = 0.02
	// deepRamp is how much further than deepShare, as a share of it, a
	// solved pixel's way to solid takes: at the depth deepShare it is
	// left as matting solved it, at (1+deepRamp)·deepShare it is solid,
	// and between the two it goes there smoothly, by the Euclidean
	// distance to the nearest cell below 0.5. The rule at first made
	// solid every pixel with no such cell in the square around it, which
	// drew the square's straight sides and corners through masses of
	// hair where matting's values met the solid ones (seen on a photo
	// of three women outside the developer sets). Over both sets: the
	// square rule gave a ghost area of 2.44% (median 0.90%) and hair
	// SAD 6.21/13.67/4.88; a hard step at the Euclidean deepShare 2.38%
	// and 6.16/13.76/4.93; a ramp from half of deepShare to it 2.25% and
	// 6.12/14.00/5.01; a ramp from deepShare to 1.5× it (this one) 2.43%
	// and 6.18/13.65/4.89, people's IoU unchanged in every case.
	deepRamp = 0.5
	// decideBlockReach is the radius, in pixels, of the box over which
	// decide reads a plateau's side on a photo that carries a JPEG's 8×8
	// block grid: a block on either side. Matting makes alpha follow the
	// colour locally, and in a dark or flat part of a compressed photo
	// the colour is the blocks': the model's doubt there is solved as a
	// patchwork of flat 8×8 and 16×16 tiles around 0.5, and a side read
	// from each pixel's 3×3 mean cut the plateau along the tiles'
	// borders, in staircases and specks (seen on a sofa the model half
	// took, in a photo outside the developer sets). Read over the blocks
	// around, the side follows the plateau's trend and the cut is a
	// smooth curve. Over both developer sets (their JPEGs): people's IoU
	// 0.9066 -> 0.9067, hsd-066 −0.0047 -> −0.0045 against the model,
	// ghost area 2.43% -> 2.44%.
	decideBlockReach = 8
)

// decide turns what the solved alpha leaves undecided into decisions, in
// place: wherever the automatic guide solved a pixel (Unknown in its
// trimap, and in the user's trimap, if any, where the user left it so)
// and the alpha shows no fine structure, its transition from 0 to 1 is
// made at most decideWidth analysis pixels wide around its 0.5 level. A
// transition that is already that steep (an anti-aliased edge) is left as
// it is; a gentle one (the model's doubt: a suit, a skirt, roses it half
// took) is steepened, and a plateau takes the side it leans to, so the
// cutout shows no half-transparent clothes. Where the alpha has fine
// structure (strands of hair or fur, which matting found in the photo),
// matting's values are kept, in proportion to how much structure there
// is. The slope is measured on the 3×3 mean of the alpha, which also
// decides the side, so that the noise of a plateau does not scatter its
// decision; on a photo that carries a JPEG's block grid (blocks set), on
// its mean over the blocks around the pixel (see decideBlockReach). The
// threshold at 0.5 keeps every pixel on the side of 0.5 that mean was on,
// but for the pixels deep in the subject (see deepShare), which become
// solid.
func decide(alpha *Matte, g *Guide, user *Trimap, blocks bool) {
	var u []uint8
	if user != nil {
		u = user.Pix
	}
	f, width, deep := decideGrid(alpha.W, alpha.H)
	decideWith(alpha, g.Trimap.Pix, u, f, width, deep, blocks)
}

// decideGrid returns the analysis grid's cell size f, the widest
// transition kept, in pixels, and the depth in cells at which a solved
// pixel is deep in the subject (see deepShare), for a w×h photo.
func decideGrid(w, h int) (f int, width float32, deep int) {
	f = max(1, (max(w, h)+analysisSize-1)/analysisSize)
	scale := math.Max(1, float64(max(w, h))/analysisSize)
	cw, ch := (w+f-1)/f, (h+f-1)/f
	return f, float32(decideWidth * scale), max(1, int(math.Ceil(deepShare*float64(min(cw, ch)))))
}

// decideWith is decide on maps of alpha's size (the guide's labels gl and
// the user's, or nil) with the grid's cell size f, the width and the
// depth given: a window of a photo, aligned to the grid, decides as the
// photo does (Incremental) but for cells within deepReach(deep)+3 of
// its border, and for pixels within decideBlockReach+1 of it when
// blocks is set.
func decideWith(alpha *Matte, gl, user []uint8, f int, width float32, deep int, blocks bool) {
	w, h := alpha.W, alpha.H
	if w < 3 || h < 3 {
		return
	}
	cw, ch := (w+f-1)/f, (h+f-1)/f
	a := alpha.Pix
	// Pass 1: the alpha's fine structure on the analysis grid (so that
	// it does not depend on the photo's size): per cell, |α − its 3×3
	// mean| as a share of structureDev, averaged over the neighbouring
	// cells and doubled.
	ca := a
	if f > 1 {
		ca = downMatte(a, w, h, f)
	}
	keep := make([]float32, cw*ch)
	parallel.Rows(ch, func(y0, y1 int) {
		for y := max(1, y0); y < min(ch-1, y1); y++ {
			for x := 1; x < cw-1; x++ {
				i := y*cw + x
				v := ca[i]
				if v <= 0 || v >= 1 {
					continue
				}
				up, row, dn := ca[i-cw-1:i-cw+2], ca[i-1:i+2], ca[i+cw-1:i+cw+2]
				mean := (up[0] + up[1] + up[2] + row[0] + row[1] + row[2] + dn[0] + dn[1] + dn[2]) / 9
				keep[i] = min(1, float32(math.Abs(float64(v-mean)))/structureDev)
			}
		}
	})
	keep = boxMean(keep, cw, ch, 1)
	// Pass 2: the decisions, gathered per band and written afterwards,
	// as every pixel's mean reads its neighbours' solved values. First
	// the pixels to decide (solved, between 0 and 1, not brushed
	// otherwise, and short of fully structured) and, on a photo with a
	// block grid, the tiles that hold them.
	type pending struct {
		i int32
		s float32 // the share of matting's value kept (structure)
	}
	bands := parallel.Workers(h)
	todo := make([][]pending, bands)
	tw, th := (w+blockTile-1)/blockTile, (h+blockTile-1)/blockTile
	var marks [][]bool
	if blocks {
		marks = make([][]bool, bands)
	}
	parallel.Bands(h, bands, func(b, y0, y1 int) {
		var list []pending
		var mark []bool
		if blocks {
			mark = make([]bool, tw*th)
		}
		for y := max(1, y0); y < min(h-1, y1); y++ {
			// The analysis cell c of x, stepped every f pixels (a
			// division per pixel costs as much as the test).
			c, next := (y/f)*cw, f
			glRow, aRow := gl[y*w:(y+1)*w], a[y*w:(y+1)*w]
			for x := 1; x < w-1; x++ {
				if x == next {
					c, next = c+1, next+f
				}
				if glRow[x] != Unknown || aRow[x] <= 0 || aRow[x] >= 1 || keep[c] >= 0.5 {
					continue
				}
				i := y*w + x
				if user != nil && user[i] != Unknown {
					continue
				}
				list = append(list, pending{int32(i), min(1, 2*keep[c])})
				if blocks {
					mark[(y/blockTile)*tw+x/blockTile] = true
				}
			}
		}
		todo[b] = list
		if blocks {
			marks[b] = mark
		}
	})
	// The map the side and the slope are read from (3×3 around each
	// pixel): the alpha, or its mean over the JPEG blocks around.
	side := a
	if blocks {
		mark := marks[0]
		for _, m := range marks[1:] {
			for t, v := range m {
				mark[t] = mark[t] || v
			}
		}
		side = blockMean(a, w, h, decideBlockReach, mark)
	}
	type change struct {
		i int32
		v float32
	}
	changes := make([][]change, bands)
	parallel.Each(bands, func(_, b int) {
		out := make([]change, 0, len(todo[b]))
		for _, p := range todo[b] {
			i, s := int(p.i), p.s
			mean, gx, gy := mean3(side, i, w)
			slope := float32(math.Sqrt(float64(gx*gx + gy*gy)))
			if slope*width >= 1 {
				continue // already as steep as an edge
			}
			d := float32(0)
			if mean >= 0.5 {
				d = 1
			}
			if slope > 0 {
				// 0.5 + gain·(mean − 0.5), with the pixel's own
				// detail: gain steepens the transition to width.
				gain := 1 / (width * slope)
				detail := a[i] - mean
				if blocks {
					// The pixel's own detail in a plateau is the
					// blocks': the transition is the mean's alone.
					detail = 0
				}
				d = clamp01(detail + 0.5 + gain*(mean-0.5))
			}
			out = append(out, change{p.i, s*a[i] + (1-s)*d})
		}
		changes[b] = out
	})
	for _, band := range changes {
		for _, c := range band {
			a[c.i] = c.v
		}
	}
	// Pass 3: solved pixels deep in the subject become solid.
	solidifyDeep(a, gl, user, w, h, f, deep)
}

// deepReach returns how far, in analysis cells, pass 3 of decideWith
// looks for a cell below 0.5 around a cell at depth deep: the end of
// its ramp.
func deepReach(deep int) int {
	return int(math.Ceil((1+deepRamp)*float64(deep))) + 1
}

// solidifyDeep is decideWith's last pass: on the analysis grid (cells of
// f pixels), a cell at 0.5 or more whose Euclidean distance to the
// nearest cell below 0.5 is D takes a share t of the way to solid, t
// rising smoothly from 0 at D = deep to 1 at D = (1+deepRamp)·deep; per
// pixel, t is interpolated bilinearly between the cells' centres, and
// only the pixels the guide solved (and the user left unknown) move.
func solidifyDeep(a []float32, gl, user []uint8, w, h, f, deep int) {
	cw, ch := (w+f-1)/f, (h+f-1)/f
	cb := a
	if f > 1 {
		cb = downMatte(a, w, h, f)
	}
	lo, hi := float32(deep), (1+deepRamp)*float32(deep)
	// The squared distance to the nearest contour cell: one on the
	// subject's side of the contour is next to a cell below 0.5.
	d2 := contourBand(&Matte{W: cw, H: ch, Pix: cb}, float64(deepReach(deep)))
	t := make([]float32, cw*ch)
	parallel.Rows(ch, func(y0, y1 int) {
		for i := y0 * cw; i < y1*cw; i++ {
			if cb[i] < 0.5 {
				continue
			}
			d := hi
			if d2[i] != farAway {
				d = float32(math.Sqrt(float64(d2[i]))) + 1
			}
			switch {
			case d >= hi:
				t[i] = 1
			case d > lo:
				u := (d - lo) / (hi - lo)
				t[i] = u * u * (3 - 2*u)
			}
		}
	})
	// Each pixel's column between the cells' centres: the cell left of
	// it and the weight of the one to the right.
	ix, tx := make([]int32, w), make([]float32, w)
	for x := range w {
		fx := max(0, (float32(x)+0.5)/float32(f)-0.5)
		ix[x] = int32(min(int(fx), cw-1))
		tx[x] = fx - float32(ix[x])
	}
	parallel.Rows(h, func(y0, y1 int) {
		// tr is t between the rows of cell centres about y, per cell,
		// the last repeated on the right.
		tr := make([]float32, cw+1)
		for y := y0; y < y1; y++ {
			fy := max(0, (float32(y)+0.5)/float32(f)-0.5)
			iy := min(int(fy), ch-1)
			iy1, ty := min(iy+1, ch-1), fy-float32(iy)
			r0, r1 := t[iy*cw:(iy+1)*cw], t[iy1*cw:(iy1+1)*cw]
			zero := true
			for cx := range cw {
				tr[cx] = r0[cx] + (r1[cx]-r0[cx])*ty
				zero = zero && tr[cx] == 0
			}
			if zero {
				continue
			}
			tr[cw] = tr[cw-1]
			row := y * w
			for x := range w {
				c := ix[x]
				t0, t1 := tr[c], tr[c+1]
				if t0 == 0 && t1 == 0 {
					continue
				}
				i := row + x
				if gl[i] != Unknown || (user != nil && user[i] != Unknown) {
					continue
				}
				if v := t0 + (t1-t0)*tx[x]; v > 0 {
					a[i] += (1 - a[i]) * v
				}
			}
		}
	})
}

// blockTile is the side of the tiles blockMean works in.
const blockTile = 64

// blockMean returns the mean of the w×h map a over the (2r+1)² box around
// each pixel, the border repeated beyond the edges (boxMean's), but only
// in the tiles of blockTile² pixels that mark holds (tw×th of them, row by
// row) and in the tiles around them (so that every pixel of a marked tile
// has its 3×3 neighbours'); elsewhere the result is 0. The plateaus
// decide reads are a small part of a large photo.
func blockMean(a []float32, w, h, r int, mark []bool) []float32 {
	out := make([]float32, w*h)
	tw, th := (w+blockTile-1)/blockTile, (h+blockTile-1)/blockTile
	var tiles []int
	for t := range mark {
		tx, ty := t%tw, t/tw
		near := false
		for yy := max(0, ty-1); yy <= min(th-1, ty+1) && !near; yy++ {
			for xx := max(0, tx-1); xx <= min(tw-1, tx+1); xx++ {
				if mark[yy*tw+xx] {
					near = true
					break
				}
			}
		}
		if near {
			tiles = append(tiles, t)
		}
	}
	// One patch per worker, reused from tile to tile.
	patches := make([]*Matte, runtime.GOMAXPROCS(0))
	parallel.Each(len(tiles), func(worker, t int) {
		tx, ty := tiles[t]%tw, tiles[t]/tw
		x0, y0 := tx*blockTile, ty*blockTile
		x1, y1 := min(w, x0+blockTile), min(h, y0+blockTile)
		// The tile and the r pixels around it (the photo's border
		// repeated beyond its edges), box-filtered as a whole: the
		// tile's own pixels see only what boxMean would see there.
		pw, ph := x1-x0+2*r, y1-y0+2*r
		m := patches[worker]
		if m == nil {
			m = &Matte{Pix: make([]float32, (blockTile+2*r)*(blockTile+2*r))}
			patches[worker] = m
		}
		m.W, m.H, m.Pix = pw, ph, m.Pix[:pw*ph]
		for py := range ph {
			src := a[min(h-1, max(0, y0-r+py))*w:]
			for px := range pw {
				m.Pix[py*pw+px] = src[min(w-1, max(0, x0-r+px))]
			}
		}
		boxRows(m, r)
		boxColumns(m, r)
		for y := y0; y < y1; y++ {
			copy(out[y*w+x0:y*w+x1], m.Pix[(y-y0+r)*pw+r:])
		}
	})
	return out
}

// mean3 returns the 3×3 mean of the w-wide map a around i (not on the
// border) and the central differences of that mean along x and y.
func mean3(a []float32, i, w int) (mean, gx, gy float32) {
	up, row, dn := a[i-w-1:i-w+2], a[i-1:i+2], a[i+w-1:i+w+2]
	mean = (up[0] + up[1] + up[2] + row[0] + row[1] + row[2] + dn[0] + dn[1] + dn[2]) / 9
	gx = ((up[2] + row[2] + dn[2]) - (up[0] + row[0] + dn[0])) / 6
	gy = ((dn[0] + dn[1] + dn[2]) - (up[0] + up[1] + up[2])) / 6
	return mean, gx, gy
}
