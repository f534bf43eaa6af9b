package metrics

import (
	"fmt"
	"math"

	"cutout/refine"
	"cutout/refine/parallel"
)

// checkSizes panics when the mattes (and the optional region) differ in size.
func checkSizes(fn string, pred, truth *refine.Matte, region *refine.Trimap) {
	if pred.W != truth.W || pred.H != truth.H || len(pred.Pix) != len(truth.Pix) {
		panic(fmt.Sprintf("metrics: %s: size mismatch %dx%d vs %dx%d", fn, pred.W, pred.H, truth.W, truth.H))
	}
	if region != nil && (region.W != pred.W || region.H != pred.H) {
		panic(fmt.Sprintf("metrics: %s: region %dx%d, mattes %dx%d", fn, region.W, region.H, pred.W, pred.H))
	}
}

// scored reports whether pixel i counts: every pixel without a region,
// only Unknown pixels with one.
func scored(region *refine.Trimap, i int) bool {
	return region == nil || region.Pix[i] == refine.Unknown
}

// sumRows adds f(i) over the scored pixels, per row band, and reduces the
// band sums in band order so the result does not depend on scheduling.
func sumRows(w, h int, region *refine.Trimap, f func(i int) float64) (sum float64, n int) {
	bands := parallel.Workers(h)
	sums := make([]float64, bands)
	counts := make([]int, bands)
	parallel.Bands(h, bands, func(b, y0, y1 int) {
		var s float64
		var c int
		for i := y0 * w; i < y1*w; i++ {
			if scored(region, i) {
				s += f(i)
				c++
			}
		}
		sums[b], counts[b] = s, c
	})
	for b := range sums {
		sum += sums[b]
		n += counts[b]
	}
	return sum, n
}

// SAD returns the sum of absolute differences Σ|pred−truth| / 1000 over the
// whole image (region nil) or over region's Unknown pixels.
func SAD(pred, truth *refine.Matte, region *refine.Trimap) float64 {
	checkSizes("SAD", pred, truth, region)
	s, _ := sumRows(pred.W, pred.H, region, func(i int) float64 {
		return math.Abs(float64(pred.Pix[i]) - float64(truth.Pix[i]))
	})
	return s / 1000
}

// MSE returns the mean squared error Σ(pred−truth)² / n over the n scored
// pixels (all of them when region is nil). It returns 0 when n is 0.
func MSE(pred, truth *refine.Matte, region *refine.Trimap) float64 {
	checkSizes("MSE", pred, truth, region)
	s, n := sumRows(pred.W, pred.H, region, func(i int) float64 {
		d := float64(pred.Pix[i]) - float64(truth.Pix[i])
		return d * d
	})
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// Gradient returns the gradient error Σ(|∇pred|−|∇truth|)² / 1000 with
// first-order Gaussian derivative filters of σ = 1.4, as in the benchmark's
// gaussgradient (half-size 4, kernel normalised to unit L2 norm, borders
// replicated).
func Gradient(pred, truth *refine.Matte, region *refine.Trimap) float64 {
	checkSizes("Gradient", pred, truth, region)
	gp := gradientMagnitude(pred, 1.4)
	gt := gradientMagnitude(truth, 1.4)
	s, _ := sumRows(pred.W, pred.H, region, func(i int) float64 {
		d := gp[i] - gt[i]
		return d * d
	})
	return s / 1000
}

// gaussKernels returns the separable factors of the benchmark's derivative
// filter hx(y,x) = g(y)·g'(x): the smoothing factor g and the derivative
// factor dg, scaled so that the 2-D kernel has unit L2 norm.
func gaussKernels(sigma float64) (g, dg []float64) {
	const eps = 1e-2
	half := int(math.Ceil(sigma * math.Sqrt(-2*math.Log(math.Sqrt(2*math.Pi)*sigma*eps))))
	g = make([]float64, 2*half+1)
	dg = make([]float64, 2*half+1)
	var ng, nd float64
	for i := range g {
		u := float64(i - half)
		g[i] = math.Exp(-u*u/(2*sigma*sigma)) / (sigma * math.Sqrt(2*math.Pi))
		dg[i] = -u * g[i] / (sigma * sigma)
		ng += g[i] * g[i]
		nd += dg[i] * dg[i]
	}
	// ‖hx‖₂ = ‖g‖₂·‖dg‖₂ for a separable kernel.
	norm := math.Sqrt(ng * nd)
	for i := range dg {
		dg[i] /= norm
	}
	return g, dg
}

// gradientMagnitude returns |∇m| per pixel. The filter is applied as a
// convolution (kernel flipped) with replicated borders, like imfilter's
// 'replicate', 'conv'.
func gradientMagnitude(m *refine.Matte, sigma float64) []float64 {
	g, dg := gaussKernels(sigma)
	w, h := m.W, m.H
	gx := convolveSeparable(m.Pix, w, h, dg, g) // derivative along x, smoothing along y
	gy := convolveSeparable(m.Pix, w, h, g, dg) // smoothing along x, derivative along y
	parallel.Rows(h, func(y0, y1 int) {
		for i := y0 * w; i < y1*w; i++ {
			gx[i] = math.Hypot(gx[i], gy[i])
		}
	})
	return gx
}

// convolveSeparable convolves src (w×h) with kx along rows, then ky along
// columns, replicating borders.
func convolveSeparable(src []float32, w, h int, kx, ky []float64) []float64 {
	half := len(kx) / 2
	tmp := make([]float64, w*h)
	clamp := func(v, n int) int { return min(max(v, 0), n-1) }
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := src[y*w : (y+1)*w]
			for x := 0; x < w; x++ {
				var s float64
				for k, c := range kx {
					// Convolution: out(x) = Σ k(j)·in(x−(j−half)).
					s += c * float64(row[clamp(x-(k-half), w)])
				}
				tmp[y*w+x] = s
			}
		}
	})
	out := make([]float64, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				var s float64
				for k, c := range ky {
					s += c * tmp[clamp(y-(k-half), h)*w+x]
				}
				out[y*w+x] = s
			}
		}
	})
	return out
}

// Connectivity returns the connectivity error of the benchmark with
// threshold step 0.1 and θ = 0.15, divided by 1000. For each threshold t
// the largest 4-connected component of {pred ≥ t} ∩ {truth ≥ t} is the
// source region; l(p) is the highest threshold below which p still belongs
// to it (1 if always), and φ(α) = 1 − (α−l)·[α−l ≥ θ]. The error is
// Σ|φ(pred)−φ(truth)|.
func Connectivity(pred, truth *refine.Matte, region *refine.Trimap) float64 {
	checkSizes("Connectivity", pred, truth, region)
	const (
		step  = 0.1
		theta = 0.15
	)
	w, h := pred.W, pred.H
	n := w * h
	level := make([]float32, n)
	for i := range level {
		level[i] = -1
	}
	in := make([]bool, n)
	comp := make([]int32, n)
	queue := make([]int32, 0, 1024)
	steps := int(math.Round(1/step)) + 1
	for s := 1; s < steps; s++ {
		t := float32(float64(s) * step)
		for i := range in {
			in[i] = pred.Pix[i] >= t && truth.Pix[i] >= t
			comp[i] = 0
		}
		// Label 4-connected components; keep the largest (first on ties,
		// in row-major order of discovery, like bwconncomp + max).
		var best, bestSize, label int32
		for i := 0; i < n; i++ {
			if !in[i] || comp[i] != 0 {
				continue
			}
			label++
			comp[i] = label
			queue = append(queue[:0], int32(i))
			for q := 0; q < len(queue); q++ {
				p := int(queue[q])
				x, y := p%w, p/w
				for _, nb := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
					if nb[0] < 0 || nb[0] >= w || nb[1] < 0 || nb[1] >= h {
						continue
					}
					j := nb[1]*w + nb[0]
					if in[j] && comp[j] == 0 {
						comp[j] = label
						queue = append(queue, int32(j))
					}
				}
			}
			if int32(len(queue)) > bestSize {
				best, bestSize = label, int32(len(queue))
			}
		}
		prev := float32(float64(s-1) * step)
		for i := range level {
			if level[i] == -1 && (best == 0 || comp[i] != best) {
				level[i] = prev
			}
		}
	}
	phi := func(a, l float32) float64 {
		d := float64(a) - float64(l)
		if d >= theta {
			return 1 - d
		}
		return 1
	}
	sum, _ := sumRows(w, h, region, func(i int) float64 {
		l := level[i]
		if l == -1 {
			l = 1
		}
		return math.Abs(phi(pred.Pix[i], l) - phi(truth.Pix[i], l))
	})
	return sum / 1000
}
