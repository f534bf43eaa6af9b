package refine

import (
	"context"
	"errors"
	"image"
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

// TestForegroundTiled checks the large-image path (coarse levels up to
// the dense limit, then full-resolution tiles only where alpha is soft)
// against the whole-image method: the composite over the true background
// must be as good, and the visible colours close.
func TestForegroundTiled(t *testing.T) {
	s := newSynthetic(400, 300)
	dense, err := EstimateForeground(context.Background(), s.img, s.alpha, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The tiled path of a photo over fgDenseLimit, on a small one: levels
	// over 20,000 pixels are tiled.
	tiled, err := estimateForeground(context.Background(), s.img, s.alpha, &reporter{}, 0, 1, 20000)
	if err != nil {
		t.Fatal(err)
	}
	compositeErr := func(fg []uint8) float64 {
		var sum float64
		var n int
		for i, a := range s.alpha.Pix {
			if a <= 0 || a >= 1 {
				continue
			}
			for c := range 3 {
				comp := float64(a)*float64(fg[4*i+c])/255 + float64(1-a)*float64(s.bg[3*i+c])
				sum += math.Abs(comp - float64(s.img.Pix[4*i+c])/255)
				n++
			}
		}
		return sum / float64(n)
	}
	var diff float64
	var n int
	for i, a := range s.alpha.Pix {
		if a > 0 {
			for c := range 3 {
				diff += math.Abs(float64(dense.Pix[4*i+c]) - float64(tiled.Pix[4*i+c]))
				n++
			}
		}
	}
	ed, et := compositeErr(dense.Pix), compositeErr(tiled.Pix)
	t.Logf("composite error dense %.4f, tiled %.4f; mean |dense−tiled| where visible %.3f/255", ed, et, diff/float64(n))
	if et > ed*1.25+0.5/255 {
		t.Errorf("tiled composite error %.4f, dense %.4f", et, ed)
	}
	if diff/float64(n) > 1 {
		t.Errorf("tiled differs from dense by %.3f/255 on average", diff/float64(n))
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

// TestForegroundActiveMatchesWholeTile checks that relaxing a tile only
// within reach of its soft alpha gives every visible pixel the colour a
// relaxation of the whole tile gives it, on the hair photos' true alphas.
func TestForegroundActiveMatchesWholeTile(t *testing.T) {
	for _, c := range loadGT(t) {
		t.Run(c.name, func(t *testing.T) {
			w, h := c.alpha.W, c.alpha.H
			prev := newFGLevel(c.img, c.alpha, (w+3)/4, (h+3)/4, nil)
			for range fgBigIters {
				prev.relax(0, 0, prev.w, prev.h)
			}
			m := newCoarseMap(prev, w, h)
			whole, active := image.NewNRGBA(image.Rect(0, 0, w, h)), image.NewNRGBA(image.Rect(0, 0, w, h))
			wb, ab := newTileBuf(), newTileBuf()
			all := make([]bool, len(wb.act)) // the whole tile
			for i := range all {
				all[i] = true
			}
			tx, ty := (w+fgTile-1)/fgTile, (h+fgTile-1)/fgTile
			var tiles, skipped, visible, worst int
			for tile := range tx * ty {
				x0, y0, x1, y1, hx0, hy0, hx1, hy1 := tileRects(tile, tx, w, h)
				if !softIn(c.alpha, hx0, hy0, hx1, hy1) {
					continue
				}
				tiles++
				lw := tileLevel(&wb.fgLevel, c.img, c.alpha, m, hx0, hy0, hx1, hy1)
				la := tileLevel(&ab.fgLevel, c.img, c.alpha, m, hx0, hy0, hx1, hy1)
				act := ab.active(la)
				for range fgTileIters {
					lw.relaxActive(hx0+hy0, all)
					la.relaxActive(hx0+hy0, act)
				}
				lw.write(whole, x0-hx0, y0-hy0, x1-hx0, y1-hy0, hx0, hy0)
				la.writeActive(active, c.img, act, x0-hx0, y0-hy0, x1-hx0, y1-hy0, hx0, hy0)
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						if !act[(y-hy0)*la.w+x-hx0] {
							skipped++
						}
						if c.alpha.Pix[y*w+x] <= 0 {
							continue
						}
						visible++
						for ch := range 3 {
							k := 4*(y*w+x) + ch
							worst = max(worst, int(whole.Pix[k])-int(active.Pix[k]), int(active.Pix[k])-int(whole.Pix[k]))
						}
					}
				}
			}
			t.Logf("%d soft tiles, %d visible pixels, %d pixels not relaxed; largest difference %d/255", tiles, visible, skipped, worst)
			if tiles == 0 || skipped == 0 {
				t.Fatalf("%d soft tiles, %d pixels left out: the photo does not exercise the active relaxation", tiles, skipped)
			}
			if worst > 1 {
				t.Errorf("a visible pixel differs by %d/255 from the whole tile's relaxation", worst)
			}
		})
	}
}
