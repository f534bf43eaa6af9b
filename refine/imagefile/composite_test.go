package imagefile_test

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"cutout/refine"
	"cutout/refine/imagefile"
)

// TestCompositeEncodesLikeCompose checks that encoding the row-by-row
// composite gives the same PNG bytes as encoding the materialised one, for
// every kind of backdrop, and that At agrees with Compose: the command
// line encodes the one, the editor the other.
func TestCompositeEncodesLikeCompose(t *testing.T) {
	const w, h = 301, 97
	fg := image.NewNRGBA(image.Rect(0, 0, w, h))
	alpha := refine.NewMatte(w, h)
	bg := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range fg.Pix {
		fg.Pix[i] = uint8(i*7 + i/w)
	}
	for i := range bg.Pix {
		bg.Pix[i] = uint8(255 - i*3)
	}
	for i := range alpha.Pix {
		// Exact 0 and 1 over whole stretches, ramps between.
		alpha.Pix[i] = min(max(float32(i%w-100)/100, 0), 1)
	}
	for _, b := range []struct {
		name string
		bg   refine.Backdrop
	}{
		{"transparent", refine.Backdrop{}},
		{"colour", refine.Backdrop{Color: color.NRGBA{10, 200, 30, 255}}},
		{"translucent colour", refine.Backdrop{Color: color.NRGBA{10, 200, 30, 100}}},
		{"image", refine.Backdrop{Image: bg}},
	} {
		t.Run(b.name, func(t *testing.T) {
			full := refine.Compose(fg, alpha, b.bg)
			lazy := refine.NewComposite(fg, alpha, b.bg)
			var want, got bytes.Buffer
			if err := imagefile.EncodePNG(&want, full); err != nil {
				t.Fatal(err)
			}
			if err := imagefile.EncodePNG(&got, lazy); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("row-by-row PNG (%d bytes) differs from the materialised one (%d bytes)", got.Len(), want.Len())
			}
			for _, p := range []image.Point{{0, 0}, {150, 40}, {w - 1, h - 1}, {120, 3}} {
				if g, wnt := lazy.At(p.X, p.Y), full.NRGBAAt(p.X, p.Y); g != wnt {
					t.Errorf("At%v = %v, want %v", p, g, wnt)
				}
			}
		})
	}
}
