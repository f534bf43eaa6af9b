package refine

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"cutout/assets/evalset"
)

// crossing returns the subpixel x in [x0, x1) of row y where alpha first
// crosses 0.5 going in the direction of the step (+1 or −1), or NaN.
func crossing(a *Matte, y, x0, x1, step int) float64 {
	start, end := x0, x1-1
	if step < 0 {
		start, end = x1-1, x0
	}
	for x := start; x != end; x += step {
		v0, v1 := a.Pix[y*a.W+x], a.Pix[y*a.W+x+step]
		if (v0 >= 0.5) != (v1 >= 0.5) {
			return float64(x) + float64(step)*float64((0.5-v0)/(v1-v0))
		}
	}
	return math.NaN()
}

// roughness is the RMS of the second differences of an edge's position
// row by row: about 0 for a smooth edge, large for steps.
func roughness(xs []float64) float64 {
	var s float64
	n := 0
	for i := 1; i+1 < len(xs); i++ {
		if d := xs[i+1] - 2*xs[i] + xs[i-1]; !math.IsNaN(d) {
			s += d * d
			n++
		}
	}
	return math.Sqrt(s / float64(n))
}

// TestBrushedEdgeIsSmooth: a soft background stroke across the cheek of a
// 9.4 MP portrait (solved at half size) refines to an edge as smooth as
// the automatic edge of the subject in the same rows (roughness 0.51 and
// 0.49 px against 0.58), where matting alone, with nothing in the skin to
// follow, left steps (1.04 and 1.12 px).
func TestBrushedEdgeIsSmooth(t *testing.T) {
	dir := evalset.Portraits(t)
	src := toNRGBA(decodeFile(t, filepath.Join(dir, "celebamaskhq-demo0.jpg")))
	mask := greyMatte(decodeFile(t, filepath.Join(dir, "celebamaskhq-demo0.mask.png")))
	w, h := 3072, 3072
	img := ResizeNRGBA(src, w, h)
	seg := ResizeMatte(simulatedSegmentation(mask, 3, 1), w, h)
	g := AutoGuide(img, seg, nil)
	tri := g.Trimap.Clone()
	// A stroke of radius 60 and hardness 0.8, as the editor paints it,
	// from (1000, 1500) to (1200, 2200) across the cheek.
	const r, hard = 60.0, 0.8
	ax, ay, bx, by := 1000.0, 1500.0, 1200.0, 2200.0
	for y := 1400; y < 2300; y++ {
		for x := 900; x < 1300; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			dx, dy := bx-ax, by-ay
			s := min(max(((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy), 0), 1)
			ex, ey := px-(ax+s*dx), py-(ay+s*dy)
			switch d2 := ex*ex + ey*ey; {
			case d2 <= hard*hard*r*r:
				tri.Pix[y*w+x] = Background
			case d2 <= r*r && tri.Pix[y*w+x] != Background:
				tri.Pix[y*w+x] = Unknown
			}
		}
	}
	res, err := Cut(context.Background(), img, Input{Matte: seg, Guide: g, Trimap: tri}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Both sides of the stroke over its middle rows, and the subject's
	// right edge (the automatic one, kept from the model) over the same
	// rows.
	var left, right, auto []float64
	for y := 1650; y < 2050; y++ {
		cx := ax + (float64(y)-ay)*(bx-ax)/(by-ay)
		left = append(left, crossing(res.Alpha, y, int(cx)-90, int(cx), 1))
		right = append(right, crossing(res.Alpha, y, int(cx), int(cx)+90, -1))
		auto = append(auto, crossing(res.Alpha, y, int(cx)+90, w, -1))
	}
	rl, rr, ra := roughness(left), roughness(right), roughness(auto)
	t.Logf("roughness: stroke's sides %.3f and %.3f px, automatic edge %.3f px", rl, rr, ra)
	if limit := max(ra, 0.1); rl > limit || rr > limit {
		t.Errorf("the stroke's edges (roughness %.3f and %.3f px) are rougher than the automatic edge (%.3f px)", rl, rr, ra)
	}
}
