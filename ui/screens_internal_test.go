package ui

import (
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// TestScreensGolden keeps images of the screens this editor shows besides
// the canvas: the side panel and toolbar as the window first opens, the
// export sheet, Export All's progress, the colour sheet and a photo that
// could not be opened. Run with -update to rewrite them. The test driver
// draws with the bundled fonts in software: the pixels are the same on
// every run of one platform; allow 2 levels for anti-aliasing elsewhere.
func TestScreensGolden(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	e.win.Resize(fyne.NewSize(1280, 820))
	photo := filepath.Join(t.TempDir(), "portrait.png")
	if err := os.WriteFile(photo, mustRead(t, samplePhoto(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	// The export sheet shows its folder: one of the same name every run.
	out := filepath.Join(os.TempDir(), "cutout-screens")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	e.app.Preferences().SetString(prefExportFolder, out)
	e.app.Preferences().SetString(prefOpenFolder, filepath.Dir(photo))
	e.Open([]string{photo})
	d := e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.fresh(e.edge) })
	e.win.Resize(fyne.NewSize(1281, 821))
	e.win.Resize(fyne.NewSize(1280, 820))

	shotAt := func(t *testing.T, name string, p fyne.Position, s fyne.Size) {
		t.Helper()
		full := e.win.Canvas().Capture()
		scale := float32(full.Bounds().Dx()) / e.win.Canvas().Size().Width
		r := image.Rect(int(p.X*scale), int(p.Y*scale), int((p.X+s.Width)*scale), int((p.Y+s.Height)*scale)).Intersect(full.Bounds())
		img := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(img, img.Rect, full, r.Min, draw.Src)
		assertGolden(t, "screen/"+name+".png", img, 2)
	}
	shot := func(t *testing.T, name string, o fyne.CanvasObject) {
		t.Helper()
		shotAt(t, name, fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size())
	}
	t.Run("side panel", func(t *testing.T) { shot(t, "side", e.ctl.side) })
	t.Run("toolbar", func(t *testing.T) { shot(t, "toolbar", e.ctl.toolbar) })
	t.Run("export sheet", func(t *testing.T) {
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		defer closeDialogs(e)
		p, sz := dialogBox(e)
		shotAt(t, "export", p, sz)
	})
	t.Run("colour sheet", func(t *testing.T) {
		e.pickColour("Background colour", e.style.colour, func(color.NRGBA) {})
		defer closeDialogs(e)
		p, sz := dialogBox(e)
		shotAt(t, "colour", p, sz)
	})
	t.Run("export all's progress", func(t *testing.T) {
		x := e.exports
		x.open("Exporting 3 photos", 3, func() {})
		defer x.close()
		x.wait(d, "2 of 3: b.png — refining…")
		x.step(2, 3)
		x.progress(d, 0.4)
		p, sz := dialogBox(e)
		shotAt(t, "export-all", p, sz)
	})
	t.Run("a photo that could not be opened", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "broken.jpg")
		if err := os.WriteFile(bad, []byte("not a jpeg"), 0o644); err != nil {
			t.Fatal(err)
		}
		e.handleDrop([]fyne.URI{storage.NewFileURI(bad)})
		b := e.cur
		q.waitFor(t, "the failure", 20*time.Second, func() bool { return b.err != nil })
		closeDialogs(e)
		shot(t, "failed", e.ctl.hint)
	})
}

// dialogBox is the box of the dialog on top of the window: the content of
// its modal pop-up, which covers the window.
func dialogBox(e *Editor) (fyne.Position, fyne.Size) {
	top := e.win.Canvas().Overlays().Top()
	if p, ok := top.(*widget.PopUp); ok {
		return p.Content.Position(), p.Content.Size()
	}
	return top.Position(), top.Size()
}
