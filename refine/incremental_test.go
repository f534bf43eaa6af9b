package refine

import (
	"context"
	"image"
	"math"
	"testing"

	"cutout/assets/evalset"
	"cutout/refine/deblock"
)

// paintDisc labels the pixels within r of the segment from (ax, ay) to
// (bx, by), as a hard brush does, and returns the rectangle it touched.
func paintDisc(tri *Trimap, ax, ay, bx, by, r float64, label uint8) image.Rectangle {
	rect := image.Rect(int(math.Min(ax, bx)-r)-1, int(math.Min(ay, by)-r)-1, int(math.Max(ax, bx)+r)+2, int(math.Max(ay, by)+r)+2).
		Intersect(image.Rect(0, 0, tri.W, tri.H))
	dx, dy := bx-ax, by-ay
	ll := dx*dx + dy*dy
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if ll > 0 {
				t = min(max(((px-ax)*dx+(py-ay)*dy)/ll, 0), 1)
			}
			ex, ey := px-(ax+t*dx), py-(ay+t*dy)
			if ex*ex+ey*ey <= r*r {
				tri.Pix[y*tri.W+x] = label
			}
		}
	}
	return rect
}

// TestIncrementalMatchesFullSolve: after strokes across the hair and the
// subject of a real portrait, the incremental cutout equals a full Cut of
// the edited trimap within 2/255 on at least 99.9% of the pixels, at a
// size solved at full resolution and at one solved at half size. At
// 13 MP both solves stop at a relative residual of 3e-5: at 3e-4 (the
// default) and 1e-4 a full solve is itself this sensitive (one stroke
// moves 0.12% and 0.08% of the pixels by more than 2/255 far from any
// edit, as the stopping point of its conjugate gradients shifts and the
// decisions turn small changes near 0.5 into whole steps).
func TestIncrementalMatchesFullSolve(t *testing.T) {
	c := loadGT(t)[0]
	tests := map[string]struct {
		scale int
		opt   *CutOptions
		jpeg  bool // through a JPEG, whose block grid the alpha is deblocked on
	}{
		"2 MP":              {2, nil, false},
		"2 MP through JPEG": {2, nil, true},
		"13 MP":             {5, &CutOptions{Refine: &Options{Tolerance: 3e-5}}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && tc.scale > 2 {
				t.Skip("a 13 MP full solve: not with -short")
			}
			img := upscaleNRGBA(c.img, tc.scale)
			if tc.jpeg {
				img = evalset.ThroughJPEG(t, img, 75)
				if _, ok := deblock.Grid(img); !ok {
					t.Fatal("no block grid found in the photo through JPEG")
				}
			}
			seg := upscaleMatte(simulatedSegmentation(c.alpha, 3, 1), tc.scale)
			w, h := seg.W, seg.H
			ctx := context.Background()
			inc, _, err := NewIncremental(ctx, img, Input{Matte: seg}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			tri := inc.Trimap().Clone()
			s := float64(min(w, h))
			strokes := []struct {
				ax, ay, bx, by, r float64
				label             uint8
			}{
				// Background along the outside of the hair.
				{0.27 * float64(w), 0.19 * float64(h), 0.375 * float64(w), 0.08 * float64(h), 0.015 * s, Background},
				// Foreground into the unknown band on the side.
				{0.2 * float64(w), 0.45 * float64(h), 0.25 * float64(w), 0.5 * float64(h), 0.015 * s, Foreground},
			}
			var rewritten []image.Rectangle
			for _, st := range strokes {
				changed := paintDisc(tri, st.ax, st.ay, st.bx, st.by, st.r, st.label)
				win, err := inc.Update(ctx, tri, changed)
				if err != nil {
					t.Fatal(err)
				}
				rewritten = append(rewritten, win)
				if !changed.In(win) && !win.Empty() {
					t.Fatalf("rewrote %v, the stroke changed %v", win, changed)
				}
			}
			full, err := Cut(ctx, img, Input{Matte: seg, Guide: AutoGuide(img, seg, nil), Trimap: tri}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var off, outside, changedPix int
			var worst float64
			for i, v := range inc.Alpha().Pix {
				d := math.Abs(float64(v - full.Alpha.Pix[i]))
				if d > 2.0/255 {
					off++
					p := image.Pt(i%w, i/w)
					if !p.In(rewritten[0]) && !p.In(rewritten[1]) {
						outside++
					}
				}
				worst = max(worst, d)
				if tri.Pix[i] == Unknown {
					changedPix++
				}
			}
			share := float64(off) / float64(w*h)
			t.Logf("%d×%d: %d of %d pixels (%.4f%%) differ by more than 2/255 (worst %.3f), %d of them outside the windows solved again; %d unknowns", w, h, off, w*h, 100*share, worst, outside, changedPix)
			if share > 0.001 {
				t.Fatalf("%.3f%% of the pixels differ from a full solve by more than 2/255", 100*share)
			}
		})
	}
}

// TestIncrementalCancelled: an Update cancelled before it solves leaves
// its labels to the next Update, which solves both edits: the result is
// that of the two edits solved in turn.
func TestIncrementalCancelled(t *testing.T) {
	c := loadGT(t)[0]
	ctx := context.Background()
	seg := simulatedSegmentation(c.alpha, 3, 1)
	a, _, err := NewIncremental(ctx, c.img, Input{Matte: seg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := NewIncremental(ctx, c.img, Input{Matte: seg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tri := a.Trimap().Clone()
	first := paintDisc(tri, 200, 300, 260, 340, 12, Foreground)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := a.Update(cancelled, tri, first); err == nil {
		t.Fatal("a cancelled Update returned no error")
	}
	if _, err := b.Update(ctx, tri, first); err != nil {
		t.Fatal(err)
	}
	second := paintDisc(tri, 400, 100, 420, 160, 10, Background)
	if _, err := a.Update(ctx, tri, second); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Update(ctx, tri, second); err != nil {
		t.Fatal(err)
	}
	// Over the first edit: all but 1% (the two edits are solved in one
	// window instead of two, so their solves stop at slightly different
	// points).
	var off int
	for y := first.Min.Y; y < first.Max.Y; y++ {
		for x := first.Min.X; x < first.Max.X; x++ {
			i := y*tri.W + x
			if math.Abs(float64(a.Alpha().Pix[i]-b.Alpha().Pix[i])) > 2.0/255 {
				off++
			}
		}
	}
	if n := first.Dx() * first.Dy(); off > n/100 {
		t.Fatalf("%d of %d pixels of the cancelled edit differ by more than 2/255 from the edits solved in turn", off, n)
	}
}

// TestIncrementalKeepsPhotoAlpha: on a photo with its own transparency
// (a PNG cut into before), the pixels an Update rewrites are never more
// opaque than the photo, as Cut's are not.
func TestIncrementalKeepsPhotoAlpha(t *testing.T) {
	s := newSynthetic(160, 120)
	img := s.img
	// The photo's left third is transparent, its middle third half so.
	for y := range 120 {
		for x := range 160 {
			a := uint8(255)
			switch {
			case x < 53:
				a = 0
			case x < 107:
				a = 128
			}
			img.Pix[y*img.Stride+4*x+3] = a
		}
	}
	ctx := context.Background()
	r, _, err := NewIncremental(ctx, img, Input{Matte: simulatedSegmentation(s.alpha, 3, 1)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tri := r.Trimap().Clone()
	changed := paintDisc(tri, 40, 60, 100, 60, 12, Foreground)
	win, err := r.Update(ctx, tri, changed)
	if err != nil {
		t.Fatal(err)
	}
	if win.Empty() {
		t.Fatal("the stroke rewrote nothing")
	}
	for y := win.Min.Y; y < win.Max.Y; y++ {
		for x := win.Min.X; x < win.Max.X; x++ {
			if a, limit := r.Alpha().Pix[y*160+x], float32(img.Pix[y*img.Stride+4*x+3])/255; a > limit {
				t.Fatalf("alpha at (%d,%d) is %v, more opaque than the photo's %v", x, y, a, limit)
			}
		}
	}
}
