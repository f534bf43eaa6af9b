//go:build !amd64 || purego

package imageio

// maskRGBA zeroes the colour of fully transparent RGBA pixels while
// copying src to dst.
func maskRGBA(dst, src []uint8) { maskRGBAFrom(dst, src, 0) }

// sumAbs returns the sum of |int8(v)| over p, the cost of a filtered row.
func sumAbs(p []uint8) int { return sumAbsFrom(p, 0) }
