//go:build windows

package imagefile

import "os"

// holdsTemp is false on Windows, where a file open in Go cannot be
// renamed: ownership of a temporary file goes by the process ID in its
// name.
const holdsTemp = false

func lockTemp(*os.File) error { return nil }

func lockName(string) (*os.File, error) { return nil, nil }

// tempInUse reports whether the process that named the temporary file
// runs: on Windows os.FindProcess opens it, which fails once it has gone.
func tempInUse(_ string, pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
