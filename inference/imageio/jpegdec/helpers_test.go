package jpegdec_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"testing"
)

// pattern returns a w×h test picture: smooth gradients, hard edges and
// seeded noise, so that blocks exercise DC-only, sparse and dense
// coefficient paths.
func pattern(w, h int, seed int64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewSource(seed))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := img.Pix[y*img.Stride+4*x:][:4]
			v0, v1, v2 := x*255/max(w-1, 1), y*255/max(h-1, 1), (x*y)&0xff
			if (x/13+y/11)%3 == 0 { // hard-edged tiles
				v0, v2 = 255-v0, 0
			}
			n := r.Intn(31) - 15
			if x > w/2 { // half the picture noise-free
				n = 0
			}
			p[0] = uint8(min(max(v0+n, 0), 255))
			p[1] = uint8(min(max(v1-n, 0), 255))
			p[2] = uint8(min(max(v2+n/2, 0), 255))
			p[3] = 0xff
		}
	}
	return img
}

// grayPattern is pattern's luma as *image.Gray.
func grayPattern(w, h int, seed int64) *image.Gray {
	src := pattern(w, h, seed)
	g := image.NewGray(src.Rect)
	for i := range g.Pix {
		p := src.Pix[4*i:]
		g.Pix[i] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
	}
	return g
}

// encode returns img as a JPEG from image/jpeg's encoder.
func encode(tb testing.TB, img image.Image, quality int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// reference decodes data with image/jpeg and converts it to NRGBA with
// color.YCbCrToRGB, the result Decode is compared with.
func reference(tb testing.TB, data []byte) (*image.NRGBA, image.Image) {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("image/jpeg: %v", err)
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			p := out.Pix[y*out.Stride+4*x:][:4]
			switch m := img.(type) {
			case *image.YCbCr:
				c := m.YCbCrAt(b.Min.X+x, b.Min.Y+y)
				p[0], p[1], p[2] = color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			case *image.Gray:
				v := m.GrayAt(b.Min.X+x, b.Min.Y+y).Y
				p[0], p[1], p[2] = v, v, v
			default:
				tb.Fatalf("image/jpeg returned %T", img)
			}
			p[3] = 0xff
		}
	}
	return out, img
}

// diff returns the largest and the mean absolute difference over the
// colour channels of two same-size images, and whether any alpha differs.
func diff(tb testing.TB, got, want *image.NRGBA) (maxd int, mean float64) {
	tb.Helper()
	if got.Rect != want.Rect {
		tb.Fatalf("bounds %v, want %v", got.Rect, want.Rect)
	}
	var sum int64
	w := want.Rect.Dx()
	for y := 0; y < want.Rect.Dy(); y++ {
		g, r := got.Pix[y*got.Stride:][:4*w], want.Pix[y*want.Stride:][:4*w]
		for i := range r {
			if i%4 == 3 {
				if g[i] != 0xff {
					tb.Fatalf("alpha %d at (%d, %d), want 255", g[i], i/4, y)
				}
				continue
			}
			d := int(g[i]) - int(r[i])
			d = max(d, -d)
			maxd = max(maxd, d)
			sum += int64(d)
		}
	}
	return maxd, float64(sum) / float64(3*w*want.Rect.Dy())
}
