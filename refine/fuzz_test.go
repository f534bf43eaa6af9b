package refine

import (
	"context"
	"image"
	"math"
	"testing"
)

// FuzzAutoGuide builds a matte and an image from arbitrary bytes (NaN
// included) and checks the guide's invariants. Seeds are in testdata/fuzz.
func FuzzAutoGuide(f *testing.F) {
	f.Add([]byte{0, 255, 128, 7, 250, 3}, uint8(3), uint8(2), 0.1, 0.3)
	f.Fuzz(func(t *testing.T, data []byte, w8, h8 uint8, band, inner float64) {
		w, h := int(w8%48), int(h8%48)
		m := NewMatte(w, h)
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range m.Pix {
			if len(data) == 0 {
				break
			}
			b := data[i%len(data)]
			m.Pix[i] = float32(b) / 255
			if b == 13 {
				m.Pix[i] = float32(math.NaN())
			}
			img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = b, b*7, b*13, 255
		}
		checkGuide(t, m, AutoGuide(img, m, &TrimapOptions{Band: band, Inner: inner}))
	})
}

// FuzzSolveAlpha runs Refine on small arbitrary images and trimaps and
// checks that known pixels are kept, alphas are finite and in [0,1], and
// the cutout hides the colour of transparent pixels.
func FuzzSolveAlpha(f *testing.F) {
	f.Add([]byte{10, 200, 30, 255, 128, 0, 90, 14}, uint8(5), uint8(4), uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, w8, h8 uint8, maxSolve uint16) {
		w, h := int(w8%20), int(h8%20)
		if len(data) == 0 {
			data = []byte{0}
		}
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = data[(i*7)%len(data)]
		}
		tri := NewTrimap(w, h)
		for i := range tri.Pix {
			tri.Pix[i] = []uint8{Background, Unknown, Foreground, Unknown}[data[(i*3+1)%len(data)]%4]
		}
		res, err := Refine(context.Background(), img, tri, &Options{MaxSolvePixels: int(maxSolve % 64), MaxIterations: 200})
		if err != nil && !isSolveError(err) {
			t.Fatal(err)
		}
		for i, v := range res.Alpha.Pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("alpha[%d] = %v", i, v)
			}
			if tri.Pix[i] == Foreground && v != 1 || tri.Pix[i] == Background && v != 0 {
				t.Fatalf("known pixel %d changed to %v", i, v)
			}
		}
		out := Compose(res.Foreground, res.Alpha, Backdrop{})
		for i := 0; i < len(out.Pix); i += 4 {
			if out.Pix[i+3] == 0 && (out.Pix[i] != 0 || out.Pix[i+1] != 0 || out.Pix[i+2] != 0) {
				t.Fatalf("transparent pixel %d keeps colour %v", i/4, out.Pix[i:i+3])
			}
		}
	})
}
