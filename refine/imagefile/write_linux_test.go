package imagefile_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"cutout/refine/imagefile"
)

// mountChildEnv tells a re-executed test binary which mount case to run.
const mountChildEnv = "IMAGEIO_MOUNT_CASE"

// TestWriteFileMounts runs the full-disk and read-only cases in a child
// process with its own mount namespace, where it can mount a tiny tmpfs
// without touching the host. Unprivileged machines skip it.
func TestWriteFileMounts(t *testing.T) {
	if os.Getenv(mountChildEnv) != "" {
		t.Skip("running as the mount child")
	}
	for _, mode := range []string{"full", "readonly"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMountChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), mountChildEnv+"="+mode)
			cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
			out, err := cmd.CombinedOutput()
			text := string(out)
			if err != nil && !strings.Contains(text, "TestMountChild") {
				t.Skipf("cannot start a process in a new mount namespace (%v); needs CAP_SYS_ADMIN", err)
			}
			if i := strings.Index(text, "mount-skip: "); i >= 0 {
				t.Skip(strings.SplitN(text[i:], "\n", 2)[0])
			}
			if err != nil || !strings.Contains(text, "--- PASS: TestMountChild") {
				t.Fatalf("mount child failed (%v):\n%s", err, text)
			}
			t.Log(strings.TrimSpace(grepLines(text, "mount-log: ")))
		})
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if i := strings.Index(l, prefix); i >= 0 {
			out = append(out, l[i+len(prefix):])
		}
	}
	return strings.Join(out, "\n")
}

// TestMountChild is the child half of TestWriteFileMounts.
func TestMountChild(t *testing.T) {
	mode := os.Getenv(mountChildEnv)
	if mode == "" {
		t.Skip("helper process for TestWriteFileMounts")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Logf("mount-skip: mounting a tmpfs is not permitted here: %v", err)
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
			t.Logf("mount-log: %v", err)
		}
	case "readonly":
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Logf("mount-skip: remounting read-only is not permitted here: %v", err)
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
			t.Logf("mount-log: %v", err)
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
