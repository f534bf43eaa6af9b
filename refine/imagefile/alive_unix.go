//go:build unix

package imagefile

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this ID runs (signal 0
// probes without signalling; EPERM means it runs as another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
