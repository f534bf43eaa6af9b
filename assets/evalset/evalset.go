// Package evalset locates what tests and benchmarks share on disk: the
// repository root (the folder holding go.mod) and the developer evaluation
// portraits kept beside it in ../shared/testdata/portraits.
//
// The evaluation set is not part of the repository (its licences forbid
// redistribution), so every caller must cope with its absence: Portraits
// skips the calling test with a message, Dir reports "" for benchmarks.
package evalset

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"cutout/refine/imagefile"
)

// Root returns the repository root: the nearest folder at or above the
// working directory that holds go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("evalset: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dir returns the evaluation portraits folder, or "" when it is absent.
func Dir() string {
	root, err := Root()
	if err != nil {
		return ""
	}
	p := filepath.Join(root, "..", "shared", "testdata", "portraits")
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		return ""
	}
	return p
}

// RootT is Root for tests: it fails tb when the root cannot be found.
func RootT(tb testing.TB) string {
	tb.Helper()
	root, err := Root()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// Portraits returns the evaluation portraits folder, or skips tb with a
// message when it is absent.
func Portraits(tb testing.TB) string {
	tb.Helper()
	p := Dir()
	if p == "" {
		tb.Skip("developer evaluation portraits (../shared/testdata/portraits beside the repository) are not available: skipping")
	}
	return p
}

// PortraitJPEG returns a real portrait scaled to w×h (Lanczos) and encoded
// by image/jpeg at quality 92 (4:2:0), as a camera JPEG reaches Cutout,
// and the name of its source: celebamaskhq-demo0 from the evaluation set,
// or the bundled sample portrait without it. It fails tb on any error.
func PortraitJPEG(tb testing.TB, w, h int) ([]byte, string) {
	tb.Helper()
	src := filepath.Join(Dir(), "celebamaskhq-demo0.jpg")
	if Dir() == "" {
		src = filepath.Join(RootT(tb), "assets", "sample", "astronaut.png")
	}
	img, err := imaging.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, imaging.Resize(img, w, h, imaging.Lanczos), &jpeg.Options{Quality: 92}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), filepath.Base(src)
}

// ThroughJPEG returns img encoded by image/jpeg at quality q and decoded
// as Cutout decodes a photo (imagefile.Decode): a photo with a JPEG's
// 8×8 block grid. It fails tb on any error.
func ThroughJPEG(tb testing.TB, img image.Image, q int) *image.NRGBA {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	out, _, err := imagefile.Decode(&buf, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
