package stroke

import (
	"image"
	"image/color"
	"testing"

	"cutout/refine"
)

// keptScene draws a 240×160 photo on a grey wall: a subject (a skin head
// over a blue shirt) that the model holds at its ceiling (1), a red bin
// touching its left side and a green box touching its right side, both
// of which the model holds as surely as the subject short of its ceiling
// (0.97), as it does a thing beside a person it took for part of them.
// The photo is scale times that size.
func keptScene(scale int) (*image.NRGBA, *refine.Matte, map[string]image.Rectangle) {
	w, h := 240*scale, 160*scale
	r := map[string]image.Rectangle{
		"head":  image.Rect(95, 20, 145, 70),
		"shirt": image.Rect(80, 70, 160, 160),
		"bin":   image.Rect(20, 60, 80, 150),
		"box":   image.Rect(160, 90, 210, 150),
	}
	for n, b := range r {
		r[n] = image.Rectangle{b.Min.Mul(scale), b.Max.Mul(scale)}
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	m := refine.NewMatte(w, h)
	for y := range h {
		for x := range w {
			p := image.Pt(x, y)
			c, v := color.NRGBA{150, 150, 145, 255}, float32(0)
			switch {
			case p.In(r["head"]):
				c, v = color.NRGBA{225, 175, 145, 255}, 1
			case p.In(r["shirt"]):
				c, v = color.NRGBA{40, 60, 150, 255}, 1
			case p.In(r["bin"]):
				c, v = color.NRGBA{190, 40, 30, 255}, 0.97
			case p.In(r["box"]):
				c, v = color.NRGBA{40, 150, 60, 255}, 0.97
			}
			d := uint8((x*7 + y*13) % 5)
			img.SetNRGBA(x, y, color.NRGBA{c.R - d, c.G - d, c.B - d, 255})
			m.Pix[y*w+x] = v
		}
	}
	return img, m, r
}

// TestGrowCutsWhatTheModelKept: a background click where the model is
// sure of the subject takes the thing under it, found by a graph cut on
// the photo's colours, and nothing of the subject or of another thing
// beside it; on the subject itself (the model at its ceiling) it takes
// its own disc and no more.
func TestGrowCutsWhatTheModelKept(t *testing.T) {
	img, m, r := keptScene(1)
	s := NewScene(img, m, nil)
	tests := map[string]struct {
		at Point
		// gone: the regions (2 px in) of which at least 95% takes
		// Background; kept: those of which at most the click's disc does.
		gone, kept []string
	}{
		"a click on the bin removes the bin":        {Point{50, 110}, []string{"bin"}, []string{"head", "shirt", "box"}},
		"a click on the box removes the box":        {Point{190, 125}, []string{"box"}, []string{"head", "shirt", "bin"}},
		"a click on the shirt takes only its disc":  {Point{120, 120}, nil, []string{"head", "shirt", "bin", "box"}},
		"a click on the bin's edge removes the bin": {Point{76, 100}, []string{"bin"}, []string{"head", "shirt", "box"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { checkClick(t, s, m, r, tc.at, refine.Background, tc.gone, tc.kept) })
	}
}

// TestGrowCutsWhatTheModelMissed: the same photo as keptScene, but the
// model holds the head at its ceiling, misses the shirt (0.03, as it
// misses a dark suit on a dark ground) and holds the wall, the bin and
// the box at its floor (0). A foreground click on the shirt takes the
// shirt, found by the graph cut, and nothing of the wall, the bin or the
// box; a foreground click on the bin, which the model holds at its floor,
// takes its own disc and no more.
func TestGrowCutsWhatTheModelMissed(t *testing.T) {
	img, m, r := missedScene(1)
	r["wall"] = image.Rect(160, 0, 240, 80)
	s := NewScene(img, m, nil)
	tests := map[string]struct {
		at Point
		// taken: the regions (2 px in) of which at least 95% takes
		// Foreground; kept: those of which at most the click's disc does.
		taken, kept []string
	}{
		"a click on the shirt takes the shirt":    {Point{120, 120}, []string{"shirt"}, []string{"bin", "box", "wall"}},
		"a click on the shirt's edge takes it":    {Point{84, 100}, []string{"shirt"}, []string{"bin", "box", "wall"}},
		"a click on the bin takes only its disc":  {Point{50, 110}, nil, []string{"shirt", "bin", "box", "wall"}},
		"a click on the wall takes only its disc": {Point{200, 40}, nil, []string{"shirt", "bin", "box", "wall"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { checkClick(t, s, m, r, tc.at, refine.Foreground, tc.taken, tc.kept) })
	}
}

// missedScene is keptScene with the model's matte of
// TestGrowCutsWhatTheModelMissed: the head at the model's ceiling, the
// shirt at 0.03, the rest at its floor.
func missedScene(scale int) (*image.NRGBA, *refine.Matte, map[string]image.Rectangle) {
	img, m, r := keptScene(scale)
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		for x := range w {
			v := float32(0)
			switch p := image.Pt(x, y); {
			case p.In(r["head"]):
				v = 1
			case p.In(r["shirt"]):
				v = 0.03
			}
			m.Pix[y*w+x] = v
		}
	}
	return img, m, r
}

// checkClick paints a click of radius 4 with label at at on a trimap of
// m (Foreground at 0.95 or more, else Background) and checks that at
// least 95% of each region of taken (2 px in) takes label and that each
// region of kept loses no more of the other label than the click's disc
// and the Unknown band around it hold.
func checkClick(t *testing.T, s *Scene, m *refine.Matte, r map[string]image.Rectangle, at Point, label uint8, taken, kept []string) {
	t.Helper()
	tri := refine.NewTrimap(m.W, m.H)
	for i, v := range m.Pix {
		tri.Pix[i] = refine.Background
		if v >= 0.95 {
			tri.Pix[i] = refine.Foreground
		}
	}
	other := refine.Foreground
	if label == refine.Foreground {
		other = refine.Background
	}
	const radius = 4
	s.Grow(tri, []Point{at}, Brush{Radius: radius, Hardness: 1, Label: label})
	disc := (2*radius + 5) * (2*radius + 5)
	for _, n := range taken {
		in := r[n].Inset(2)
		if got, all := count(tri, in, label), in.Dx()*in.Dy(); float64(got) < 0.95*float64(all) {
			t.Errorf("%s: %d of %d pixels took label %d, want 95%%", n, got, all, label)
		}
	}
	for _, n := range kept {
		in := r[n].Inset(2)
		if lost := in.Dx()*in.Dy() - count(tri, in, other); lost > disc {
			t.Errorf("%s: lost %d pixels of label %d (the click's disc holds %d)", n, lost, other, disc)
		}
	}
}

// BenchmarkGrowCut times a click's growth on keptScene enlarged to 24 MP
// (6000×4000): a background click on the bin, which runs the graph cut,
// and on the wall, which does not; and a foreground click on the shirt
// of missedScene, which runs the cut for the foreground.
func BenchmarkGrowCut(b *testing.B) {
	for _, c := range []struct {
		name  string
		scene func(int) (*image.NRGBA, *refine.Matte, map[string]image.Rectangle)
		at    Point
		label uint8
	}{
		{"bin", keptScene, Point{50 * 25, 110 * 25}, refine.Background},
		{"wall", keptScene, Point{220 * 25, 30 * 25}, refine.Background},
		{"missed-shirt", missedScene, Point{120 * 25, 120 * 25}, refine.Foreground},
	} {
		b.Run(c.name, func(b *testing.B) {
			img, m, _ := c.scene(25)
			s := NewScene(img, m, nil)
			tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
			for i, v := range m.Pix {
				tri.Pix[i] = refine.Background
				if v >= 0.95 {
					tri.Pix[i] = refine.Foreground
				}
			}
			br := Brush{Radius: 80, Hardness: 0.8, Label: c.label}
			for b.Loop() {
				s.Plan(tri, []Point{c.at}, br)
			}
		})
	}
}
