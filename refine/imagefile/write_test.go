package imagefile_test

import (
	"bytes"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"cutout/refine/imagefile"
)

// writeString returns a WriteFile callback that writes s.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// onlyFiles fails unless dir holds exactly the named files (no temporary
// files left behind).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	got := listDir(t, dir)
	if strings.Join(got, "|") != strings.Join(names, "|") {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s holds %q, want %q", filepath.Base(path), b, want)
	}
}

func TestWriteFile(t *testing.T) {
	t.Run("new file", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "out.png")
		for _, overwrite := range []bool{false, true} {
			os.Remove(p)
			if err := imagefile.WriteFile(p, overwrite, writeString("hello")); err != nil {
				t.Fatal(err)
			}
			wantContent(t, p, "hello")
			onlyFiles(t, dir, "out.png")
			if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, want 0644", fi.Mode().Perm())
			}
		}
	})

	t.Run("exists, no overwrite", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "out.png")
		os.WriteFile(p, []byte("old"), 0o644)
		called := false
		err := imagefile.WriteFile(p, false, func(w io.Writer) error { called = true; return nil })
		if !errors.Is(err, imagefile.ErrExists) {
			t.Fatalf("error %v, want ErrExists", err)
		}
		if called {
			t.Error("write was called although the destination exists")
		}
		wantContent(t, p, "old")
		onlyFiles(t, dir, "out.png")
	})

	t.Run("appears during write", func(t *testing.T) {
		// Another process creates the file while we encode: it must win,
		// and our temporary file must go.
		dir := t.TempDir()
		p := filepath.Join(dir, "out.png")
		err := imagefile.WriteFile(p, false, func(w io.Writer) error {
			if err := os.WriteFile(p, []byte("theirs"), 0o644); err != nil {
				return err
			}
			_, err := io.WriteString(w, "ours")
			return err
		})
		if !errors.Is(err, imagefile.ErrExists) {
			t.Fatalf("error %v, want ErrExists", err)
		}
		wantContent(t, p, "theirs")
		onlyFiles(t, dir, "out.png")
	})

	t.Run("overwrite keeps mode", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no permission bits on Windows")
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "out.png")
		os.WriteFile(p, []byte("old"), 0o600)
		os.Chmod(p, 0o600)
		if err := imagefile.WriteFile(p, true, writeString("new")); err != nil {
			t.Fatal(err)
		}
		wantContent(t, p, "new")
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want the replaced file's 0600", fi.Mode().Perm())
		}
		onlyFiles(t, dir, "out.png")
	})

	t.Run("write fails midway", func(t *testing.T) {
		dir := t.TempDir()
		old := filepath.Join(dir, "old.png")
		os.WriteFile(old, []byte("old"), 0o644)
		for _, c := range []struct {
			path      string
			overwrite bool
		}{{old, true}, {filepath.Join(dir, "new.png"), false}} {
			err := imagefile.WriteFile(c.path, c.overwrite, func(w io.Writer) error {
				// Write a lot, then fail, as an encoder hitting a full disk
				// would.
				if _, err := w.Write(make([]byte, 3<<20)); err != nil {
					return err
				}
				return errDiskFull
			})
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("error %v, want the callback's error", err)
			}
			if !strings.HasPrefix(err.Error(), `imagefile: write "`+c.path+`": `) {
				t.Errorf("error %q lacks the prefix naming the file", err)
			}
			wantContent(t, old, "old")
			onlyFiles(t, dir, "old.png")
		}
	})

	t.Run("encoder fails midway", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "cutout.png")
		err := imagefile.WriteFile(p, true, func(w io.Writer) error {
			return imagefile.EncodePNG(&failWriter{n: 1000}, noise(100, 100, 1))
		})
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("error %v, want the encoder's write error", err)
		}
		onlyFiles(t, dir)
	})

	t.Run("panic in write", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "out.png")
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic was swallowed")
				}
			}()
			imagefile.WriteFile(p, true, func(w io.Writer) error {
				io.WriteString(w, "partial")
				panic("encoder bug")
			})
		}()
		onlyFiles(t, dir)
	})

	t.Run("missing directory", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "no", "such", "dir", "out.png")
		err := imagefile.WriteFile(p, true, writeString("x"))
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("error %v, want not-exist", err)
		}
	})

	t.Run("odd names", func(t *testing.T) {
		dir := t.TempDir()
		long := strings.Repeat("é", 120) + ".png" // 244 bytes: the temporary name must be shortened
		for _, name := range []string{"my cutout (1).png", "Zoë – 写真.png", long, "star*name.png"} {
			if runtime.GOOS == "windows" && strings.Contains(name, "*") {
				continue
			}
			p := filepath.Join(dir, name)
			if err := imagefile.WriteFile(p, false, writeString(name)); err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			wantContent(t, p, name)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 4 && runtime.GOOS != "windows" {
			t.Errorf("%d entries, want 4 (no temporary files)", len(ents))
		}
	})

	t.Run("relative path", func(t *testing.T) {
		t.Chdir(t.TempDir())
		if err := imagefile.WriteFile("rel.png", false, writeString("r")); err != nil {
			t.Fatal(err)
		}
		wantContent(t, "rel.png", "r")
		onlyFiles(t, ".", "rel.png")
	})
}

func TestWritePNG(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cutout.png")
	img := noise(64, 48, 4)
	if err := imagefile.WritePNG(p, img, false); err != nil {
		t.Fatal(err)
	}
	got, info, err := imagefile.DecodeFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != "png" {
		t.Errorf("format %q", info.Format)
	}
	exact(t, got, masked(img))
	if err := imagefile.WritePNG(p, img, false); !errors.Is(err, imagefile.ErrExists) {
		t.Errorf("second write without overwrite: %v, want ErrExists", err)
	}
	before, _ := os.ReadFile(p)
	if err := imagefile.WritePNG(p, image.NewNRGBA(image.Rect(0, 0, 0, 0)), true); err == nil {
		t.Error("writing an empty image succeeded")
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Error("a failed overwrite changed the existing file")
	}
	onlyFiles(t, dir, "cutout.png")
}
