package refine

import (
	"math"
	"math/bits"

	"cutout/refine/parallel"
)

// multilevelWeight is θ, the weight of the coarse levels' corrections.
// On the finest level of a 12 MP cut (134 000 unknowns, started from the
// cascade's guess) conjugate gradients take 211 iterations with Jacobi
// alone; with the levels, 117 / 109 / 105 / 106 / 108 / 115 / 130 at θ =
// 0.1 / 0.15 / 0.2 / 0.25 / 0.3 / 0.5 / 1.
const multilevelWeight = 0.2

// multilevel is an additive multilevel preconditioner in the manner of
// Bramble, Pasciak and Xu ("Parallel multilevel preconditioners", Math.
// Comp. 55, 1990), on aggregates: level l groups the unknowns by cells of
// 2^l×2^l pixels, and
//
//	M⁻¹ r = D⁻¹ r + θ Σ_l P_l D_l⁻¹ P_lᵀ r
//
// with P_l constant over each cell and D_l the diagonal of the Galerkin
// operator P_lᵀ A P_l (the sum of A over the pairs of unknowns within a
// cell). Jacobi alone mends an error only a pixel or two a step; the
// cells carry a correction across the whole unknown band at once, so the
// slow, smooth part of the error goes in far fewer iterations. It is
// symmetric and positive definite as conjugate gradients require, costs
// about one more pass over the residual per iteration, and every sum runs
// in a fixed order, so the result does not depend on the number of cores.
type multilevel struct {
	levels []mlLevel
}

// mlLevel is one level of aggregates.
type mlLevel struct {
	// child[start[J]:start[J+1]] are aggregate J's members on the level
	// below (unknowns on the first level), increasing.
	start, child []int32
	// parent is the aggregate of each member of the level below.
	parent []int32
	inv    []float64 // θ / D_l per aggregate (0 where D_l is not positive)
	sum    []float64 // the restricted residual, then the correction
}

// newMultilevel builds the levels of the system s over an image w pixels
// wide: cells of 2, 4, 8... pixels, up to the one that holds every
// unknown. It reads s's rows, the data term included, so it is built
// after addPrior.
func newMultilevel(s *system, w int) *multilevel {
	n := s.n
	m := &multilevel{}
	if n == 0 || w <= 0 {
		return m
	}
	h := int(s.idx[n-1])/w + 1
	// xs, ys: the cell coordinates of the level below's nodes.
	xs, ys := make([]int32, n), make([]int32, n)
	for k, p := range s.idx {
		xs[k], ys[k] = p%int32(w), p/int32(w)
	}
	gw, gh := w, h
	nodes := n
	for nodes > 1 {
		gw, gh = (gw+1)/2, (gh+1)/2
		id := make([]int32, gw*gh)
		for k := range nodes {
			id[int(ys[k]/2)*gw+int(xs[k]/2)] = 1
		}
		var na int32
		for c, v := range id {
			if v != 0 {
				id[c] = na
				na++
			} else {
				id[c] = -1
			}
		}
		lv := mlLevel{
			start:  make([]int32, na+1),
			child:  make([]int32, nodes),
			parent: make([]int32, nodes),
			inv:    make([]float64, na),
			sum:    make([]float64, na),
		}
		for k := range nodes {
			j := id[int(ys[k]/2)*gw+int(xs[k]/2)]
			lv.parent[k] = j
			lv.start[j+1]++
		}
		for j := range na {
			lv.start[j+1] += lv.start[j]
		}
		fill := append([]int32(nil), lv.start[:na]...)
		cx, cy := make([]int32, na), make([]int32, na)
		for k := range nodes {
			j := lv.parent[k]
			lv.child[fill[j]] = int32(k)
			fill[j]++
			cx[j], cy[j] = xs[k]/2, ys[k]/2
		}
		m.levels = append(m.levels, lv)
		xs, ys, nodes = cx, cy, int(na)
	}
	m.diagonals(s, w)
	return m
}

// diagonals sets every level's θ/D_l. The entry A_kj of unknowns k and
// j lies within a cell of level l, and so within every coarser one, when
// their pixels' coordinates differ in no bit from the l-th up. Chunks of
// rows add into their own copies of the diagonals, summed in chunk order.
func (m *multilevel) diagonals(s *system, w int) {
	nl := len(m.levels)
	size := 0
	for _, lv := range m.levels {
		size += len(lv.inv)
	}
	// At most four copies: the sum over them is sequential.
	nc := min(4, chunks(s.n))
	part := make([][]float64, nc)
	parallel.Bands(s.n, nc, func(c, k0, k1 int) {
		d := make([]float64, size)
		// from[l]: the row's entries whose pixels first share a cell at
		// level l.
		from := make([]float64, nl+1)
		var lx, ly [5]int
		for k := k0; k < k1; k++ {
			p := int(s.idx[k])
			x, y := p%w, p/w
			for d := range 5 {
				lx[d] = bits.Len(uint(x ^ (x + d - 2)))
				ly[d] = bits.Len(uint(y ^ (y + d - 2)))
			}
			clear(from)
			col := s.col[k*stencil : k*stencil+stencil]
			val := s.val[k*stencil : k*stencil+stencil]
			for slot, c := range col {
				if int(c) == s.n {
					continue
				}
				if l := max(lx[slot%5], ly[slot/5]); l <= nl {
					from[l] += float64(val[slot])
				}
			}
			acc := from[0]
			j, off := int32(k), 0
			for l := range nl {
				acc += from[l+1]
				j = m.levels[l].parent[j]
				d[off+int(j)] += acc
				off += len(m.levels[l].inv)
			}
		}
		part[c] = d
	})
	d := part[0]
	for _, p := range part[1:] {
		for j, v := range p {
			d[j] += v
		}
	}
	off := 0
	for l := range m.levels {
		inv := m.levels[l].inv
		for j, v := range d[off : off+len(inv)] {
			if v > 0 && !math.IsInf(v, 0) {
				inv[j] = multilevelWeight / v
			}
		}
		off += len(inv)
	}
}

// prepare restricts r to every level, then forms each level's correction
// from the coarsest down, each coarser one added in: afterwards the first
// level's sum holds the whole coarse correction of each of its cells.
func (m *multilevel) prepare(r []float64) {
	below := r
	for l := range m.levels {
		lv := &m.levels[l]
		na := len(lv.sum)
		parallel.Bands(na, chunks(na), func(_, j0, j1 int) {
			for j := j0; j < j1; j++ {
				var s float64
				for _, c := range lv.child[lv.start[j]:lv.start[j+1]] {
					s += below[c]
				}
				lv.sum[j] = s
			}
		})
		below = lv.sum
	}
	for l := len(m.levels) - 1; l >= 0; l-- {
		lv := &m.levels[l]
		na := len(lv.sum)
		var up *mlLevel
		if l+1 < len(m.levels) {
			up = &m.levels[l+1]
		}
		parallel.Bands(na, chunks(na), func(_, j0, j1 int) {
			for j := j0; j < j1; j++ {
				v := lv.sum[j] * lv.inv[j]
				if up != nil {
					v += up.sum[up.parent[j]]
				}
				lv.sum[j] = v
			}
		})
	}
}

// correction returns the coarse levels' correction at unknown k, after
// prepare.
func (m *multilevel) correction(k int) float64 {
	if len(m.levels) == 0 {
		return 0
	}
	lv := &m.levels[0]
	return lv.sum[lv.parent[k]]
}
