package imagefile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"cutout/refine/imagefile"
	"cutout/refine/imagefile/mounttest"
)

// mountChildEnv tells a re-executed test binary which mount case to run.
const mountChildEnv = "IMAGEIO_MOUNT_CASE"

// TestWriteFileMounts runs the full-disk, read-only and busy cases in a
// child process with its own mount namespace, where it can mount a tiny
// tmpfs without touching the host. Unprivileged machines skip it.
func TestWriteFileMounts(t *testing.T) {
	if os.Getenv(mountChildEnv) != "" {
		t.Skip("running as the mount child")
	}
	mounttest.Run(t, "TestMountChild", mountChildEnv, []string{"full", "readonly", "busy"})
}

// TestMountChild is the child half of TestWriteFileMounts.
func TestMountChild(t *testing.T) {
	mode := os.Getenv(mountChildEnv)
	if mode == "" {
		t.Skip("helper process for TestWriteFileMounts")
	}
	if !mounttest.Private(t) {
		return
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Logf(mounttest.SkipPrefix+"mounting a tmpfs is not permitted here: %v", err)
		return
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })

	existing := filepath.Join(dir, "cutout.png")
	if err := os.WriteFile(existing, []byte("previous cutout"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := noise(512, 512, 1) // about 1 MB of PNG: far over 64 KiB

	switch mode {
	case "full":
		for _, c := range []struct {
			path      string
			overwrite bool
		}{{existing, true}, {filepath.Join(dir, "new.png"), false}} {
			err := imagefile.WritePNG(c.path, big, c.overwrite)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("WritePNG(%s) on a full disk: %v, want ENOSPC", filepath.Base(c.path), err)
			}
			if !strings.Contains(err.Error(), "no space left on device") {
				t.Errorf("error %q does not say the disk is full", err)
			}
			t.Logf(mounttest.LogPrefix+"%v", err)
		}
		// A group whose second file does not fit: the first, which fits,
		// is not put in place either.
		err := imagefile.WriteFiles([]imagefile.File{
			{Path: existing, Write: func(w io.Writer) error { return imagefile.EncodePNG(w, noise(8, 8, 1)) }},
			{Path: filepath.Join(dir, "new.mask.png"), Write: func(w io.Writer) error { return imagefile.EncodePNG(w, big) }},
		}, true)
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("WriteFiles on a full disk: %v, want ENOSPC", err)
		}
		t.Logf(mounttest.LogPrefix+"%v", err)
	case "busy":
		// The second file of a group cannot be replaced (a mount point:
		// EBUSY) after the first was: the first is restored.
		src := filepath.Join(dir, "source")
		busy := filepath.Join(dir, "busy.png")
		for _, p := range []string{src, busy} {
			if err := os.WriteFile(p, []byte("mounted"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := syscall.Mount(src, busy, "", syscall.MS_BIND, ""); err != nil {
			t.Logf(mounttest.SkipPrefix+"bind mounts are not permitted here: %v", err)
			return
		}
		defer syscall.Unmount(busy, syscall.MNT_DETACH)
		err := imagefile.WriteFiles([]imagefile.File{
			{Path: existing, Write: func(w io.Writer) error { return imagefile.EncodePNG(w, noise(8, 8, 1)) }},
			{Path: busy, Write: func(w io.Writer) error { return imagefile.EncodePNG(w, noise(8, 8, 2)) }},
		}, true)
		if !errors.Is(err, syscall.EBUSY) {
			t.Fatalf("WriteFiles onto a mount point: %v, want EBUSY", err)
		}
		t.Logf(mounttest.LogPrefix+"%v", err)
		wantContent(t, busy, "mounted")
		syscall.Unmount(busy, syscall.MNT_DETACH)
		os.Remove(busy)
		os.Remove(src)
	case "readonly":
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Logf(mounttest.SkipPrefix+"remounting read-only is not permitted here: %v", err)
			return
		}
		for _, c := range []struct {
			path      string
			overwrite bool
		}{{existing, true}, {filepath.Join(dir, "new.png"), false}} {
			err := imagefile.WritePNG(c.path, noise(8, 8, 1), c.overwrite)
			if !errors.Is(err, syscall.EROFS) {
				t.Fatalf("WritePNG(%s) on a read-only mount: %v, want EROFS", filepath.Base(c.path), err)
			}
			t.Logf(mounttest.LogPrefix+"%v", err)
		}
	default:
		t.Fatalf("unknown mount case %q", mode)
	}

	b, err := os.ReadFile(existing)
	if err != nil || string(b) != "previous cutout" {
		t.Errorf("existing file now holds %q (%v); want it untouched", b, err)
	}
	onlyFiles(t, dir, "cutout.png")
}
