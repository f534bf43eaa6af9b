package imageio

import (
	"image"
	"image/color"

	"cutout/refine/parallel"
)

// ToNRGBA returns a copy of img as *image.NRGBA (straight alpha, 8 bits per
// channel) with its origin at (0, 0). The result never aliases img.
//
// Common concrete types (NRGBA, RGBA, NRGBA64, RGBA64, Gray, Gray16, YCbCr
// of every subsample ratio, NYCbCrA, CMYK, Paletted) take fast paths over
// their Pix slices; any other type goes through color.NRGBAModel pixel by
// pixel. Rows are split across cores. Conversions match the standard
// library's colour models: YCbCr uses color.YCbCrToRGB, CMYK uses
// color.CMYKToRGB, premultiplied colour is divided by alpha as
// color.NRGBAModel does. 16-bit straight colour (NRGBA64, Gray16) keeps its
// high byte, and NYCbCrA keeps its YCbCr colour and alpha unchanged rather
// than round-tripping them through premultiplied 16-bit colour.
func ToNRGBA(img image.Image) *image.NRGBA {
	return toNRGBA(img, false)
}

// toNRGBA converts img; when owned is true and img already is a tightly
// packed *image.NRGBA at the origin, it is returned as is.
func toNRGBA(img image.Image, owned bool) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if src, ok := img.(*image.NRGBA); ok && owned && b.Min == (image.Point{}) && src.Stride == 4*w {
		return src
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return dst
	}
	var rows func(y0, y1 int)
	switch src := img.(type) {
	case *image.NRGBA:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				copy(dstRow(dst, y), src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:4*w])
			}
		}
	case *image.RGBA:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				unpremultiply8(dstRow(dst, y), src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:4*w])
			}
		}
	case *image.NRGBA64:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				d := dstRow(dst, y)
				s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:8*w]
				for i := range d {
					d[i] = s[2*i] // high byte of each big-endian channel
				}
			}
		}
	case *image.RGBA64:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				unpremultiply16(dstRow(dst, y), src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:8*w])
			}
		}
	case *image.Gray:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				d := dstRow(dst, y)
				s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:w]
				for x, v := range s {
					p := d[4*x : 4*x+4 : 4*x+4]
					p[0], p[1], p[2], p[3] = v, v, v, 0xff
				}
			}
		}
	case *image.Gray16:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				d := dstRow(dst, y)
				s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:2*w]
				for x := 0; x < w; x++ {
					v := s[2*x]
					p := d[4*x : 4*x+4 : 4*x+4]
					p[0], p[1], p[2], p[3] = v, v, v, 0xff
				}
			}
		}
	case *image.CMYK:
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				cmykRow(dstRow(dst, y), src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:4*w])
			}
		}
	case *image.Paletted:
		lut := paletteLUT(src.Palette)
		rows = func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				d := dstRow(dst, y)
				s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):][:w]
				for x, v := range s {
					c := &lut[v]
					p := d[4*x : 4*x+4 : 4*x+4]
					p[0], p[1], p[2], p[3] = c[0], c[1], c[2], c[3]
				}
			}
		}
	case *image.YCbCr:
		if hs, vs, ok := chromaShifts(src.SubsampleRatio); ok && b.Min.X >= 0 && b.Min.Y >= 0 {
			rows = func(y0, y1 int) { ycbcrRows(dst, src, nil, 0, hs, vs, y0, y1) }
		} else {
			rows = func(y0, y1 int) { ycbcrRowsAt(dst, src, nil, y0, y1) }
		}
	case *image.NYCbCrA:
		if hs, vs, ok := chromaShifts(src.SubsampleRatio); ok && b.Min.X >= 0 && b.Min.Y >= 0 {
			rows = func(y0, y1 int) { ycbcrRows(dst, &src.YCbCr, src.A, src.AStride, hs, vs, y0, y1) }
		} else {
			rows = func(y0, y1 int) { ycbcrRowsAt(dst, &src.YCbCr, src, y0, y1) }
		}
	}
	if rows == nil {
		rows = func(y0, y1 int) { genericRows(dst, img, y0, y1) }
	}
	parallel.Rows(h, rows)
	return dst
}

// dstRow returns row y of a tightly packed NRGBA image at the origin.
func dstRow(dst *image.NRGBA, y int) []uint8 {
	w := dst.Rect.Dx()
	return dst.Pix[y*dst.Stride:][:4*w]
}

// unpremultiply8 converts one row of premultiplied 8-bit RGBA to straight
// alpha, as color.NRGBAModel does: c' = (c·0xffff / a) >> 8, using the
// 16-bit forms c·0x101 and a·0x101 whose ratio is the same. Invalid input
// with c > a saturates at 255.
func unpremultiply8(d, s []uint8) {
	for i := 0; i+3 < len(s); i += 4 {
		p := s[i : i+4 : i+4]
		q := d[i : i+4 : i+4]
		switch a := uint32(p[3]); a {
		case 0xff:
			q[0], q[1], q[2], q[3] = p[0], p[1], p[2], 0xff
		case 0:
			q[0], q[1], q[2], q[3] = 0, 0, 0, 0
		default:
			q[0] = sat8(uint32(p[0]) * 0xffff / a >> 8)
			q[1] = sat8(uint32(p[1]) * 0xffff / a >> 8)
			q[2] = sat8(uint32(p[2]) * 0xffff / a >> 8)
			q[3] = uint8(a)
		}
	}
}

// unpremultiply16 converts one row of premultiplied big-endian 16-bit RGBA
// (s, 8 bytes per pixel) to straight 8-bit RGBA (d), as color.NRGBAModel
// does.
func unpremultiply16(d, s []uint8) {
	for x := 0; 8*x+7 < len(s); x++ {
		p := s[8*x : 8*x+8 : 8*x+8]
		q := d[4*x : 4*x+4 : 4*x+4]
		a := uint32(p[6])<<8 | uint32(p[7])
		switch a {
		case 0xffff:
			q[0], q[1], q[2], q[3] = p[0], p[2], p[4], 0xff
		case 0:
			q[0], q[1], q[2], q[3] = 0, 0, 0, 0
		default:
			r := uint32(p[0])<<8 | uint32(p[1])
			g := uint32(p[2])<<8 | uint32(p[3])
			bl := uint32(p[4])<<8 | uint32(p[5])
			q[0] = sat8(r * 0xffff / a >> 8)
			q[1] = sat8(g * 0xffff / a >> 8)
			q[2] = sat8(bl * 0xffff / a >> 8)
			q[3] = uint8(a >> 8)
		}
	}
}

// sat8 clamps v to 255.
func sat8(v uint32) uint8 {
	if v > 0xff {
		return 0xff
	}
	return uint8(v)
}

// cmykRow converts one row of CMYK (full ink = 255) to opaque RGB with the
// formula of color.CMYKToRGB.
func cmykRow(d, s []uint8) {
	for i := 0; i+3 < len(s); i += 4 {
		p := s[i : i+4 : i+4]
		q := d[i : i+4 : i+4]
		w := 0xffff - uint32(p[3])*0x101
		q[0] = uint8((0xffff - uint32(p[0])*0x101) * w / 0xffff >> 8)
		q[1] = uint8((0xffff - uint32(p[1])*0x101) * w / 0xffff >> 8)
		q[2] = uint8((0xffff - uint32(p[2])*0x101) * w / 0xffff >> 8)
		q[3] = 0xff
	}
}

// paletteLUT converts a palette to straight RGBA. Indices past the end of
// the palette map to opaque black, as image/png treats them.
func paletteLUT(pal color.Palette) *[256][4]uint8 {
	var lut [256][4]uint8
	for i := range lut {
		lut[i] = [4]uint8{0, 0, 0, 0xff}
		if i < len(pal) && pal[i] != nil {
			c := color.NRGBAModel.Convert(pal[i]).(color.NRGBA)
			lut[i] = [4]uint8{c.R, c.G, c.B, c.A}
		}
	}
	return &lut
}

// chromaShifts returns the horizontal and vertical chroma subsampling of r
// as right shifts of the luma coordinates.
func chromaShifts(r image.YCbCrSubsampleRatio) (hs, vs uint, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 0, 0, true
	case image.YCbCrSubsampleRatio422:
		return 1, 0, true
	case image.YCbCrSubsampleRatio420:
		return 1, 1, true
	case image.YCbCrSubsampleRatio440:
		return 0, 1, true
	case image.YCbCrSubsampleRatio411:
		return 2, 0, true
	case image.YCbCrSubsampleRatio410:
		return 2, 1, true
	}
	return 0, 0, false
}

// ycbcrRows converts rows [y0, y1) of src (whose bounds must not be
// negative, so shifts equal the divisions of YCbCr.COffset) into dst, with
// the same integer formula as color.YCbCrToRGB. When a is not nil it is the
// alpha plane of an NYCbCrA image; otherwise the output is opaque.
func ycbcrRows(dst *image.NRGBA, src *image.YCbCr, a []uint8, aStride int, hs, vs uint, y0, y1 int) {
	b := src.Rect
	w := b.Dx()
	cx0 := b.Min.X >> hs
	for y := y0; y < y1; y++ {
		sy := b.Min.Y + y
		yRow := src.Y[y*src.YStride:][:w]
		cOff := (sy>>vs - b.Min.Y>>vs) * src.CStride
		cbRow := src.Cb[cOff:]
		crRow := src.Cr[cOff:]
		var aRow []uint8
		if a != nil {
			aRow = a[y*aStride:][:w]
		}
		d := dstRow(dst, y)
		if aRow == nil && hs == 1 && b.Min.X%2 == 0 {
			ycbcrPairs(d, yRow, cbRow, crRow)
			continue
		}
		for x, yv := range yRow {
			ci := (b.Min.X+x)>>hs - cx0
			r, g, bl := ycbcrTerms(cbRow[ci], crRow[ci])
			p := d[4*x : 4*x+4 : 4*x+4]
			yy1 := int32(yv) * 0x10101
			p[0] = clampShift16(yy1 + r)
			p[1] = clampShift16(yy1 + g)
			p[2] = clampShift16(yy1 + bl)
			if aRow != nil {
				p[3] = aRow[x]
			} else {
				p[3] = 0xff
			}
		}
	}
}

// ycbcrPairs converts one opaque row with horizontally halved chroma
// (4:2:2 and 4:2:0) starting at an even x, two pixels per chroma sample.
func ycbcrPairs(d, yRow, cbRow, crRow []uint8) {
	w := len(yRow)
	cbRow, crRow = cbRow[:(w+1)/2], crRow[:(w+1)/2]
	for ci, cb := range cbRow {
		r, g, bl := ycbcrTerms(cb, crRow[ci])
		x := 2 * ci
		yy1 := int32(yRow[x]) * 0x10101
		p := d[4*x : 4*x+4 : 4*x+4]
		p[0], p[1], p[2], p[3] = clampShift16(yy1+r), clampShift16(yy1+g), clampShift16(yy1+bl), 0xff
		if x+1 < w {
			yy1 = int32(yRow[x+1]) * 0x10101
			p = d[4*x+4 : 4*x+8 : 4*x+8]
			p[0], p[1], p[2], p[3] = clampShift16(yy1+r), clampShift16(yy1+g), clampShift16(yy1+bl), 0xff
		}
	}
}

// ycbcrTerms returns the chroma terms of color.YCbCrToRGB, to which
// YY1 = Y·0x10101 (which folds in its rounding) is added before the
// shift: R = (YY1 + 91881·(Cr−128)) >> 16, G = (YY1 − 22554·(Cb−128) −
// 46802·(Cr−128)) >> 16, B = (YY1 + 116130·(Cb−128)) >> 16.
func ycbcrTerms(cb, cr uint8) (r, g, b int32) {
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	return 91881 * cr1, -22554*cb1 - 46802*cr1, 116130 * cb1
}

// ycbcrRowsAt is the slow path of ycbcrRows for images with negative
// bounds or unknown subsampling: it indexes through YOffset and COffset,
// whose truncating divisions differ from shifts below zero. a is the
// NYCbCrA image the YCbCr belongs to, or nil.
func ycbcrRowsAt(dst *image.NRGBA, src *image.YCbCr, a *image.NYCbCrA, y0, y1 int) {
	b := src.Rect
	for y := y0; y < y1; y++ {
		d := dstRow(dst, y)
		for x := 0; x < b.Dx(); x++ {
			sx, sy := b.Min.X+x, b.Min.Y+y
			ci := src.COffset(sx, sy)
			p := d[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2] = color.YCbCrToRGB(src.Y[src.YOffset(sx, sy)], src.Cb[ci], src.Cr[ci])
			p[3] = 0xff
			if a != nil {
				p[3] = a.A[a.AOffset(sx, sy)]
			}
		}
	}
}

// clampShift16 returns v>>16 clamped to [0, 255], with the branch-light
// test of color.YCbCrToRGB.
func clampShift16(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}

// genericRows converts rows [y0, y1) of any image through
// color.NRGBAModel. It is the slow path for types without a fast path.
func genericRows(dst *image.NRGBA, img image.Image, y0, y1 int) {
	b := img.Bounds()
	for y := y0; y < y1; y++ {
		d := dstRow(dst, y)
		for x := 0; x < b.Dx(); x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			p := d[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
		}
	}
}
