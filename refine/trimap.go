package refine

import (
	"math"

	"cutout/refine/parallel"
)

// Default parameters of the automatic guide's band, used where
// TrimapOptions fields are zero.
const (
	// DefaultBand is the default width of the unknown band outside the
	// 0.5 contour in hair and fur, as a fraction of the image's short side.
	DefaultBand = 0.01
	// InnerFactor is the default ratio of the inner (foreground-side) band
	// width to the outer one.
	InnerFactor = 10
	// DefaultLo is the default matte value at or below which the model is
	// sure of the background.
	DefaultLo = 0.05
	// DefaultHi is the default matte value at or above which the model is
	// sure of the foreground.
	DefaultHi = 0.95
)

// TrimapOptions tunes AutoGuide. The zero value, and a nil pointer, mean
// the defaults.
type TrimapOptions struct {
	// Band is the width of the unknown band on the background side of the
	// matte's 0.5 contour where the matte shows hair (or a soft edge of a
	// thick subject: fur), as a fraction of the short side of the image; 0
	// means DefaultBand. It is at least one pixel.
	Band float64
	// Inner is the width of the band on the foreground side, as a fraction
	// of the short side; 0 means InnerFactor × Band. Segmentation networks
	// call semi-transparent hair opaque far more often than the reverse
	// (on the portraits' hair mattes, 85–90% of the ISNet matte's error is
	// over-estimation), so the band reaches further inside.
	Inner float64
	// Lo and Hi bound where the model is unsure: Lo < m < Hi. 0 means
	// DefaultLo and DefaultHi.
	Lo, Hi float32
}

// resolve returns the options with defaults filled in.
func (o *TrimapOptions) resolve() TrimapOptions {
	var r TrimapOptions
	if o != nil {
		r = *o
	}
	if r.Band <= 0 || math.IsNaN(r.Band) {
		r.Band = DefaultBand
	}
	if r.Inner <= 0 || math.IsNaN(r.Inner) {
		r.Inner = InnerFactor * r.Band
	}
	if !(r.Lo > 0) {
		r.Lo = DefaultLo
	}
	if !(r.Hi > 0) {
		r.Hi = DefaultHi
	}
	if r.Hi < r.Lo {
		r.Lo, r.Hi = r.Hi, r.Lo
	}
	return r
}

// BandPixels returns the widths in pixels of the unknown band that
// AutoGuide uses in hair for a w×h image on the background (outer) and
// foreground (inner) sides of the contour: Band and Inner × min(w, h),
// at least 1.
func (o *TrimapOptions) BandPixels(w, h int) (outer, inner float64) {
	r := o.resolve()
	s := float64(min(w, h))
	return math.Max(1, r.Band*s), math.Max(1, r.Inner*s)
}

// fgAt reports whether matte value v is on the foreground side of the
// contour.
func fgAt(v float32) bool { return v >= 0.5 }

// farAway marks pixels beyond the band in contourBand's result.
const farAway = math.MaxInt32

// maxBand caps band widths so that squared distances fit in an int32.
const maxBand = 46340

// contourBand returns, per pixel, the squared Euclidean distance to the
// nearest contour pixel where it is at most r² (r ≤ maxBand), and farAway
// elsewhere. Contour pixels are those with a 4-neighbour on the other side
// of 0.5.
func contourBand(m *Matte, r float64) []int32 {
	w, h := m.W, m.H
	rr := int64(r * r)
	// inf caps vertical distances: anything beyond r cannot be within r.
	inf := int32(math.Ceil(r)) + 1
	g := make([]int32, w*h)
	// side holds each pixel's side of the contour, read four times below.
	side := make([]bool, w*h)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			side[i] = fgAt(m.Pix[i])
		}
	})
	// Phase 1: vertical distance to the nearest contour pixel in the same
	// column, by a downward and an upward scan. Column bands keep each
	// worker on its own memory. A contour pixel has a 4-neighbour on the
	// other side.
	parallel.Rows(w, func(x0, x1 int) {
		for y := 0; y < h; y++ {
			row := y * w
			for x := x0; x < x1; x++ {
				i := row + x
				f := side[i]
				switch {
				case x > 0 && side[i-1] != f, x+1 < w && side[i+1] != f,
					y > 0 && side[i-w] != f, y+1 < h && side[i+w] != f:
					g[i] = 0
				case y > 0:
					g[i] = min(g[i-w]+1, inf)
				default:
					g[i] = inf
				}
			}
		}
		for y := h - 2; y >= 0; y-- {
			row := y * w
			for x := x0; x < x1; x++ {
				i := row + x
				g[i] = min(g[i], g[i+w]+1)
			}
		}
	})
	// Phase 2: per row, the lower envelope of the parabolas
	// f_q(x) = (x−q)² + g(q)² gives the squared distance to the nearest
	// contour pixel. v holds the parabolas of the envelope and z the
	// boundaries between them. The row is copied so that the result can
	// overwrite g in place.
	parallel.Rows(h, func(y0, y1 int) {
		gr := make([]int64, w)
		v := make([]int, w)
		z := make([]float64, w+1)
		for y := y0; y < y1; y++ {
			out := g[y*w : (y+1)*w]
			for x, d := range out {
				gr[x] = int64(d)
			}
			// intersect returns where the parabolas of p and q cross.
			intersect := func(p, q int) float64 {
				return float64((gr[q]*gr[q]+int64(q*q))-(gr[p]*gr[p]+int64(p*p))) / float64(2*(q-p))
			}
			k := -1
			for q := range w {
				if gr[q] >= int64(inf) {
					continue
				}
				var s float64
				for k >= 0 {
					if s = intersect(v[k], q); s > z[k] {
						break
					}
					k--
				}
				k++
				v[k] = q
				if k == 0 {
					z[0] = math.Inf(-1)
				} else {
					z[k] = s
				}
				z[k+1] = math.Inf(1)
			}
			if k < 0 {
				for x := range out {
					out[x] = farAway
				}
				continue
			}
			j := 0
			for x := range w {
				for z[j+1] < float64(x) {
					j++
				}
				q := v[j]
				if d := int64((x-q)*(x-q)) + gr[q]*gr[q]; d <= rr {
					out[x] = int32(d)
				} else {
					out[x] = farAway
				}
			}
		}
	})
	return g
}
