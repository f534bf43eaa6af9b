package jpegdec

import (
	"encoding/binary"
	"image"
)

// planes is a worker's scratch space: one MCU row of reconstructed samples
// per component, mcusX×h×8 wide and v×8 high.
type planes struct {
	p [3][]uint8
}

func (f *frame) newPlanes() *planes {
	p := new(planes)
	for i := 0; i < f.nComp; i++ {
		l := &f.comps[i]
		p.p[i] = make([]uint8, l.stride*l.v*8)
	}
	return p
}

// reconstruct turns the coefficients of MCU row rb.row into pixels of img
// and leaves rb's blocks zeroed for the next row.
func (f *frame) reconstruct(rb *rowBuf, p *planes, img *image.NRGBA) {
	for ci := 0; ci < f.nComp; ci++ {
		l := &f.comps[ci]
		plane := p.p[ci]
		for mx := 0; mx < f.mcusX; mx++ {
			bi := mx*f.bpm + l.off
			for by := 0; by < l.v; by++ {
				for bx := 0; bx < l.h; bx++ {
					blk := (*[64]int16)(rb.coef[64*bi : 64*bi+64])
					dst := plane[8*by*l.stride+8*(mx*l.h+bx):]
					if rb.last[bi] == 0 {
						idctDC(blk[0], l.q[0], dst, l.stride)
						blk[0] = 0
					} else if rb.last[bi] <= sparseLast {
						idct4(blk, &l.q, dst, l.stride)
						clear(blk[:32])
					} else {
						idct(blk, &l.q, dst, l.stride)
						clear(blk[:])
					}
					bi++
				}
			}
		}
	}
	y0 := rb.row * f.mcuH
	y1 := min(y0+f.mcuH, f.h)
	yPlane, yStride := p.p[0], f.comps[0].stride
	for y := y0; y < y1; y++ {
		ly := y - y0
		d := img.Pix[y*img.Stride:][:4*f.w]
		yRow := yPlane[ly*yStride:][:f.w]
		if f.nComp == 1 {
			grayRow(d, yRow)
			continue
		}
		cOff := (ly >> f.vs) * f.comps[1].stride
		cw := (f.w + 1<<f.hs - 1) >> f.hs
		cb, cr := p.p[1][cOff:][:cw], p.p[2][cOff:][:cw]
		switch {
		case f.hs == 1 && f.vs == 1 && y+1 < y1:
			// 4:2:0: two rows share each chroma sample.
			d1 := img.Pix[(y+1)*img.Stride:][:4*f.w]
			ycbcrRows420(d, d1, yRow, yPlane[(ly+1)*yStride:][:f.w], cb, cr)
			y++
		case f.hs == 0:
			ycbcrRow(d, yRow, cb, cr)
		case f.hs == 1:
			ycbcrRow2(d, yRow, cb, cr)
		default:
			ycbcrRowN(d, yRow, cb, cr, f.hs)
		}
	}
}

// The colour conversion is color.YCbCrToRGB's, in 16-bit fixed point:
// with YY1 = Y·0x10101 (which folds in its rounding),
//
//	R = (YY1 + 91881·(Cr−128)) >> 16
//	G = (YY1 − 22554·(Cb−128) − 46802·(Cr−128)) >> 16
//	B = (YY1 + 116130·(Cb−128)) >> 16
//
// each clamped to [0, 255]. The clamp is a table lookup: adding
// clampBias<<16 to YY1 makes every sum positive, and its top bits index
// tables that hold each clamped channel already in place in a
// little-endian NRGBA word (alpha comes with blue).
const clampBias = 512

var clampR, clampG, clampBA = func() (r, g, b [1024]uint32) {
	for i := range r {
		v := uint32(min(max(i-clampBias, 0), 255))
		r[i], g[i], b[i] = v, v<<8, v<<16|0xff000000
	}
	return r, g, b
}()

// chromaTerms returns the chroma terms of R, G and B for one (Cb, Cr).
func chromaTerms(cb, cr uint8) (r, g, b int32) {
	cb1, cr1 := int32(cb)-128, int32(cr)-128
	return 91881 * cr1, -22554*cb1 - 46802*cr1, 116130 * cb1
}

// pixel packs one opaque NRGBA pixel from YY1 (biased) and chroma terms.
func pixel(yy, r, g, b int32) uint32 {
	return clampR[(yy+r)>>16&1023] | clampG[(yy+g)>>16&1023] | clampBA[(yy+b)>>16&1023]
}

// ycbcrRow converts one row with full-resolution chroma.
func ycbcrRow(d, yRow, cb, cr []uint8) {
	d = d[:4*len(yRow)]
	cb, cr = cb[:len(yRow)], cr[:len(yRow)]
	for x, y := range yRow {
		r, g, b := chromaTerms(cb[x], cr[x])
		binary.LittleEndian.PutUint32(d[4*x:], pixel(int32(y)*0x10101+clampBias<<16, r, g, b))
	}
}

// ycbcrRow2 converts one row with horizontally halved chroma, two pixels
// per chroma sample.
func ycbcrRow2(d, yRow, cb, cr []uint8) {
	w := len(yRow)
	n := w / 2
	cb, cr = cb[:n+w&1], cr[:n+w&1]
	for c := 0; c < n; c++ {
		r, g, b := chromaTerms(cb[c], cr[c])
		y2 := yRow[2*c : 2*c+2 : 2*c+2]
		p0 := pixel(int32(y2[0])*0x10101+clampBias<<16, r, g, b)
		p1 := pixel(int32(y2[1])*0x10101+clampBias<<16, r, g, b)
		binary.LittleEndian.PutUint64(d[8*c:8*c+8], uint64(p0)|uint64(p1)<<32)
	}
	if w&1 != 0 {
		r, g, b := chromaTerms(cb[n], cr[n])
		binary.LittleEndian.PutUint32(d[4*(w-1):], pixel(int32(yRow[w-1])*0x10101+clampBias<<16, r, g, b))
	}
}

// ycbcrRows420 converts two rows (d0 from y0, d1 from y1) that share a
// row of horizontally halved chroma: four pixels per chroma sample.
func ycbcrRows420(d0, d1, y0, y1, cb, cr []uint8) {
	w := len(y0)
	n := w / 2
	cb, cr = cb[:n+w&1], cr[:n+w&1]
	y1 = y1[:w]
	for c := 0; c < n; c++ {
		r, g, b := chromaTerms(cb[c], cr[c])
		a, e := y0[2*c:2*c+2:2*c+2], y1[2*c:2*c+2:2*c+2]
		binary.LittleEndian.PutUint64(d0[8*c:8*c+8], uint64(pixel(int32(a[0])*0x10101+clampBias<<16, r, g, b))|
			uint64(pixel(int32(a[1])*0x10101+clampBias<<16, r, g, b))<<32)
		binary.LittleEndian.PutUint64(d1[8*c:8*c+8], uint64(pixel(int32(e[0])*0x10101+clampBias<<16, r, g, b))|
			uint64(pixel(int32(e[1])*0x10101+clampBias<<16, r, g, b))<<32)
	}
	if w&1 != 0 {
		r, g, b := chromaTerms(cb[n], cr[n])
		binary.LittleEndian.PutUint32(d0[4*(w-1):], pixel(int32(y0[w-1])*0x10101+clampBias<<16, r, g, b))
		binary.LittleEndian.PutUint32(d1[4*(w-1):], pixel(int32(y1[w-1])*0x10101+clampBias<<16, r, g, b))
	}
}

// ycbcrRowN converts one row whose chroma is subsampled horizontally by
// 1<<hs.
func ycbcrRowN(d, yRow, cb, cr []uint8, hs uint) {
	d = d[:4*len(yRow)]
	for x, y := range yRow {
		c := x >> hs
		r, g, b := chromaTerms(cb[c], cr[c])
		binary.LittleEndian.PutUint32(d[4*x:], pixel(int32(y)*0x10101+clampBias<<16, r, g, b))
	}
}

// grayRow expands one greyscale row to opaque NRGBA.
func grayRow(d, yRow []uint8) {
	d = d[:4*len(yRow)]
	for x, y := range yRow {
		binary.LittleEndian.PutUint32(d[4*x:], uint32(y)*0x010101|0xff000000)
	}
}
