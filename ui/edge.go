package ui

import (
	"math"

	"cutout/refine"
	"cutout/refine/parallel"
)

// The edge controls besides refine.ShiftEdge and refine.Feather, as
// Photoshop's Select and Mask has them: Smooth rounds off a jagged
// outline, Contrast hardens a soft one. A refined matte goes through
// Smooth, Shift edge, Feather, then Contrast.

// Edge control ranges.
const (
	maxEdgeSmooth   = 10  // pixels
	maxEdgeContrast = 100 // per cent
)

// smoothEdge rounds off the outline of m: it blurs the matte with a
// deviation of r pixels, which evens out steps and notches smaller than
// r, then steepens the blurred ramp back to the width of a hard edge (one
// pixel around the blurred 0.5 contour), so the outline moves but does
// not soften. Soft detail finer than r (hair) hardens too, as in
// Photoshop. r ≤ 0 returns m itself; m is not modified.
func smoothEdge(m *refine.Matte, r float64) *refine.Matte {
	if r <= 0 {
		return m
	}
	out := refine.Feather(m, r)
	// The blurred ramp of a hard edge has slope 1/(r√(2π)) at its middle:
	// multiplying by r√(2π) makes it one pixel wide again.
	return contrastAbout(out, r*math.Sqrt(2*math.Pi), false)
}

// contrastEdge hardens soft edges of m: alpha moves away from 0.5 by a
// factor 1/(1 − c) for c in [0,1) (c per cent / 100), so an edge ramp
// narrows to 1 − c of its width; c = 0 returns m itself, c ≥ 1 makes the
// matte binary at 0.5. m is not modified.
func contrastEdge(m *refine.Matte, c float64) *refine.Matte {
	switch {
	case c <= 0:
		return m
	case c >= 1:
		return contrastAbout(m, math.Inf(1), true)
	}
	return contrastAbout(m, 1/(1-c), true)
}

// contrastAbout returns clamp((m − 0.5)·k + 0.5): a new matte when
// copied is set, else m itself, changed in place (a matte of the
// caller's own).
func contrastAbout(m *refine.Matte, k float64, copied bool) *refine.Matte {
	out := m
	if copied {
		out = refine.NewMatte(m.W, m.H)
	}
	kk := float32(k)
	parallel.Rows(m.H, func(y0, y1 int) {
		for i := y0 * m.W; i < y1*m.W; i++ {
			v := m.Pix[i] - 0.5
			switch {
			case v == 0:
				out.Pix[i] = 0.5
			case math.IsInf(k, 1):
				out.Pix[i] = float32(math.Max(0, math.Copysign(1, float64(v))))
			default:
				out.Pix[i] = min(max(v*kk+0.5, 0), 1)
			}
		}
	})
	return out
}
