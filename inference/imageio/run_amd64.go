//go:build amd64 && !purego

package imageio

// scanRunSSE2 is nextRun over p[:n] in SSE2, 16 byte pairs at a time: it
// returns the offset of the first run found and true, or the first offset
// it did not examine and false.
//
//go:noescape
func scanRunSSE2(p *byte, n int) (k int, found bool)

// nextRun is nextRunWords, sixteen bytes at a time where it can.
func nextRun(data []byte, i int) (int, bool) {
	if len(data)-i >= 17 {
		k, ok := scanRunSSE2(&data[i], len(data)-i)
		if ok {
			return i + k, true
		}
		i += k
	}
	return nextRunWords(data, i)
}
