package refine

import (
	"image"

	"cutout/refine/parallel"
)

// A soft brush leaves a rim of Unknown between the label it paints and
// what was there. Where the photo has an edge in that rim, matting finds
// it; where it has none (a background stroke across skin), matting has
// nothing to follow but the photo's noise, and at half size the guided
// filter turns that into steps along the rim. So brushed Unknown pixels
// where the model is sure (the model saw no soft edge there: skin, a
// wall, not hair) are held, by brushRampWeight, towards the brush's own
// ramp: the share dB/(dB+dF) of the distances to the nearest Background
// and Foreground labels, 0 at the background's side and 1 at the
// foreground's, which follows the stroke's outline smoothly. Where the
// photo has a real edge, the matting term, far stronger across it, wins.

// brushRampWeight weighs the ramp's data term. On a soft background
// stroke across the cheek of a 9.4 MP portrait (TestBrushedEdgeIsSmooth)
// the edge's roughness (RMS of the second differences of its position,
// row by row) is 1.04/1.12 px without the ramp, 0.55/0.69 at a weight of
// 1 and 0.51/0.49 at 2, against 0.58 for the automatic edge beside it.
const brushRampWeight = 2

// brushRampReach bounds, in pixels, how far the ramp looks for the labels
// on either side of a rim: the rim of a brush 320 px wide at the
// editor's default hardness (0.8) is 32 px wide.
const brushRampReach = 64

// brushedTerms overrides prior and weight with the brush ramp on the
// pixels of rect that the user made Unknown where the guide had a known
// label and the model is sure. prior and weight are maps whose pixel 0 is
// the photo's pixel origin, stride wide (the photo's maps, or a
// window's).
func brushedTerms(g *Guide, tri *Trimap, rect image.Rectangle, prior, weight []float32, origin image.Point, stride int) {
	w, h := tri.W, tri.H
	box := rect.Inset(-brushRampReach).Intersect(image.Rect(0, 0, w, h))
	bw, bh := box.Dx(), box.Dy()
	// Chamfer distances (3-4, so a step is 3) to the nearest Background
	// and Foreground labels within box.
	const inf = int32(1 << 29)
	dist := func(label uint8) []int32 {
		d := make([]int32, bw*bh)
		parallel.Rows(bh, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				row := tri.Pix[(y+box.Min.Y)*w+box.Min.X:]
				for x := range bw {
					if row[x] == label {
						d[y*bw+x] = 0
					} else {
						d[y*bw+x] = inf
					}
				}
			}
		})
		at := func(x, y int) int32 {
			if x < 0 || y < 0 || x >= bw || y >= bh {
				return inf
			}
			return d[y*bw+x]
		}
		for y := range bh {
			for x := range bw {
				i := y*bw + x
				d[i] = min(d[i], at(x-1, y)+3, at(x, y-1)+3, at(x-1, y-1)+4, at(x+1, y-1)+4)
			}
		}
		for y := bh - 1; y >= 0; y-- {
			for x := bw - 1; x >= 0; x-- {
				i := y*bw + x
				d[i] = min(d[i], at(x+1, y)+3, at(x, y+1)+3, at(x+1, y+1)+4, at(x-1, y+1)+4)
			}
		}
		return d
	}
	db, df := dist(Background), dist(Foreground)
	parallel.Rows(rect.Dy(), func(y0, y1 int) {
		for y := rect.Min.Y + y0; y < rect.Min.Y+y1; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				i := y*w + x
				if tri.Pix[i] != Unknown || g.Trimap.Pix[i] == Unknown {
					continue
				}
				if m := g.Prior.Pix[i]; m > DefaultLo && m < DefaultHi {
					continue
				}
				b := db[(y-box.Min.Y)*bw+x-box.Min.X]
				f := df[(y-box.Min.Y)*bw+x-box.Min.X]
				if b >= inf || f >= inf {
					continue
				}
				k := (y-origin.Y)*stride + x - origin.X
				prior[k] = float32(b) / float32(b+f)
				weight[k] = brushRampWeight
			}
		}
	})
}

// brushedRect returns the bounds of the pixels of within that the user
// made Unknown where the guide had a known label.
func brushedRect(g *Guide, tri *Trimap, within image.Rectangle) image.Rectangle {
	w := tri.W
	var r image.Rectangle
	for y := within.Min.Y; y < within.Max.Y; y++ {
		row := tri.Pix[y*w+within.Min.X : y*w+within.Max.X]
		auto := g.Trimap.Pix[y*w+within.Min.X : y*w+within.Max.X]
		x0, x1 := -1, -1
		for x, l := range row {
			if l == Unknown && auto[x] != Unknown {
				if x0 < 0 {
					x0 = x
				}
				x1 = x
			}
		}
		if x0 >= 0 {
			r = r.Union(image.Rect(within.Min.X+x0, y, within.Min.X+x1+1, y+1))
		}
	}
	return r
}
