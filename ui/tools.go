package ui

import (
	"fmt"
	"math"
	"strconv"

	"fyne.io/fyne/v2/widget"
)

// tools is the active tool and the brush settings.
type tools struct {
	tool     Tool
	size     float64 // brush diameter in source pixels
	hardness float64 // in [0,1]
	spread   bool    // strokes spread over the region they were painted in (spread.go)
}

func (e *Editor) setTool(t Tool) {
	e.tools.tool = t
	for tt, b := range e.ctl.tools {
		if tt == t {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	e.canvas.updateCursor()
	e.updateStatus()
}

// swapBrush switches between the foreground and background brushes (X,
// as Photoshop swaps its colours).
func (e *Editor) swapBrush() {
	if e.tools.tool == ToolForeground {
		e.setTool(ToolBackground)
	} else {
		e.setTool(ToolForeground)
	}
}

// Brush size sliders are logarithmic so small brushes stay precise.
func sliderToSize(v float64) float64 {
	return minBrushSize * math.Pow(maxBrushSize/minBrushSize, v)
}

func sizeToSlider(s float64) float64 {
	return math.Log(s/minBrushSize) / math.Log(maxBrushSize/minBrushSize)
}

func (e *Editor) setBrushSize(s float64) {
	s = min(max(s, minBrushSize), maxBrushSize)
	e.tools.size = s
	e.app.Preferences().SetFloat(prefBrushSize, s)
	e.ctl.sizeLabel.SetText(strconv.Itoa(int(s+0.5)) + " px")
	if v := sizeToSlider(s); math.Abs(e.ctl.size.Value-v) > 1e-6 {
		e.ctl.size.SetValue(v)
	}
	e.canvas.updateCursor()
}

// setHardness sets the brush hardness, in [0,1].
func (e *Editor) setHardness(h float64) {
	h = min(max(h, 0), 1)
	e.tools.hardness = h
	e.app.Preferences().SetFloat(prefBrushHardness, h)
	if math.Abs(e.ctl.hardness.Value-h*100) > 1e-6 {
		e.ctl.hardness.SetValue(h * 100)
	}
	e.ctl.hardnessLabel.SetText(fmt.Sprintf("%.0f%%", h*100))
}

// The Editor is the mask canvas's host.
var _ canvasHost = (*Editor)(nil)

func (e *Editor) tool() Tool            { return e.tools.tool }
func (e *Editor) brushSize() float64    { return e.tools.size }
func (e *Editor) panKey() bool          { return e.keys.spaceOn }
func (e *Editor) splitMoved(at float64) { e.style.splitAt = at }

// pressed takes the keyboard focus back from the panel's controls.
func (e *Editor) pressed() {
	if c := e.win.Canvas(); c != nil {
		c.Unfocus()
	}
}
