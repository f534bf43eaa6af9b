package refine

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// isContour, the reference for contourBand, reports whether (x, y) has
// a 4-neighbour on the other side of the 0.5 contour.
func isContour(m *Matte, x, y int) bool {
	w, h := m.W, m.H
	i := y*w + x
	f := fgAt(m.Pix[i])
	return (x > 0 && fgAt(m.Pix[i-1]) != f) ||
		(x+1 < w && fgAt(m.Pix[i+1]) != f) ||
		(y > 0 && fgAt(m.Pix[i-w]) != f) ||
		(y+1 < h && fgAt(m.Pix[i+w]) != f)
}

// bruteBand marks pixels within r of a contour pixel by direct search.
func bruteBand(m *Matte, r float64) []bool {
	w, h := m.W, m.H
	var contour [][2]int
	for y := range h {
		for x := range w {
			if isContour(m, x, y) {
				contour = append(contour, [2]int{x, y})
			}
		}
	}
	out := make([]bool, w*h)
	for y := range h {
		for x := range w {
			for _, c := range contour {
				dx, dy := float64(x-c[0]), float64(y-c[1])
				if dx*dx+dy*dy <= r*r {
					out[y*w+x] = true
					break
				}
			}
		}
	}
	return out
}

// blobs returns a random binary-ish matte made of discs.
func blobs(w, h int, seed int64) *Matte {
	rnd := rand.New(rand.NewSource(seed))
	m := NewMatte(w, h)
	for range 4 {
		cx, cy, r := rnd.Float64()*float64(w), rnd.Float64()*float64(h), 2+rnd.Float64()*float64(min(w, h))/3
		for y := range h {
			for x := range w {
				if math.Hypot(float64(x)-cx, float64(y)-cy) < r {
					m.Pix[y*w+x] = 1
				}
			}
		}
	}
	return m
}

func TestContourBandMatchesBruteForce(t *testing.T) {
	for _, r := range []float64{1, 1.5, 2.9, 4, 7.3, 30} {
		for seed := range int64(4) {
			m := blobs(41+int(seed), 33, seed)
			d := contourBand(m, r)
			got := make([]bool, len(d))
			for i, v := range d {
				got[i] = v != farAway
				if v != farAway && float64(v) > r*r {
					t.Fatalf("distance² %d beyond r² %v", v, r*r)
				}
			}
			want := bruteBand(m, r)
			if !slices.Equal(got, want) {
				t.Errorf("r=%v seed=%d: band differs from brute force", r, seed)
			}
		}
	}
}

func TestBandPixels(t *testing.T) {
	var o *TrimapOptions
	for name, tc := range map[string]struct {
		opt          *TrimapOptions
		w, h         int
		outer, inner float64
	}{
		"default 12MP": {o, 4000, 3000, 30, 300},
		"2%":           {&TrimapOptions{Band: 0.02}, 640, 800, 12.8, 128},
		"inner set":    {&TrimapOptions{Band: 0.02, Inner: 0.01}, 640, 800, 12.8, 6.4},
		"small image":  {o, 10, 10, 1, 1},
	} {
		t.Run(name, func(t *testing.T) {
			outer, inner := tc.opt.BandPixels(tc.w, tc.h)
			if math.Abs(outer-tc.outer) > 1e-9 || math.Abs(inner-tc.inner) > 1e-9 {
				t.Errorf("got %v, %v; want %v, %v", outer, inner, tc.outer, tc.inner)
			}
		})
	}
}
