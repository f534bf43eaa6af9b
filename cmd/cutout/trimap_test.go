package main

import (
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrimapsThatCannotBe: an image given as --trimap that cannot be one
// is refused with what was found, and nothing is written: all grey (no
// known foreground or background), painted in red and blue (read as all
// background, it made a fully transparent cutout), all white, the photo
// itself.
func TestTrimapsThatCannotBe(t *testing.T) {
	const w, h = 64, 48
	uniform := func(c color.Color) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.Set(x, y, c)
			}
		}
		return img
	}
	painted := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			painted.Set(x, y, color.NRGBA{0, 0, 255, 255}) // blue: background
			if x > w/4 && x < 3*w/4 {
				painted.Set(x, y, color.NRGBA{255, 0, 0, 255}) // red: foreground
			}
		}
	}
	cases := map[string]struct {
		trimap image.Image // nil: the photo itself
		want   string
	}{
		"all grey":         {uniform(color.Gray{128}), "FAIL a.jpg: trimap t.png marks no foreground (no white, the subject to keep): 0% white, 100% grey, 0% black"},
		"all white":        {uniform(color.Gray{255}), "FAIL a.jpg: trimap t.png marks no background (no black, what to remove): 100% white, 0% grey, 0% black"},
		"red and blue":     {painted, "FAIL a.jpg: trimap t.png is not grey levels: 100% of its pixels are coloured (is it a photo?); a trimap is black (background), grey (unknown) and white (foreground)"},
		"the photo itself": {nil, "FAIL a.jpg: trimap a.jpg is not grey levels: "},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			photo("a.jpg")(t, dir)
			tri := "a.jpg"
			if c.trimap != nil {
				tri = "t.png"
				writeImage(t, filepath.Join(dir, tri), c.trimap)
			}
			before := hashes(t, dir)
			r := cutoutIn(t, dir, nil, "remove", "--trimap", tri, "-o", ".", "a.jpg")
			if r.code != 1 || !strings.HasPrefix(r.stderr, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and\n%s", r.code, r.stderr, c.want)
			}
			wantFiles(t, dir, before)
		})
	}
}
