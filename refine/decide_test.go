package refine

import (
	"math"
	"testing"
)

// TestDecide: on a 64×64 alpha that the guide left wholly unknown, a
// plateau takes the side it leans to, an anti-aliased edge stays as it
// is, strands keep matting's values, and pixels the user brushed
// otherwise are not touched.
func TestDecide(t *testing.T) {
	const w, h = 64, 64
	unknown := func() *Guide {
		g := &Guide{Trimap: NewTrimap(w, h)}
		for i := range g.Trimap.Pix {
			g.Trimap.Pix[i] = Unknown
		}
		return g
	}
	for name, tc := range map[string]struct {
		alpha func(x, y int) float32
		want  func(x, y int, before float32) (lo, hi float32)
	}{
		"plateaus": {
			alpha: func(x, _ int) float32 {
				if x < 32 {
					return 0.7
				}
				return 0.3
			},
			want: func(x, _ int, _ float32) (float32, float32) {
				switch {
				case x < 30:
					return 1, 1
				case x > 33:
					return 0, 0
				}
				return 0, 1
			},
		},
		"anti-aliased edge": {
			alpha: func(x, _ int) float32 { return float32(min(1, max(0, float64(x)-31.5))) },
			want:  func(_, _ int, v float32) (float32, float32) { return v, v },
		},
		"strands": {
			alpha: func(x, _ int) float32 {
				if x%2 == 0 {
					return 0.2
				}
				return 0.6
			},
			want: func(_, _ int, v float32) (float32, float32) { return v, v },
		},
		// A mass of strands the model half saw, with nothing clear in
		// it: deeper than deepShare (2 cells here) from the clear
		// background on the right it becomes solid, nearer it keeps
		// its strands.
		"deep in a mass of strands": {
			alpha: func(x, _ int) float32 {
				switch {
				case x >= 40:
					return 0
				case x%2 == 0:
					return 0.6
				}
				return 0.9
			},
			want: func(x, _ int, v float32) (float32, float32) {
				if x <= 37 {
					return 1, 1
				}
				return v, v
			},
		},
		"gentle ramp": {
			alpha: func(x, _ int) float32 { return float32(x) / 63 },
			want: func(x, _ int, _ float32) (float32, float32) {
				// Steepened to decideWidth around x = 31.5.
				switch {
				case x <= 29:
					return 0, 0
				case x >= 34:
					return 1, 1
				}
				return 0, 1
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			a := NewMatte(w, h)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					a.Pix[y*w+x] = tc.alpha(x, y)
				}
			}
			before := a.Clone()
			decide(a, unknown(), nil, false)
			// The image's outer two rings see fewer neighbours.
			for y := 2; y < h-2; y++ {
				for x := 2; x < w-2; x++ {
					i := y*w + x
					lo, hi := tc.want(x, y, before.Pix[i])
					if v := a.Pix[i]; v < lo-1e-6 || v > hi+1e-6 || math.IsNaN(float64(v)) {
						t.Fatalf("alpha at (%d,%d) = %v (was %v), want in [%v, %v]", x, y, v, before.Pix[i], lo, hi)
					}
				}
			}
		})
	}
	t.Run("user's labels", func(t *testing.T) {
		a := NewMatte(w, h)
		user := NewTrimap(w, h)
		for i := range a.Pix {
			a.Pix[i] = 0.7
			user.Pix[i] = Unknown
			if i%w < 32 {
				user.Pix[i] = Foreground // brushed: solved as the user said
			}
		}
		decide(a, unknown(), user, false)
		for y := 1; y < h-1; y++ {
			for x := 1; x < w-1; x++ {
				want := float32(1)
				if x < 32 {
					want = 0.7
				}
				if v := a.Pix[y*w+x]; math.Abs(float64(v-want)) > 1e-5 {
					t.Fatalf("alpha at (%d,%d) = %v, want %v", x, y, v, want)
				}
			}
		}
	})
}

// TestSolidifyDeepIsRound: the way to solid deep in the subject follows
// the Euclidean distance to what is clear and rises smoothly, so that
// no square's straight sides or corners are drawn through a mass of
// hair. A 256×256 alpha at 0.6 around a clear disc, on a grid of 2×2
// cells, 12 cells deep: near the disc it keeps its values, far from it
// it is solid, in between it is the same at the same distance in every
// direction and steps by little from pixel to pixel.
func TestSolidifyDeepIsRound(t *testing.T) {
	const (
		w, h    = 256, 256
		f, deep = 2, 12
		cx, cy  = 128.0, 128.0
		disc    = 6.0
	)
	a := make([]float32, w*h)
	gl := make([]uint8, w*h)
	dist := func(x, y int) float64 { return math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) }
	for y := range h {
		for x := range w {
			gl[y*w+x] = Unknown
			if dist(x, y) > disc {
				a[y*w+x] = 0.6
			}
		}
	}
	solidifyDeep(a, gl, nil, w, h, f, deep)
	near, far := disc+float64(deep*f)-2*f, disc+(1+deepRamp)*float64(deep*f)+2*f
	// Along 16 directions, the value at each distance.
	var ring [16][]float32
	for y := range h {
		for x := range w {
			d, v := dist(x, y), a[y*w+x]
			switch {
			case d <= disc:
				if v != 0 {
					t.Fatalf("clear pixel (%d,%d) became %v", x, y, v)
				}
			case d < near:
				if v != 0.6 {
					t.Fatalf("pixel (%d,%d) at %.1f px from the clear disc changed to %v", x, y, d, v)
				}
			case d > far:
				if v != 1 {
					t.Fatalf("pixel (%d,%d) at %.1f px from the clear disc is %v, not solid", x, y, d, v)
				}
			}
			if d <= disc+2 {
				continue
			}
			if x+1 < w && math.Abs(float64(a[y*w+x+1]-v)) > 0.08 || y+1 < h && math.Abs(float64(a[y*w+x+w]-v)) > 0.08 {
				t.Fatalf("alpha steps by more than 0.08 at (%d,%d): %v, right %v, below %v", x, y, v, a[y*w+x+1], a[y*w+x+w])
			}
		}
	}
	for k := range ring {
		th := 2 * math.Pi * float64(k) / float64(len(ring))
		for r := 0; r < 64; r++ {
			x := int(math.Floor(cx + float64(r)*math.Cos(th)))
			y := int(math.Floor(cy + float64(r)*math.Sin(th)))
			ring[k] = append(ring[k], a[y*w+x])
		}
	}
	for r := int(disc) + 2; r < 64; r++ {
		lo, hi := ring[0][r], ring[0][r]
		for k := range ring {
			lo, hi = min(lo, ring[k][r]), max(hi, ring[k][r])
		}
		if hi-lo > 0.1 {
			t.Errorf("at %d px from the centre the alpha runs from %v to %v with the direction", r, lo, hi)
		}
	}
}

// TestBlockMean: blockMean gives boxMean's mean (within float32
// rounding) in every tile it is asked for and in the tiles around, and
// nothing in the others; at the photo's borders too.
func TestBlockMean(t *testing.T) {
	const w, h, r = 300, 200, 8
	a := make([]float32, w*h)
	seed := uint32(1)
	for i := range a {
		seed = seed*1664525 + 1013904223
		a[i] = float32(seed>>8) / (1 << 24)
	}
	want := boxMean(a, w, h, r)
	for name, need := range map[string]func(i int) bool{
		"everywhere":   func(int) bool { return true },
		"nowhere":      func(int) bool { return false },
		"one pixel":    func(i int) bool { return i == 130*w+70 },
		"corner":       func(i int) bool { return i == 0 },
		"last column":  func(i int) bool { return i%w == w-1 && i/w > 150 },
		"sparse pairs": func(i int) bool { return i%997 == 0 },
	} {
		t.Run(name, func(t *testing.T) {
			tw, th := (w+blockTile-1)/blockTile, (h+blockTile-1)/blockTile
			asked := make([]bool, tw*th)
			for i := range a {
				if need(i) {
					asked[(i/w/blockTile)*tw+(i%w)/blockTile] = true
				}
			}
			got := blockMean(a, w, h, r, asked)
			for y := range h {
				for x := range w {
					tx, ty := x/blockTile, y/blockTile
					near := false
					for yy := max(0, ty-1); yy <= min(th-1, ty+1); yy++ {
						for xx := max(0, tx-1); xx <= min(tw-1, tx+1); xx++ {
							near = near || asked[yy*tw+xx]
						}
					}
					i := y*w + x
					switch {
					case near && math.Abs(float64(got[i]-want[i])) > 1e-5:
						t.Fatalf("mean at (%d,%d) = %v, boxMean gives %v", x, y, got[i], want[i])
					case !near && got[i] != 0:
						t.Fatalf("mean at (%d,%d) = %v in a tile nothing asked for", x, y, got[i])
					}
				}
			}
		})
	}
}

// TestDecideAcrossBlocks: a plateau of the model's doubt solved as a
// patchwork of 8×8 tiles (levels ±0.06 about a ramp through 0.5 at
// x = 64), as matting leaves it in a dark part of a compressed photo, is
// cut in a smooth line when the photo carries a block grid: from one row
// to the next the cut moves by at most 2 pixels, where reading each
// pixel's 3×3 mean cuts along the tiles' borders, in a staircase whose
// steps are the tiles' offsets.
func TestDecideAcrossBlocks(t *testing.T) {
	const w, h = 160, 128
	g := &Guide{Trimap: NewTrimap(w, h)}
	for i := range g.Trimap.Pix {
		g.Trimap.Pix[i] = Unknown
	}
	seed := uint32(7)
	offset := make([]float32, (w/8)*(h/8))
	for i := range offset {
		seed = seed*1664525 + 1013904223
		offset[i] = 0.06 * (2*float32(seed>>8)/(1<<24) - 1)
	}
	plateau := func() *Matte {
		a := NewMatte(w, h)
		for y := range h {
			for x := range w {
				a.Pix[y*w+x] = 0.5 + float32(x-64)/80 + offset[(y/8)*(w/8)+x/8]
			}
		}
		return a
	}
	// jump returns the largest move, from one row to the next, of the
	// row's first pixel at 0.5 or more, over the rows away from the
	// border.
	jump := func(a *Matte) int {
		worst, prev := 0, -1
		for y := 12; y < h-12; y++ {
			cut := -1
			for x := 12; x < w-12; x++ {
				if a.Pix[y*w+x] >= 0.5 {
					cut = x
					break
				}
			}
			if prev >= 0 {
				worst = max(worst, cut-prev, prev-cut)
			}
			prev = cut
		}
		return worst
	}
	blocky, smooth := plateau(), plateau()
	decide(blocky, g, nil, false)
	decide(smooth, g, nil, true)
	b, s := jump(blocky), jump(smooth)
	t.Logf("the cut moves by up to %d px between rows with the 3×3 mean, %d px with the blocks' mean", b, s)
	if s > 2 {
		t.Errorf("read over the blocks, the cut moves by %d px between rows (at most 2)", s)
	}
	if b <= 2 {
		t.Errorf("the 3×3 mean's cut moves by no more than %d px between rows: the plateau tests nothing", b)
	}
}
