package jpegdec

import (
	"image/color"
	"math/rand"
	"testing"
)

// TestConversionMatchesColor checks every row converter against
// color.YCbCrToRGB on random samples, exactly.
func TestConversionMatchesColor(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	const w = 37 // odd, so the last chroma sample covers fewer pixels
	fill := func(b []uint8) {
		for i := range b {
			b[i] = uint8(r.Intn(256))
		}
	}
	y0, y1, cb, cr := make([]uint8, w), make([]uint8, w), make([]uint8, w), make([]uint8, w)
	for round := range 200 {
		fill(y0)
		fill(y1)
		fill(cb)
		fill(cr)
		if round%10 == 0 { // extremes, where clamping matters
			for i := range cb {
				cb[i], cr[i] = uint8(255*(i&1)), uint8(255*(i>>1&1))
			}
		}
		for name, tc := range map[string]struct {
			hs   uint
			conv func(d0, d1 []uint8)
		}{
			"4:4:4": {0, func(d0, _ []uint8) { ycbcrRow(d0, y0, cb, cr) }},
			"4:2:2": {1, func(d0, _ []uint8) { ycbcrRow2(d0, y0, cb[:(w+1)/2], cr[:(w+1)/2]) }},
			"4:2:0": {1, func(d0, d1 []uint8) { ycbcrRows420(d0, d1, y0, y1, cb[:(w+1)/2], cr[:(w+1)/2]) }},
			"4:1:1": {2, func(d0, _ []uint8) { ycbcrRowN(d0, y0, cb[:(w+3)/4], cr[:(w+3)/4], 2) }},
		} {
			d0, d1 := make([]uint8, 4*w), make([]uint8, 4*w)
			tc.conv(d0, d1)
			rows := [][2][]uint8{{d0, y0}}
			if name == "4:2:0" {
				rows = append(rows, [2][]uint8{d1, y1})
			}
			for _, row := range rows {
				for x := 0; x < w; x++ {
					c := x >> tc.hs
					rr, gg, bb := color.YCbCrToRGB(row[1][x], cb[c], cr[c])
					if got := row[0][4*x : 4*x+4]; got[0] != rr || got[1] != gg || got[2] != bb || got[3] != 0xff {
						t.Fatalf("%s pixel %d: got %v, want %v", name, x, got, []uint8{rr, gg, bb, 0xff})
					}
				}
			}
		}
	}
}

func BenchmarkConvert420(b *testing.B) {
	const w = 4000
	y0, y1, cb, cr := make([]uint8, w), make([]uint8, w), make([]uint8, w/2), make([]uint8, w/2)
	for i := range y0 {
		y0[i], y1[i] = uint8(i), uint8(i*7)
	}
	for i := range cb {
		cb[i], cr[i] = uint8(i*3), uint8(i*5)
	}
	d0, d1 := make([]uint8, 4*w), make([]uint8, 4*w)
	b.SetBytes(2 * w)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ycbcrRows420(d0, d1, y0, y1, cb, cr)
	}
}
