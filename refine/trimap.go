package refine

import (
	"math"

	"cutout/refine/parallel"
)

// Default trimap parameters, used where TrimapOptions fields are zero.
const (
	// DefaultBand is the default half-width of the unknown band around the
	// 0.5 contour, as a fraction of the image's short side.
	DefaultBand = 0.01
	// InnerFactor is the default ratio of the inner (foreground-side) band
	// width to the outer one.
	InnerFactor = 3
	// DefaultLo is the default matte value below which a pixel outside the
	// band is definite background.
	DefaultLo = 0.05
	// DefaultHi is the default matte value above which a pixel outside the
	// band is definite foreground.
	DefaultHi = 0.95
)

// TrimapOptions tunes AutoTrimap. The zero value, and a nil pointer, mean
// the defaults.
type TrimapOptions struct {
	// Band is the width of the unknown band on the background side of the
	// matte's 0.5 contour, as a fraction of the short side of the image;
	// 0 means DefaultBand. It is at least one pixel.
	Band float64
	// Inner is the width of the band on the foreground side, as a fraction
	// of the short side; 0 means InnerFactor × Band. Segmentation networks
	// call semi-transparent hair opaque far more often than the reverse
	// (on the evaluation set, 85–90% of the ISNet matte's error is
	// over-estimation), so the band reaches further inside.
	Inner float64
	// Lo and Hi bound the soft region: pixels with Lo < m < Hi are Unknown
	// wherever they are. 0 means DefaultLo and DefaultHi.
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
// AutoTrimap uses for a w×h image on the background (outer) and
// foreground (inner) sides of the contour: Band and Inner × min(w, h),
// at least 1.
func (o *TrimapOptions) BandPixels(w, h int) (outer, inner float64) {
	r := o.resolve()
	s := float64(min(w, h))
	return math.Max(1, r.Band*s), math.Max(1, r.Inner*s)
}

// AutoTrimap builds a trimap from a segmentation matte m: pixels within the
// band around the 0.5 contour (Band wide outside it, Inner inside; see
// TrimapOptions) or inside the soft region Lo < m < Hi are Unknown; the
// others are Foreground when m ≥ 0.5 and Background when m < 0.5. NaN
// matte values count as soft.
//
// The band is found with an exact Euclidean distance transform to the
// contour (Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled
// Functions", 2012), so the cost is linear in the number of pixels whatever
// the band width. m is not modified; opt may be nil.
func AutoTrimap(m *Matte, opt *TrimapOptions) *Trimap {
	o := opt.resolve()
	w, h := m.W, m.H
	t := &Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	if w == 0 || h == 0 {
		return t
	}
	r, rin := opt.BandPixels(w, h)
	// No distance in the image exceeds w+h; capping keeps huge widths
	// finite and squared distances within int32.
	r, rin = min(r, float64(w+h), maxBand), min(rin, float64(w+h), maxBand)
	near := contourBand(m, math.Max(r, rin))
	lo, hi := o.Lo, o.Hi
	rr, rrin := int64(r*r), int64(rin*rin)
	parallel.Rows(h, func(y0, y1 int) {
		for i := y0 * w; i < y1*w; i++ {
			v := m.Pix[i]
			lim := rr
			if fgAt(v) {
				lim = rrin
			}
			switch {
			case int64(near[i]) <= lim || !(v <= lo || v >= hi):
				t.Pix[i] = Unknown
			case v >= 0.5:
				t.Pix[i] = Foreground
			default:
				t.Pix[i] = Background
			}
		}
	})
	return t
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
	// Phase 1: vertical distance to the nearest contour pixel in the same
	// column, by a downward and an upward scan. Column bands keep each
	// worker on its own memory.
	parallel.Rows(w, func(x0, x1 int) {
		for y := 0; y < h; y++ {
			row := y * w
			for x := x0; x < x1; x++ {
				i := row + x
				switch {
				case isContour(m, x, y):
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

// isContour reports whether (x, y) has a 4-neighbour on the other side of
// the 0.5 contour.
func isContour(m *Matte, x, y int) bool {
	w, h := m.W, m.H
	i := y*w + x
	f := fgAt(m.Pix[i])
	return (x > 0 && fgAt(m.Pix[i-1]) != f) ||
		(x+1 < w && fgAt(m.Pix[i+1]) != f) ||
		(y > 0 && fgAt(m.Pix[i-w]) != f) ||
		(y+1 < h && fgAt(m.Pix[i+w]) != f)
}
