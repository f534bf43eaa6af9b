package stroke

// A minimum s-t cut on a grid (Boykov and Kolmogorov, "An Experimental
// Comparison of Min-Cut/Max-Flow Algorithms for Energy Minimization in
// Vision", PAMI 2004): two search trees, one grown from the source and
// one from the sink, meet along paths that are augmented; the trees are
// kept between augmentations and repaired by adopting orphans, which is
// what makes the algorithm fast on the short paths of an image grid.

// Arcs of a grid graph: each node has one slot for each of its eight
// neighbours, in the order of gridDX and gridDY; the slot of the arc from
// node u in direction d is 8u+d, and its reverse is 8v+7-d.
var (
	gridDX = [8]int{-1, 0, 1, -1, 1, -1, 0, 1}
	gridDY = [8]int{-1, -1, -1, 0, 0, 1, 1, 1}
)

// Node states and parent markers.
const (
	freeNode   = 0
	sourceNode = 1
	sinkNode   = 2

	noParent       = -1
	terminalParent = -2
	orphanParent   = -3
)

// flowGrid is a grid graph of w×h nodes with eight-connected arcs and
// terminal links.
type flowGrid struct {
	w, h int
	// tr is a node's terminal capacity: positive from the source,
	// negative to the sink (only the difference of the two matters to
	// the cut).
	tr []float32
	// rcap is the residual capacity of each arc slot (0 where there is no
	// neighbour).
	rcap []float32

	tree   []uint8
	parent []int32 // the arc slot to the node's parent, or a marker
	ts     []int32 // when the node's distance to its terminal was found
	dist   []int32 // its distance to its terminal then
	active []int32 // FIFO of active nodes
	queued []bool
	orphan []int32
	time   int32
}

// newFlowGrid returns a graph of w×h nodes with no capacities.
func newFlowGrid(w, h int) *flowGrid {
	n := w * h
	return &flowGrid{w: w, h: h, tr: make([]float32, n), rcap: make([]float32, 8*n),
		tree: make([]uint8, n), parent: make([]int32, n), ts: make([]int32, n), dist: make([]int32, n), queued: make([]bool, n)}
}

// setEdge gives the arcs between node u and its neighbour in direction d
// (and back) capacity c each.
func (g *flowGrid) setEdge(u, d int, c float32) {
	v := u + gridDY[d]*g.w + gridDX[d]
	g.rcap[8*u+d] = c
	g.rcap[8*v+7-d] = c
}

// head returns the node arc slot a leads to.
func (g *flowGrid) head(a int32) int32 {
	d := a & 7
	return a>>3 + int32(gridDY[d]*g.w+gridDX[d])
}

// sister returns the reverse of arc slot a.
func (g *flowGrid) sister(a int32) int32 { return 8*g.head(a) + 7 - a&7 }

func (g *flowGrid) push(i int32) {
	if !g.queued[i] {
		g.queued[i] = true
		g.active = append(g.active, i)
	}
}

// solve finds the maximum flow; afterwards source reports each node's
// side of the minimum cut.
func (g *flowGrid) solve() {
	for i := range g.tr {
		g.parent[i] = noParent
		if g.tr[i] != 0 {
			g.tree[i] = sourceNode
			if g.tr[i] < 0 {
				g.tree[i] = sinkNode
			}
			g.parent[i] = terminalParent
			g.dist[i] = 1
			g.push(int32(i))
		}
	}
	for head := 0; head < len(g.active); {
		i := g.active[head]
		if g.tree[i] == freeNode {
			g.queued[i] = false
			head++
			continue
		}
		// Grow the tree of i until it touches the other tree.
		meet := int32(-1)
		for d := int32(0); d < 8; d++ {
			a := 8*i + d
			var c float32
			if g.tree[i] == sourceNode {
				c = g.rcap[a]
			} else {
				c = g.rcap[g.sister(a)]
			}
			if c <= 0 {
				continue
			}
			j := g.head(a)
			switch {
			case g.tree[j] == freeNode:
				g.tree[j] = g.tree[i]
				g.parent[j] = g.sister(a)
				g.ts[j] = g.ts[i]
				g.dist[j] = g.dist[i] + 1
				g.push(j)
			case g.tree[j] != g.tree[i]:
				meet = a
			case g.ts[j] <= g.ts[i] && g.dist[j] > g.dist[i]:
				// A shorter path to the terminal: a heuristic.
				g.parent[j] = g.sister(a)
				g.ts[j] = g.ts[i]
				g.dist[j] = g.dist[i] + 1
			}
			if meet >= 0 {
				break
			}
		}
		if meet < 0 {
			g.queued[i] = false
			head++
			continue
		}
		// Augment along the path through meet, then repair the trees; i
		// stays active.
		g.time++
		if g.tree[i] == sinkNode {
			meet = g.sister(meet)
		}
		g.augment(meet)
		g.adopt()
		if head > 4096 && head > len(g.active)/2 {
			n := copy(g.active, g.active[head:])
			g.active = g.active[:n]
			head = 0
		}
	}
}

// augment pushes the bottleneck flow along the source-to-sink path whose
// middle arc is a (from the source tree to the sink tree).
func (g *flowGrid) augment(a int32) {
	b := g.rcap[a]
	for i := a >> 3; ; {
		p := g.parent[i]
		if p == terminalParent {
			b = min(b, g.tr[i])
			break
		}
		b = min(b, g.rcap[g.sister(p)])
		i = g.head(p)
	}
	for i := g.head(a); ; {
		p := g.parent[i]
		if p == terminalParent {
			b = min(b, -g.tr[i])
			break
		}
		b = min(b, g.rcap[p])
		i = g.head(p)
	}
	g.rcap[a] -= b
	g.rcap[g.sister(a)] += b
	for i := a >> 3; ; {
		p := g.parent[i]
		if p == terminalParent {
			g.tr[i] -= b
			if g.tr[i] <= 0 {
				g.tr[i] = 0
				g.parent[i] = orphanParent
				g.orphan = append(g.orphan, i)
			}
			break
		}
		g.rcap[g.sister(p)] -= b
		g.rcap[p] += b
		if g.rcap[g.sister(p)] <= 0 {
			g.rcap[g.sister(p)] = 0
			g.parent[i] = orphanParent
			g.orphan = append(g.orphan, i)
		}
		i = g.head(p)
	}
	for i := g.head(a); ; {
		p := g.parent[i]
		if p == terminalParent {
			g.tr[i] += b
			if g.tr[i] >= 0 {
				g.tr[i] = 0
				g.parent[i] = orphanParent
				g.orphan = append(g.orphan, i)
			}
			break
		}
		g.rcap[p] -= b
		g.rcap[g.sister(p)] += b
		if g.rcap[p] <= 0 {
			g.rcap[p] = 0
			g.parent[i] = orphanParent
			g.orphan = append(g.orphan, i)
		}
		i = g.head(p)
	}
}

// adopt finds new parents for the orphans an augmentation left, or frees
// them.
func (g *flowGrid) adopt() {
	for len(g.orphan) > 0 {
		i := g.orphan[len(g.orphan)-1]
		g.orphan = g.orphan[:len(g.orphan)-1]
		t := g.tree[i]
		best, bestD := int32(noParent), int32(1<<30)
		for d := int32(0); d < 8; d++ {
			a := 8*i + d
			var c float32
			if t == sourceNode {
				c = g.rcap[g.sister(a)]
			} else {
				c = g.rcap[a]
			}
			if c <= 0 {
				continue
			}
			j := g.head(a)
			if g.tree[j] != t || g.parent[j] == noParent {
				continue
			}
			// Is j still rooted at its terminal? Walk up.
			k, steps := j, int32(0)
			ok := false
			for {
				if g.ts[k] == g.time {
					steps += g.dist[k]
					ok = true
					break
				}
				p := g.parent[k]
				steps++
				if p == terminalParent {
					g.ts[k] = g.time
					g.dist[k] = 1
					ok = true
					break
				}
				if p == orphanParent || p == noParent {
					break
				}
				k = g.head(p)
			}
			if !ok {
				continue
			}
			if steps < bestD {
				best, bestD = a, steps
			}
			// Mark the walked path with its distances.
			for k, dd := j, steps; g.ts[k] != g.time; k = g.head(g.parent[k]) {
				g.ts[k] = g.time
				g.dist[k] = dd
				dd--
			}
		}
		if best != noParent {
			g.parent[i] = best
			g.ts[i] = g.time
			g.dist[i] = bestD + 1
			continue
		}
		// No parent: i is freed; its children become orphans and the
		// neighbours that could reach it become active.
		for d := int32(0); d < 8; d++ {
			a := 8*i + d
			j := g.head(a)
			if g.rcap[a] == 0 && g.rcap[g.sister(a)] == 0 {
				continue
			}
			if g.tree[j] != t {
				continue
			}
			var c float32
			if t == sourceNode {
				c = g.rcap[g.sister(a)]
			} else {
				c = g.rcap[a]
			}
			if c > 0 {
				g.push(j)
			}
			if p := g.parent[j]; p >= 0 && g.head(p) == i {
				g.parent[j] = orphanParent
				g.orphan = append(g.orphan, j)
			}
		}
		g.tree[i] = freeNode
		g.parent[i] = noParent
	}
}

// source reports whether node i is on the source side of the cut.
func (g *flowGrid) source(i int) bool { return g.tree[i] == sourceNode }
