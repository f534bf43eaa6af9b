package refine

import (
	"math"

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
// decides the side, so that the noise of a plateau (a JPEG's 8×8 blocks)
// does not scatter its decision. The threshold at 0.5 keeps every pixel
// on the side of 0.5 it was on, but for the pixels deep in the subject
// (see deepShare), which become solid.
func decide(alpha *Matte, g *Guide, user *Trimap) {
	var u []uint8
	if user != nil {
		u = user.Pix
	}
	f, width, deep := decideGrid(alpha.W, alpha.H)
	decideWith(alpha, g.Trimap.Pix, u, f, width, deep)
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
// photo does (Incremental) but for cells within deep+3 of its border.
func decideWith(alpha *Matte, gl, user []uint8, f int, width float32, deep int) {
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
	// as every pixel's mean reads its neighbours' solved values.
	type change struct {
		i int32
		v float32
	}
	bands := parallel.Workers(h)
	changes := make([][]change, bands)
	parallel.Bands(h, bands, func(b, y0, y1 int) {
		var out []change
		for y := max(1, y0); y < min(h-1, y1); y++ {
			// The analysis cell c of x, stepped every f pixels (a
			// division per pixel costs as much as the test).
			c, next := (y/f)*cw, f
			glRow, aRow := gl[y*w:(y+1)*w], a[y*w:(y+1)*w]
			for x := 1; x < w-1; x++ {
				if x == next {
					c, next = c+1, next+f
				}
				// Only the pixels the guide solved, between 0 and 1,
				// and not brushed otherwise.
				if glRow[x] != Unknown || aRow[x] <= 0 || aRow[x] >= 1 {
					continue
				}
				i := y*w + x
				if user != nil && user[i] != Unknown {
					continue
				}
				s := min(1, 2*keep[c])
				if s >= 1 {
					continue
				}
				mean, gx, gy := mean3(a, i, w)
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
					d = clamp01(a[i] + (gain-1)*(mean-0.5))
				}
				out = append(out, change{int32(i), s*a[i] + (1-s)*d})
			}
		}
		changes[b] = out
	})
	for _, band := range changes {
		for _, c := range band {
			a[c.i] = c.v
		}
	}
	// Pass 3: solved pixels deep in the subject (no cell within deep of
	// theirs below 0.5) become solid.
	cb := a
	if f > 1 {
		cb = downMatte(a, w, h, f)
	}
	low := make([]float32, cw*ch)
	for i, v := range cb {
		if v < 0.5 {
			low[i] = 1
		}
	}
	nearClear := maxFilter(low, cw, ch, deep)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			// Cell by cell: a division per pixel would cost more than
			// the test.
			crow := (y / f) * cw
			for cx := range cw {
				if nearClear[crow+cx] != 0 {
					continue
				}
				for i := y*w + cx*f; i < y*w+min(w, cx*f+f); i++ {
					if gl[i] == Unknown && (user == nil || user[i] == Unknown) {
						a[i] = 1
					}
				}
			}
		}
	})
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
