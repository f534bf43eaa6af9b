package refine

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

func TestEstimateForegroundSynthetic(t *testing.T) {
	s := newSynthetic(160, 120)
	before := slices.Clone(s.img.Pix)
	fg, err := EstimateForeground(context.Background(), s.img, s.alpha, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, s.img.Pix) {
		t.Error("image modified")
	}
	// Composite the estimate over the true background with the true alpha:
	// it must reproduce the input. The tolerance is 3/255 mean and 24/255
	// worst per channel over the soft pixels (8-bit rounding of F and of
	// the input contributes up to 1/255 each).
	var sumErr, maxErr, sumF float64
	var n, nf int
	for i, a := range s.alpha.Pix {
		if a <= 0 || a >= 1 {
			continue
		}
		for c := range 3 {
			f := float64(fg.Pix[4*i+c]) / 255
			comp := float64(a)*f + float64(1-a)*float64(s.bg[3*i+c])
			e := math.Abs(comp - float64(s.img.Pix[4*i+c])/255)
			sumErr += e
			maxErr = math.Max(maxErr, e)
			n++
			if a > 0.3 {
				sumF += math.Abs(f - float64(s.fg[3*i+c]))
				nf++
			}
		}
		if fg.Pix[4*i+3] != 255 {
			t.Fatal("foreground not opaque")
		}
	}
	mean := sumErr / float64(n)
	t.Logf("composite error over %d soft channel values: mean %.4f, max %.4f; mean |F−F*| where alpha>0.3: %.4f", n, mean, maxErr, sumF/float64(nf))
	if mean > 3.0/255 || maxErr > 24.0/255 {
		t.Errorf("composite error mean %.4f max %.4f", mean, maxErr)
	}
	if sumF/float64(nf) > 0.05 {
		t.Errorf("foreground colour error %.4f", sumF/float64(nf))
	}
	// Opaque pixels keep their colour.
	for i, a := range s.alpha.Pix {
		if a == 1 {
			for c := range 3 {
				if d := int(fg.Pix[4*i+c]) - int(s.img.Pix[4*i+c]); d < -1 || d > 1 {
					t.Fatalf("opaque pixel %d channel %d: %d vs %d", i, c, fg.Pix[4*i+c], s.img.Pix[4*i+c])
				}
			}
		}
	}
}

// TestForegroundTiledMatchesDense checks that relaxing the finest level
// tile by tile gives what the whole-image sweep gives wherever the result
// is visible (alpha > 0).
func TestForegroundTiledMatchesDense(t *testing.T) {
	s := newSynthetic(300, 260)
	dense, err := EstimateForeground(context.Background(), s.img, s.alpha, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func(v int) { fgDenseLimit = v }(fgDenseLimit)
	fgDenseLimit = 1000
	tiled, err := EstimateForeground(context.Background(), s.img, s.alpha, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range s.alpha.Pix {
		if a == 0 {
			continue
		}
		for c := range 4 {
			if d := int(dense.Pix[4*i+c]) - int(tiled.Pix[4*i+c]); d < -1 || d > 1 {
				t.Fatalf("pixel %d (alpha %v) channel %d: dense %d, tiled %d", i, a, c, dense.Pix[4*i+c], tiled.Pix[4*i+c])
			}
		}
	}
}

func TestEstimateForegroundCancel(t *testing.T) {
	s := newSynthetic(64, 48)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EstimateForeground(ctx, s.img, s.alpha, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
