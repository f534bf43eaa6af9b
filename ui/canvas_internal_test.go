package ui

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// fakeHost records what the mask canvas asks of its host.
type fakeHost struct {
	t       Tool
	size    float64
	pan     bool
	begun   []vec
	segs    [][2]vec
	ended   int
	picks   []vec
	views   int
	split   []float64
	presses int
}

func (h *fakeHost) tool() Tool             { return h.t }
func (h *fakeHost) brushSize() float64     { return h.size }
func (h *fakeHost) panKey() bool           { return h.pan }
func (h *fakeHost) beginStroke(p vec) bool { h.begun = append(h.begun, p); return true }
func (h *fakeHost) strokeTo(a, b vec)      { h.segs = append(h.segs, [2]vec{a, b}) }
func (h *fakeHost) endStroke()             { h.ended++ }
func (h *fakeHost) pick(p vec)             { h.picks = append(h.picks, p) }
func (h *fakeHost) viewChanged()           { h.views++ }
func (h *fakeHost) splitMoved(at float64)  { h.split = append(h.split, at) }
func (h *fakeHost) pressed()               { h.presses++ }

// fakeCanvas shows a 400×300 synthetic photo at 1:1 in a 400×300 window.
func fakeCanvas(t *testing.T, h *fakeHost) *maskCanvas {
	t.Helper()
	test.NewTempApp(t)
	c := newMaskCanvas(h)
	w := test.NewTempWindow(t, c)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	d := synthDoc(400, 300)
	c.setLayers(&d.ly, true)
	c.ensureBuffer()
	return c
}

func TestCanvasDrivesTheToolsOfItsHost(t *testing.T) {
	near := func(a, b vec) bool { return math.Abs(a.X-b.X) < 1e-6 && math.Abs(a.Y-b.Y) < 1e-6 }
	t.Run("a drag paints one stroke through the points", func(t *testing.T) {
		h := &fakeHost{t: ToolForeground, size: 10}
		c := fakeCanvas(t, h)
		c.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary})
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(60, 50)}, Dragged: fyne.Delta{DX: 10, DY: 0}})
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(80, 70)}, Dragged: fyne.Delta{DX: 20, DY: 20}})
		c.DragEnd()
		start, mid, end := c.toSource(fyne.NewPos(50, 50)), c.toSource(fyne.NewPos(60, 50)), c.toSource(fyne.NewPos(80, 70))
		if len(h.begun) != 1 || !near(h.begun[0], start) {
			t.Fatalf("stroke began at %v, want %v", h.begun, start)
		}
		if len(h.segs) != 2 || !near(h.segs[0][1], mid) || !near(h.segs[1][0], mid) || !near(h.segs[1][1], end) {
			t.Fatalf("segments %v, want %v→%v→%v", h.segs, start, mid, end)
		}
		if h.ended != 1 || h.presses != 1 {
			t.Fatalf("ended %d strokes after %d presses", h.ended, h.presses)
		}
	})
	t.Run("with the pan key held a drag pans", func(t *testing.T) {
		h := &fakeHost{t: ToolForeground, size: 10, pan: true}
		c := fakeCanvas(t, h)
		c.zoomCentre(2)
		ox := c.r.ox
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(60, 50)}, Dragged: fyne.Delta{DX: 10}})
		c.DragEnd()
		if len(h.begun) != 0 || h.views < 2 || c.r.ox >= ox {
			t.Fatalf("pan: strokes %d, view changes %d, ox %v → %v", len(h.begun), h.views, ox, c.r.ox)
		}
	})
	t.Run("a pick tool picks where it is clicked", func(t *testing.T) {
		h := &fakeHost{t: ToolDrop}
		c := fakeCanvas(t, h)
		test.TapAt(c, fyne.NewPos(120, 90))
		if len(h.picks) != 1 || !near(h.picks[0], c.toSource(fyne.NewPos(120, 90))) || len(h.begun) != 0 {
			t.Fatalf("picks %v, strokes %d", h.picks, len(h.begun))
		}
	})
	t.Run("a drag from the divider moves it and paints nothing", func(t *testing.T) {
		h := &fakeHost{t: ToolForeground, size: 10}
		c := fakeCanvas(t, h)
		c.r.style.split, c.r.style.splitAt = true, 0.5
		x := float32(c.r.splitX()) / float32(c.pxPerDp)
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x-60, 100)}, Dragged: fyne.Delta{DX: -60}})
		c.DragEnd()
		if len(h.begun) != 0 {
			t.Fatal("dragging the divider painted")
		}
		if len(h.split) != 1 || math.Abs(h.split[0]-float64(x-60)/400) > 0.01 {
			t.Fatalf("divider moved to %v, want %.3f", h.split, float64(x-60)/400)
		}
		if c.Cursor() != desktop.HResizeCursor {
			t.Fatal("the pointer on the divider does not show it can be dragged")
		}
	})
}
