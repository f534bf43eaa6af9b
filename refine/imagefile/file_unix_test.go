//go:build unix

package imagefile_test

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"cutout/refine/imagefile"
)

// TestDecodeFileSpecial covers special files that would block or fail
// reads.
func TestDecodeFileSpecial(t *testing.T) {
	dir := t.TempDir()
	t.Run("named pipe", func(t *testing.T) {
		p := filepath.Join(dir, "pipe.jpg")
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("cannot create a FIFO here: %v", err)
		}
		// Opening a FIFO with no writer blocks forever; DecodeFile must
		// refuse it from its mode instead.
		done := make(chan error, 1)
		go func() {
			_, _, err := imagefile.DecodeFile(p, nil)
			done <- err
		}()
		select {
		case err := <-done:
			wantPathErr(t, err, p, imagefile.ErrNotRegular)
		case <-time.After(5 * time.Second):
			// Unblock the stuck open so the test binary can exit.
			if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
				f.Close()
			}
			t.Fatal("DecodeFile blocked on a named pipe")
		}
	})

	t.Run("read error", func(t *testing.T) {
		// Reading /proc/self/mem at offset 0 fails with EIO: a regular
		// file whose reads fail, readable even by root.
		const p = "/proc/self/mem"
		if runtime.GOOS != "linux" {
			t.Skip("needs Linux /proc")
		}
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s unavailable: %v", p, err)
		}
		_, _, err := imagefile.DecodeFile(p, nil)
		wantPathErr(t, err, p, syscall.EIO)
	})

	t.Run("device", func(t *testing.T) {
		const p = "/dev/zero" // endless: must be refused, not read
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s unavailable: %v", p, err)
		}
		_, _, err := imagefile.DecodeFile(p, nil)
		wantPathErr(t, err, p, imagefile.ErrNotRegular)
	})
}
