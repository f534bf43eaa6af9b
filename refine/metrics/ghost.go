package metrics

import (
	"math"

	"cutout/refine"
	"cutout/refine/parallel"
)

// Ghost thresholds: a reference pixel is solid below GhostSolidLo or
// above GhostSolidHi, an estimated one is a ghost strictly between
// GhostLo and GhostHi, and the reference's edge reaches GhostEdge of the
// image's short side from its 0.5 contour.
const (
	GhostSolidLo = 0.02
	GhostSolidHi = 0.98
	GhostLo      = 0.1
	GhostHi      = 0.9
	GhostEdge    = 0.01
)

// Ghost returns the ghost area of pred against truth: among the pixels
// where truth is solid (below GhostSolidLo or above GhostSolidHi) and
// farther than GhostEdge × the short side from truth's 0.5 contour, those
// whose estimated alpha lies in (GhostLo, GhostHi), as a share of
// truth's subject area (truth ≥ 0.5). These are the half-transparent
// plateaus a cutout shows where the subject is solid, or where nothing
// is: see-through clothes, ghosts of the background. It is 0 when truth
// has no subject. A pixel's contour distance is Euclidean, to the nearest
// pixel with a 4-neighbour on the other side of 0.5.
func Ghost(pred, truth *refine.Matte) float64 {
	checkSizes("Ghost", pred, truth, nil)
	w, h := truth.W, truth.H
	ghost := GhostMask(pred, truth)
	ghosts, _ := sumRows(w, h, nil, func(i int) float64 { return float64(ghost.Pix[i]) })
	subject := subjectArea(truth)
	if subject == 0 {
		return 0
	}
	return ghosts / subject
}

// subjectArea counts the pixels of truth at 0.5 or above.
func subjectArea(truth *refine.Matte) float64 {
	n, _ := sumRows(truth.W, truth.H, nil, func(i int) float64 {
		if truth.Pix[i] >= 0.5 {
			return 1
		}
		return 0
	})
	return n
}

// GhostMask returns the pixels Ghost counts: 1 where pred is a ghost
// against truth, 0 elsewhere.
func GhostMask(pred, truth *refine.Matte) *refine.Matte {
	checkSizes("GhostMask", pred, truth, nil)
	w, h := truth.W, truth.H
	out := refine.NewMatte(w, h)
	if w == 0 || h == 0 {
		return out
	}
	r := GhostEdge * float64(min(w, h))
	rr := r * r
	d2 := contourDistance2(truth)
	parallel.Rows(h, func(y0, y1 int) {
		for i := y0 * w; i < y1*w; i++ {
			t, p := truth.Pix[i], pred.Pix[i]
			if (t < GhostSolidLo || t > GhostSolidHi) && d2[i] > rr && p > GhostLo && p < GhostHi {
				out.Pix[i] = 1
			}
		}
	})
	return out
}

// BinaryGhost returns the ghost area a perfect estimate shows against a
// binary reference: Ghost(alpha, alpha thresholded at 0.5), for a true
// alpha matte. Where the subject's edge is soft over more than GhostEdge
// of the short side (hair, fur, motion blur), a reference that calls it
// solid counts the true matte's soft values as ghosts; this is the floor
// that such a reference puts under any cutout's ghost area.
func BinaryGhost(alpha *refine.Matte) float64 {
	bin := refine.NewMatte(alpha.W, alpha.H)
	for i, v := range alpha.Pix {
		if v >= 0.5 {
			bin.Pix[i] = 1
		}
	}
	return Ghost(alpha, bin)
}

// GhostEdgeReach is how far, in pixels, a ghost pixel may lie from the
// estimate's own 0.5 contour and still count as its edge in GhostSplit:
// the reach of an edge anti-aliased over two pixels.
const GhostEdgeReach = 2

// GhostSplit splits Ghost(pred, truth) in two: edge, the ghost pixels
// within GhostEdgeReach of pred's own 0.5 contour (a steep edge in the
// wrong place: the subject's outline misplaced by more than GhostEdge of
// the short side), and plateau, the others (half-transparent areas, the
// ghosts proper). edge + plateau is Ghost.
func GhostSplit(pred, truth *refine.Matte) (edge, plateau float64) {
	checkSizes("GhostSplit", pred, truth, nil)
	w, h := truth.W, truth.H
	ghost := GhostMask(pred, truth)
	own := contourDistance2(pred)
	const rr = GhostEdgeReach * GhostEdgeReach
	edge, _ = sumRows(w, h, nil, func(i int) float64 {
		if ghost.Pix[i] == 1 && own[i] <= rr {
			return 1
		}
		return 0
	})
	all, _ := sumRows(w, h, nil, func(i int) float64 { return float64(ghost.Pix[i]) })
	subject := subjectArea(truth)
	if subject == 0 {
		return 0, 0
	}
	return edge / subject, (all - edge) / subject
}

// contourDistance2 returns, per pixel of m, the squared Euclidean distance
// to the nearest contour pixel (one with a 4-neighbour on the other side
// of 0.5), +Inf when there is none: the exact distance transform of
// Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled
// Functions", 2012), by columns and then by rows.
func contourDistance2(m *refine.Matte) []float64 {
	w, h := m.W, m.H
	inf := math.Inf(1)
	d := make([]float64, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				i := y*w + x
				f := m.Pix[i] >= 0.5
				contour := x > 0 && (m.Pix[i-1] >= 0.5) != f || x+1 < w && (m.Pix[i+1] >= 0.5) != f ||
					y > 0 && (m.Pix[i-w] >= 0.5) != f || y+1 < h && (m.Pix[i+w] >= 0.5) != f
				if contour {
					d[i] = 0
				} else {
					d[i] = inf
				}
			}
		}
	})
	// Columns: each worker transforms a band of columns.
	parallel.Rows(w, func(x0, x1 int) {
		f, out := make([]float64, h), make([]float64, h)
		v, z := make([]int, h), make([]float64, h+1)
		for x := x0; x < x1; x++ {
			for y := 0; y < h; y++ {
				f[y] = d[y*w+x]
			}
			edt1(f, out, v, z)
			for y := 0; y < h; y++ {
				d[y*w+x] = out[y]
			}
		}
	})
	parallel.Rows(h, func(y0, y1 int) {
		out := make([]float64, w)
		v, z := make([]int, w), make([]float64, w+1)
		for y := y0; y < y1; y++ {
			row := d[y*w : (y+1)*w]
			edt1(row, out, v, z)
			copy(row, out)
		}
	})
	return d
}

// edt1 is the one-dimensional squared distance transform of f into out:
// out[q] = min over p of (q−p)² + f[p], by the lower envelope of the
// parabolas rooted at the finite samples (v their positions, z the
// boundaries between them). v and z are scratch space of len(f) and
// len(f)+1.
func edt1(f, out []float64, v []int, z []float64) {
	n := len(f)
	k := -1
	for q := 0; q < n; q++ {
		if math.IsInf(f[q], 1) {
			continue
		}
		var s float64
		for k >= 0 {
			p := v[k]
			// s: where the parabolas of p and q intersect.
			s = ((f[q] + float64(q*q)) - (f[p] + float64(p*p))) / float64(2*q-2*p)
			if s > z[k] {
				break
			}
			k--
		}
		k++
		v[k] = q
		if k == 0 {
			z[k] = math.Inf(-1)
		} else {
			z[k] = s
		}
		z[k+1] = math.Inf(1)
	}
	if k < 0 {
		for q := range out {
			out[q] = math.Inf(1)
		}
		return
	}
	j := 0
	for q := 0; q < n; q++ {
		for z[j+1] < float64(q) {
			j++
		}
		dq := float64(q - v[j])
		out[q] = dq*dq + f[v[j]]
	}
}
