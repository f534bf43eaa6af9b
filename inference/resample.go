package inference

import "math"

// weights is a precomputed 1-D resampling filter: output sample i is
// sum_k w[off[i]+k-start[i]] * in[start[i]+k] over n[i] taps.
type weights struct {
	start []int32   // first input index of each output sample
	n     []int32   // taps of each output sample
	off   []int32   // offset of each output sample's taps in w
	w     []float32 // taps, each output's summing to 1
}

// kernel is a resampling kernel with its support radius (at scale 1).
type kernel struct {
	radius float64
	f      func(x float64) float64
}

// tent is the triangle (linear) kernel. Scaled by the reduction factor it is
// an antialiasing area-like filter when shrinking; at scale 1 it is bilinear
// interpolation when enlarging.
var tent = kernel{1, func(x float64) float64 {
	x = math.Abs(x)
	if x < 1 {
		return 1 - x
	}
	return 0
}}

// catmullRom is the Catmull-Rom cubic (B=0, C=0.5): sharp and smooth, with
// a continuous first derivative, so enlarged mattes show no stair-steps or
// kinks along edges.
var catmullRom = kernel{2, func(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}}

// makeWeights builds the filter mapping src samples onto dst samples with
// pixel centres aligned (x_src = (x_dst+0.5)*src/dst - 0.5). When shrinking,
// the kernel is stretched by src/dst so every input sample contributes.
func makeWeights(src, dst int, k kernel) weights {
	scale := float64(src) / float64(dst)
	fscale := math.Max(scale, 1)
	support := k.radius * fscale
	ws := weights{
		start: make([]int32, dst),
		n:     make([]int32, dst),
		off:   make([]int32, dst),
	}
	for i := 0; i < dst; i++ {
		c := (float64(i)+0.5)*scale - 0.5
		lo := int(math.Ceil(c - support))
		hi := int(math.Floor(c + support))
		if lo < 0 {
			lo = 0
		}
		if hi > src-1 {
			hi = src - 1
		}
		var sum float64
		first := len(ws.w)
		for j := lo; j <= hi; j++ {
			v := k.f((float64(j) - c) / fscale)
			ws.w = append(ws.w, float32(v))
			sum += v
		}
		// Trim zero taps at both ends so inner loops stay short.
		taps := ws.w[first:]
		a, b := 0, len(taps)
		for a < b && taps[a] == 0 {
			a++
		}
		for b > a && taps[b-1] == 0 {
			b--
		}
		if a == b { // degenerate: nearest sample
			nearest := int(math.Round(c))
			if nearest < 0 {
				nearest = 0
			}
			if nearest > src-1 {
				nearest = src - 1
			}
			ws.w = append(ws.w[:first], 1)
			ws.start[i], ws.n[i], ws.off[i] = int32(nearest), 1, int32(first)
			continue
		}
		copy(ws.w[first:], taps[a:b])
		ws.w = ws.w[:first+(b-a)]
		inv := float32(1 / sum)
		for t := first; t < len(ws.w); t++ {
			ws.w[t] *= inv
		}
		ws.start[i], ws.n[i], ws.off[i] = int32(lo+a), int32(b-a), int32(first)
	}
	return ws
}

// maxTaps returns the largest number of taps of any output sample.
func (ws weights) maxTaps() int {
	m := 0
	for _, n := range ws.n {
		m = max(m, int(n))
	}
	return m
}

// rowRing keeps the latest rows of a separable resampler's horizontal
// pass, so that its vertical pass reads them from cache rather than from a
// whole intermediate image: each band of output rows walks down its
// source rows once, and only a few rows are ever held.
type rowRing struct {
	rows   [][]float32
	lo, hi int // rows [lo, hi) of the source are held
}

// newRowRing returns a ring of n rows of width values.
func newRowRing(n, width int) *rowRing {
	r := &rowRing{rows: make([][]float32, n)}
	buf := make([]float32, n*width)
	for i := range r.rows {
		r.rows[i] = buf[i*width : (i+1)*width]
	}
	return r
}

// window makes source rows [s, e) available through row, computing those
// not held with fill. e−s must not exceed the ring's size.
func (r *rowRing) window(s, e int, fill func(y int, dst []float32)) {
	if s < r.lo || s > r.hi {
		r.lo, r.hi = s, s // a jump: start afresh
	}
	for y := r.hi; y < e; y++ {
		fill(y, r.row(y))
	}
	r.hi = max(r.hi, e)
	r.lo = max(r.lo, r.hi-len(r.rows))
}

// row returns source row y, which a window call made available.
func (r *rowRing) row(y int) []float32 { return r.rows[y%len(r.rows)] }
