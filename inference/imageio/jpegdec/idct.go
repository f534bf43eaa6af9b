package jpegdec

import "encoding/binary"

// The inverse DCT is the separable Loeffler–Ligtenberg–Moschytz
// factorisation (LLM, ICASSP 1989) of the 8-point IDCT, as used by the
// IJG's "islow" method: 12 multiplications per 1-D transform, with the
// rotation constants below in 13-bit fixed point. Columns are transformed
// first, keeping passBits extra bits of precision, then rows, which fold
// in the 1/8 normalisation of the 2-D transform and the +128 level shift.
const (
	constBits = 13
	passBits  = 2

	// fixN is round(N·2^13), for the constants named after N: the
	// √2·cos(kπ/16) combinations of the LLM flowgraph.
	fix0_298631336 = 2446
	fix0_390180644 = 3196
	fix0_541196100 = 4433
	fix0_765366865 = 6270
	fix0_899976223 = 7373
	fix1_175875602 = 9633
	fix1_501321110 = 12299
	fix1_847759065 = 15137
	fix1_961570560 = 16069
	fix2_053119869 = 16819
	fix2_562915447 = 20995
	fix3_072711026 = 25172
)

// idct1D is one 8-point LLM inverse transform of x0..x7 (already scaled
// by the caller): the even part rotates (x2, x6) and butterflies x0 ± x4,
// which come in shifted left by constBits; the odd part is the four-input
// rotation network. Outputs are scaled by 2^constBits·√8.
func idct1D(x0, x1, x2, x3, x4, x5, x6, x7 int32) (o0, o1, o2, o3, o4, o5, o6, o7 int32) {
	// Even part: z1 = (x2+x6)·c6√2 rotation.
	z1 := (x2 + x6) * fix0_541196100
	t2 := z1 - x6*fix1_847759065
	t3 := z1 + x2*fix0_765366865
	t0 := x0 + x4
	t1 := x0 - x4
	e0, e3 := t0+t3, t0-t3
	e1, e2 := t1+t2, t1-t2

	// Odd part, inputs x7, x5, x3, x1.
	z1 = x7 + x1
	z2 := x5 + x3
	z3 := x7 + x3
	z4 := x5 + x1
	z5 := (z3 + z4) * fix1_175875602
	a0 := x7 * fix0_298631336
	a1 := x5 * fix2_053119869
	a2 := x3 * fix3_072711026
	a3 := x1 * fix1_501321110
	z1 *= -fix0_899976223
	z2 *= -fix2_562915447
	z3 = z3*-fix1_961570560 + z5
	z4 = z4*-fix0_390180644 + z5
	a0 += z1 + z3
	a1 += z2 + z4
	a2 += z2 + z3
	a3 += z1 + z4

	return e0 + a3, e1 + a2, e2 + a1, e3 + a0, e3 - a0, e2 - a1, e1 - a2, e0 - a3
}

// idct dequantises blk with q (both in natural order), inverse-transforms
// it and stores the 8×8 clamped samples at dst with the given stride.
func idct(blk *[64]int16, q *[64]int32, dst []uint8, stride int) {
	var ws [64]int32
	// Pass 1: columns, out scaled by 2^passBits.
	for c := 0; c < 8; c++ {
		if blk[8+c]|blk[16+c]|blk[24+c]|blk[32+c]|blk[40+c]|blk[48+c]|blk[56+c] == 0 {
			// Only the DC term: the column is constant.
			v := int32(blk[c]) * q[c] << passBits
			for r := 0; r < 8; r++ {
				ws[8*r+c] = v
			}
			continue
		}
		o0, o1, o2, o3, o4, o5, o6, o7 := idct1D(
			int32(blk[c])*q[c]<<constBits, int32(blk[8+c])*q[8+c], int32(blk[16+c])*q[16+c], int32(blk[24+c])*q[24+c],
			int32(blk[32+c])*q[32+c]<<constBits, int32(blk[40+c])*q[40+c], int32(blk[48+c])*q[48+c], int32(blk[56+c])*q[56+c])
		const sh, rnd = constBits - passBits, 1 << (constBits - passBits - 1)
		ws[c], ws[8+c], ws[16+c], ws[24+c] = (o0+rnd)>>sh, (o1+rnd)>>sh, (o2+rnd)>>sh, (o3+rnd)>>sh
		ws[32+c], ws[40+c], ws[48+c], ws[56+c] = (o4+rnd)>>sh, (o5+rnd)>>sh, (o6+rnd)>>sh, (o7+rnd)>>sh
	}
	// Pass 2: rows, out scaled by 1 after dividing by 8; the rounding
	// term and the level shift are added to x0 before the butterflies.
	const sh = constBits + passBits + 3
	const bias = 1<<(sh-1) + 128<<sh
	dst = dst[:7*stride+8]
	for r := 0; r < 8; r++ {
		w := (*[8]int32)(ws[8*r : 8*r+8])
		d := dst[r*stride : r*stride+8 : r*stride+8]
		if w[1]|w[2]|w[3]|w[4]|w[5]|w[6]|w[7] == 0 {
			v := clamp8((w[0]<<constBits + bias) >> sh)
			binary.LittleEndian.PutUint64(d, uint64(v)*0x0101010101010101)
			continue
		}
		o0, o1, o2, o3, o4, o5, o6, o7 := idct1D(w[0]<<constBits+bias, w[1], w[2], w[3], w[4]<<constBits, w[5], w[6], w[7])
		d[0], d[1], d[2], d[3] = clamp8(o0>>sh), clamp8(o1>>sh), clamp8(o2>>sh), clamp8(o3>>sh)
		d[4], d[5], d[6], d[7] = clamp8(o4>>sh), clamp8(o5>>sh), clamp8(o6>>sh), clamp8(o7>>sh)
	}
}

// idct1D4 is idct1D with x4 to x7 zero: the same arithmetic without the
// terms that vanish, so the results are identical.
func idct1D4(x0, x1, x2, x3 int32) (o0, o1, o2, o3, o4, o5, o6, o7 int32) {
	z1 := x2 * fix0_541196100
	t3 := z1 + x2*fix0_765366865
	e0, e3 := x0+t3, x0-t3
	e1, e2 := x0+z1, x0-z1

	z5 := (x3 + x1) * fix1_175875602
	z1 = x1 * -fix0_899976223
	z2 := x3 * -fix2_562915447
	z3 := x3*-fix1_961570560 + z5
	z4 := x1*-fix0_390180644 + z5
	a0 := z1 + z3
	a1 := z2 + z4
	a2 := x3*fix3_072711026 + z2 + z3
	a3 := x1*fix1_501321110 + z1 + z4

	return e0 + a3, e1 + a2, e2 + a1, e3 + a0, e3 - a0, e2 - a1, e1 - a2, e0 - a3
}

// sparseLast is the largest zigzag index whose coefficient lies in the
// top-left 4×4 of the block with all earlier ones: blocks whose last
// non-zero coefficient comes no later can use idct4.
const sparseLast = 9

// idct4 is idct for a block whose non-zero coefficients all lie in its
// top-left 4×4, the common case for smooth content: it transforms four
// columns, then eight rows, of four inputs each, and gives the same
// result as idct.
func idct4(blk *[64]int16, q *[64]int32, dst []uint8, stride int) {
	var ws [32]int32 // 8 rows × 4 columns
	for c := 0; c < 4; c++ {
		if blk[8+c]|blk[16+c]|blk[24+c] == 0 {
			v := int32(blk[c]) * q[c] << passBits
			for r := 0; r < 8; r++ {
				ws[4*r+c] = v
			}
			continue
		}
		o0, o1, o2, o3, o4, o5, o6, o7 := idct1D4(int32(blk[c])*q[c]<<constBits, int32(blk[8+c])*q[8+c], int32(blk[16+c])*q[16+c], int32(blk[24+c])*q[24+c])
		const sh, rnd = constBits - passBits, 1 << (constBits - passBits - 1)
		ws[c], ws[4+c], ws[8+c], ws[12+c] = (o0+rnd)>>sh, (o1+rnd)>>sh, (o2+rnd)>>sh, (o3+rnd)>>sh
		ws[16+c], ws[20+c], ws[24+c], ws[28+c] = (o4+rnd)>>sh, (o5+rnd)>>sh, (o6+rnd)>>sh, (o7+rnd)>>sh
	}
	const sh = constBits + passBits + 3
	const bias = 1<<(sh-1) + 128<<sh
	dst = dst[:7*stride+8]
	for r := 0; r < 8; r++ {
		w := (*[4]int32)(ws[4*r : 4*r+4])
		d := dst[r*stride : r*stride+8 : r*stride+8]
		if w[1]|w[2]|w[3] == 0 {
			v := clamp8((w[0]<<constBits + bias) >> sh)
			binary.LittleEndian.PutUint64(d, uint64(v)*0x0101010101010101)
			continue
		}
		o0, o1, o2, o3, o4, o5, o6, o7 := idct1D4(w[0]<<constBits+bias, w[1], w[2], w[3])
		d[0], d[1], d[2], d[3] = clamp8(o0>>sh), clamp8(o1>>sh), clamp8(o2>>sh), clamp8(o3>>sh)
		d[4], d[5], d[6], d[7] = clamp8(o4>>sh), clamp8(o5>>sh), clamp8(o6>>sh), clamp8(o7>>sh)
	}
}

// idctDC stores the inverse transform of a block whose only non-zero
// coefficient is DC: a constant, equal to what idct computes for it.
func idctDC(dc int16, q0 int32, dst []uint8, stride int) {
	v := uint64(clamp8((int32(dc)*q0+4)>>3+128)) * 0x0101010101010101
	dst = dst[:7*stride+8]
	for r := 0; r < 8; r++ {
		binary.LittleEndian.PutUint64(dst[r*stride:r*stride+8], v)
	}
}

// clamp8 clamps v to [0, 255].
func clamp8(v int32) uint8 {
	if uint32(v) <= 255 {
		return uint8(v)
	}
	if v < 0 {
		return 0
	}
	return 255
}
