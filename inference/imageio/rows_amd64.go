//go:build amd64 && !purego

package imageio

// maskRGBASSE2 copies blocks·16 bytes of RGBA pixels from src to dst,
// zeroing the pixels whose alpha is 0; dst may be src.
//
//go:noescape
func maskRGBASSE2(dst, src *byte, blocks int)

// sumAbsSSE2 returns the sum of |int8(v)| over blocks·16 bytes at p.
//
//go:noescape
func sumAbsSSE2(p *byte, blocks int) int

// maskRGBA zeroes the colour of fully transparent RGBA pixels while
// copying src to dst: SSE2 for whole blocks of four pixels, Go for the rest.
func maskRGBA(dst, src []uint8) {
	blocks := len(src) / 16
	if blocks > 0 {
		_ = dst[16*blocks-1]
		maskRGBASSE2(&dst[0], &src[0], blocks)
	}
	maskRGBAFrom(dst, src, 16*blocks)
}

// sumAbs returns the sum of |int8(v)| over p, the cost of a filtered row.
func sumAbs(p []uint8) int {
	blocks := len(p) / 16
	sum := 0
	if blocks > 0 {
		sum = sumAbsSSE2(&p[0], blocks)
	}
	return sum + sumAbsFrom(p, 16*blocks)
}
