package ui

import (
	"image"

	"cutout/refine/parallel"
)

// maxProxySide caps the long side of display proxies: enough for a
// full-screen fit view on a high-DPI monitor, small enough to build in
// tens of milliseconds and to upload as one texture.
const maxProxySide = 2048

// proxySize returns the proxy size for a w×h source and the scale from
// source to proxy pixels (1 when the source is already small enough).
func proxySize(w, h int) (pw, ph int, scale float64) { return fitSize(w, h, maxProxySide) }

// fitSize scales w×h down so its long side is at most side.
func fitSize(w, h, side int) (pw, ph int, scale float64) {
	long := max(w, h)
	if long <= side {
		return w, h, 1
	}
	scale = float64(side) / float64(long)
	pw = max(1, int(float64(w)*scale+0.5))
	ph = max(1, int(float64(h)*scale+0.5))
	return pw, ph, scale
}

// boxRange returns the source span [s0, s1) that proxy index i covers.
func boxRange(i, n, srcN int) (int, int) {
	s0 := i * srcN / n
	s1 := (i + 1) * srcN / n
	if s1 <= s0 {
		s1 = s0 + 1
	}
	return s0, s1
}

// proxyNRGBA box-filters src down to pw×ph (area average over straight
// colour, which is right for the opaque photos the editor shows). It
// returns src itself when no reduction is needed. It is written here
// rather than taken from imaging.Resize because it sits between the drop
// and the first picture: 4000×3000 to 2048×1536 takes about 0.1 s, where
// imaging.Resize with its box filter takes 0.5 s on two cores.
func proxyNRGBA(src *image.NRGBA, pw, ph int) *image.NRGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if pw == w && ph == h {
		return src
	}
	dst := image.NewNRGBA(image.Rect(0, 0, pw, ph))
	parallel.Rows(ph, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy0, sy1 := boxRange(y, ph, h)
			for x := 0; x < pw; x++ {
				sx0, sx1 := boxRange(x, pw, w)
				var r, g, b, a uint32
				for sy := sy0; sy < sy1; sy++ {
					row := src.Pix[sy*src.Stride+sx0*4 : sy*src.Stride+sx1*4]
					for k := 0; k < len(row); k += 4 {
						r += uint32(row[k])
						g += uint32(row[k+1])
						b += uint32(row[k+2])
						a += uint32(row[k+3])
					}
				}
				n := uint32((sy1 - sy0) * (sx1 - sx0))
				o := y*dst.Stride + x*4
				dst.Pix[o] = uint8((r + n/2) / n)
				dst.Pix[o+1] = uint8((g + n/2) / n)
				dst.Pix[o+2] = uint8((b + n/2) / n)
				dst.Pix[o+3] = uint8((a + n/2) / n)
			}
		}
	})
	return dst
}

// proxy8 box-filters a w×h 8-bit plane to pw×ph; it returns p itself
// when no reduction is needed, and nil for nil.
func proxy8(p []uint8, w, h, pw, ph int) []uint8 {
	if p == nil || (pw == w && ph == h) {
		return p
	}
	dst := make([]uint8, pw*ph)
	parallel.Rows(ph, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy0, sy1 := boxRange(y, ph, h)
			for x := 0; x < pw; x++ {
				sx0, sx1 := boxRange(x, pw, w)
				var s uint32
				for sy := sy0; sy < sy1; sy++ {
					for _, v := range p[sy*w+sx0 : sy*w+sx1] {
						s += uint32(v)
					}
				}
				n := uint32((sy1 - sy0) * (sx1 - sx0))
				dst[y*pw+x] = uint8((s + n/2) / n)
			}
		}
	})
	return dst
}

// unit8 maps [0,1] to [0,255], rounding and clamping.
func unit8(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}
