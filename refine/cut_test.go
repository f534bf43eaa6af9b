package refine

import (
	"context"
	"image/color"
	"slices"
	"testing"
)

// TestCutKeepsPhotoAlpha: a photo with its own transparency (the left
// third cleared, a strip half transparent) never gets more alpha back,
// whichever way the cutout is made, in the matte, in the foreground it
// returns and in every composite of them. An opaque photo is unaffected.
func TestCutKeepsPhotoAlpha(t *testing.T) {
	s := newSynthetic(160, 120)
	w, h := 160, 120
	img := toNRGBA(s.img)
	for y := range h {
		for x := range w {
			switch {
			case x < w/3:
				img.Pix[4*(y*w+x)+3] = 0
			case y < 10:
				img.Pix[4*(y*w+x)+3] = 100
			}
		}
	}
	before := slices.Clone(img.Pix)
	seg := NewMatte(w, h)
	for i := range seg.Pix {
		seg.Pix[i] = 1 // the model calls everything foreground
	}
	tri := NewTrimap(w, h)
	for i := range tri.Pix {
		tri.Pix[i] = Foreground
		if i%w > w/2 {
			tri.Pix[i] = Unknown
		}
	}
	for name, c := range map[string]struct {
		in  Input
		opt *CutOptions
	}{
		"no refine": {Input{Matte: seg}, &CutOptions{NoRefine: true}},
		"automatic": {Input{Matte: seg}, nil},
		"trimap":    {Input{Trimap: tri}, nil},
		"both":      {Input{Matte: seg, Trimap: tri}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			segBefore := slices.Clone(seg.Pix)
			res, err := Cut(context.Background(), img, c.in, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(img.Pix, before) || !slices.Equal(seg.Pix, segBefore) {
				t.Fatal("Cut modified its inputs")
			}
			outs := map[string][]uint8{
				"transparency": Compose(res.Foreground, res.Alpha, Backdrop{}).Pix,
				"colour":       Compose(res.Foreground, res.Alpha, Backdrop{Color: color.NRGBA{0, 0, 255, 128}}).Pix,
			}
			for i, a := range res.Alpha.Pix {
				in := float32(img.Pix[4*i+3]) / 255
				if a > in {
					t.Fatalf("pixel %d: alpha %v over the photo's %v", i, a, in)
				}
				if res.Foreground.Pix[4*i+3] != img.Pix[4*i+3] {
					t.Fatalf("pixel %d: foreground alpha %d, photo's %d", i, res.Foreground.Pix[4*i+3], img.Pix[4*i+3])
				}
				if got := outs["transparency"][4*i+3]; got > img.Pix[4*i+3] {
					t.Fatalf("pixel %d: composite alpha %d over the photo's %d", i, got, img.Pix[4*i+3])
				}
				// Over a colour of alpha 128, a cleared pixel shows the
				// colour alone.
				if img.Pix[4*i+3] == 0 && outs["colour"][4*i+3] != 128 {
					t.Fatalf("pixel %d: cleared pixel over the colour has alpha %d, want 128", i, outs["colour"][4*i+3])
				}
			}
			if a := res.Alpha.Pix[5*w+w/2]; a != float32(100)/255 {
				t.Errorf("half-transparent strip: alpha %v, want the photo's 100/255", a)
			}
		})
	}

	// An opaque photo: the bound changes nothing (same matte as before).
	opaqueImg := newSynthetic(w, h).img
	res, err := Cut(context.Background(), opaqueImg, Input{Matte: seg}, &CutOptions{NoRefine: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Alpha != seg {
		t.Error("an opaque photo's matte was copied")
	}
}

// TestCompositeBoundedByForeground: the compositor never shows more of a
// pixel than the foreground's own alpha lets it, over transparency, a
// colour and an image, so the editor's shifted or feathered mattes keep a
// photo's transparency too.
func TestCompositeBoundedByForeground(t *testing.T) {
	img := toNRGBA(newSynthetic(4, 1).img)
	alphas := []uint8{255, 0, 128, 255}
	for i, a := range alphas {
		img.Pix[4*i+3] = a
	}
	alpha := &Matte{W: 4, H: 1, Pix: []float32{1, 1, 1, 0.25}}
	bg := newSynthetic(4, 1).img
	for name, back := range map[string]Backdrop{
		"transparency": {},
		"colour":       {Color: color.NRGBA{0, 0, 255, 255}},
		"image":        {Image: toNRGBA(bg)},
	} {
		t.Run(name, func(t *testing.T) {
			out := Compose(img, alpha, back)
			c := NewComposite(img, alpha, back)
			row := make([]uint8, 16)
			c.NRGBARow(0, row)
			if !slices.Equal(row, out.Pix) {
				t.Fatalf("NRGBARow %v, Compose %v", row, out.Pix)
			}
			if name == "transparency" {
				want := []uint8{255, 0, 128, 64}
				for i := range want {
					if out.Pix[4*i+3] != want[i] {
						t.Fatalf("alpha %d, want %d at pixel %d", out.Pix[4*i+3], want[i], i)
					}
				}
				return
			}
			// Opaque backdrop: pixel 1 (cleared) is the backdrop alone.
			b := back.Color
			if back.Image != nil {
				b = color.NRGBA{back.Image.Pix[4], back.Image.Pix[5], back.Image.Pix[6], 255}
			}
			if got := out.Pix[4:8]; got[0] != b.R || got[1] != b.G || got[2] != b.B || got[3] != 255 {
				t.Errorf("cleared pixel over %s: %v, want %v", name, got, b)
			}
		})
	}
}
