package imagefile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"cutout/refine/imagefile"
)

// TestDecodeFilePaths covers what can go wrong with the path rather than
// the content. Every case must return promptly with an error naming the
// path, or decode.
func TestDecodeFilePaths(t *testing.T) {
	dir := t.TempDir()
	png := encodeStdPNG(t, pattern(24, 16, false))
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("spaces and non-ASCII", func(t *testing.T) {
		for _, name := range []string{"my portrait (1).png", "Zoë – été 写真.png", "emoji 😀.jpg"} {
			img, info, err := imagefile.DecodeFile(write(name, png), nil)
			if err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			if img.Rect.Dx() != 24 || info.Format != "png" {
				t.Errorf("%q: decoded %v as %s", name, img.Rect, info.Format)
			}
		}
	})

	t.Run("missing", func(t *testing.T) {
		p := filepath.Join(dir, "nope.jpg")
		_, _, err := imagefile.DecodeFile(p, nil)
		wantPathErr(t, err, p, fs.ErrNotExist)
	})

	t.Run("directory", func(t *testing.T) {
		p := filepath.Join(dir, "folder.png")
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		_, _, err := imagefile.DecodeFile(p, nil)
		wantPathErr(t, err, p, imagefile.ErrNotRegular)
		if !strings.Contains(err.Error(), "directory") {
			t.Errorf("error %q does not say it is a directory", err)
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("permission bits do not block reads on Windows")
		}
		p := write("locked.png", png)
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		if f, err := os.Open(p); err == nil {
			f.Close()
			t.Skip("running with privileges that ignore file permissions (root); the read-error case below covers failing reads")
		}
		_, _, err := imagefile.DecodeFile(p, nil)
		wantPathErr(t, err, p, fs.ErrPermission)
	})

}

func wantPathErr(t *testing.T, err error, path string, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", path)
	}
	if !strings.Contains(err.Error(), `"`+path+`"`) {
		t.Errorf("error %q does not name %q", err, path)
	}
	if !errors.Is(err, target) {
		t.Errorf("error %q does not wrap %v", err, target)
	}
}

func TestIsImageFile(t *testing.T) {
	cases := map[string]bool{
		"a.jpg": true, "a.JPG": true, "a.jpeg": true, "b.Png": true, "c.webp": true, "d.tif": true,
		"e.TIFF": true, "f.bmp": true, "g.gif": true, "dir.d/h.jpeg": true, "my photo.JpEg": true,
		"a.heic": true, "b.HEIF": true, "c.hif": true, "d.avif": true, "e.jfif": true, "f.jpe": true,
		"a.jpg.txt": false, "jpg": false, ".png.bak": false, "": false, "a.": false, "a.svg": false,
	}
	for name, want := range cases {
		if got := imagefile.IsImageFile(name); got != want {
			t.Errorf("IsImageFile(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDecodeMaxPixels(t *testing.T) {
	data := encodeStdPNG(t, pattern(100, 50, false)) // 5000 pixels
	cases := map[string]struct {
		max  int64
		fail bool
	}{
		"default":   {0, false},
		"negative":  {-1, false},
		"exact":     {5000, false},
		"one short": {4999, true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := imagefile.Decode(strings.NewReader(string(data)), &imagefile.DecodeOptions{MaxPixels: c.max})
			if c.fail != (err != nil) {
				t.Fatalf("err = %v, want failure %v", err, c.fail)
			}
			if c.fail && !errors.Is(err, imagefile.ErrTooLarge) {
				t.Errorf("error %q does not wrap ErrTooLarge", err)
			}
		})
	}
}

// TestDecodeReadError checks that a failing reader is reported as such,
// not as an unknown format.
func TestDecodeReadError(t *testing.T) {
	data := encodeStdPNG(t, noise(64, 64, 2))
	for _, n := range []int{0, 10, len(data) / 2} {
		_, _, err := imagefile.Decode(&failReader{data: data, n: n}, nil)
		if !errors.Is(err, errReadFailed) {
			t.Errorf("failing after %d bytes: error %v does not wrap the read error", n, err)
		}
	}
}

var errReadFailed = errors.New("simulated read failure")

// failReader serves n bytes of data, then fails.
type failReader struct {
	data []byte
	n    int
}

func (r *failReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errReadFailed
	}
	k := copy(p[:min(len(p), r.n)], r.data)
	r.data, r.n = r.data[k:], r.n-k
	return k, nil
}
