//go:build !amd64 || purego

package imageio

// nextRun is nextRunWords.
func nextRun(data []byte, i int) (int, bool) { return nextRunWords(data, i) }
