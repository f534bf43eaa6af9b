package main

import (
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"cutout/refine/imagefile"
	"cutout/refine/imagefile/mounttest"
)

// mountCaseEnv tells a re-run test binary which mount case to run.
const mountCaseEnv = "CUTOUT_MOUNT_CASE"

// TestWritesOnMounts runs the binary on output folders that misbehave, in
// a child process with its own mount namespace, where it can mount tmpfs
// folders without touching the host: a read-only folder is found before
// the model runs; on a full disk, and when one of a photo's files cannot
// be put in place after the other was, nothing the user had changes and
// no temporary file stays. Machines that do not allow mount namespaces
// skip it.
func TestWritesOnMounts(t *testing.T) {
	if os.Getenv(mountCaseEnv) != "" {
		t.Skip("running as the mount child")
	}
	mounttest.Run(t, "TestMountChild", mountCaseEnv, []string{"readonly", "full", "full-batch", "busy"}, binEnv+"="+bin)
}

// TestMountChild is the child half of TestWritesOnMounts.
func TestMountChild(t *testing.T) {
	mode := os.Getenv(mountCaseEnv)
	if mode == "" {
		t.Skip("helper process for TestWritesOnMounts")
	}
	if !mounttest.Private(t) {
		return
	}
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	trimapFile("t.png", 64, 48)(t, dir)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	size := "size=1m"
	if mode == "full" {
		size = "size=8k" // room for the old files, not for a new cutout
	}
	if err := syscall.Mount("tmpfs", out, "tmpfs", 0, size); err != nil {
		t.Logf(mounttest.SkipPrefix+"mounting a tmpfs is not permitted here: %v", err)
		return
	}
	t.Cleanup(func() { syscall.Unmount(out, syscall.MNT_DETACH) })
	// An earlier cutout and matte, as Cutout wrote them.
	for _, n := range []string{"a.png", "a.mask.png"} {
		if err := imagefile.WritePNG(filepath.Join(out, n), image.NewGray(image.Rect(0, 0, 2, 2)), false); err != nil {
			t.Fatal(err)
		}
	}

	switch mode {
	case "readonly":
		if err := syscall.Mount("", out, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Logf(mounttest.SkipPrefix+"remounting read-only is not permitted here: %v", err)
			return
		}
		before := hashes(t, out)
		// Without --trimap the model would run: the folder is checked
		// before it is even loaded.
		r := cutoutIn(t, dir, nil, "remove", "--cpu", "--force", "-o", "out", "a.jpg")
		wantRun(t, r, dir, 1, nil, []string{`cutout: cannot write to the output folder: imagefile: folder "out": read-only file system`})
		wantFiles(t, out, before)
	case "full":
		before := hashes(t, out)
		r := cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "--force", "-o", "out", "a.jpg")
		wantRun(t, r, dir, 1, []string{"0 ok, 1 failed, 0 skipped, in T on CPU, peak memory M"},
			[]string{`FAIL a.jpg: imagefile: write "out/a.png": no space left on device`})
		wantFiles(t, out, before)
	case "full-batch":
		// The model runs: the first cutout finds the disk full, and the
		// batch stops there instead of computing and failing the rest.
		for _, n := range []string{"b.jpg", "c.jpg", "d.jpg"} {
			photo(n)(t, dir)
		}
		fill(t, filepath.Join(out, "filler"))
		before := hashes(t, out)
		r := cutoutIn(t, dir, nil, "remove", "--cpu", "--mask", "-o", "out", "b.jpg", "c.jpg", "d.jpg")
		wantRun(t, r, dir, 1, []string{"stopped by a full disk after 1 of 3 photos: 0 ok, 1 failed, 0 skipped, in T on CPU, peak memory M"},
			[]string{
				"cutout: model M",
				`FAIL b.jpg: imagefile: write "out/b.png": no space left on device`,
				"cutout: the disk of out is full: the batch stops here; make room and run it again for the photos not done",
			})
		wantFiles(t, out, before)
	case "busy":
		// a.mask.png is a mount point: renaming over it fails (EBUSY)
		// after a.png was replaced, which is then restored.
		src := filepath.Join(dir, "mounted")
		if err := imagefile.WritePNG(src, image.NewGray(image.Rect(0, 0, 2, 2)), false); err != nil { // an earlier matte
			t.Fatal(err)
		}
		if err := syscall.Mount(src, filepath.Join(out, "a.mask.png"), "", syscall.MS_BIND, ""); err != nil {
			t.Logf(mounttest.SkipPrefix+"bind mounts are not permitted here: %v", err)
			return
		}
		defer syscall.Unmount(filepath.Join(out, "a.mask.png"), syscall.MNT_DETACH)
		before := hashes(t, out)
		r := cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "--force", "-o", "out", "a.jpg")
		wantRun(t, r, dir, 1, []string{"0 ok, 1 failed, 0 skipped, in T on CPU, peak memory M"},
			[]string{`FAIL a.jpg: imagefile: write "out/a.mask.png": keep the file being replaced: device or resource busy`})
		wantFiles(t, out, before)
	default:
		t.Fatalf("unknown mount case %q", mode)
	}
	b, _ := json.Marshal(hashes(t, out))
	t.Logf("%sfiles after: %s", mounttest.LogPrefix, b)
}

// fill writes the file path until its disk is full.
func fill(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 512)
	for {
		if _, err := f.Write(block); err != nil {
			return
		}
	}
}
