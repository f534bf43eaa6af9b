package ui

import (
	"fmt"
	"time"

	"cutout/refine"
)

// The hair band (Edges ▸ Hair band) is the command line's --band in the
// editor: the width of the automatic guide's unknown band in hair and
// fur, as a per cent of the photo's short side. A change makes the
// shown photo's guide again, off the UI goroutine, and replays its edits
// on the new automatic trimap; other photos follow when shown.

// bandDelay is how long after the last change of the band the guide is
// made again: making one takes a while on a large photo.
const bandDelay = 300 * time.Millisecond

// Hair band slider range, per cent of the short side.
const (
	minBandPercent = 0.2
	maxBandPercent = 10
)

// guideBand is the automatic guide's band, for Refiner.Guide.
func (e *Editor) guideBand() float64 { return e.band }

// bandPercent is the band the slider shows: the default when unset.
func bandPercent(band float64) float64 {
	if band <= 0 {
		band = refine.DefaultBand
	}
	return band * 100
}

// bandText writes the band for its label.
func bandText(band float64) string { return fmt.Sprintf("%.1f%%", bandPercent(band)) }

// setBand sets the guide's band (a fraction of the short side) and makes
// the shown photo's guide again shortly after the last change.
func (e *Editor) setBand(band float64) {
	if band == e.band {
		return
	}
	e.band = band
	e.app.Preferences().SetFloat(prefBand, band)
	e.ctl.bandLabel.SetText(bandText(band))
	if e.bandTimer != nil {
		e.bandTimer.Stop()
	}
	e.bandTimer = time.AfterFunc(bandDelay, func() {
		e.post(func() {
			if d := e.cur; d != nil && d.editable() && d.guideBand != e.band && !e.closed {
				e.reguide(d)
			}
		})
	})
}

// reguide makes d's automatic guide again with the current band and
// replays d's edits on it.
func (e *Editor) reguide(d *document) {
	img, model, band, guide := d.ly.src, d.model, e.band, e.deps.Refiner.Guide
	w, h := d.w, d.h
	e.ref.cancel()
	e.setBusy("Finding the hair band of " + d.name + "…")
	e.goWork(func() {
		g := guide(img, matteFrom8(model, w, h), band)
		e.post(func() {
			if !d.editable() || d.ly.src != img || band != e.band {
				e.updateStatus()
				return // released, or the band changed again
			}
			ops := d.edits()
			d.setMask(g)
			d.guideBand = band
			e.replay(d, d.auto, ops)
			if d == e.cur {
				e.canvas.redraw()
			}
			e.edited(d, wholePhoto)
		})
	})
}
