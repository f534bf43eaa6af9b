package stroke

import (
	"image"
	"image/color"
	"testing"

	"cutout/refine"
)

// scene draws a 200×160 photo: a light background, a skin-coloured head
// (the model sure of it, 1), a dark suit below it that the model gave
// half (0.3), and a red prop beside the head the model also gave half
// (0.4), touching the head; the model's edge around the head is
// half-sure over two pixels, as an anti-aliased edge is.
func scene() (*image.NRGBA, *refine.Matte) {
	const w, h = 200, 160
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	m := refine.NewMatte(w, h)
	head := image.Rect(70, 10, 130, 70)
	suit := image.Rect(50, 70, 150, 160)
	prop := image.Rect(130, 30, 170, 70)
	for y := range h {
		for x := range w {
			p := image.Pt(x, y)
			c, v := color.NRGBA{220, 225, 230, 255}, float32(0)
			switch {
			case p.In(head):
				c, v = color.NRGBA{230, 180, 150, 255}, 1
				if !p.In(head.Inset(2)) {
					v = 0.6
				}
			case p.In(suit):
				c, v = color.NRGBA{30, 30, 40, 255}, 0.3
			case p.In(prop):
				c, v = color.NRGBA{200, 30, 20, 255}, 0.4
			}
			// A little texture, as a photo's noise, so colours are not flat.
			d := uint8((x*7 + y*13) % 5)
			img.SetNRGBA(x, y, color.NRGBA{c.R - d, c.G - d, c.B - d, 255})
			m.Pix[y*w+x] = v
		}
	}
	return img, m
}

// count returns how many pixels of r hold label.
func count(tri *refine.Trimap, r image.Rectangle, label uint8) int {
	r = r.Intersect(image.Rect(0, 0, tri.W, tri.H))
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if tri.Pix[y*tri.W+x] == label {
				n++
			}
		}
	}
	return n
}

func TestGrow(t *testing.T) {
	img, m := scene()
	s := NewScene(img, m, nil)
	suit := image.Rect(50, 70, 150, 160)
	tests := map[string]struct {
		at    Point
		label uint8
		// fill: the share of suit's inside (2 px in) that takes label;
		// leak: pixels of the background outside the suit's band that do.
		minFill, maxFill float64
	}{
		"a foreground click fills the suit the model gave half":   {Point{100, 120}, refine.Foreground, 0.99, 1},
		"a foreground click stops at the model's sure background": {Point{20, 20}, refine.Foreground, 0, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
			for i := range tri.Pix {
				tri.Pix[i] = refine.Background
			}
			br := Brush{Radius: 4, Hardness: 1, Label: tc.label}
			g := s.Plan(tri, []Point{tc.at}, br)
			before := g.Bounds()
			r := g.Apply()
			if !r.In(before) && !r.Empty() {
				t.Fatalf("Apply changed %v, Bounds said %v", r, before)
			}
			in := suit.Inset(3)
			fill := float64(count(tri, in, tc.label)) / float64(in.Dx()*in.Dy())
			if fill < tc.minFill || fill > tc.maxFill {
				t.Errorf("%.3f of the suit took the label, want %.2f..%.2f", fill, tc.minFill, tc.maxFill)
			}
			// Outside the suit and its band, only the click's own disc.
			leak := count(tri, image.Rect(0, 0, tri.W, tri.H), tc.label) - count(tri, suit.Inset(-3), tc.label)
			if disc := count(tri, image.Rect(int(tc.at.X)-5, int(tc.at.Y)-5, int(tc.at.X)+5, int(tc.at.Y)+5), tc.label); leak > disc {
				t.Errorf("%d pixels outside the suit took the label (the click's disc holds %d)", leak, disc)
			}
		})
	}
	t.Run("the grown edge is left to matting", func(t *testing.T) {
		tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
		for i := range tri.Pix {
			tri.Pix[i] = refine.Background
		}
		s.Grow(tri, []Point{{100, 120}}, Brush{Radius: 4, Hardness: 1, Label: refine.Foreground})
		// The suit's left edge at x = 50: Unknown across it.
		row := tri.Pix[120*tri.W : 121*tri.W]
		if row[40] != refine.Background || row[49] != refine.Unknown || row[50] != refine.Unknown || row[60] != refine.Foreground {
			t.Errorf("across the suit's edge: %v", trimapRows(&refine.Trimap{W: 30, H: 1, Pix: row[35:65]}))
		}
	})
}

func TestPickUnsure(t *testing.T) {
	img, m := scene()
	s := NewScene(img, m, nil)
	head := image.Rect(70, 10, 130, 70)
	prop := image.Rect(130, 30, 170, 70)
	tri := refine.NewTrimap(img.Rect.Dx(), img.Rect.Dy())
	for y := range tri.H {
		for x := range tri.W {
			if m.Pix[y*tri.W+x] >= 0.95 {
				tri.Pix[y*tri.W+x] = refine.Foreground
			}
		}
	}
	if _, ok := s.PickUnsure(100, 40); ok {
		t.Fatal("a click on the head, which the model is sure of, picked a half-sure region")
	}
	if _, ok := s.PickUnsure(70, 40); ok {
		t.Fatal("a click on the model's thin edge picked a half-sure region")
	}
	runs, ok := s.PickUnsure(150, 50)
	if !ok {
		t.Fatal("a click on the prop the model was unsure of picked nothing")
	}
	headBefore := count(tri, head.Inset(3), refine.Foreground)
	ApplyUnsure(tri, runs, false)
	if n := count(tri, prop.Inset(3), refine.Background); n != prop.Inset(3).Dx()*prop.Inset(3).Dy() {
		t.Errorf("the Drop left %d of the prop's inside pixels", prop.Inset(3).Dx()*prop.Inset(3).Dy()-n)
	}
	if n := count(tri, head.Inset(3), refine.Foreground); n != headBefore {
		t.Errorf("the Drop took %d of the head's pixels", headBefore-n)
	}
	// Where the prop meets the head, matting decides: the head's
	// half-sure edge (x 128, 129), skin-coloured, is not the prop's and
	// keeps its label (Unknown), and the prop's pixels beside it are left
	// Unknown too.
	row := trimapRows(&refine.Trimap{W: 12, H: 1, Pix: tri.Pix[50*tri.W+124 : 50*tri.W+136]})[0]
	if row != "FFFF????BBBB" {
		t.Errorf("across the head's edge into the prop (x 124..135): %s, want FFFF????BBBB", row)
	}
}
