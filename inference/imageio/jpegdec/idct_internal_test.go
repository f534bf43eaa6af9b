package jpegdec

import (
	"math"
	"math/rand"
	"testing"
)

// randomBlock fills blk with coefficients whose zigzag index is at most
// last, of magnitude up to amp, and returns a flat quantisation table.
func randomBlock(r *rand.Rand, blk *[64]int16, last, amp int) {
	clear(blk[:])
	for k := 0; k <= last; k++ {
		if k == last || r.Intn(3) > 0 {
			blk[unzig[k]] = int16(r.Intn(2*amp+1) - amp)
		}
	}
}

func BenchmarkIDCT(b *testing.B) {
	for _, tc := range []struct {
		name string
		last int
	}{{"dc", 0}, {"sparse", 9}, {"dense", 63}} {
		b.Run(tc.name, func(b *testing.B) {
			r := rand.New(rand.NewSource(1))
			blks := make([][64]int16, 256)
			for i := range blks {
				randomBlock(r, &blks[i], tc.last, 40)
			}
			var q [64]int32
			for i := range q {
				q[i] = 3
			}
			dst := make([]uint8, 64)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				blk := &blks[i&255]
				switch {
				case tc.last == 0:
					idctDC(blk[0], q[0], dst, 8)
				case tc.last <= sparseLast:
					idct4(blk, &q, dst, 8)
				default:
					idct(blk, &q, dst, 8)
				}
			}
		})
	}
}

// referenceIDCT is the 2-D inverse DCT of T.81 A.3.3 in float64, level
// shifted, rounded and clamped.
func referenceIDCT(blk *[64]int16, q *[64]int32) (out [64]uint8) {
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			var s float64
			for v := 0; v < 8; v++ {
				for u := 0; u < 8; u++ {
					cu, cv := 1.0, 1.0
					if u == 0 {
						cu = math.Sqrt2 / 2
					}
					if v == 0 {
						cv = math.Sqrt2 / 2
					}
					c := float64(int32(blk[8*v+u]) * q[8*v+u])
					s += cu * cv * c * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
				}
			}
			out[8*y+x] = uint8(min(max(math.Round(s/4+128), 0), 255))
		}
	}
	return out
}

// TestIDCTAccuracy compares idct with the defining formula on random
// blocks: at most one level off (T.81 leaves IDCT rounding to the
// decoder; IEEE 1180-style accuracy), and rarely.
func TestIDCTAccuracy(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, tc := range []struct {
		name      string
		last, amp int
	}{{"dc only", 0, 200}, {"low frequencies", 9, 60}, {"all frequencies small", 63, 20}, {"all frequencies large", 63, 200}} {
		t.Run(tc.name, func(t *testing.T) {
			var q [64]int32
			for i := range q {
				q[i] = int32(1 + r.Intn(4))
			}
			blocks := 2000
			if testing.Short() {
				blocks = 300
			}
			off, n := 0, 0
			for range blocks {
				var blk [64]int16
				randomBlock(r, &blk, tc.last, tc.amp)
				want := referenceIDCT(&blk, &q)
				got := make([]uint8, 64)
				if tc.last == 0 {
					idctDC(blk[0], q[0], got, 8)
				} else {
					idct(&blk, &q, got, 8)
				}
				for i := range want {
					d := int(got[i]) - int(want[i])
					if d < -1 || d > 1 {
						t.Fatalf("sample %d: got %d, want %d±1", i, got[i], want[i])
					}
					if d != 0 {
						off++
					}
					n++
				}
			}
			if frac := float64(off) / float64(n); frac > 0.03 {
				t.Errorf("%.2f%% of samples off by one, want under 3%%", 100*frac)
			}
		})
	}
}

// TestIDCTDCMatchesFull checks the DC-only shortcut against the full
// transform of the same block.
func TestIDCTDCMatchesFull(t *testing.T) {
	var q [64]int32
	for i := range q {
		q[i] = 7
	}
	for dc := -1100; dc <= 1100; dc += 3 {
		var blk [64]int16
		blk[0] = int16(dc)
		full, short := make([]uint8, 64), make([]uint8, 64)
		idct(&blk, &q, full, 8)
		idctDC(blk[0], q[0], short, 8)
		if string(full) != string(short) {
			t.Fatalf("dc %d: full %v, shortcut %v", dc, full[:8], short[:8])
		}
	}
}

// TestIDCT4MatchesFull checks the 4×4 transform against the full one on
// random blocks with every coefficient after zigzag index sparseLast zero,
// large amplitudes included.
func TestIDCT4MatchesFull(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var q [64]int32
	for i := range q {
		q[i] = int32(1 + r.Intn(60))
	}
	for i := range 20000 {
		var blk [64]int16
		randomBlock(r, &blk, 1+r.Intn(sparseLast), []int{3, 30, 300, 2000}[i%4])
		full, sparse := make([]uint8, 64), make([]uint8, 64)
		idct(&blk, &q, full, 8)
		idct4(&blk, &q, sparse, 8)
		if string(full) != string(sparse) {
			t.Fatalf("block %v: full %v, 4x4 %v", blk, full, sparse)
		}
	}
}

// TestFixConstants checks the 13-bit constants against their definitions.
func TestFixConstants(t *testing.T) {
	c := func(k float64) float64 { return math.Cos(k * math.Pi / 16) }
	for _, tc := range []struct {
		got  int32
		want float64
	}{
		{fix0_298631336, math.Sqrt2 * (-c(1) + c(3) + c(5) - c(7))},
		{fix0_390180644, math.Sqrt2 * (c(5) - c(3))},
		{fix0_541196100, math.Sqrt2 * c(6)},
		{fix0_765366865, math.Sqrt2 * (c(2) - c(6))},
		{fix0_899976223, math.Sqrt2 * (c(7) - c(3))},
		{fix1_175875602, math.Sqrt2 * c(3)},
		{fix1_501321110, math.Sqrt2 * (c(1) + c(3) - c(5) - c(7))},
		{fix1_847759065, math.Sqrt2 * (c(2) + c(6))},
		{fix1_961570560, math.Sqrt2 * (c(5) + c(3))},
		{fix2_053119869, math.Sqrt2 * (c(1) + c(3) - c(5) + c(7))},
		{fix2_562915447, math.Sqrt2 * (c(1) + c(3))},
		{fix3_072711026, math.Sqrt2 * (c(1) + c(3) + c(5) - c(7))},
	} {
		if want := int32(math.Round(math.Abs(tc.want) * 8192)); tc.got != want {
			t.Errorf("constant %d, want %d (%.9f)", tc.got, want, math.Abs(tc.want))
		}
	}
}
