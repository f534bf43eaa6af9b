//go:build windows

package imagefile

import "os"

// processAlive reports whether a process with this ID runs: on Windows
// os.FindProcess opens it, which fails once it has gone.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
