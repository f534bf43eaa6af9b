//go:build !linux

package main

// tuneMalloc leaves other platforms' C allocators as they are.
func tuneMalloc() {}
