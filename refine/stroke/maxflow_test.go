package stroke

import (
	"math/rand"
	"testing"
)

// cutCost is the capacity of the cut g's solve found on the original
// capacities tr0 and edge capacities e0.
func cutCost(w, h int, tr0 []float32, e0 []float32, src func(int) bool) float64 {
	cost := 0.0
	for u := range w * h {
		if src(u) && tr0[u] < 0 {
			cost += float64(-tr0[u])
		}
		if !src(u) && tr0[u] > 0 {
			cost += float64(tr0[u])
		}
		for d := range 8 {
			if e0[8*u+d] > 0 && src(u) && !src(u+gridDY[d]*w+gridDX[d]) {
				cost += float64(e0[8*u+d])
			}
		}
	}
	return cost
}

// TestFlowGridMinCut: on small random grids the cut found costs no more
// than the best of every labelling.
func TestFlowGridMinCut(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := range 300 {
		w, h := 2+rng.Intn(3), 2+rng.Intn(3)
		if w*h > 14 {
			h = 14 / w
		}
		// A border of one node no arc reaches.
		pw, ph := w+2, h+2
		g := newFlowGrid(pw, ph)
		for y := 1; y <= h; y++ {
			for x := 1; x <= w; x++ {
				u := y*pw + x
				g.tr[u] = float32(rng.Intn(21) - 10)
				for d := 4; d < 8; d++ {
					nx, ny := x+gridDX[d], y+gridDY[d]
					if nx >= 1 && nx <= w && ny <= h && rng.Intn(4) > 0 {
						g.setEdge(u, d, float32(rng.Intn(8)))
					}
				}
			}
		}
		tr0 := append([]float32(nil), g.tr...)
		e0 := append([]float32(nil), g.rcap...)
		g.solve()
		got := cutCost(pw, ph, tr0, e0, g.source)
		var nodes []int
		for y := 1; y <= h; y++ {
			for x := 1; x <= w; x++ {
				nodes = append(nodes, y*pw+x)
			}
		}
		best := 1e18
		for mask := 0; mask < 1<<len(nodes); mask++ {
			in := map[int]bool{}
			for i, u := range nodes {
				if mask>>i&1 == 1 {
					in[u] = true
				}
			}
			best = min(best, cutCost(pw, ph, tr0, e0, func(u int) bool { return in[u] }))
		}
		if got != best {
			t.Fatalf("trial %d (%dx%d): cut %v, least %v", trial, w, h, got, best)
		}
	}
}
