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
		t.Run(name, func(t *testing.T) {
			tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
			for i, v := range m.Pix {
				tri.Pix[i] = refine.Background
				if v >= 0.95 {
					tri.Pix[i] = refine.Foreground
				}
			}
			const radius = 4
			s.Grow(tri, []Point{tc.at}, Brush{Radius: radius, Hardness: 1, Label: refine.Background})
			// The disc and the Unknown band of two pixels around it.
			disc := (2*radius + 5) * (2*radius + 5)
			for _, n := range tc.gone {
				in := r[n].Inset(2)
				if got, all := count(tri, in, refine.Background), in.Dx()*in.Dy(); float64(got) < 0.95*float64(all) {
					t.Errorf("%s: %d of %d pixels took Background, want 95%%", n, got, all)
				}
			}
			for _, n := range tc.kept {
				in := r[n].Inset(2)
				if lost := in.Dx()*in.Dy() - count(tri, in, refine.Foreground); lost > disc {
					t.Errorf("%s: lost %d pixels of Foreground (the click's disc holds %d)", n, lost, disc)
				}
			}
		})
	}
}

// BenchmarkGrowCut times a click's growth on keptScene enlarged to 24 MP
// (6000×4000): on the bin, which runs the graph cut, and on the wall,
// which does not.
func BenchmarkGrowCut(b *testing.B) {
	img, m, _ := keptScene(25)
	s := NewScene(img, m, nil)
	tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
	for i, v := range m.Pix {
		tri.Pix[i] = refine.Background
		if v >= 0.95 {
			tri.Pix[i] = refine.Foreground
		}
	}
	for name, at := range map[string]Point{"bin": {50 * 25, 110 * 25}, "wall": {220 * 25, 30 * 25}} {
		b.Run(name, func(b *testing.B) {
			br := Brush{Radius: 80, Hardness: 0.8, Label: refine.Background}
			for b.Loop() {
				s.Plan(tri, []Point{at}, br)
			}
		})
	}
}
