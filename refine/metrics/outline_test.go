package metrics

import (
	"testing"

	"cutout/refine"
)

// TestOutlineOffset: a reference square 40×40 (156 outline pixels)
// against the same square, one shrunk by a pixel all round, one grown by
// a pixel, one moved 10 px right and an empty estimate.
func TestOutlineOffset(t *testing.T) {
	const w, h = 100, 100
	rect := func(x0, y0, x1, y1 int) *refine.Matte {
		m := refine.NewMatte(w, h)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				m.Pix[y*w+x] = 1
			}
		}
		return m
	}
	truth := rect(30, 30, 70, 70)
	for _, tc := range []struct {
		name string
		pred *refine.Matte
		want float64
	}{
		{"exact", rect(30, 30, 70, 70), 0},
		{"shrunk 1 px", rect(31, 31, 69, 69), (40*40 - 38*38) / 156.0},
		{"grown 1 px", rect(29, 29, 71, 71), -(42*42 - 40*40) / 156.0},
		// Moved: missed, the 4 columns at the left edge and the corners of
		// the 6 columns beside them along the top and bottom edges;
		// extra, the 4 columns right of the right edge.
		{"moved", rect(40, 30, 80, 70), (4*40 + 2*4*6 - 4*40) / 156.0},
		{"empty", refine.NewMatte(w, h), (40*40 - 32*32) / 156.0}, // only the 4 px next to the outline count
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OutlineOffset(tc.pred, truth); !near(got, tc.want) {
				t.Errorf("OutlineOffset = %v, want %v", got, tc.want)
			}
		})
	}
	if got := OutlineOffset(truth, refine.NewMatte(w, h)); got != 0 {
		t.Errorf("OutlineOffset = %v without a reference outline, want 0", got)
	}
}
