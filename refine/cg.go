package refine

import (
	"fmt"
	"math"

	"cutout/refine/parallel"
)

// SolveError reports that the conjugate-gradient solver stopped without
// reaching its tolerance: it hit the iteration limit (handled inside the
// package: SolveAlpha reports it in Stats.Converged), or broke down on a
// system that is not positive definite. The partial solution is still
// returned next to it.
type SolveError struct {
	Iterations int     // iterations run
	Residual   float64 // relative residual ‖b−Ax‖/‖b‖ reached
	Reason     string  // iterationLimit or breakdown
}

// Error implements error.
func (e *SolveError) Error() string {
	return fmt.Sprintf("refine: conjugate gradients: %s after %d iterations, relative residual %.3g", e.Reason, e.Iterations, e.Residual)
}

// SolveError reasons.
const (
	iterationLimit = "iteration limit"
	breakdown      = "breakdown"
)

// linearOp is a symmetric positive-definite operator on vectors of n+1
// entries whose last entry is always zero, split into fixed chunks.
type linearOp interface {
	size() int
	// mulRange sets dst[k] = (A x)[k] for k in [k0, k1) and returns
	// Σ dst[k]·x[k] over the range, summed in increasing k; chunks run
	// concurrently, so it writes dst only inside the range.
	mulRange(dst, x []float64, k0, k1 int) float64
	// preparer returns the function that readies M⁻¹ for r, reading all
	// of r, before precondRange runs on r's chunks; nil when
	// precondRange needs nothing beforehand.
	preparer() func(r []float64)
	// precondRange sets z[k] = (M⁻¹ r)[k] for k in [k0, k1), after any
	// preparer's function ran on r; it may read r only inside the range,
	// so chunks run independently.
	precondRange(z, r []float64, k0, k1 int)
}

// cgSettings controls one conjugate-gradient run.
type cgSettings struct {
	maxIter int
	tol     float64 // relative residual ‖b−Ax‖/‖b‖
	// iterHook, if set, is called after every iteration with the
	// iteration number and relative residual; a non-nil error stops the run.
	iterHook func(it int, res float64) error
}

// cgResult summarises a run.
type cgResult struct {
	iterations int
	residual   float64
}

// conjugateGradient solves A x = b by preconditioned conjugate gradients
// (Barrett et al., "Templates for the Solution of Linear Systems", 1994,
// Fig. 2.5), starting from the x given. b and x are n+1 long; b is not
// modified. Dot products are summed per chunk and the chunk sums added in
// chunk order, so results do not depend on the number of cores.
func conjugateGradient(a linearOp, b, x []float64, set cgSettings) (cgResult, error) {
	n := a.size()
	nc := chunks(n)
	r := make([]float64, n+1)
	z := make([]float64, n+1)
	p := make([]float64, n+1)
	q := make([]float64, n+1)
	// part holds two partial sums per chunk.
	part := make([]float64, 2*nc)
	sum := func(off int) float64 {
		var s float64
		for c := range nc {
			s += part[2*c+off]
		}
		return s
	}
	// r = b − A x, z = M⁻¹ r, ρ = r·z, ‖b‖²
	parallel.Bands(n, nc, func(_, k0, k1 int) { a.mulRange(q, x, k0, k1) })
	parallel.Bands(n, nc, func(c, k0, k1 int) {
		var bb, rr float64
		for k := k0; k < k1; k++ {
			r[k] = b[k] - q[k]
			bb += b[k] * b[k]
			rr += r[k] * r[k]
		}
		part[2*c], part[2*c+1] = bb, rr
	})
	bnorm := math.Sqrt(sum(0))
	if bnorm == 0 {
		bnorm = 1
	}
	res := math.Sqrt(sum(1)) / bnorm
	if n == 0 || res <= set.tol {
		return cgResult{residual: res}, nil
	}
	prepare := a.preparer()
	if prepare != nil {
		prepare(r)
	}
	parallel.Bands(n, nc, func(c, k0, k1 int) {
		a.precondRange(z, r, k0, k1)
		var rz float64
		for k := k0; k < k1; k++ {
			p[k] = z[k]
			rz += r[k] * z[k]
		}
		part[2*c] = rz
	})
	rho := sum(0)
	for it := 1; it <= set.maxIter; it++ {
		// q = A p, and p·q in the same pass
		parallel.Bands(n, nc, func(c, k0, k1 int) { part[2*c] = a.mulRange(q, p, k0, k1) })
		pq := sum(0)
		if !(pq > 0) || !(rho > 0) {
			return cgResult{it, res}, &SolveError{Iterations: it, Residual: res, Reason: breakdown}
		}
		alpha := rho / pq // α = ρ / pᵀAp
		// x += α p, r −= α q and r·r, then z = M⁻¹ r and r·z: in one
		// pass over each chunk, or in two around prepare.
		update := func(c, k0, k1 int) {
			var rr float64
			for k := k0; k < k1; k++ {
				x[k] += alpha * p[k]
				r[k] -= alpha * q[k]
				rr += r[k] * r[k]
			}
			part[2*c+1] = rr
		}
		precond := func(c, k0, k1 int) {
			a.precondRange(z, r, k0, k1)
			var rz float64
			for k := k0; k < k1; k++ {
				rz += r[k] * z[k]
			}
			part[2*c] = rz
		}
		if prepare == nil {
			parallel.Bands(n, nc, func(c, k0, k1 int) {
				update(c, k0, k1)
				precond(c, k0, k1)
			})
		} else {
			parallel.Bands(n, nc, update)
			prepare(r)
			parallel.Bands(n, nc, precond)
		}
		rhoNew := sum(0)
		res = math.Sqrt(sum(1)) / bnorm
		if set.iterHook != nil {
			if err := set.iterHook(it, res); err != nil {
				return cgResult{it, res}, err
			}
		}
		if res <= set.tol {
			return cgResult{it, res}, nil
		}
		beta := rhoNew / rho // β = ρ_new / ρ
		rho = rhoNew
		// p = z + β p
		parallel.Bands(n, nc, func(_, k0, k1 int) {
			for k := k0; k < k1; k++ {
				p[k] = z[k] + beta*p[k]
			}
		})
	}
	return cgResult{set.maxIter, res}, &SolveError{Iterations: set.maxIter, Residual: res, Reason: iterationLimit}
}
