//go:build unix

// Package locktest holds files locked the way imagefile's writers hold
// their temporary files, for tests of CleanTemp and of runs that share an
// output folder.
package locktest

import (
	"os"
	"syscall"
	"testing"
)

// Hold takes an exclusive lock on the file at path, as a writer still
// writing holds its temporary file, until the test ends. A file system
// without locks skips the test.
func Hold(t testing.TB, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Skipf("no file locks here: %v", err)
	}
}
