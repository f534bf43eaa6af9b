package imagefile_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand"
	"testing"

	"cutout/refine/imagefile"
)

// reference converts img pixel by pixel with the standard library's
// colour functions, the contract ToNRGBA documents.
func reference(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var c color.NRGBA
			switch m := img.(type) {
			case *image.NYCbCrA:
				v := m.NYCbCrAAt(x, y)
				c.R, c.G, c.B = color.YCbCrToRGB(v.Y, v.Cb, v.Cr)
				c.A = v.A
			case *image.YCbCr:
				v := m.YCbCrAt(x, y)
				c.R, c.G, c.B = color.YCbCrToRGB(v.Y, v.Cb, v.Cr)
				c.A = 0xff
			case *image.NRGBA64:
				v := m.NRGBA64At(x, y)
				c = color.NRGBA{uint8(v.R >> 8), uint8(v.G >> 8), uint8(v.B >> 8), uint8(v.A >> 8)}
			default:
				c = color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			}
			out.SetNRGBA(x-b.Min.X, y-b.Min.Y, c)
		}
	}
	return out
}

// fillRandom fills pix with random bytes.
func fillRandom(pix []uint8, r *rand.Rand) { r.Read(pix) }

// randomImages returns one random image of each concrete type ToNRGBA
// handles, within rect. Premultiplied images hold valid colour (channels
// at most alpha), with alpha 0 and full alpha both frequent.
func randomImages(r *rand.Rand, rect image.Rectangle) map[string]image.Image {
	imgs := map[string]image.Image{}

	nrgba := image.NewNRGBA(rect)
	fillRandom(nrgba.Pix, r)
	imgs["NRGBA"] = nrgba

	rgba := image.NewRGBA(rect)
	for i := 0; i < len(rgba.Pix); i += 4 {
		a := uint8(r.Intn(256))
		switch r.Intn(4) {
		case 0:
			a = 0
		case 1:
			a = 255
		}
		for c := 0; c < 3; c++ {
			rgba.Pix[i+c] = uint8(r.Intn(int(a) + 1))
		}
		rgba.Pix[i+3] = a
	}
	imgs["RGBA"] = rgba

	rgba64 := image.NewRGBA64(rect)
	for i := 0; i < len(rgba64.Pix); i += 8 {
		a := uint16(r.Intn(65536))
		switch r.Intn(4) {
		case 0:
			a = 0
		case 1:
			a = 0xffff
		}
		for c := 0; c < 4; c++ {
			v := a
			if c < 3 {
				v = uint16(r.Intn(int(a) + 1))
			}
			rgba64.Pix[i+2*c], rgba64.Pix[i+2*c+1] = uint8(v>>8), uint8(v)
		}
	}
	imgs["RGBA64"] = rgba64

	n64 := image.NewNRGBA64(rect)
	fillRandom(n64.Pix, r)
	imgs["NRGBA64"] = n64

	g := image.NewGray(rect)
	fillRandom(g.Pix, r)
	imgs["Gray"] = g

	g16 := image.NewGray16(rect)
	fillRandom(g16.Pix, r)
	imgs["Gray16"] = g16

	cmyk := image.NewCMYK(rect)
	fillRandom(cmyk.Pix, r)
	imgs["CMYK"] = cmyk

	pal := color.Palette{}
	for i := 0; i < 200; i++ { // fewer than 256: some indices fall outside
		pal = append(pal, color.NRGBA{uint8(r.Intn(256)), uint8(r.Intn(256)), uint8(r.Intn(256)), uint8(r.Intn(256))})
	}
	p := image.NewPaletted(rect, pal)
	for i := range p.Pix {
		p.Pix[i] = uint8(r.Intn(len(pal)))
	}
	imgs["Paletted"] = p

	alpha := image.NewAlpha(rect)
	fillRandom(alpha.Pix, r)
	imgs["Alpha (generic path)"] = alpha

	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		y := image.NewYCbCr(rect, ratio)
		fillRandom(y.Y, r)
		fillRandom(y.Cb, r)
		fillRandom(y.Cr, r)
		imgs["YCbCr"+ratio.String()[19:]] = y

		a := image.NewNYCbCrA(rect, ratio)
		fillRandom(a.Y, r)
		fillRandom(a.Cb, r)
		fillRandom(a.Cr, r)
		fillRandom(a.A, r)
		imgs["NYCbCrA"+ratio.String()[19:]] = a
	}
	return imgs
}

type subImager interface {
	SubImage(image.Rectangle) image.Image
}

func TestToNRGBA(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	rects := []image.Rectangle{
		image.Rect(0, 0, 1, 1),
		image.Rect(0, 0, 37, 23),
		image.Rect(0, 0, 300, 70), // enough rows for several bands
		image.Rect(-5, -3, 17, 12),
	}
	for _, rect := range rects {
		for name, img := range randomImages(r, rect) {
			t.Run(fmt.Sprintf("%s/%v", name, rect), func(t *testing.T) {
				check := exact
				switch img.(type) {
				case *image.RGBA, *image.RGBA64, *image.NYCbCrA:
					// imaging divides premultiplied colour by alpha with
					// its own rounding (±1), and leaves pixels whose
					// alpha rounds to 0 black.
					check = visiblyNear
				}
				check(t, imagefile.ToNRGBA(img), reference(img))
				// An odd sub-rectangle exercises strides and chroma offsets.
				sub := rect.Inset(1)
				if sub.Empty() {
					return
				}
				si := img.(subImager).SubImage(image.Rect(sub.Min.X+1, sub.Min.Y, sub.Max.X, sub.Max.Y))
				check(t, imagefile.ToNRGBA(si), reference(si))
			})
		}
	}
}

func TestToNRGBACopies(t *testing.T) {
	src := noise(8, 4, 3)
	before := append([]uint8{}, src.Pix...)
	got := imagefile.ToNRGBA(src)
	got.Pix[0]++
	if !bytes.Equal(src.Pix, before) {
		t.Error("ToNRGBA result aliases its input")
	}
}

func TestToNRGBAEmpty(t *testing.T) {
	got := imagefile.ToNRGBA(image.NewRGBA(image.Rect(3, 3, 3, 9)))
	if !got.Rect.Empty() || len(got.Pix) != 0 {
		t.Errorf("empty input gave %v with %d bytes", got.Rect, len(got.Pix))
	}
}

// visiblyNear checks that got is within 1 per channel of want wherever
// want's alpha is not 0, and transparent where it is.
func visiblyNear(t *testing.T, got, want *image.NRGBA) {
	t.Helper()
	if got.Rect.Size() != want.Rect.Size() {
		t.Fatalf("sizes %v, %v", got.Rect.Size(), want.Rect.Size())
	}
	for i := 0; i < len(want.Pix); i += 4 {
		g := color.NRGBA{got.Pix[i], got.Pix[i+1], got.Pix[i+2], got.Pix[i+3]}
		w := color.NRGBA{want.Pix[i], want.Pix[i+1], want.Pix[i+2], want.Pix[i+3]}
		if w.A == 0 && g.A == 0 {
			continue
		}
		if !nearColor(g, w, 1) {
			t.Fatalf("pixel %d: %v, want %v ±1", i/4, g, w)
		}
	}
}
