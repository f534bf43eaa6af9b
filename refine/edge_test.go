package refine

import (
	"math"
	"strings"
	"testing"
)

// matteFrom builds a matte from rows of '.' (0), '#' (1) and digits d
// (d/10).
func matteFrom(rows ...string) *Matte {
	m := NewMatte(len(rows[0]), len(rows))
	for y, r := range rows {
		for x, c := range r {
			switch {
			case c == '#':
				m.Pix[y*m.W+x] = 1
			case c >= '0' && c <= '9':
				m.Pix[y*m.W+x] = float32(c-'0') / 10
			}
		}
	}
	return m
}

func matteRows(m *Matte) []string {
	var out []string
	for y := 0; y < m.H; y++ {
		var b strings.Builder
		for _, v := range m.Pix[y*m.W : (y+1)*m.W] {
			switch {
			case v == 0:
				b.WriteByte('.')
			case v == 1:
				b.WriteByte('#')
			default:
				b.WriteByte(byte('0' + int(math.Round(float64(v)*10))))
			}
		}
		out = append(out, b.String())
	}
	return out
}

func TestShiftEdge(t *testing.T) {
	tests := map[string]struct {
		in   []string
		px   float64
		want []string
	}{
		"expand a dot by one": {
			in:   []string{".....", ".....", "..#..", ".....", "....."},
			px:   1,
			want: []string{".....", ".###.", ".###.", ".###.", "....."},
		},
		"contract a block by one": {
			in:   []string{".....", ".###.", ".###.", ".###.", "....."},
			px:   -1,
			want: []string{".....", ".....", "..#..", ".....", "....."},
		},
		"soft values move, keep their level": {
			in:   []string{"......", "..5#..", "......"},
			px:   1,
			want: []string{".5###.", ".5###.", ".5###."},
		},
		"the frame counts as background when expanding": {
			in:   []string{"#....", ".....", "....."},
			px:   2,
			want: []string{"###..", "###..", "###.."},
		},
		"a subject cut by the frame keeps touching it when contracting": {
			in:   []string{"###..", "###..", "###.."},
			px:   -1,
			want: []string{"##...", "##...", "##..."},
		},
		"radius rounds; zero copies": {
			in:   []string{"..#..", "....."},
			px:   0.4,
			want: []string{"..#..", "....."},
		},
		"a window wider than the matte": {
			in:   []string{"..", ".#"},
			px:   7,
			want: []string{"##", "##"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := matteFrom(tc.in...)
			orig := in.Clone()
			got := matteRows(ShiftEdge(in, tc.px))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range in.Pix {
				if in.Pix[i] != orig.Pix[i] {
					t.Fatal("ShiftEdge modified its input")
				}
			}
		})
	}
}

// TestShiftEdgeMatchesBruteForce compares the linear-time filter with the
// maximum (or minimum) taken over every window, on a random matte wider
// than one column strip.
func TestShiftEdgeMatchesBruteForce(t *testing.T) {
	const w, h = edgeStrip + 37, 41
	m := NewMatte(w, h)
	seed := uint32(1)
	for i := range m.Pix {
		seed = seed*1664525 + 1013904223
		m.Pix[i] = float32(seed>>8) / (1 << 24)
	}
	for _, px := range []float64{1, 3, 6, -1, -4} {
		got := ShiftEdge(m, px)
		r := int(math.Abs(px))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				want := float32(0)
				if px < 0 {
					want = 1
				}
				for yy := y - r; yy <= y+r; yy++ {
					for xx := x - r; xx <= x+r; xx++ {
						v := float32(0) // outside: background when expanding
						if px < 0 {
							v = 1 // foreground when contracting
						}
						if xx >= 0 && yy >= 0 && xx < w && yy < h {
							v = m.Pix[yy*w+xx]
						}
						if px > 0 {
							want = max(want, v)
						} else {
							want = min(want, v)
						}
					}
				}
				// Erosion goes through 1−(1−v): exact up to float rounding.
				if d := math.Abs(float64(got.Pix[y*w+x] - want)); d > 1e-6 {
					t.Fatalf("shift %v at (%d,%d): %v, want %v", px, x, y, got.Pix[y*w+x], want)
				}
			}
		}
	}
}

func TestFeather(t *testing.T) {
	t.Run("an impulse spreads like a Gaussian of the given deviation", func(t *testing.T) {
		const n, sigma = 81, 4.0
		m := NewMatte(n, n)
		m.Pix[(n/2)*n+n/2] = 1
		f := Feather(m, sigma)
		var sum, varX float64
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				v := float64(f.Pix[y*n+x])
				sum += v
				varX += v * float64((x-n/2)*(x-n/2))
			}
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Fatalf("blur changed the total from 1 to %v", sum)
		}
		// Three boxes of integer widths approximate sigma²; Kovesi's
		// choice is within a few per cent for sigma ≥ 2.
		if got := math.Sqrt(varX / sum); math.Abs(got-sigma) > 0.1*sigma {
			t.Fatalf("deviation %.2f, want %.2f", got, sigma)
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if a, b := f.Pix[y*n+x], f.Pix[x*n+y]; math.Abs(float64(a-b)) > 1e-7 {
					t.Fatalf("not symmetric at (%d,%d): %v vs %v", x, y, a, b)
				}
			}
		}
	})
	t.Run("flat regions and the frame stay as they are", func(t *testing.T) {
		m := matteFrom("####......", "####......", "####......", "####......")
		f := Feather(m, 1)
		rows := matteRows(f)
		if rows[0][0] != '#' || rows[3][9] != '.' {
			t.Fatalf("border pixels changed:\n%s", strings.Join(rows, "\n"))
		}
		for y := 0; y < 4; y++ {
			if v := f.Pix[y*10+3]; !(v > 0.5 && v < 1) {
				t.Fatalf("edge pixel (3,%d) = %v, want softened but above half", y, v)
			}
		}
	})
	t.Run("zero copies", func(t *testing.T) {
		m := matteFrom("#.", ".#")
		if got := matteRows(Feather(m, 0)); strings.Join(got, "") != "#..#" {
			t.Fatalf("sigma 0 changed the matte: %v", got)
		}
	})
}

func TestBoxRadii(t *testing.T) {
	for _, sigma := range []float64{1, 2.5, 7, 30} {
		var v float64
		for _, r := range boxRadii(sigma) {
			w := float64(2*r + 1)
			v += (w*w - 1) / 12
		}
		if math.Abs(math.Sqrt(v)-sigma) > 0.35 {
			t.Errorf("sigma %v: boxes give %.3f", sigma, math.Sqrt(v))
		}
	}
}

// edgeBenchMatte is a 12 MP matte with a soft-edged disc, built once.
var edgeBenchMatte *Matte

func benchEdgeMatte() *Matte {
	if edgeBenchMatte == nil {
		const w, h = 4000, 3000
		m := NewMatte(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				d := math.Hypot(float64(x-w/2), float64(y-h/2))
				m.Pix[y*w+x] = float32(min(max((1000-d)/20, 0), 1))
			}
		}
		edgeBenchMatte = m
	}
	return edgeBenchMatte
}

func benchmarkShiftEdge(b *testing.B, px float64) {
	m := benchEdgeMatte()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ShiftEdge(m, px)
	}
}

// BenchmarkShiftEdge12MP expands a 4000×3000 matte by 10 pixels.
func BenchmarkShiftEdge12MP(b *testing.B) { benchmarkShiftEdge(b, 10) }

// BenchmarkShiftEdge12MPContract contracts it by 10 pixels.
func BenchmarkShiftEdge12MPContract(b *testing.B) { benchmarkShiftEdge(b, -10) }

// BenchmarkFeather12MP feathers a 4000×3000 matte with sigma 8 pixels.
func BenchmarkFeather12MP(b *testing.B) {
	m := benchEdgeMatte()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Feather(m, 8)
	}
}
