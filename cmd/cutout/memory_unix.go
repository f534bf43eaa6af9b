//go:build linux || darwin

package main

import (
	"fmt"
	"syscall"
)

// peakMemory is this process's peak resident set size, for the summary.
func peakMemory() string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%d MiB", int64(ru.Maxrss)*maxrssUnit>>20)
}
