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
			decide(a, unknown(), nil)
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
		decide(a, unknown(), user)
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
