package refine

// sparse is a square matrix in compressed sparse row form over the
// unknowns. It holds the non-local (colour-mixture and similarity) terms
// that are added to the matting Laplacian.
type sparse struct {
	n    int
	ptr  []int32 // row k spans [ptr[k], ptr[k+1])
	col  []int32
	val  []float64
	diag []float64 // diagonal entries, kept out of col/val
}

// mulAddRange adds (S x)[k] to dst[k] for k in [k0, k1).
func (m *sparse) mulAddRange(dst, x []float64, k0, k1 int) {
	for k := k0; k < k1; k++ {
		sum := m.diag[k] * x[k]
		for p := m.ptr[k]; p < m.ptr[k+1]; p++ {
			sum += m.val[p] * x[m.col[p]]
		}
		dst[k] += sum
	}
}

// triplets accumulates symmetric off-diagonal entries and diagonal entries
// before conversion to CSR.
type triplets struct {
	n    int
	rows [][]entry
	diag []float64
}

type entry struct {
	col int32
	val float64
}

func newTriplets(n int) *triplets {
	return &triplets{n: n, rows: make([][]entry, n), diag: make([]float64, n)}
}

// csr converts the accumulated entries, summing duplicates, into a sparse
// matrix whose rows are sorted by column.
func (t *triplets) csr() *sparse {
	m := &sparse{n: t.n, ptr: make([]int32, t.n+1), diag: t.diag}
	for k, r := range t.rows {
		sortEntries(r)
		last := int32(-1)
		for _, e := range r {
			if e.col == last {
				m.val[len(m.val)-1] += e.val
				continue
			}
			m.col = append(m.col, e.col)
			m.val = append(m.val, e.val)
			last = e.col
		}
		m.ptr[k+1] = int32(len(m.col))
	}
	return m
}

// sortEntries sorts a short row by column (insertion sort: rows hold a few
// dozen entries).
func sortEntries(r []entry) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j].col < r[j-1].col; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}
