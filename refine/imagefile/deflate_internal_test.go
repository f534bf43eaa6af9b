package imagefile

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand"
	"testing"
)

// inflate decompresses a raw deflate stream with compress/flate.
func inflate(t testing.TB, z []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		t.Fatalf("compress/flate rejects the stream: %v", err)
	}
	return out
}

// runsData returns test inputs: runs of every length around the match
// limits, at every alignment, between random bytes.
func runsData() map[string][]byte {
	r := rand.New(rand.NewSource(1))
	random := make([]byte, 300000)
	r.Read(random)
	var mixed []byte
	for n := 1; n < 600; n++ {
		mixed = append(mixed, byte(r.Intn(256)))
		c := byte(r.Intn(3))
		for i := 0; i < n; i++ {
			mixed = append(mixed, c)
		}
	}
	small := make([]byte, 200000) // residual-like: few distinct values
	for i := range small {
		small[i] = byte(r.NormFloat64() * 2)
	}
	return map[string][]byte{
		"empty":      {},
		"one":        {7},
		"five same":  {9, 9, 9, 9, 9},
		"zeros 1MB":  make([]byte, 1<<20),
		"random":     random,
		"mixed runs": mixed,
		"residuals":  small,
		"two values": bytes.Repeat([]byte{0, 0, 0, 0, 0, 0, 0, 0, 1}, 30000),
		"tail run":   append(append([]byte{}, random[:100]...), bytes.Repeat([]byte{5}, 11)...),
	}
}

func TestRunDeflater(t *testing.T) {
	var d runDeflater
	for name, data := range runsData() {
		t.Run(name, func(t *testing.T) {
			z := d.compress(nil, data, true)
			if got := inflate(t, z); !bytes.Equal(got, data) {
				t.Fatalf("round trip differs: %d bytes in, %d out", len(data), len(got))
			}
			if len(data) > 1000 && len(z) > len(data)+len(data)/50+1024 {
				t.Errorf("%d bytes compressed to %d", len(data), len(z))
			}
		})
	}
}

// TestRunDeflaterConcat checks that non-final outputs end on a byte
// boundary with a sync flush, so that independently compressed pieces
// concatenate into one valid stream.
func TestRunDeflaterConcat(t *testing.T) {
	var d runDeflater
	var stream, want []byte
	pieces := runsData()
	names := []string{"mixed runs", "empty", "zeros 1MB", "residuals", "one", "random", "tail run"}
	for i, name := range names {
		data := pieces[name]
		stream = d.compress(stream, data, i == len(names)-1)
		want = append(want, data...)
	}
	if got := inflate(t, stream); !bytes.Equal(got, want) {
		t.Fatalf("concatenated stream gives %d bytes, want %d", len(got), len(want))
	}
}

func TestRunDeflaterCompresses(t *testing.T) {
	var d runDeflater
	if z := d.compress(nil, make([]byte, 1<<20), true); len(z) > 8<<10 {
		t.Errorf("1 MiB of zeros compressed to %d bytes, want under 8 KiB", len(z))
	}
}

func TestHuffmanLengths(t *testing.T) {
	var h huffBuilder
	r := rand.New(rand.NewSource(3))
	cases := map[string][]int32{
		"one symbol":  {0, 0, 5, 0},
		"none":        {0, 0, 0},
		"fibonacci":   {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946, 17711, 28657},
		"skewed 286":  make([]int32, 286),
		"uniform 286": make([]int32, 286),
	}
	for i := range cases["skewed 286"] {
		cases["skewed 286"][i] = int32(1 + r.Intn(3)*(1<<uint(r.Intn(20))))
		cases["uniform 286"][i] = 100
	}
	for name, freq := range cases {
		for _, limit := range []int{7, 15} {
			if len(freq) > 1<<limit {
				continue
			}
			lens := make([]uint8, len(freq))
			h.lengths(freq, lens, limit)
			// Kraft sum must be exactly 1 (a complete code) with every
			// used symbol coded and no code over the limit.
			kraft := 0.0
			coded := 0
			for i, l := range lens {
				if int(l) > limit {
					t.Fatalf("%s: length %d over limit %d", name, l, limit)
				}
				if freq[i] > 0 && l == 0 {
					t.Fatalf("%s: used symbol %d has no code", name, i)
				}
				if l > 0 {
					kraft += 1 / float64(uint(1)<<l)
					coded++
				}
			}
			if coded >= 2 && kraft != 1 {
				t.Errorf("%s limit %d: Kraft sum %v, want 1", name, limit, kraft)
			}
			if coded < 2 && len(freq) >= 2 {
				t.Errorf("%s: %d symbols coded, want at least 2", name, coded)
			}
		}
	}
}

func FuzzRunDeflater(f *testing.F) {
	for _, data := range runsData() {
		if len(data) < 4096 {
			f.Add(data, true)
		}
	}
	f.Add([]byte{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, false)
	var d runDeflater
	f.Fuzz(func(t *testing.T, data []byte, final bool) {
		z := d.compress(nil, data, final)
		if !final {
			z = d.compress(z, nil, true) // terminate the stream
		}
		if got := inflate(t, z); !bytes.Equal(got, data) {
			t.Fatalf("round trip differs")
		}
	})
}
