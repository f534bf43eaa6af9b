//go:build amd64 && !purego

package imageio

// paethSSE2 writes d[i] = cur[i] − Paeth(cur[i−4], prev[i], prev[i−4]) for
// the blocks·16 bytes starting at each pointer; the 4 bytes before cur and
// prev must be readable. It is written in SSE2, which every amd64 CPU has:
// sixteen bytes at a time as 16-bit lanes, the predictor chosen with masks.
//
//go:noescape
func paethSSE2(d, cur, prev *byte, blocks int)

// filterPaeth4 is filterPaeth for rows of 4-byte pixels: SSE2 for whole
// blocks of 16 bytes after the first pixel, Go for the rest.
func filterPaeth4(d, cur, prev []uint8) {
	n := len(cur)
	d, prev = d[:n], prev[:n]
	paeth4Head(d, cur, prev)
	blocks := max(n-4, 0) / 16
	if blocks > 0 {
		paethSSE2(&d[4], &cur[4], &prev[4], blocks)
	}
	paeth4From(d, cur, prev, 4+16*blocks)
}
