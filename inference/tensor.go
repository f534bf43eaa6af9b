package inference

import (
	"fmt"
	"image"
)

// Normalization maps an 8-bit channel value v to the model's input as
// (v - Mean) / Scale.
type Normalization struct {
	Mean, Scale float32
}

// Preprocess resamples img to w×h and writes it into dst as planar NCHW
// float32 (R plane, then G, then B), normalised by norm. Shrinking uses a
// tent filter stretched over the reduction factor, so every source pixel
// contributes (no aliasing or dropped detail); enlarging is bilinear. The
// image's alpha channel is ignored. dst must hold exactly 3*w*h values;
// anything else is a programmer error and panics.
func Preprocess(img *image.NRGBA, w, h int, norm Normalization, dst []float32) {
	if len(dst) != 3*w*h {
		panic(fmt.Sprintf("inference: Preprocess: dst has %d values, want %d", len(dst), 3*w*h))
	}
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	if sw == 0 || sh == 0 {
		panic("inference: Preprocess: empty image")
	}
	wx := makeWeights(sw, w, tent)
	wy := makeWeights(sh, h, tent)

	// Each band of output rows walks down the source rows it needs,
	// filtering them horizontally into a small ring (w interleaved RGB
	// samples per row), then combines them vertically, normalises and
	// scatters into the planes.
	horizontal := func(y int, out []float32) {
		row := img.Pix[y*img.Stride : y*img.Stride+sw*4]
		for x := 0; x < w; x++ {
			s := int(wx.start[x]) * 4
			taps := wx.w[wx.off[x] : wx.off[x]+wx.n[x]]
			var r, g, b float32
			for _, k := range taps {
				r += k * float32(row[s])
				g += k * float32(row[s+1])
				b += k * float32(row[s+2])
				s += 4
			}
			out[3*x], out[3*x+1], out[3*x+2] = r, g, b
		}
	}
	inv := 1 / norm.Scale
	plane := w * h
	taps := wy.maxTaps()
	rows(h, func(y0, y1 int) {
		ring := newRowRing(taps+1, w*3)
		acc := make([]float32, w*3)
		for y := y0; y < y1; y++ {
			s, n := int(wy.start[y]), int(wy.n[y])
			ring.window(s, s+n, horizontal)
			for i := range acc {
				acc[i] = 0
			}
			for t, k := range wy.w[wy.off[y] : wy.off[y]+wy.n[y]] {
				for i, v := range ring.row(s + t) {
					acc[i] += k * v
				}
			}
			r := dst[y*w : (y+1)*w]
			g := dst[plane+y*w : plane+(y+1)*w]
			b := dst[2*plane+y*w : 2*plane+(y+1)*w]
			for x := 0; x < w; x++ {
				r[x] = (acc[3*x] - norm.Mean) * inv
				g[x] = (acc[3*x+1] - norm.Mean) * inv
				b[x] = (acc[3*x+2] - norm.Mean) * inv
			}
		}
	})
}

// Postprocess resamples the model's w×h output src to a dw×dh matte with a
// Catmull-Rom cubic (smooth edges, no stair-steps), clamping to [0,1] and
// rounding to steps of 1/255: the precision of the 8-bit mattes the editor
// keeps and files store, so that whoever keeps the matte in 8 bits gets
// the same matte back, and the command line and the editor start from the
// same values.
// src must hold exactly w*h values; anything else is a programmer error.
func Postprocess(src []float32, w, h, dw, dh int) *Matte {
	if len(src) != w*h {
		panic(fmt.Sprintf("inference: Postprocess: src has %d values, want %d", len(src), w*h))
	}
	m := &Matte{W: dw, H: dh, Pix: make([]float32, dw*dh)}
	if dw == 0 || dh == 0 {
		return m
	}
	wx := makeWeights(w, dw, catmullRom)
	wy := makeWeights(h, dh, catmullRom)

	horizontal := func(y int, out []float32) {
		row := src[y*w : (y+1)*w]
		for x := range out {
			s := int(wx.start[x])
			var v float32
			for t, k := range wx.w[wx.off[x] : wx.off[x]+wx.n[x]] {
				v += k * row[s+t]
			}
			out[x] = v
		}
	}
	taps := wy.maxTaps()
	rows(dh, func(y0, y1 int) {
		ring := newRowRing(taps+1, dw)
		for y := y0; y < y1; y++ {
			out := m.Pix[y*dw : (y+1)*dw]
			s, n := int(wy.start[y]), int(wy.n[y])
			ring.window(s, s+n, horizontal)
			for t, k := range wy.w[wy.off[y] : wy.off[y]+wy.n[y]] {
				in := ring.row(s + t)
				if t == 0 {
					for x, v := range in {
						out[x] = k * v
					}
					continue
				}
				for x, v := range in {
					out[x] += k * v
				}
			}
			for x, v := range out {
				out[x] = float32(int32(min(max(v, 0), 1)*255+0.5)) / 255
			}
		}
	})
	return m
}
