//go:build !linux

package inference

// tuneMalloc leaves other platforms' C allocators as they are.
func tuneMalloc() {}
