package inference

import (
	"image"
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestMakeWeights checks filters against hand-computed taps.
func TestMakeWeights(t *testing.T) {
	cases := map[string]struct {
		src, dst int
		k        kernel
		out      int       // which output sample
		start    int       // its first input
		taps     []float32 // its taps
	}{
		// Halving with the stretched tent: centre at 0.5 in input space,
		// support ±2 → inputs 0..2 with weights 0.75, 0.75, 0.25 (÷1.75)…
		// but sample 0 also reaches input -1 (clipped) so the taps are
		// t(-0.5/2)=0.75, t(0.5/2)=0.75, t(1.5/2)=0.25, normalised.
		"halve first": {4, 2, tent, 0, 0, []float32{0.75 / 1.75, 0.75 / 1.75, 0.25 / 1.75}},
		// Interior of a 3x reduction: centre 4, support ±3 →
		// inputs 2..6 weights 1/3,2/3,1,2/3,1/3, sum 3.
		"third interior": {9, 3, tent, 1, 2, []float32{1.0 / 9, 2.0 / 9, 3.0 / 9, 2.0 / 9, 1.0 / 9}},
		// Doubling with bilinear: output 1 sits at 0.25 → 0.75*in0 + 0.25*in1.
		"double bilinear": {2, 4, tent, 1, 0, []float32{0.75, 0.25}},
		// Identity with Catmull-Rom: integer positions give a single tap.
		"identity cubic": {5, 5, catmullRom, 2, 2, []float32{1}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			w := makeWeights(c.src, c.dst, c.k)
			if int(w.start[c.out]) != c.start || int(w.n[c.out]) != len(c.taps) {
				t.Fatalf("start %d n %d, want %d %d", w.start[c.out], w.n[c.out], c.start, len(c.taps))
			}
			got := w.w[w.off[c.out] : w.off[c.out]+w.n[c.out]]
			for i := range got {
				if !near(float64(got[i]), float64(c.taps[i]), 1e-6) {
					t.Fatalf("taps %v, want %v", got, c.taps)
				}
			}
		})
	}
}

// TestPreprocessNormalises: a flat colour resamples to itself, normalised as
// (v-128)/256 into R, G, B planes.
func TestPreprocessNormalises(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 37, 23))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 255, 128, 0, 10
	}
	dst := make([]float32, 3*16*16)
	Preprocess(img, 16, 16, Normalization{128, 256}, dst)
	want := []float32{127.0 / 256, 0, -128.0 / 256}
	for c := 0; c < 3; c++ {
		for i := 0; i < 256; i++ {
			if !near(float64(dst[c*256+i]), float64(want[c]), 1e-5) {
				t.Fatalf("plane %d value %d = %v, want %v", c, i, dst[c*256+i], want[c])
			}
		}
	}
}

// TestPreprocessArea: shrinking a 1-pixel checkerboard averages it to
// grey, which nearest-neighbour or plain bilinear sampling would not do.
func TestPreprocessArea(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			v := uint8(0)
			if (x+y)%2 == 0 {
				v = 255
			}
			i := y*img.Stride + 4*x
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v, 255
		}
	}
	dst := make([]float32, 3*8*8)
	Preprocess(img, 8, 8, Normalization{0, 1}, dst)
	for i, v := range dst {
		if !near(float64(v), 127.5, 2) {
			t.Fatalf("sample %d = %v, want about 127.5", i, v)
		}
	}
}

// TestPreprocessHandComputed: a 2x2 image shrunk to 1x1 is the mean of its
// pixels; enlarged 2x2 → 4x4, the corner keeps its value and the sample
// next to it is 3/4 of its own pixel and 1/4 of the neighbour.
func TestPreprocessHandComputed(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	vals := []uint8{0, 100, 200, 40}
	for i, v := range vals {
		img.Pix[4*i] = v
	}
	one := make([]float32, 3)
	Preprocess(img, 1, 1, Normalization{0, 1}, one)
	if !near(float64(one[0]), 85, 1e-4) {
		t.Fatalf("1x1 = %v, want 85", one[0])
	}
	big := make([]float32, 3*16)
	Preprocess(img, 4, 4, Normalization{0, 1}, big)
	if !near(float64(big[0]), 0, 1e-4) || !near(float64(big[1]), 25, 1e-4) || !near(float64(big[3]), 100, 1e-4) {
		t.Fatalf("first row %v, want [0 25 … 100]", big[:4])
	}
}

// TestPostprocess: constant stays constant, values are clamped to [0,1]
// (cubic overshoot), and a step edge stays monotonic without stair-steps.
func TestPostprocess(t *testing.T) {
	src := make([]float32, 8*8)
	for i := range src {
		src[i] = 0.25
	}
	m := Postprocess(src, 8, 8, 29, 17)
	for _, v := range m.Pix {
		// 0.25 rounds to the nearest step of 1/255: 64/255.
		if v != 64.0/255 {
			t.Fatalf("constant became %v, want 64/255", v)
		}
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if x >= 4 {
				src[y*8+x] = 1
			} else {
				src[y*8+x] = 0
			}
		}
	}
	m = Postprocess(src, 8, 8, 64, 8)
	row := m.Pix[3*64 : 4*64]
	for _, v := range row {
		if q := v * 255; q != float32(int(q+0.5)) {
			t.Fatalf("value %v is not a multiple of 1/255", v)
		}
	}
	for x := 1; x < 64; x++ {
		if row[x] < row[x-1]-1e-6 { // float rounding of the normalised taps
			t.Fatalf("edge not monotonic at %d: %v", x, row)
		}
		if row[x] < 0 || row[x] > 1 {
			t.Fatalf("value %v outside [0,1]", row[x])
		}
	}
	// the edge is spread over several output pixels, not a hard jump
	soft := 0
	for _, v := range row {
		if v > 0.02 && v < 0.98 {
			soft++
		}
	}
	if soft < 4 {
		t.Fatalf("edge is a hard step (%d soft pixels): %v", soft, row)
	}
}

func benchPre(b *testing.B, w, h int) {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	dst := make([]float32, 3*1024*1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Preprocess(img, 1024, 1024, Normalization{128, 256}, dst)
	}
}

func benchPost(b *testing.B, w, h int) {
	src := make([]float32, 1024*1024)
	for i := range src {
		src[i] = float32(i%1024) / 1024
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Postprocess(src, 1024, 1024, w, h)
	}
}

func BenchmarkPreprocess1MP(b *testing.B)   { benchPre(b, 1280, 800) }
func BenchmarkPreprocess12MP(b *testing.B)  { benchPre(b, 4000, 3000) }
func BenchmarkPostprocess1MP(b *testing.B)  { benchPost(b, 1280, 800) }
func BenchmarkPostprocess12MP(b *testing.B) { benchPost(b, 4000, 3000) }
