//go:build !linux && !darwin && !windows

package main

// peakMemory is not measured on this system.
func peakMemory() string { return "unknown" }

// memTotal is not known on this system, so batches hand the model's
// memory back after every run.
func memTotal() int64 { return 0 }
