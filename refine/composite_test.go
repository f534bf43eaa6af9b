package refine

import (
	"image"
	"image/color"
	"testing"
)

func TestComposeOverColour(t *testing.T) {
	fg := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	copy(fg.Pix, []uint8{200, 100, 0, 255, 200, 100, 0, 255, 200, 100, 0, 255})
	alpha := &Matte{W: 3, H: 1, Pix: []float32{0, 0.25, 1}}

	// Over an opaque colour: C = a*F + (1-a)*B, opaque.
	out := Compose(fg, alpha, Backdrop{Color: color.NRGBA{0, 0, 200, 255}})
	want := []uint8{0, 0, 200, 255, 50, 25, 150, 255, 200, 100, 0, 255}
	for i := range want {
		if out.Pix[i] != want[i] {
			t.Fatalf("over colour: %v, want %v", out.Pix, want)
		}
	}
	// Over transparency: straight alpha, colour zeroed where alpha is 0.
	out = Compose(fg, alpha, Backdrop{})
	want = []uint8{0, 0, 0, 0, 200, 100, 0, 64, 200, 100, 0, 255}
	for i := range want {
		if out.Pix[i] != want[i] {
			t.Fatalf("transparent: %v, want %v", out.Pix, want)
		}
	}
	// Over a half-transparent colour: αo = a + 0.5(1-a).
	out = Compose(fg, alpha, Backdrop{Color: color.NRGBA{0, 0, 200, 128}})
	if out.Pix[3] != 128 || out.Pix[2] != 200 || out.Pix[7] != 160 {
		t.Fatalf("over translucent colour: %v", out.Pix)
	}
	// Over an image, stretched to cover.
	bg := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	copy(bg.Pix, []uint8{10, 20, 30, 255})
	out = Compose(fg, alpha, Backdrop{Image: bg})
	if out.Pix[0] != 10 || out.Pix[1] != 20 || out.Pix[2] != 30 || out.Pix[3] != 255 {
		t.Fatalf("over image: %v", out.Pix)
	}
}

func TestTrimapFromImage(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	copy(img.Pix, []uint8{0, 0, 0, 255, 120, 120, 120, 255, 250, 250, 250, 255, 30, 30, 30, 255})
	tri := TrimapFromImage(img)
	want := []uint8{Background, Unknown, Foreground, Background}
	for i := range want {
		if tri.Pix[i] != want[i] {
			t.Fatalf("labels %v, want %v", tri.Pix, want)
		}
	}
}
