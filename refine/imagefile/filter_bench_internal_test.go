package imagefile

import (
	"compress/flate"
	"io"
	"math/rand"
	"testing"
)

// benchRows returns a 3000-pixel RGBA row and the row above it, with
// smooth content plus noise, as in a photograph.
func benchRows() (cur, prev []uint8) {
	const n = 3000 * 4
	r := rand.New(rand.NewSource(1))
	cur, prev = make([]uint8, n), make([]uint8, n)
	for i := range cur {
		cur[i] = uint8(i/40 + r.Intn(5))
		prev[i] = uint8(i/40 + r.Intn(5))
	}
	return cur, prev
}

func BenchmarkFilter(b *testing.B) {
	cur, prev := benchRows()
	d := make([]uint8, len(cur))
	for _, f := range []struct {
		name string
		fn   func()
	}{
		{"sub", func() { filterSub(d, cur, 4) }},
		{"up", func() { filterUp(d, cur, prev) }},
		{"average", func() { filterAverage(d, cur, prev, 4) }},
		{"paeth", func() { filterPaeth(d, cur, prev, 4) }},
		{"choose", func() { chooseFilter(cur, prev, d, 4) }},
		{"mask", func() { maskRow(d, cur, 4) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(cur)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f.fn()
			}
		})
	}
}

// BenchmarkDeflate compares the run coder with compress/flate on PNG
// residual-like data (small values around zero, a third of it runs of
// zeros as in transparent areas).
func BenchmarkDeflate(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	data := make([]byte, 4<<20)
	for i := range data {
		if (i/4096)%3 != 0 {
			data[i] = uint8(r.NormFloat64() * 3)
		}
	}
	b.Run("run", func(b *testing.B) {
		var d runDeflater
		var out []byte
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out = d.compress(out[:0], data, true)
		}
		b.ReportMetric(float64(len(out)), "B/out")
	})
	for _, level := range []int{flate.BestSpeed, flate.HuffmanOnly} {
		b.Run(map[int]string{flate.BestSpeed: "flate1", flate.HuffmanOnly: "huffman"}[level], func(b *testing.B) {
			fw, _ := flate.NewWriter(io.Discard, level)
			cw := &countWriter{}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cw.n = 0
				fw.Reset(cw)
				fw.Write(data)
				fw.Close()
			}
			b.ReportMetric(float64(cw.n), "B/out")
		})
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }
