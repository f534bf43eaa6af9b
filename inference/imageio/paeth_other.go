//go:build !amd64 || purego

package imageio

// filterPaeth4 is filterPaeth for rows of 4-byte pixels.
func filterPaeth4(d, cur, prev []uint8) {
	d, prev = d[:len(cur)], prev[:len(cur)]
	paeth4Head(d, cur, prev)
	paeth4From(d, cur, prev, 4)
}
