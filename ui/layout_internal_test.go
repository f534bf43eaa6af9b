package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestLayoutAt800x600: at 800×600 the controls a person needs stay inside
// the window and the status line is not cut.
func TestLayoutAt800x600(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	e.Open(photoFiles(t, 2))
	d := e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.fresh(e.edge) })
	// The desktop driver lays containers out again whenever a minimum size
	// changes; the test window does on resize.
	e.win.Resize(fyne.NewSize(801, 601))
	e.win.Resize(fyne.NewSize(800, 600))
	drv := fyne.CurrentApp().Driver()
	inside := func(name string, o fyne.CanvasObject) {
		t.Helper()
		p, s := drv.AbsolutePositionForObject(o), o.Size()
		if !o.Visible() || s.Width <= 0 || s.Height <= 0 || p.X < 0 || p.Y < 0 || p.X+s.Width > 800.5 || p.Y+s.Height > 600.5 {
			t.Errorf("%s is not inside the 800×600 window: at %v, size %v", name, p, s)
		}
	}
	inside("the view list", e.ctl.view)
	inside("Original", e.ctl.before)
	inside("Split", e.ctl.split)
	inside("Export…", e.ctl.export)
	for tool, b := range e.ctl.tools {
		inside(tool.String(), b)
	}
	inside("the brush size", e.ctl.size)
	inside("the status line", e.status.text)
	inside("the zoom", e.status.zoom)
	inside("Fit", e.status.fit)
	inside("the device", e.status.device)
	inside("the filmstrip", e.strip.scroll)
	text := e.status.text
	need := fyne.MeasureText(text.Text, text.Theme().Size("text"), text.TextStyle).Width
	if text.Size().Width < need {
		t.Errorf("the status line %q needs %.0f px and has %.0f", text.Text, need, text.Size().Width)
	}
}

func TestFirstRunHint(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	if !e.ctl.hint.Visible() || !strings.Contains(objectTexts(e.ctl.hint), "Drop photos here") {
		t.Fatal("the empty canvas does not say to drop photos")
	}
	e.Open([]string{samplePhoto(t)})
	q.waitFor(t, "the photo", 20*time.Second, func() bool { return e.cur.editable() })
	if e.ctl.hint.Visible() {
		t.Fatal("the hint stays over an open photo")
	}
}

func TestShortcutsSheet(t *testing.T) {
	e, _ := newTestEditor(t, fakeDeps(nil))
	for _, open := range []func(){
		func() { press(e, fyne.KeyF1, 0, 0) },
		func() { press(e, fyne.KeySlash, fyne.KeyModifierControl, 0) },
		func() { triggerMenuItem(t, e, "Help", "Keyboard Shortcuts") },
	} {
		open()
		msg := overlayTexts(e)
		for _, want := range []string{"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "B", "Foreground brush", "Space (hold)", "Y", "Before/after", "Ctrl+0"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("the shortcuts sheet lacks %q:\n%s", want, msg)
			}
		}
		closeDialogs(e)
	}
}

// objectTexts joins the labels' texts under o.
func objectTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// TestSidePanelFitsTheDefaultWindow: in the window as it first opens
// (1280×820, a single photo) the side panel shows every control without
// scrolling, and its scroll bar covers none of them.
func TestSidePanelFitsTheDefaultWindow(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	e.Open([]string{samplePhoto(t)})
	d := e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.fresh(e.edge) })
	e.win.Resize(fyne.NewSize(1281, 821))
	e.win.Resize(fyne.NewSize(1280, 820))
	side := e.ctl.side
	if need, have := side.Content.MinSize().Height, side.Size().Height; need > have {
		t.Fatalf("the side panel needs %.0f px and shows %.0f: its last rows are cut", need, have)
	}
	drv := fyne.CurrentApp().Driver()
	right := drv.AbsolutePositionForObject(side).X + side.Size().Width - theme.ScrollBarSize()
	for _, o := range []fyne.CanvasObject{e.ctl.tools[ToolBackground], e.ctl.tools[ToolKeep], e.ctl.contrastLabel, e.ctl.hardnessLabel} {
		if x := drv.AbsolutePositionForObject(o).X + o.Size().Width; x > right+0.5 {
			t.Errorf("a control ends at x=%.0f, under the scroll bar (from x=%.0f)", x, right)
		}
	}
}
