package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"time"

	"cutout/refine"
)

// Each edit is answered at once: the refining worker keeps the shown
// photo's Solution (IncrementalRefiner) and, after a stroke, pick, undo,
// redo or reset, updates only the window the edit reaches, starting from
// the previous solution (refine.Incremental); the canvas repaints that
// window alone. The whole photo is solved again only the first time,
// after its automatic guide changed (hair band, invert) and after a
// restore or replay. A Refiner without Start solves the whole photo each
// time.

// keptSolution is the solution of one photo between its edits. The
// refining worker owns it; mu guards it only against forget, which drops
// a closed photo's solution from the UI goroutine.
type keptSolution struct {
	mu    sync.Mutex
	doc   *document
	img   *image.NRGBA
	guide *refine.Guide
	sol   Solution
	// pending bounds the labels edited since the solution was last
	// brought up to date, from jobs that were cancelled before their
	// update ran.
	pending image.Rectangle
}

// take notes what a job changed, whether or not it runs: a cancelled
// job's edits are updated by the next one.
func (k *keptSolution) take(job refineJob) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.doc != job.doc {
		return
	}
	if job.full {
		k.drop()
		return
	}
	k.pending = k.pending.Union(job.changed)
}

// drop forgets the solution; the caller holds mu.
func (k *keptSolution) drop() {
	k.doc, k.img, k.guide, k.sol, k.pending = nil, nil, nil, nil, image.Rectangle{}
}

// forget drops d's solution, if kept.
func (k *keptSolution) forget(d *document) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.doc == d {
		k.drop()
	}
}

// current returns the solution to update for job, with what changed
// since it was last brought up to date, or nil when the job needs a
// solve of the whole photo.
func (k *keptSolution) current(job refineJob) (Solution, image.Rectangle) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sol == nil || k.doc != job.doc || k.img != job.img || k.guide != job.guide {
		return nil, image.Rectangle{}
	}
	changed := k.pending
	k.pending = image.Rectangle{}
	return k.sol, changed
}

// keep makes sol the solution of job's photo.
func (k *keptSolution) keep(job refineJob, sol Solution) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.doc, k.img, k.guide, k.sol, k.pending = job.doc, job.img, job.guide, sol, image.Rectangle{}
}

// solveKept solves job's trimap: by updating the photo's kept solution
// when there is one, else in full. It returns the solve (copies the UI
// goroutine owns) and the rectangle that differs from the previous
// solve (empty after a full one).
func (r *refiner) solveKept(job refineJob, in refine.Input, progress func(RefineProgress)) (solved, image.Rectangle, error) {
	ir, ok := r.solver.(IncrementalRefiner)
	if !ok {
		out, err := r.solver.Refine(job.ctx, job.img, in, progress)
		if err != nil {
			return solved{}, image.Rectangle{}, err
		}
		return solved{matte: out.Alpha, fg: out.Foreground}, image.Rectangle{}, nil
	}
	sol, changed := r.kept.current(job)
	var win image.Rectangle
	if sol != nil {
		w, err := sol.Update(job.ctx, job.tri, changed)
		if err != nil {
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				r.kept.forget(job.doc)
			}
			return solved{}, image.Rectangle{}, fmt.Errorf("ui: refine %s: %w", job.doc.name, err)
		}
		win = w.Union(changed)
		if win.Empty() {
			win = image.Rect(0, 0, 1, 1) // nothing changed: repaint next to nothing
		}
	} else {
		r.kept.forget(job.doc)
		s, err := ir.Start(job.ctx, job.img, in, progress)
		if err != nil {
			return solved{}, image.Rectangle{}, err
		}
		r.kept.keep(job, s)
		sol = s
	}
	out := solved{matte: sol.Alpha().Clone()}
	if fg := sol.Foreground(); fg != nil {
		out.fg = cloneNRGBA(fg)
	}
	return out, win, nil
}

// editDelay is how long after an edit matting starts: at once when it
// updates the last solve, after a pause in the strokes when it solves
// the whole photo.
func (r *refiner) editDelay() time.Duration {
	if _, ok := r.solver.(IncrementalRefiner); ok {
		return updateDelay
	}
	return refineDelay
}

// cloneNRGBA copies an image.
func cloneNRGBA(m *image.NRGBA) *image.NRGBA {
	c := *m
	c.Pix = append([]uint8(nil), m.Pix...)
	return &c
}
