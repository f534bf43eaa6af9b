package imageio

import (
	"encoding/binary"
	"image"

	"cutout/refine/parallel"
)

// Orient returns img transformed for display according to an EXIF
// orientation value:
//
//	1 unchanged              5 transposed (mirrored across the main diagonal)
//	2 mirrored horizontally  6 rotated 90° clockwise
//	3 rotated 180°           7 transversed (mirrored across the anti-diagonal)
//	4 mirrored vertically    8 rotated 90° counter-clockwise
//
// Values 5 to 8 swap width and height. For orientation 1 and for values
// outside 1..8, img itself is returned; otherwise the result is a new image
// with its origin at (0, 0) and img is not modified. Rows are split across
// cores.
func Orient(img *image.NRGBA, orientation int) *image.NRGBA {
	if orientation < 2 || orientation > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if orientation >= 5 {
		w, h = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	remap(dst, img, orientation)
	return dst
}

// orientOwned is Orient for an image the caller owns and will not use
// again: mirrors and the 180° rotation are done in place, without a second
// full-size buffer.
func orientOwned(img *image.NRGBA, orientation int) *image.NRGBA {
	b := img.Bounds()
	if b.Min != (image.Point{}) || img.Stride != 4*b.Dx() {
		return Orient(img, orientation)
	}
	switch orientation {
	case 2:
		mirrorInPlace(img)
	case 3:
		mirrorInPlace(img)
		flipInPlace(img)
	case 4:
		flipInPlace(img)
	default:
		return Orient(img, orientation)
	}
	return img
}

// orientTile is the side of the square blocks in which the rotations and
// transpositions copy pixels, so both the rows read and the rows written
// stay in cache.
const orientTile = 64

// remap fills dst from src for orientation o (2..8). For each destination
// row dy, the source pixel of dx sits at byte offset base(dy) + dx·step,
// with (W, H) the source size and S its stride:
//
//	o  base(dy)               step
//	2  dy·S + 4(W−1)          −4
//	3  (H−1−dy)·S + 4(W−1)    −4
//	4  (H−1−dy)·S             +4
//	5  4·dy                   +S
//	6  4·dy + (H−1)·S         −S
//	7  4(W−1−dy) + (H−1)·S    −S
//	8  4(W−1−dy)              +S
func remap(dst, src *image.NRGBA, o int) {
	sb := src.Bounds()
	W, H, S := sb.Dx(), sb.Dy(), src.Stride
	origin := src.PixOffset(sb.Min.X, sb.Min.Y)
	dw := dst.Rect.Dx()
	if dw == 0 || dst.Rect.Dy() == 0 {
		return
	}
	var base func(dy int) int
	var step int
	switch o {
	case 2:
		base, step = func(dy int) int { return dy*S + 4*(W-1) }, -4
	case 3:
		base, step = func(dy int) int { return (H-1-dy)*S + 4*(W-1) }, -4
	case 4:
		base, step = func(dy int) int { return (H - 1 - dy) * S }, 4
	case 5:
		base, step = func(dy int) int { return 4 * dy }, S
	case 6:
		base, step = func(dy int) int { return 4*dy + (H-1)*S }, -S
	case 7:
		base, step = func(dy int) int { return 4*(W-1-dy) + (H-1)*S }, -S
	case 8:
		base, step = func(dy int) int { return 4 * (W - 1 - dy) }, S
	default:
		panic("imageio: remap: orientation out of range")
	}
	tile := dw
	if o >= 5 {
		tile = orientTile
	}
	sp, dp := src.Pix, dst.Pix
	parallel.Rows(dst.Rect.Dy(), func(y0, y1 int) {
		for ty := y0; ty < y1; ty += tile {
			ty1 := min(ty+tile, y1)
			for tx := 0; tx < dw; tx += tile {
				tx1 := min(tx+tile, dw)
				for dy := ty; dy < ty1; dy++ {
					s := origin + base(dy) + tx*step
					d := dp[dy*dst.Stride+4*tx : dy*dst.Stride+4*tx1]
					for i := 0; i < len(d); i += 4 {
						binary.LittleEndian.PutUint32(d[i:], binary.LittleEndian.Uint32(sp[s:s+4]))
						s += step
					}
				}
			}
		}
	})
}

// mirrorInPlace reverses the pixel order of every row of a tightly packed
// image.
func mirrorInPlace(img *image.NRGBA) {
	w := img.Rect.Dx()
	parallel.Rows(img.Rect.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := img.Pix[y*img.Stride:][:4*w]
			for i, j := 0, 4*(w-1); i < j; i, j = i+4, j-4 {
				a := binary.LittleEndian.Uint32(row[i:])
				binary.LittleEndian.PutUint32(row[i:], binary.LittleEndian.Uint32(row[j:]))
				binary.LittleEndian.PutUint32(row[j:], a)
			}
		}
	})
}

// flipInPlace reverses the row order of a tightly packed image.
func flipInPlace(img *image.NRGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	parallel.Rows(h/2, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			a := img.Pix[y*img.Stride:][:4*w]
			b := img.Pix[(h-1-y)*img.Stride:][:4*w]
			for i := 0; i+8 <= len(a); i += 8 {
				u := binary.LittleEndian.Uint64(a[i:])
				binary.LittleEndian.PutUint64(a[i:], binary.LittleEndian.Uint64(b[i:]))
				binary.LittleEndian.PutUint64(b[i:], u)
			}
			if len(a)%8 != 0 {
				i := len(a) - 4
				u := binary.LittleEndian.Uint32(a[i:])
				binary.LittleEndian.PutUint32(a[i:], binary.LittleEndian.Uint32(b[i:]))
				binary.LittleEndian.PutUint32(b[i:], u)
			}
		}
	})
}
