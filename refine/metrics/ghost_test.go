package metrics

import (
	"math"
	"math/rand"
	"testing"

	"cutout/refine"
)

// TestGhost: hand-made cases on a 200×100 image (the edge reaches 1 px):
// a reference square 40×40 (1600 px of subject).
func TestGhost(t *testing.T) {
	const w, h = 200, 100
	square := func(v float32) *refine.Matte {
		m := refine.NewMatte(w, h)
		for y := 30; y < 70; y++ {
			for x := 80; x < 120; x++ {
				m.Pix[y*w+x] = v
			}
		}
		return m
	}
	truth := square(1)
	for name, tc := range map[string]struct {
		pred *refine.Matte
		want float64
	}{
		"exact":         {square(1), 0},
		"half inside":   {square(0.5), 36 * 36 / 1600.0}, // the 1-px edge on each side of the contour is left out
		"barely ghosts": {square(0.9), 0},                // (0.1, 0.9) is open
		// Outside, the contour ring (4×40 px), the ring beyond it (4×40)
		// and the four pixels diagonal to the square's corners are within
		// 1 px of the contour.
		"half outside":   {fill(w, h, 0.5), (w*h - 1600 - 324 + 36*36) / 1600.0},
		"outside only":   {withSquare(fill(w, h, 0.3), 1), (w*h - 1600 - 324) / 1600.0},
		"solid mistakes": {fill(w, h, 1), 0}, // wrong, but not a ghost
	} {
		t.Run(name, func(t *testing.T) {
			if got := Ghost(tc.pred, truth); !near(got, tc.want) {
				t.Errorf("Ghost = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("soft reference pixels are not scored", func(t *testing.T) {
		soft := square(0.5)
		if got := Ghost(square(0.5), soft); got != 0 {
			t.Errorf("Ghost = %v on a reference that is nowhere solid inside, want 0", got)
		}
	})
	t.Run("no subject", func(t *testing.T) {
		if got := Ghost(fill(w, h, 0.5), refine.NewMatte(w, h)); got != 0 {
			t.Errorf("Ghost = %v without a subject, want 0", got)
		}
	})
}

// TestGhostSplit: a steep edge in the wrong place is all edge, a
// half-transparent square all plateau but the ring next to its own
// outline.
func TestGhostSplit(t *testing.T) {
	const w, h = 200, 100
	truth := withSquare(refine.NewMatte(w, h), 1)
	// The square moved right by 10 px, its left and right columns
	// anti-aliased at 0.5: the left column lies inside the reference's
	// square (rows 32-67 are farther than 1 px from its outline), the
	// right one outside it (all 40 rows).
	moved := refine.NewMatte(w, h)
	for y := 30; y < 70; y++ {
		for x := 90; x < 130; x++ {
			moved.Pix[y*w+x] = 1
		}
		moved.Pix[y*w+90], moved.Pix[y*w+129] = 0.5, 0.5
	}
	for name, tc := range map[string]struct {
		pred          *refine.Matte
		edge, plateau float64
	}{
		"misplaced edge": {moved, (36 + 40) / 1600.0, 0},
		// The 36×36 ghosts inside; the ring 2 px in from the square's
		// outline (its own too) is edge.
		"half inside": {withSquare(refine.NewMatte(w, h), 0.5), 140 / 1600.0, (36*36 - 140) / 1600.0},
		"exact":       {withSquare(refine.NewMatte(w, h), 1), 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			edge, plateau := GhostSplit(tc.pred, truth)
			if !near(edge, tc.edge) || !near(plateau, tc.plateau) {
				t.Errorf("GhostSplit = %v, %v; want %v, %v", edge, plateau, tc.edge, tc.plateau)
			}
			if g := Ghost(tc.pred, truth); !near(edge+plateau, g) {
				t.Errorf("edge + plateau = %v, Ghost %v", edge+plateau, g)
			}
		})
	}
}

func fill(w, h int, v float32) *refine.Matte {
	m := refine.NewMatte(w, h)
	for i := range m.Pix {
		m.Pix[i] = v
	}
	return m
}

func withSquare(m *refine.Matte, v float32) *refine.Matte {
	for y := 30; y < 70; y++ {
		for x := 80; x < 120; x++ {
			m.Pix[y*m.W+x] = v
		}
	}
	return m
}

// TestContourDistanceMatchesBruteForce compares the distance transform
// with the distance to every contour pixel on random blobs.
func TestContourDistanceMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		w, h := 1+rng.Intn(40), 1+rng.Intn(40)
		m := refine.NewMatte(w, h)
		for k := 0; k < 3; k++ {
			cx, cy, r := rng.Float64()*float64(w), rng.Float64()*float64(h), 1+rng.Float64()*10
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					if math.Hypot(float64(x)-cx, float64(y)-cy) < r {
						m.Pix[y*w+x] = 1
					}
				}
			}
		}
		got := contourDistance2(m)
		var contour [][2]int
		side := func(x, y int) bool { return m.Pix[y*w+x] >= 0.5 }
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				s := side(x, y)
				if x > 0 && side(x-1, y) != s || x+1 < w && side(x+1, y) != s || y > 0 && side(x, y-1) != s || y+1 < h && side(x, y+1) != s {
					contour = append(contour, [2]int{x, y})
				}
			}
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				want := math.Inf(1)
				for _, c := range contour {
					dx, dy := float64(x-c[0]), float64(y-c[1])
					want = min(want, dx*dx+dy*dy)
				}
				if g := got[y*w+x]; g != want {
					t.Fatalf("trial %d (%dx%d): distance² at (%d,%d) = %v, want %v", trial, w, h, x, y, g, want)
				}
			}
		}
	}
}

// TestBinaryGhost: a reference made binary scores its own soft edge as a
// ghost wherever that edge lies beyond GhostEdge of the short side from
// the 0.5 contour, and nothing where the matte is binary already or its
// ramp stays within that reach.
func TestBinaryGhost(t *testing.T) {
	const w, h = 400, 100 // GhostEdge reaches 1 px
	// ramp: a vertical edge rising from 0 to 1 between x = 200−width/2
	// and 200+width/2, solid beyond: the subject is the 200 columns from
	// x = 200, and the contour runs between x = 199 and 200, so columns
	// 198 to 201 are within the edge's reach.
	ramp := func(width int) *refine.Matte {
		m := refine.NewMatte(w, h)
		for y := range h {
			for x := range w {
				v := float32(x-200+width/2) / float32(width)
				m.Pix[y*w+x] = min(1, max(0, v))
			}
		}
		return m
	}
	for name, tc := range map[string]struct {
		alpha *refine.Matte
		want  float64
	}{
		"binary":     {withSquare(refine.NewMatte(w, h), 1), 0},
		"steep ramp": {ramp(2), 0}, // 0, 0.5, 1: nothing soft
		// Soft (0.1 < α < 0.9) in columns 193-207, of which 193-197 and
		// 202-207 lie beyond the edge's reach: 11 of 200.
		"hair-like": {ramp(20), 11.0 / 200},
		// Soft in columns 185-215, 27 of them beyond the reach.
		"wider": {ramp(40), 27.0 / 200},
	} {
		t.Run(name, func(t *testing.T) {
			if got := BinaryGhost(tc.alpha); !near(got, tc.want) {
				t.Errorf("BinaryGhost = %v, want %v", got, tc.want)
			}
		})
	}
}
