package imagefile

import (
	"image"
	"image/color"

	"cutout/refine/parallel"
)

// smoothYCbCr converts a JPEG's YCbCr image whose chroma is subsampled
// 2:1 across (4:2:2), down (4:4:0) or both (4:2:0) to NRGBA, upsampling
// the chroma as libjpeg does by default (its "fancy upsampling", which
// libjpeg-turbo, browsers and image editors show): each pixel's Cb and Cr
// are interpolated linearly between the two nearest chroma samples along
// each subsampled axis, weighed 3:1 (9:3:3:1 for 4:2:0), the samples
// sited at the centre of the pixels they cover, as JFIF places them. The
// standard library's conversion, and imaging's, repeats each sample over
// its pixels instead: colour edges come out as 2×2 stairs (a red lip
// against skin, a coloured shirt against a wall), which a full-resolution
// cutout keeps and matting follows. Other subsamplings, and images whose
// origin is not (0, 0), return false.
func smoothYCbCr(src *image.YCbCr) (*image.NRGBA, bool) {
	var hs, vs int // subsampling across and down: 1 or 2
	// bias rounds the interpolation (×16) by the parity of the row and
	// the column, as libjpeg does, so that its results are met exactly:
	// (3a+b+1)/4 and (3a+b+2)/4 alternately for one subsampled axis,
	// +8/16 and +7/16 alternately for two.
	var bias [2][2]int32
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio420:
		hs, vs, bias = 2, 2, [2][2]int32{{8, 7}, {8, 7}}
	case image.YCbCrSubsampleRatio422:
		hs, vs, bias = 2, 1, [2][2]int32{{4, 8}, {4, 8}}
	case image.YCbCrSubsampleRatio440:
		hs, vs, bias = 1, 2, [2][2]int32{{4, 4}, {8, 8}}
	default:
		return nil, false
	}
	r := src.Rect
	if r.Min != (image.Point{}) {
		return nil, false
	}
	w, h := r.Dx(), r.Dy()
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return dst, true
	}
	// The chroma plane's last column and row.
	cx1, cy1 := (w-1)/hs, (h-1)/vs
	// Per column: the chroma column nearest the pixel and the other
	// one it is interpolated with (the same one where there is none).
	near, far := make([]int, w), make([]int, w)
	for x := range w {
		near[x], far[x] = neighbours(x, hs, cx1)
	}
	cw := cx1 + 1
	parallel.Rows(h, func(y0, y1 int) {
		// The row's chroma, interpolated down first: 4× (3:1), or 4×
		// the sample where the rows are not subsampled.
		cb, cr := make([]int32, cw), make([]int32, cw)
		for y := y0; y < y1; y++ {
			ny, fy := neighbours(y, vs, cy1)
			rn, rf := ny*src.CStride, fy*src.CStride
			for i := range cw {
				cb[i] = 3*int32(src.Cb[rn+i]) + int32(src.Cb[rf+i])
				cr[i] = 3*int32(src.Cr[rn+i]) + int32(src.Cr[rf+i])
			}
			yRow := src.Y[y*src.YStride : y*src.YStride+w]
			out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
			rb := &bias[y&1]
			for x, l := range yRow {
				// Then across: 3:1 again (×16 in all), rounded once.
				n, f, k := near[x], far[x], rb[x&1]
				b := uint8((3*cb[n] + cb[f] + k) >> 4)
				r := uint8((3*cr[n] + cr[f] + k) >> 4)
				rr, gg, bb := color.YCbCrToRGB(l, b, r)
				o := out[4*x : 4*x+4 : 4*x+4]
				o[0], o[1], o[2], o[3] = rr, gg, bb, 0xff
			}
		}
	})
	return dst, true
}

// neighbours returns, for the pixel coordinate p along an axis
// subsampled by s (1 or 2), the chroma sample it lies in and the nearest
// other one, clamped to the plane's samples 0..last. A sample covers
// pixels 2k and 2k+1, its centre between them: pixel 2k's other nearest
// sample is k−1, pixel 2k+1's is k+1.
func neighbours(p, s, last int) (near, far int) {
	if s == 1 {
		return p, p
	}
	near = p / 2
	far = near + 1
	if p%2 == 0 {
		far = near - 1
	}
	return near, min(max(far, 0), last)
}
