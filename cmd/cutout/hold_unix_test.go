//go:build unix

package main

import (
	"os"
	"syscall"
	"testing"
)

// holdTemp holds a lock on the file at path until the test ends, as a
// run still writing holds its temporary files.
func holdTemp(t *testing.T, path string) {
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
