package deblock_test

import (
	"bytes"
	"image"
	"image/draw"
	"math"
	"math/rand"
	"testing"

	"cutout/assets/evalset"
	"cutout/refine/deblock"
	"cutout/refine/imagefile"
)

// smooth returns a w×h photo of soft gradients with a sensor's faint
// noise, that a JPEG at low quality turns into flat tiles.
func smooth(w, h int) *image.NRGBA {
	r := rand.New(rand.NewSource(1))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			i := img.PixOffset(x, y)
			n := 2 * r.NormFloat64()
			img.Pix[i] = uint8(60 + 120*fx + 20*math.Sin(7*fy) + n)
			img.Pix[i+1] = uint8(90 + 80*fy + n)
			img.Pix[i+2] = uint8(140 - 60*fx*fy + n)
			img.Pix[i+3] = 255
		}
	}
	return img
}

// crop returns img from (dx, dy) on, as a photo of its own.
func crop(img *image.NRGBA, dx, dy int) *image.NRGBA {
	r := img.Rect
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx()-dx, r.Dy()-dy))
	draw.Draw(out, out.Rect, img, image.Pt(dx, dy), draw.Src)
	return out
}

func TestGrid(t *testing.T) {
	for _, c := range []struct {
		name string
		img  *image.NRGBA
		want image.Point
		ok   bool
	}{
		{"lossless gradients", smooth(320, 240), image.Point{}, false},
		{"gradients, JPEG quality 75", evalset.ThroughJPEG(t, smooth(320, 240), 75), image.Pt(0, 0), true},
		{"gradients, JPEG quality 75, cropped by (3, 5)", crop(evalset.ThroughJPEG(t, smooth(320, 240), 75), 3, 5), image.Pt(5, 3), true},
		{"gradients, JPEG quality 90, cropped by (6, 1)", crop(evalset.ThroughJPEG(t, smooth(320, 240), 90), 6, 1), image.Pt(2, 7), true},
		{"too small to tell", evalset.ThroughJPEG(t, smooth(24, 24), 50), image.Point{}, false},
	} {
		o, ok := deblock.Grid(c.img)
		if ok != c.ok || ok && o != c.want {
			t.Errorf("%s: Grid = %v, %v; want %v, %v", c.name, o, ok, c.want, c.ok)
		}
	}
}

func TestPlane(t *testing.T) {
	// Two 16×16 planes of 8×8 tiles: one with tiles 0.1 apart (blocks),
	// one with a step of 0.6 (an edge); only the first is ramped, and
	// only on the lines ok allows.
	const w, h = 16, 16
	tiles := make([]float32, w*h)
	edge := make([]float32, w*h)
	for y := range h {
		for x := range w {
			if x >= 8 {
				tiles[y*w+x] = 0.1
				edge[y*w+x] = 0.6
			}
		}
	}
	all := func(int, int) bool { return true }
	deblock.Plane(tiles, w, image.Rect(0, 0, w, h), image.Point{}, 0.25, all)
	deblock.Plane(edge, w, image.Rect(0, 0, w, h), image.Point{}, 0.25, all)
	for y := range h {
		for x := 4; x < 12; x++ {
			want := float32(0.1) * (float32(x-4) + 0.5) / 8
			if d := tiles[y*w+x] - want; d > 1e-6 || d < -1e-6 {
				t.Fatalf("tiles at (%d, %d): %.4f, want the ramp's %.4f", x, y, tiles[y*w+x], want)
			}
		}
		if edge[y*w+7] != 0 || edge[y*w+8] != 0.6 {
			t.Fatalf("row %d: the edge became %.3f | %.3f", y, edge[y*w+7], edge[y*w+8])
		}
	}
	// On the lines ok refuses, nothing moves.
	tiles2 := make([]float32, w*h)
	for i := range tiles2 {
		if i%w >= 8 {
			tiles2[i] = 0.1
		}
	}
	deblock.Plane(tiles2, w, image.Rect(0, 0, w, h), image.Point{}, 0.25, func(i0, step int) bool { return i0 != 4 })
	if tiles2[5] != 0 || tiles2[8] != 0.1 {
		t.Errorf("a line ok refused was filtered: %.3f, %.3f", tiles2[5], tiles2[8])
	}
	if tiles2[w+5] == 0 {
		t.Error("a line ok allowed was not filtered")
	}
}

// bench12 is a 12 MP portrait through JPEG at quality 92, as a camera's
// photo reaches Cutout.
func bench12(b *testing.B) *image.NRGBA {
	data, _ := evalset.PortraitJPEG(b, 4000, 3000)
	img, _, err := imagefile.Decode(bytes.NewReader(data), nil)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func BenchmarkGrid12MP(b *testing.B) {
	img := bench12(b)
	b.ResetTimer()
	for b.Loop() {
		if _, ok := deblock.Grid(img); !ok {
			b.Fatal("no grid")
		}
	}
}

// BenchmarkPlane12MP deblocks a 12 MP alpha of soft tiles, every pixel
// inside: the most Cut spends on an alpha.
func BenchmarkPlane12MP(b *testing.B) {
	const w, h = 4000, 3000
	p := make([]float32, w*h)
	for i := range p {
		p[i] = 0.5 + 0.01*float32((i%w/8+i/w/8)%3)
	}
	all := func(int, int) bool { return true }
	b.ResetTimer()
	for b.Loop() {
		deblock.Plane(p, w, image.Rect(0, 0, w, h), image.Point{}, 0.25, all)
	}
}
