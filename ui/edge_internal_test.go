package ui

import (
	"math"
	"testing"

	"cutout/refine"
)

// stairs is a w×h matte, 1 left of a diagonal edge cut into steps of
// step pixels.
func stairs(w, h, step int) *refine.Matte {
	m := refine.NewMatte(w, h)
	for y := 0; y < h; y++ {
		edge := w/4 + (y/step)*step/2
		for x := 0; x < edge; x++ {
			m.Pix[y*w+x] = 1
		}
	}
	return m
}

// contourError is the mean distance, over the middle rows, between the
// matte's 0.5 crossing and the straight line y/2 + c fitted to it.
func contourError(m *refine.Matte) float64 {
	var xs []float64
	for y := m.H / 4; y < 3*m.H/4; y++ {
		row := m.Pix[y*m.W : (y+1)*m.W]
		for x := 1; x < m.W; x++ {
			if row[x-1] >= 0.5 && row[x] < 0.5 {
				f := float64(row[x-1]-0.5) / float64(row[x-1]-row[x])
				xs = append(xs, float64(x-1)+f-float64(y)/2)
				break
			}
		}
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	e := 0.0
	for _, x := range xs {
		e += math.Abs(x - mean)
	}
	return e / float64(len(xs))
}

func TestSmoothEdgeRoundsOffSteps(t *testing.T) {
	m := stairs(120, 120, 6)
	orig := append([]float32(nil), m.Pix...)
	if smoothEdge(m, 0) != m {
		t.Fatal("smooth 0 is not the matte itself")
	}
	out := smoothEdge(m, 4)
	if e0, e1 := contourError(m), contourError(out); e1 > e0/3 {
		t.Fatalf("the outline is %.2f px off a straight line after smoothing (%.2f before)", e1, e0)
	}
	for y := 0; y < out.H; y++ {
		soft := 0
		for _, v := range out.Pix[y*out.W : (y+1)*out.W] {
			if v > 0.02 && v < 0.98 {
				soft++
			}
		}
		if soft > 3 {
			t.Fatalf("row %d has %d soft pixels: smoothing softened the edge", y, soft)
		}
	}
	for i := range orig {
		if m.Pix[i] != orig[i] {
			t.Fatal("smoothing modified its input")
		}
	}
}

func TestContrastEdge(t *testing.T) {
	ramp := refine.NewMatte(20, 1)
	for x := range ramp.Pix {
		ramp.Pix[x] = float32(x) / 19
	}
	for name, tc := range map[string]struct {
		c    float64
		soft int
	}{
		"none":      {0, 18},
		"half":      {0.5, 10},
		"all":       {1, 0},
		"past 100%": {2, 0},
	} {
		t.Run(name, func(t *testing.T) {
			out := contrastEdge(ramp, tc.c)
			soft := 0
			for x, v := range out.Pix {
				if v > 0 && v < 1 {
					soft++
				}
				if x > 0 && v < out.Pix[x-1] {
					t.Fatal("contrast made the ramp fall")
				}
			}
			if soft != tc.soft {
				t.Fatalf("%d soft pixels, want %d", soft, tc.soft)
			}
			if ramp.Pix[5] != 5.0/19 {
				t.Fatal("contrast modified its input")
			}
		})
	}
}
