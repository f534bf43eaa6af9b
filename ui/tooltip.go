package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// tooltipDelay is how long the pointer rests on a control before its
// tooltip shows.
const tooltipDelay = 600 * time.Millisecond

// tooltips shows one tooltip at a time in a layer above the window's
// content. The layer holds only a rectangle and a text, which take no
// input, so a tooltip never swallows a click (a pop-up would).
type tooltips struct {
	host  tipHost
	layer *fyne.Container
	bg    *canvas.Rectangle
	text  *canvas.Text
	owner fyne.CanvasObject
	timer *time.Timer
}

// tipHost is what the tooltips need of the window they show in.
type tipHost interface {
	post(fn func())        // runs fn on the UI goroutine
	shutDown() bool        // the window is closed
	canvasSize() fyne.Size // the window's canvas
	// repaint redraws obj on the window's canvas. The tooltip must be
	// repainted through the window: the desktop driver knows no canvas
	// for an object that was hidden when the window was last drawn, so
	// its own Refresh draws nothing.
	repaint(obj fyne.CanvasObject)
}

func newTooltips(host tipHost) *tooltips {
	t := &tooltips{host: host}
	t.bg = canvas.NewRectangle(color.NRGBA{R: 0x20, G: 0x22, B: 0x26, A: 0xf0})
	t.bg.CornerRadius = 4
	t.text = canvas.NewText("", color.NRGBA{R: 0xf0, G: 0xf0, B: 0xf0, A: 0xff})
	t.text.TextSize = theme.CaptionTextSize()
	t.bg.Hide()
	t.text.Hide()
	// The layer itself stays visible, so the driver knows where it lies.
	t.layer = container.NewWithoutLayout(t.bg, t.text)
	return t
}

// show shows text under obj after tooltipDelay, unless hide comes first.
func (t *tooltips) show(obj fyne.CanvasObject, text string) {
	if text == "" {
		return
	}
	t.owner = obj
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(tooltipDelay, func() {
		t.host.post(func() {
			if t.owner == obj && !t.host.shutDown() {
				t.place(obj, text)
			}
		})
	})
}

// place draws the tooltip under obj, kept inside the window.
func (t *tooltips) place(obj fyne.CanvasObject, text string) {
	t.text.Text = text
	pad := theme.Padding()
	size := t.text.MinSize().AddWidthHeight(2*pad, pad)
	drv := fyne.CurrentApp().Driver()
	// Positions in the layer: the layer may start below a menu bar.
	at := drv.AbsolutePositionForObject(obj).Subtract(drv.AbsolutePositionForObject(t.layer))
	pos := at.Add(fyne.NewPos(0, obj.Size().Height+2))
	win := t.host.canvasSize()
	pos.X = max(0, min(pos.X, win.Width-size.Width))
	if pos.Y+size.Height > t.layer.Size().Height {
		pos.Y = at.Y - size.Height - 2
	}
	t.bg.Move(pos)
	t.bg.Resize(size)
	t.text.Move(pos.Add(fyne.NewPos(pad, pad/2)))
	t.text.Resize(t.text.MinSize())
	t.bg.Show()
	t.text.Show()
	t.host.repaint(t.layer)
}

// hide hides obj's tooltip.
func (t *tooltips) hide(obj fyne.CanvasObject) {
	if t.owner != obj {
		return
	}
	t.owner = nil
	if t.timer != nil {
		t.timer.Stop()
	}
	t.bg.Hide()
	t.text.Hide()
	t.host.repaint(t.layer)
}

// shown returns the tooltip on screen, "" when none is.
func (t *tooltips) shown() string {
	if !t.text.Visible() {
		return ""
	}
	return t.text.Text
}
