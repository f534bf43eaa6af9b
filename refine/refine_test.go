package refine

import (
	"context"
	"image"
	"math"
	"slices"
	"testing"
)

func TestComposeTransparent(t *testing.T) {
	fg := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	copy(fg.Pix, []uint8{10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 1, 2, 3, 255})
	for name, tc := range map[string]struct {
		alpha []float32
		want  []uint8
	}{
		"opaque":      {[]float32{1, 1, 1, 1}, []uint8{10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 1, 2, 3, 255}},
		"transparent": {[]float32{0, 0, 0, 0}, make([]uint8, 16)},
		"rounding":    {[]float32{0.5, 0.001, 0.002, 0.999}, []uint8{10, 20, 30, 128, 0, 0, 0, 0, 70, 80, 90, 1, 1, 2, 3, 255}},
		"clamped":     {[]float32{-0.5, 2, float32(math.NaN()), 0.25}, []uint8{0, 0, 0, 0, 40, 50, 60, 255, 0, 0, 0, 0, 1, 2, 3, 64}},
	} {
		t.Run(name, func(t *testing.T) {
			got := Compose(fg, &Matte{W: 4, H: 1, Pix: tc.alpha}, Backdrop{})
			if !slices.Equal(got.Pix, tc.want) {
				t.Errorf("got %v, want %v", got.Pix, tc.want)
			}
		})
	}
}

func TestComposeSubImage(t *testing.T) {
	big := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range big.Pix {
		big.Pix[i] = uint8(i)
	}
	sub := big.SubImage(image.Rect(1, 1, 3, 3)).(*image.NRGBA)
	got := Compose(sub, &Matte{W: 2, H: 2, Pix: []float32{1, 1, 1, 1}}, Backdrop{})
	if got.Rect != image.Rect(0, 0, 2, 2) || got.Pix[0] != big.Pix[4*5] || got.Pix[8] != big.Pix[4*9] {
		t.Errorf("sub-image offsets ignored: %v", got.Pix)
	}
}

// TestRefineNewBackground composites the cutout of a synthetic image over
// a new background and compares with the true layers over that
// background: no fringe of the old background may survive. The bound is a
// mean of 2/255 per channel over the unknown band.
func TestRefineNewBackground(t *testing.T) {
	s := newSynthetic(160, 120)
	res, err := Refine(context.Background(), s.img, s.tri, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"setup", "solve", "foreground"} {
		if _, ok := res.Stats.Durations[k]; !ok {
			t.Errorf("no %q duration", k)
		}
	}
	out := Compose(res.Foreground, res.Alpha, Backdrop{})
	newBG := [3]float64{0.1, 0.9, 0.1}
	var sum, naive float64
	var n int
	for i, l := range s.tri.Pix {
		if l != Unknown {
			continue
		}
		a := float64(out.Pix[4*i+3]) / 255
		at := float64(s.alpha.Pix[i])
		for c := range 3 {
			got := a*float64(out.Pix[4*i+c])/255 + (1-a)*newBG[c]
			want := at*float64(s.fg[3*i+c]) + (1-at)*newBG[c]
			sum += math.Abs(got - want)
			// What keeping the input colours would give.
			naive += math.Abs(a*float64(s.img.Pix[4*i+c])/255 + (1-a)*newBG[c] - want)
			n++
		}
	}
	mean, naiveMean := sum/float64(n), naive/float64(n)
	t.Logf("mean composite error over the band: %.4f (input colours instead of F: %.4f); SAD %.4f", mean, naiveMean, sadOf(res.Alpha, s.alpha))
	if mean > 2.0/255 {
		t.Errorf("mean composite error %.4f > %.4f", mean, 2.0/255)
	}
	if mean > naiveMean/2 {
		t.Errorf("foreground estimation removes too little fringe: %.4f vs %.4f", mean, naiveMean)
	}
}
