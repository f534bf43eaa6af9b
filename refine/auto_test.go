package refine

import (
	"image"
	"math"
	"slices"
	"testing"
)

// twoTone returns a w×h image whose pixels with x < split are fg and the
// others bg (opaque colours).
func twoTone(w, h, split int, fg, bg [3]uint8) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := bg
			if x < split {
				c = fg
			}
			copy(img.Pix[y*img.Stride+4*x:], []uint8{c[0], c[1], c[2], 255})
		}
	}
	return img
}

// edgeMatte returns a matte that is 1 left of x = split and 0 right of it,
// with a linear ramp of the given width centred on the split.
func edgeMatte(w, h int, split, ramp float64) *Matte {
	m := NewMatte(w, h)
	for y := range h {
		for x := range w {
			v := (split - float64(x) - 0.5) / ramp
			m.Pix[y*w+x] = float32(min(1, max(0, v+0.5)))
		}
	}
	return m
}

var (
	red  = [3]uint8{220, 30, 20}
	blue = [3]uint8{10, 20, 220}
)

// TestAutoGuideCleanEdge: a single clean edge keeps the model's matte: no
// pixel is left to solve, the edge pixels keep the model's value, the rest
// follow their side.
func TestAutoGuideCleanEdge(t *testing.T) {
	const w, h = 200, 120
	m := edgeMatte(w, h, 100, 2)
	before := m.Clone()
	g := AutoGuide(twoTone(w, h, 100, red, blue), m, nil)
	if !slices.Equal(before.Pix, m.Pix) {
		t.Error("matte modified")
	}
	if g.Prior != m {
		t.Error("prior is not the model's matte")
	}
	for i, l := range g.Trimap.Pix {
		x := i % w
		switch {
		case l == Unknown:
			t.Fatalf("x=%d: unknown at a clean edge", x)
		case math.Abs(float64(x)+0.5-100) <= edgeWidth:
			if g.Weight.Pix[i] != -1 {
				t.Fatalf("x=%d: edge pixel does not keep the model's value (weight %v)", x, g.Weight.Pix[i])
			}
		case (l == Foreground) != (x < 100) || g.Weight.Pix[i] != 0:
			t.Fatalf("x=%d: label %d weight %v", x, l, g.Weight.Pix[i])
		}
	}
}

// hairMatte is edgeMatte with strands beyond the edge: every third column
// from split to split+30 holds a strand (0.8), the columns between 0.1.
func hairMatte(w, h int, split int) *Matte {
	m := edgeMatte(w, h, float64(split), 1)
	for y := range h {
		for x := split; x < min(w, split+30); x++ {
			v := float32(0.1)
			if (x-split)%3 == 0 {
				v = 0.8
			}
			m.Pix[y*w+x] = v
		}
	}
	return m
}

// TestAutoGuideHair: where the matte shows many strands the band opens on
// both sides of the contour, as wide as the options say, and the data
// term holds only the model's background.
func TestAutoGuideHair(t *testing.T) {
	const w, h = 300, 200
	m := hairMatte(w, h, 150)
	opt := &TrimapOptions{Band: 0.05, Inner: 0.2} // 10 px outside, 40 inside
	g := AutoGuide(twoTone(w, h, 150, red, blue), m, opt)
	row := g.Trimap.Pix[100*w : 101*w]
	// The contour of this row is the last strand's 0.5 crossing and every
	// strand's; the band must reach 40 px inside the solid part.
	for x := 150 - 38; x < 150+30; x++ {
		if row[x] != Unknown {
			t.Fatalf("x=%d: label %d, want Unknown in hair", x, row[x])
		}
	}
	if row[20] != Foreground || row[w-20] != Background {
		t.Errorf("far pixels: %d, %d", row[20], row[w-20])
	}
	for x := 150 - 30; x < 150; x++ {
		i := 100*w + x
		want := float32(hairPriorWeight * (1 - m.Pix[i]) * (1 - m.Pix[i]))
		if math.Abs(float64(g.Weight.Pix[i]-want)) > 1e-6 {
			t.Fatalf("x=%d: weight %v, want the background hold %v", x, g.Weight.Pix[i], want)
		}
	}
}

// TestAutoGuideThinLimb: a limb thinner than the band keeps its core even
// inside hair, so matting cannot fade it, beyond thicknessReach bands from
// the body (whose thickness it shares nearer).
func TestAutoGuideThinLimb(t *testing.T) {
	const w, h = 300, 200
	m := hairMatte(w, h, 150)
	// A horizontal limb 8 px thick sticks out of the solid part into the
	// background, beyond the strands.
	for y := 96; y < 104; y++ {
		for x := 150; x < 290; x++ {
			m.Pix[y*w+x] = 1
		}
	}
	g := AutoGuide(twoTone(w, h, 150, red, blue), m, &TrimapOptions{Band: 0.05, Inner: 0.2})
	for x := 150 + thicknessReach*40 + 1; x < 280; x++ {
		if l := g.Trimap.Pix[100*w+x]; l == Unknown {
			t.Fatalf("x=%d: the limb's core is Unknown", x)
		}
	}
}

// TestAutoGuidePlateau: where the model is unsure away from its edge the
// pixels are solved, held to the model as firmly as the local colours
// cannot tell foreground from background.
func TestAutoGuidePlateau(t *testing.T) {
	const w, h = 200, 120
	weightAt := func(bg [3]uint8) float32 {
		m := edgeMatte(w, h, 100, 2)
		for y := 40; y < 80; y++ {
			for x := 60; x < 90; x++ {
				m.Pix[y*w+x] = 0.6
			}
		}
		m.Pix[10*w+10] = float32(math.NaN())
		// A band of 5% (24 px inside) looks 48 px around for colours.
		g := AutoGuide(twoTone(w, h, 100, red, bg), m, &TrimapOptions{Band: 0.05})
		if g.Trimap.Pix[60*w+75] != Unknown || g.Trimap.Pix[10*w+10] != Unknown {
			t.Fatal("unsure pixels are not Unknown")
		}
		return g.Weight.Pix[60*w+75]
	}
	alike, distinct := weightAt([3]uint8{215, 35, 25}), weightAt(blue)
	t.Logf("plateau weight: %v with alike colours, %v with distinct ones", alike, distinct)
	if !(alike > 0.5*plateauPriorWeight) || !(distinct < 0.1*alike) || !(distinct > 0) {
		t.Errorf("plateau weights %v (alike) and %v (distinct)", alike, distinct)
	}
}

// TestAutoGuideLargePhoto: a photo with more pixels than the model's input
// has an interpolated matte edge, so the edge zone is solved (held to the
// model) to snap it to the photo's edge.
func TestAutoGuideLargePhoto(t *testing.T) {
	const w, h = 2400, 40
	m := edgeMatte(w, h, 1200, 4)
	g := AutoGuide(twoTone(w, h, 1200, red, blue), m, nil)
	scale := float64(w) / analysisSize
	for x := 1190; x < 1210; x++ {
		i := 20*w + x
		inZone := math.Abs(float64(x)+0.5-1200) <= edgeWidth*scale
		if inZone != (g.Trimap.Pix[i] == Unknown) {
			t.Fatalf("x=%d: label %d (edge zone %v)", x, g.Trimap.Pix[i], inZone)
		}
		if inZone && g.Weight.Pix[i] != edgePriorWeight {
			t.Fatalf("x=%d: weight %v", x, g.Weight.Pix[i])
		}
	}
}

// TestAutoGuideSoftEdge: a wide soft edge (the model's unsure zone 9 px
// across) is matted like hair on a thick subject, its band reaching
// inside the contour beyond the unsure zone, and kept on a bar whose
// half-thickness is less than six times that width.
func TestAutoGuideSoftEdge(t *testing.T) {
	const w, h = 600, 400
	for _, tc := range []struct {
		name      string
		bar       bool // a horizontal bar 30 px thick instead of a half plane
		x, y      int  // the pixel looked at: 6-8 px inside the subject, model at 1
		ramp      float64
		wantLabel uint8
	}{
		{"thick subject, soft edge", false, 292, 200, 10, Unknown},
		{"thick subject, clean edge", false, 292, 200, 2, Foreground},
		{"bar, soft edge", true, 450, 191, 10, Foreground},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := edgeMatte(w, h, 300, tc.ramp)
			if tc.bar {
				for y := range h {
					for x := range w {
						d := math.Abs(float64(y)+0.5-200) - 15 // signed distance to the bar's edge
						m.Pix[y*w+x] = float32(min(1, max(0, 0.5-d/tc.ramp)))
					}
				}
			}
			g := AutoGuide(twoTone(w, h, 300, red, blue), m, nil)
			checkGuide(t, m, g)
			if l := g.Trimap.Pix[tc.y*w+tc.x]; l != tc.wantLabel {
				t.Errorf("(%d,%d), model %.2f: label %d, want %d", tc.x, tc.y, m.Pix[tc.y*w+tc.x], l, tc.wantLabel)
			}
		})
	}
}

// TestAutoGuideIsland: around an island the model is unsure of, away from
// its contour, the background is solved too (held weakly to the model),
// up to islandMargin of the short side; beyond it the label decides.
func TestAutoGuideIsland(t *testing.T) {
	const w, h = 400, 300
	m := edgeMatte(w, h, 150, 2)
	for y := 100; y < 200; y++ {
		for x := 250; x < 280; x++ {
			m.Pix[y*w+x] = 0.35 // a leg the model half sees
		}
	}
	g := AutoGuide(twoTone(w, h, 150, red, blue), m, nil)
	checkGuide(t, m, g)
	near, far := 150*w+283, 150*w+330 // 3 px and 50 px from the island
	if g.Trimap.Pix[near] != Unknown || g.Weight.Pix[near] != hairPriorWeight {
		t.Errorf("next to the island: label %d weight %v, want Unknown held by %v", g.Trimap.Pix[near], g.Weight.Pix[near], hairPriorWeight)
	}
	if g.Trimap.Pix[far] != Background {
		t.Errorf("far from the island: label %d", g.Trimap.Pix[far])
	}
	if g.Trimap.Pix[150*w+265] != Unknown {
		t.Error("the island itself is not Unknown")
	}
}

func TestAutoGuideDegenerate(t *testing.T) {
	for name, m := range map[string]*Matte{
		"empty":     NewMatte(0, 0),
		"one":       {W: 1, H: 1, Pix: []float32{0.7}},
		"all fg":    {W: 3, H: 2, Pix: []float32{1, 1, 1, 1, 1, 1}},
		"all bg":    {W: 3, H: 2, Pix: []float32{0, 0, 0, 0, 0, 0}},
		"one row":   {W: 5, H: 1, Pix: []float32{0, 0, 1, 1, 1}},
		"soft only": {W: 2, H: 2, Pix: []float32{0.5, 0.5, 0.5, 0.5}},
	} {
		t.Run(name, func(t *testing.T) {
			img := image.NewNRGBA(image.Rect(0, 0, m.W, m.H))
			g := AutoGuide(img, m, nil)
			checkGuide(t, m, g)
		})
	}
}

// checkGuide asserts the invariants every guide keeps: sizes, labels, a
// confident model is never contradicted, weights are finite and known
// pixels keep the model's value only where it is the label's side.
func checkGuide(t *testing.T, m *Matte, g *Guide) {
	t.Helper()
	n := m.W * m.H
	if g.Trimap.W != m.W || g.Trimap.H != m.H || len(g.Trimap.Pix) != n || len(g.Weight.Pix) != n {
		t.Fatalf("guide sizes %dx%d, %d weights, for %dx%d", g.Trimap.W, g.Trimap.H, len(g.Weight.Pix), m.W, m.H)
	}
	for i, l := range g.Trimap.Pix {
		v, wt := m.Pix[i], g.Weight.Pix[i]
		switch l {
		case Foreground:
			if !(v >= 0.5) || (wt != 0 && wt != -1) {
				t.Fatalf("pixel %d: matte %v labelled Foreground, weight %v", i, v, wt)
			}
		case Background:
			if !(v < 0.5) || (wt != 0 && wt != -1) {
				t.Fatalf("pixel %d: matte %v labelled Background, weight %v", i, v, wt)
			}
		case Unknown:
			if !(wt >= 0) || math.IsInf(float64(wt), 0) {
				t.Fatalf("pixel %d: unknown with weight %v", i, wt)
			}
		default:
			t.Fatalf("pixel %d: label %d", i, l)
		}
	}
}

// TestAutoGuideWideEdge: where the model draws a clean edge as a wide ramp
// (6 pixels) and the photo's edge is sharp (a step, which central
// differences see 2 pixels wide), the kept edge is steepened around the
// model's 0.5 level to 2 pixels: each side of it moves towards its own
// label and the level stays where it was. Where the photo's own edge is
// as wide as the model's ramp (a blurred edge), the model's ramp is kept
// (within 0.01: the photo's 8-bit levels).
func TestAutoGuideWideEdge(t *testing.T) {
	const w, h, split, ramp = 200, 120, 100, 6
	blurred := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := min(1, max(0, (split-float64(x)-0.5)/ramp+0.5))
			for c := range 3 {
				blurred.Pix[y*blurred.Stride+4*x+c] = uint8(a*float64(red[c]) + (1-a)*float64(blue[c]) + 0.5)
			}
			blurred.Pix[y*blurred.Stride+4*x+3] = 255
		}
	}
	tests := []struct {
		name  string
		img   *image.NRGBA
		steep bool
	}{
		{"sharp photo edge", twoTone(w, h, split, red, blue), true},
		{"blurred photo edge", blurred, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := edgeMatte(w, h, split, ramp)
			g := AutoGuide(tc.img, m, nil)
			y := h / 2
			for x := split - 1; x < split+1; x++ {
				i := y*w + x
				if g.Weight.Pix[i] != -1 {
					t.Fatalf("x=%d: edge pixel not kept (label %d, weight %v)", x, g.Trimap.Pix[i], g.Weight.Pix[i])
				}
				model, kept := m.Pix[i], g.Target.Pix[i]
				if !tc.steep {
					if math.Abs(float64(kept-model)) > 0.01 {
						t.Errorf("x=%d: a blurred edge changed from %.3f to %.3f", x, model, kept)
					}
					continue
				}
				// Three times as steep about 0.5: 6 pixels to 2.
				want := min(1, max(0, 0.5+3*(model-0.5)))
				if math.Abs(float64(kept-want)) > 0.02 {
					t.Errorf("x=%d: model %.3f kept as %.3f, want %.3f", x, model, kept, want)
				}
			}
		})
	}
}

// TestAutoGuideDoubtContour: where the model's 0.5 contour runs through a
// plateau of its doubt (0.4 beside 0.6, far from its confident sides),
// the contour is solved with the plateau, not kept at the model's value.
func TestAutoGuideDoubtContour(t *testing.T) {
	const w, h = 200, 120
	m := edgeMatte(w, h, 150, 2)
	for y := 20; y < 100; y++ {
		for x := 20; x < 120; x++ {
			m.Pix[y*w+x] = 0.4
			if x >= 70 {
				m.Pix[y*w+x] = 0.6
			}
		}
	}
	g := AutoGuide(twoTone(w, h, 150, red, blue), m, nil)
	for y := 40; y < 80; y++ {
		for x := 66; x < 74; x++ {
			if i := y*w + x; g.Trimap.Pix[i] != Unknown || g.Weight.Pix[i] < 0 {
				t.Fatalf("(%d,%d): the contour in the plateau is kept (label %d, weight %v)", x, y, g.Trimap.Pix[i], g.Weight.Pix[i])
			}
		}
	}
	// The subject's own edge stays kept.
	if i := (h/2)*w + 150; g.Weight.Pix[i] != -1 {
		t.Errorf("the clean edge is not kept (label %d, weight %v)", g.Trimap.Pix[i], g.Weight.Pix[i])
	}
}
