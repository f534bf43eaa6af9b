package refine

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

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

func TestAutoTrimap(t *testing.T) {
	const w, h = 200, 100
	// Left half foreground, right half background, with a soft patch.
	m := NewMatte(w, h)
	for y := range h {
		for x := range w {
			if x < w/2 {
				m.Pix[y*w+x] = 1
			}
		}
	}
	for y := 10; y < 20; y++ {
		for x := 150; x < 160; x++ {
			m.Pix[y*w+x] = 0.3
		}
	}
	m.Pix[5*w+180] = float32(math.NaN())
	before := m.Clone()
	for name, tc := range map[string]struct {
		opt *TrimapOptions
		// outer and inner are the expected widths in pixels: the short
		// side (100) times Band and Inner (3×Band by default).
		outer, inner int
	}{
		"nil":      {nil, 1, 3},
		"zero":     {&TrimapOptions{}, 1, 3},
		"5%":       {&TrimapOptions{Band: 0.05}, 5, 15},
		"10%":      {&TrimapOptions{Band: 0.1, Inner: 0.02, Lo: 0.2, Hi: 0.8}, 10, 2},
		"swapped":  {&TrimapOptions{Band: 0.03, Lo: 0.9, Hi: 0.1}, 3, 9},
		"negative": {&TrimapOptions{Band: -1, Inner: -1}, 1, 3},
	} {
		t.Run(name, func(t *testing.T) {
			tri := AutoTrimap(m, tc.opt)
			if tri.W != w || tri.H != h {
				t.Fatalf("size %dx%d", tri.W, tri.H)
			}
			// Row 50 crosses the contour between x = 99 and 100: the
			// contour pixels are 99 and 100, so Unknown spans
			// [99−inner, 100+outer].
			row := tri.Pix[50*w : 51*w]
			for x, l := range row {
				want := Background
				switch {
				case x >= 99-tc.inner && x <= 100+tc.outer:
					want = Unknown
				case x < w/2:
					want = Foreground
				}
				if l != want {
					t.Fatalf("row 50, x=%d: label %d, want %d", x, l, want)
				}
			}
			if tri.Pix[15*w+155] != Unknown {
				t.Error("soft patch not Unknown")
			}
			if tri.Pix[5*w+180] != Unknown {
				t.Error("NaN pixel not Unknown")
			}
			if tri.Pix[40*w+10] != Foreground || tri.Pix[90*w+190] != Background {
				t.Error("interior pixels mislabelled")
			}
		})
	}
	if !slices.Equal(before.Pix[:5*w+180], m.Pix[:5*w+180]) || !slices.Equal(before.Pix[5*w+181:], m.Pix[5*w+181:]) {
		t.Error("matte modified")
	}
}

func TestAutoTrimapDegenerate(t *testing.T) {
	for name, m := range map[string]*Matte{
		"empty":     NewMatte(0, 0),
		"one":       {W: 1, H: 1, Pix: []float32{0.7}},
		"all fg":    {W: 3, H: 2, Pix: []float32{1, 1, 1, 1, 1, 1}},
		"all bg":    {W: 3, H: 2, Pix: []float32{0, 0, 0, 0, 0, 0}},
		"one row":   {W: 5, H: 1, Pix: []float32{0, 0, 1, 1, 1}},
		"soft only": {W: 2, H: 2, Pix: []float32{0.5, 0.5, 0.5, 0.5}},
	} {
		t.Run(name, func(t *testing.T) {
			tri := AutoTrimap(m, nil)
			if len(tri.Pix) != m.W*m.H {
				t.Fatalf("len %d", len(tri.Pix))
			}
			for i, l := range tri.Pix {
				if l != Foreground && l != Background && l != Unknown {
					t.Fatalf("label %d at %d", l, i)
				}
				v := m.Pix[i]
				if v >= 0.95 && l == Background || v <= 0.05 && l == Foreground {
					t.Fatalf("pixel %d (matte %v) labelled %d", i, v, l)
				}
			}
		})
	}
}

func TestBandPixels(t *testing.T) {
	var o *TrimapOptions
	for name, tc := range map[string]struct {
		opt          *TrimapOptions
		w, h         int
		outer, inner float64
	}{
		"default 12MP": {o, 4000, 3000, 30, 90},
		"2%":           {&TrimapOptions{Band: 0.02}, 640, 800, 12.8, 38.4},
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
