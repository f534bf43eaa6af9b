package refine

import (
	"cutout/refine/parallel"
)

// boxMean returns the mean of the w×h map v over the (2r+1)² box around
// each pixel, clipped at the image's edges, by a running sum along rows
// and then columns: linear in the pixel count whatever r.
func boxMean(v []float32, w, h, r int) []float32 {
	tmp := make([]float32, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			runMean(v[y*w:(y+1)*w], tmp[y*w:(y+1)*w], 1, r)
		}
	})
	out := make([]float32, w*h)
	parallel.Rows(w, func(x0, x1 int) {
		for x := x0; x < x1; x++ {
			runMean(tmp[x:], out[x:], w, r)
		}
	})
	return out
}

// runMean writes into dst the mean of src over [i−r, i+r] for each of the
// n = (len(src)+stride−1)/stride entries src[i·stride].
func runMean(src, dst []float32, stride, r int) {
	n := (len(src) + stride - 1) / stride
	var s float64 // float64: float32 sums drift over long rows
	lo, hi := 0, -1
	for i := range n {
		for hi < min(n-1, i+r) {
			hi++
			s += float64(src[hi*stride])
		}
		for lo < i-r {
			s -= float64(src[lo*stride])
			lo++
		}
		dst[i*stride] = float32(s / float64(hi-lo+1))
	}
}

// maxFilter returns the maximum of the w×h map v over the (2r+1)² box
// around each pixel, clipped at the edges, by the monotone-queue sliding
// maximum along rows and then columns: linear in the pixel count.
func maxFilter(v []float32, w, h, r int) []float32 {
	tmp := make([]float32, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		q := make([]int, 0, 2*r+2)
		for y := y0; y < y1; y++ {
			q = runMax(v[y*w:(y+1)*w], tmp[y*w:(y+1)*w], 1, r, q)
		}
	})
	out := make([]float32, w*h)
	parallel.Rows(w, func(x0, x1 int) {
		q := make([]int, 0, 2*r+2)
		for x := x0; x < x1; x++ {
			q = runMax(tmp[x:], out[x:], w, r, q)
		}
	})
	return out
}

// runMax writes into dst the maximum of src over [i−r, i+r] for each of
// the entries src[i·stride]; q is scratch space, returned for reuse.
func runMax(src, dst []float32, stride, r int, q []int) []int {
	n := (len(src) + stride - 1) / stride
	q = q[:0]
	head := 0
	next := 0
	for i := range n {
		for ; next < n && next <= i+r; next++ {
			v := src[next*stride]
			for len(q) > head && src[q[len(q)-1]*stride] <= v {
				q = q[:len(q)-1]
			}
			q = append(q, next)
		}
		for q[head] < i-r {
			head++
		}
		dst[i*stride] = src[q[head]*stride]
	}
	return q
}
