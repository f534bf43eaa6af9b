package ui

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// tapText clicks the control that shows text in the window's top dialog
// (or pop-up menu) through the canvas, as the pointer does: near the
// control's leading edge, where its box or label is, and whatever
// tappable lies there gets the tap.
func tapText(t *testing.T, e *Editor, text string) {
	t.Helper()
	c := e.win.Canvas()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog shows %q", text)
	}
	var hit fyne.CanvasObject
	var walk func(o, tappable fyne.CanvasObject)
	walk = func(o, tappable fyne.CanvasObject) {
		if hit != nil || !o.Visible() {
			return
		}
		if _, ok := o.(fyne.Tappable); ok {
			tappable = o
		}
		if tx, ok := o.(*canvas.Text); ok && tx.Text == text && tappable != nil {
			hit = tappable
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c, tappable)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, tappable)
			}
		}
	}
	walk(top, nil)
	if hit == nil {
		t.Fatalf("the top dialog has no control showing %q; the dialogs show:\n%s", text, overlayTexts(e))
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(hit).Add(fyne.NewPos(12, hit.Size().Height/2))
	test.TapCanvas(c, pos)
}

// chooseKind picks kind in the export sheet's list through the pointer:
// a click opens the list, a click on the kind picks it.
func chooseKind(t *testing.T, e *Editor, kind ExportKind) {
	t.Helper()
	tapText(t, e, e.exportNames()[e.exportOpt.Kind])
	tapText(t, e, e.exportNames()[kind])
}

// waitExported waits until the status line says an export was written.
func waitExported(t *testing.T, e *Editor, q *uiQueue) {
	t.Helper()
	q.waitFor(t, "the export", 20*time.Second, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })
}

// exportSetup opens portrait.png with a fake model and sets the export
// folder to out.
func exportSetup(t *testing.T) (e *Editor, q *uiQueue, d *document, out string) {
	t.Helper()
	e, q = newTestEditor(t, fakeDeps(nil))
	photo := filepath.Join(t.TempDir(), "portrait.png")
	if err := os.WriteFile(photo, mustRead(t, samplePhoto(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	out = t.TempDir()
	e.app.Preferences().SetString(prefExportFolder, out)
	e.Open([]string{photo})
	d = e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.fresh(e.edge) })
	e.canvas.ensureBuffer() // as the window's first paint does
	return e, q, d, out
}

// TestExportAlwaysHasOneKind: choosing the kind already chosen keeps it,
// and the name follows the kind, as the command line names its outputs.
func TestExportAlwaysHasOneKind(t *testing.T) {
	e, q, _, out := exportSetup(t)
	names := e.exportNames()
	press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
	if got := targetEntry(t, e).Text; got != filepath.Join(out, "portrait.png") {
		t.Fatalf("the sheet suggests %s", got)
	}
	for range 2 { // choose the chosen kind again, twice
		tapText(t, e, names[ExportCutout]) // opens the list
		tapText(t, e, names[ExportCutout]) // picks in it
	}
	if !strings.Contains(overlayTexts(e), names[ExportCutout]) {
		t.Fatalf("choosing the chosen kind again cleared it; the sheet shows:\n%s", overlayTexts(e))
	}
	chooseKind(t, e, ExportMatte)
	if got := targetEntry(t, e).Text; got != filepath.Join(out, "portrait.mask.png") {
		t.Fatalf("after choosing the matte the sheet suggests %s", got)
	}
	press(e, fyne.KeyReturn, 0, 0)
	waitExported(t, e, q)
	if _, ok := readPNGFile(t, filepath.Join(out, "portrait.mask.png")).(*image.Gray); !ok {
		t.Fatal("the matte export is not a grey PNG")
	}
}

// TestExportNeverNamesTheOpenedPhoto: exported beside itself, portrait.png
// becomes portrait-2.png, as the command line numbers such names.
func TestExportNeverNamesTheOpenedPhoto(t *testing.T) {
	e, _, d, _ := exportSetup(t)
	e.app.Preferences().SetString(prefExportFolder, filepath.Dir(d.path))
	press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
	if got, want := targetEntry(t, e).Text, filepath.Join(filepath.Dir(d.path), "portrait-2.png"); got != want {
		t.Fatalf("the sheet suggests %s beside the photo, want %s", got, want)
	}
	typeInto(t, e, targetEntry(t, e), d.path)
	tapButton(t, e, "Export")
	if !strings.Contains(overlayTexts(e), "is a photo you opened") {
		t.Fatalf("exporting onto the photo was not refused; dialogs:\n%s", overlayTexts(e))
	}
}

// TestSheetsTakeEscapeAndEnter: Escape closes the sheet on top wherever
// the focus is, Enter confirms it, and single keys do not act behind it.
func TestSheetsTakeEscapeAndEnter(t *testing.T) {
	e, q, d, out := exportSetup(t)
	open := func() int { return len(e.win.Canvas().Overlays().List()) }
	t.Run("the shortcuts sheet", func(t *testing.T) {
		press(e, fyne.KeySlash, fyne.KeyModifierControl, 0)
		if open() != 1 {
			t.Fatal("Ctrl+/ showed no sheet")
		}
		tool := e.tools.tool
		press(e, fyne.KeyE, 0, 'e')
		if e.tools.tool != tool {
			t.Fatal("E changed the tool behind the sheet")
		}
		press(e, fyne.KeyEscape, 0, 0)
		if open() != 0 {
			t.Fatal("Escape left the shortcuts sheet open")
		}
	})
	t.Run("preferences", func(t *testing.T) {
		triggerMenuItem(t, e, "File", "Preferences…")
		if open() != 1 {
			t.Fatal("File ▸ Preferences… showed no sheet")
		}
		press(e, fyne.KeyEscape, 0, 0)
		if open() != 0 {
			t.Fatal("Escape left the preferences open")
		}
	})
	for name, focus := range map[string]func(){
		"nothing focused":      func() { e.win.Canvas().Unfocus() },
		"in the name field":    func() { e.win.Canvas().Focus(targetEntry(t, e)) },
		"on the crop checkbox": func() { tapText(t, e, "Crop to the subject") },
	} {
		t.Run("Escape with the export sheet, "+name, func(t *testing.T) {
			press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
			focus()
			press(e, fyne.KeyEscape, 0, 0)
			if open() != 0 {
				t.Fatalf("Escape left the export sheet open; dialogs:\n%s", overlayTexts(e))
			}
		})
	}
	t.Run("Enter in the name field exports", func(t *testing.T) {
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		typeInto(t, e, targetEntry(t, e), filepath.Join(out, "typed.png"))
		press(e, fyne.KeyReturn, 0, 0)
		waitExported(t, e, q)
		if _, err := os.Stat(filepath.Join(out, "typed.png")); err != nil {
			t.Fatal(err)
		}
		if d.exportedTo != filepath.Join(out, "typed.png") {
			t.Fatalf("the photo remembers its export at %q", d.exportedTo)
		}
	})
}

// TestMissingFolderKeepsTheExportSheet: the error for a folder that does
// not exist shows above the sheet, which keeps what the person entered.
func TestMissingFolderKeepsTheExportSheet(t *testing.T) {
	e, q, _, out := exportSetup(t)
	names := e.exportNames()
	press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
	chooseKind(t, e, ExportMatte)
	tapText(t, e, "Crop to the subject")
	missing := filepath.Join(out, "nope", "x.png")
	typeInto(t, e, targetEntry(t, e), missing)
	tapButton(t, e, "Export")
	if !strings.Contains(overlayTexts(e), "There is no folder") {
		t.Fatalf("no error for the missing folder; dialogs:\n%s", overlayTexts(e))
	}
	press(e, fyne.KeyEscape, 0, 0) // closes the error only
	msg := overlayTexts(e)
	if strings.Contains(msg, "There is no folder") || !strings.Contains(msg, names[ExportMatte]) || targetEntry(t, e).Text != missing {
		t.Fatalf("after the error the sheet is gone or changed; dialogs:\n%s", msg)
	}
	if err := os.Mkdir(filepath.Dir(missing), 0o755); err != nil {
		t.Fatal(err)
	}
	tapButton(t, e, "Export")
	waitExported(t, e, q)
	if _, ok := readPNGFile(t, missing).(*image.Gray); !ok || !e.exportOpt.Crop {
		t.Fatalf("the export is not the cropped matte the sheet said (options %+v)", e.exportOpt)
	}
}

// TestCtrlSExportsAgain: the first Ctrl+S opens the export sheet; after
// an export, Ctrl+S writes the same file again with the same options,
// without asking.
func TestCtrlSExportsAgain(t *testing.T) {
	e, q, d, out := exportSetup(t)
	press(e, fyne.KeyS, fyne.KeyModifierControl, 0)
	chooseKind(t, e, ExportMatte)
	press(e, fyne.KeyReturn, 0, 0)
	waitExported(t, e, q)
	path := filepath.Join(out, "portrait.mask.png")
	first := mustRead(t, path)
	e.status.text.SetText("")

	e.setTool(ToolBackground)
	e.setBrushSize(80)
	x, y := foregroundSpot(t, d.ly.tri, 20)
	rev := d.rev
	dragPath(e, []fyne.Position{viewPos(e, x-30, y), viewPos(e, x+30, y)})
	if d.rev == rev {
		t.Fatalf("the stroke at %d,%d changed nothing", x, y)
	}
	press(e, fyne.KeyS, fyne.KeyModifierControl, 0)
	if n := len(e.win.Canvas().Overlays().List()); n > 1 {
		t.Fatalf("Ctrl+S after an export asked something:\n%s", overlayTexts(e))
	}
	q.waitFor(t, "the second export", 20*time.Second, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported "+path) })
	if _, ok := readPNGFile(t, path).(*image.Gray); !ok {
		t.Fatal("Ctrl+S did not keep the matte kind")
	}
	if string(mustRead(t, path)) == string(first) {
		t.Fatal("Ctrl+S wrote the same matte although the mask changed")
	}
}

// TestColourSheetStaysOpenUntilChosen: a click on a swatch previews the
// colour; only Choose (here Enter) applies it, and Escape keeps the old one.
func TestColourSheetStaysOpenUntilChosen(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	showDoc(e, synthDoc(200, 150))
	old := e.style.colour
	var bgColour *button
	for _, o := range test.LaidOutObjects(e.win.Content()) {
		if b, ok := o.(*button); ok && b.Text == "Colour…" {
			bgColour = b
		}
	}
	if bgColour == nil {
		t.Fatal("no Colour… button")
	}
	pick := func(i int) {
		t.Helper()
		var swatches []*colourButton
		for _, o := range test.LaidOutObjects(e.win.Canvas().Overlays().Top()) {
			if b, ok := o.(*colourButton); ok {
				swatches = append(swatches, b)
			}
		}
		if len(swatches) <= i {
			t.Fatalf("the colour sheet shows %d swatches", len(swatches))
		}
		s := swatches[i]
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(s).Add(fyne.NewPos(s.Size().Width/2, s.Size().Height/2))
		test.TapCanvas(e.win.Canvas(), p)
	}
	click(e, bgColour)
	pick(10)
	if e.win.Canvas().Overlays().Top() == nil {
		t.Fatal("a click on a swatch closed the colour sheet")
	}
	if e.style.colour != old {
		t.Fatal("a click on a swatch applied the colour before Choose")
	}
	press(e, fyne.KeyEscape, 0, 0)
	if e.style.colour != old || e.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape applied the colour or left the sheet open")
	}
	click(e, bgColour)
	pick(10)
	press(e, fyne.KeyReturn, 0, 0)
	if e.style.colour != colourSwatches[10] {
		t.Fatalf("Enter applied %v, want the clicked %v", e.style.colour, colourSwatches[10])
	}
}
