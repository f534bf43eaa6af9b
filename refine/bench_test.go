package refine

import (
	"context"
	"image"
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"cutout/assets/evalset"
	"cutout/refine/parallel"
)

// simulatedSegmentation imitates a segmentation network's matte from a
// true alpha: thresholded at 0.5, blurred over a few pixels, and eroded or
// dilated by up to r pixels in random blocks. It stands in for the real
// model in tests of the automatic trimap; it is not a model figure.
func simulatedSegmentation(alpha *Matte, r int, seed int64) *Matte {
	w, h := alpha.W, alpha.H
	bin := make([]bool, w*h)
	for i, v := range alpha.Pix {
		bin[i] = v >= 0.5
	}
	inv := make([]bool, w*h)
	for i, v := range bin {
		inv[i] = !v
	}
	dil := boxDilate(bin, w, h, r)
	ero := boxDilate(inv, w, h, r)
	rnd := rand.New(rand.NewSource(seed))
	const block = 32
	bw, bh := (w+block-1)/block, (h+block-1)/block
	mode := make([]int, bw*bh)
	for i := range mode {
		mode[i] = rnd.Intn(3)
	}
	m := NewMatte(w, h)
	for y := range h {
		for x := range w {
			i := y*w + x
			v := bin[i]
			switch mode[(y/block)*bw+x/block] {
			case 1:
				v = dil[i]
			case 2:
				v = !ero[i]
			}
			if v {
				m.Pix[i] = 1
			}
		}
	}
	return boxBlur(m, 2)
}

// boxBlur averages a matte over a (2r+1)² box (test helper, direct sums).
func boxBlur(m *Matte, r int) *Matte {
	w, h := m.W, m.H
	out := NewMatte(w, h)
	for y := range h {
		for x := range w {
			var s float32
			var n float32
			for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
				for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
					s += m.Pix[yy*w+xx]
					n++
				}
			}
			out.Pix[y*w+x] = s / n
		}
	}
	return out
}

// upBilinear resizes a cw×ch map to w×h by bilinear interpolation with
// pixel centres aligned (fine x maps to coarse (x+0.5)·cw/w − 0.5).
func upBilinear(src []float32, cw, ch, w, h int) []float32 {
	out := make([]float32, w*h)
	sx := float32(cw) / float32(w)
	sy := float32(ch) / float32(h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			fy := (float32(y)+0.5)*sy - 0.5
			fy = max(0, min(fy, float32(ch-1)))
			iy := min(int(fy), ch-2)
			if ch == 1 {
				iy = 0
			}
			ty := fy - float32(iy)
			iy1 := min(iy+1, ch-1)
			for x := 0; x < w; x++ {
				fx := (float32(x)+0.5)*sx - 0.5
				fx = max(0, min(fx, float32(cw-1)))
				ix := min(int(fx), cw-2)
				if cw == 1 {
					ix = 0
				}
				tx := fx - float32(ix)
				ix1 := min(ix+1, cw-1)
				a := src[iy*cw+ix]*(1-tx) + src[iy*cw+ix1]*tx
				b := src[iy1*cw+ix]*(1-tx) + src[iy1*cw+ix1]*tx
				out[y*w+x] = a*(1-ty) + b*ty
			}
		}
	})
	return out
}

// upscaleNRGBA and upscaleMatte resize bilinearly by an integer factor.
func upscaleNRGBA(img *image.NRGBA, f int) *image.NRGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w*f, h*f))
	for c := range 4 {
		ch := make([]float32, w*h)
		for i := range ch {
			ch[i] = float32(img.Pix[4*i+c])
		}
		up := upBilinear(ch, w, h, w*f, h*f)
		for i, v := range up {
			out.Pix[4*i+c] = uint8(v + 0.5)
		}
	}
	return out
}

func upscaleMatte(m *Matte, f int) *Matte {
	return &Matte{W: m.W * f, H: m.H * f, Pix: upBilinear(m.Pix, m.W, m.H, m.W*f, m.H*f)}
}

// peakHeap samples the heap in use while fn runs and returns the peak
// above the level before it.
func peakHeap(fn func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var s runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&s)
				peak = max(peak, s.HeapInuse)
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapInuse)
	return peak - base
}

var (
	bigOnce  sync.Once
	bigImg   *image.NRGBA
	bigSeg   *Matte
	bigAlpha *Matte
)

// load12MP returns a 3200×4000 portrait (am-gt03 upscaled 5×), a
// simulated segmentation of it and its upscaled true alpha; without the
// evaluation set it synthesises a 4000×3000 composite instead.
func load12MP(b *testing.B) (*image.NRGBA, *Matte, *Matte) {
	bigOnce.Do(func() {
		if evalset.Dir() == "" {
			s := newSynthetic(4000, 3000)
			bigImg, bigAlpha = s.img, s.alpha
			bigSeg = simulatedSegmentation(s.alpha, 3, 1)
			return
		}
		c := loadGT(b)[0]
		bigImg = upscaleNRGBA(c.img, 5)
		bigAlpha = upscaleMatte(c.alpha, 5)
		bigSeg = upscaleMatte(simulatedSegmentation(c.alpha, 3, 1), 5)
	})
	return bigImg, bigSeg, bigAlpha
}

func BenchmarkAutoGuide12MP(b *testing.B) {
	img, seg, _ := load12MP(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		AutoGuide(img, seg, nil)
	}
}

// BenchmarkRefine12MP times the whole automatic chain on a 12 MP portrait:
// trimap, alpha, foreground; it reports the time of each stage, the
// unknown count and the SAD against the true alpha, and, from one more
// run outside the timed loop (sampling the heap stops the world), the
// peak extra heap.
func BenchmarkRefine12MP(b *testing.B) {
	img, seg, truth := load12MP(b)
	var tTri, tSolve, tFG time.Duration
	var st Stats
	var res *Result
	cut := func() {
		t0 := time.Now()
		g := AutoGuide(img, seg, nil)
		tTri += time.Since(t0)
		var err error
		res, err = Refine(context.Background(), img, g.Trimap, &Options{Prior: g.Prior, PriorWeights: g.Weight})
		if err != nil {
			b.Fatal(err)
		}
		st = res.Stats
		tSolve += st.Durations["setup"] + st.Durations["solve"] + st.Durations["upsample"]
		tFG += st.Durations["foreground"]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cut()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(tTri.Milliseconds())/n, "trimap-ms")
	b.ReportMetric(float64(tSolve.Milliseconds())/n, "alpha-ms")
	b.ReportMetric(float64(tFG.Milliseconds())/n, "fg-ms")
	b.ReportMetric(float64(st.Unknowns), "unknowns")
	b.ReportMetric(float64(st.Iterations), "iterations")
	b.ReportMetric(float64(st.Scale), "scale")
	b.ReportMetric(float64(peakHeap(cut))/(1<<20), "peak-MB")
	b.ReportMetric(sadOf(res.Alpha, truth), "SAD")
	b.ReportMetric(sadOf(seg, truth), "seg-SAD")
}

// benchSolveGT solves one evaluation pair with its own trimap and reports
// the SAD, the unknown count and the iterations.
func benchSolveGT(b *testing.B, name string, opt *Options) {
	var c *gtCase
	for i, g := range loadGT(b) {
		if g.name == name {
			c = &loadGT(b)[i]
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var m *Matte
	var st Stats
	for b.Loop() {
		var err error
		m, st, err = SolveAlpha(context.Background(), c.img, c.tri, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(sadOf(m, c.alpha), "SAD")
	b.ReportMetric(float64(st.Unknowns), "unknowns")
	b.ReportMetric(float64(st.Iterations), "iterations")
}

func BenchmarkSolveAlphaGT03(b *testing.B) { benchSolveGT(b, "am-gt03", nil) }
func BenchmarkSolveAlphaGT08(b *testing.B) { benchSolveGT(b, "am-gt08", nil) }
func BenchmarkSolveAlphaGT15(b *testing.B) { benchSolveGT(b, "am-gt15", nil) }

// The reduced variants cap the solve at about a third of the unknowns, so
// the alpha is solved at half size and brought up by the guided filter:
// their SAD shows what the large-image path costs in quality.
func BenchmarkSolveAlphaReducedGT03(b *testing.B) {
	benchSolveGT(b, "am-gt03", &Options{MaxSolvePixels: 40000})
}
func BenchmarkSolveAlphaReducedGT08(b *testing.B) {
	benchSolveGT(b, "am-gt08", &Options{MaxSolvePixels: 40000})
}
func BenchmarkSolveAlphaReducedGT15(b *testing.B) {
	benchSolveGT(b, "am-gt15", &Options{MaxSolvePixels: 15000})
}

func BenchmarkEstimateForegroundGT03(b *testing.B) {
	c := loadGT(b)[0]
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := EstimateForeground(context.Background(), c.img, c.alpha, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefine2MP is the editor's case: a 2 MP portrait (am-gt03
// upscaled 2×, 1280×1600) with an automatic trimap, refined after a brush
// stroke.
func BenchmarkRefine2MP(b *testing.B) {
	c := loadGT(b)[0]
	img := upscaleNRGBA(c.img, 2)
	truth := upscaleMatte(c.alpha, 2)
	seg := upscaleMatte(simulatedSegmentation(c.alpha, 3, 1), 2)
	g := AutoGuide(img, seg, nil)
	b.ReportAllocs()
	b.ResetTimer()
	var res *Result
	for b.Loop() {
		var err error
		res, err = Refine(context.Background(), img, g.Trimap, &Options{Prior: g.Prior, PriorWeights: g.Weight})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(sadOf(res.Alpha, truth), "SAD")
	b.ReportMetric(float64(res.Stats.Unknowns), "unknowns")
}

// BenchmarkLaplacianMul times one product of the matting Laplacian with a
// vector, the conjugate-gradient solver's main cost, on am-gt03 enlarged
// 2× (the unknowns of its own trimap).
func BenchmarkLaplacianMul(b *testing.B) {
	c := loadGT(b)[0]
	img := upscaleNRGBA(c.img, 2)
	lab := downLabels(c.tri.Pix, c.tri.W, c.tri.H, 1)
	tri := &Trimap{W: c.tri.W, H: c.tri.H, Pix: lab}
	big := NewTrimap(img.Rect.Dx(), img.Rect.Dy())
	for y := range big.H {
		for x := range big.W {
			big.Pix[y*big.W+x] = tri.Pix[(y/2)*tri.W+x/2]
		}
	}
	known, idx := splitLabels(big.Pix)
	s := newSystem(toRGB(img), idx, known, DefaultEpsilon)
	x := make([]float64, s.n+1)
	for k := range s.n {
		x[k] = float64(k%7) / 7
	}
	dst := make([]float64, s.n+1)
	b.ReportMetric(float64(s.n), "unknowns")
	b.ResetTimer()
	for b.Loop() {
		s.mul(dst, x)
	}
}

// BenchmarkCut12MPJPEG is BenchmarkCut12MP on the portrait through a
// JPEG at quality 92 (4:2:0), as a camera's photo reaches Cutout: its
// block grid is found and the alpha deblocked (deblock-ms), and the
// decisions read a plateau's side over its blocks (decide-ms).
func BenchmarkCut12MPJPEG(b *testing.B) {
	img, seg, _ := load12MP(b)
	jimg := evalset.ThroughJPEG(b, img, 92)
	b.ResetTimer()
	var total, deblocking, decide time.Duration
	for b.Loop() {
		t := time.Now()
		res, err := Cut(context.Background(), jimg, Input{Matte: seg}, nil)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(t)
		deblocking += res.Stats.Durations["deblock"]
		decide += res.Stats.Durations["decide"]
	}
	n := float64(b.N)
	b.ReportMetric(float64(deblocking.Milliseconds())/n, "deblock-ms")
	b.ReportMetric(float64(decide.Milliseconds())/n, "decide-ms")
	b.ReportMetric(float64(total.Milliseconds())/n, "cut-ms")
}

// BenchmarkCut12MP times the chain the command line and the editor run
// (Cut: guide, alpha, decisions, foreground) on a 12 MP portrait and
// reports each stage's time.
func BenchmarkCut12MP(b *testing.B) {
	img, seg, truth := load12MP(b)
	b.ReportAllocs()
	b.ResetTimer()
	var guide, alpha, decide, fg time.Duration
	var res *CutResult
	for b.Loop() {
		var err error
		res, err = Cut(context.Background(), img, Input{Matte: seg}, nil)
		if err != nil {
			b.Fatal(err)
		}
		d := res.Stats.Durations
		guide += res.Guide
		alpha += d["setup"] + d["solve"] + d["upsample"]
		decide += d["decide"]
		fg += d["foreground"]
	}
	n := float64(b.N)
	b.ReportMetric(float64(guide.Milliseconds())/n, "guide-ms")
	b.ReportMetric(float64(alpha.Milliseconds())/n, "alpha-ms")
	b.ReportMetric(float64(decide.Milliseconds())/n, "decide-ms")
	b.ReportMetric(float64(fg.Milliseconds())/n, "fg-ms")
	b.ReportMetric(sadOf(res.Alpha, truth), "SAD")
}
