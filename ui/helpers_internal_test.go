package ui

import (
	"cutout/assets/evalset"

	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cutout/assets"
	"cutout/inference"
	"cutout/refine"
)

var update = flag.Bool("update", false, "rewrite golden images in testdata")

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "inference shutdown:", err)
		code = 1
	}
	os.Exit(code)
}

// uiQueue stands in for fyne.Do: workers post closures, and the test
// goroutine runs them while it waits, so UI state has one owner.
type uiQueue struct{ ch chan func() }

func newUIQueue() *uiQueue { return &uiQueue{ch: make(chan func(), 4096)} }

func (q *uiQueue) post(fn func()) { q.ch <- fn }

// waitFor runs posted closures until cond holds, failing after timeout.
// cond is checked after each closure and every few milliseconds.
func (q *uiQueue) waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case fn := <-q.ch:
			fn()
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// drain runs what is queued now and whatever arrives within d.
func (q *uiQueue) drain(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case fn := <-q.ch:
			fn()
		case <-end:
			return
		}
	}
}

// newTestEditor builds an editor on a test app with its UI calls routed
// through a queue the test pumps.
func newTestEditor(t testing.TB, deps Deps) (*Editor, *uiQueue) {
	t.Helper()
	a := test.NewTempApp(t)
	if deps.CacheDir == "" {
		deps.CacheDir = t.TempDir()
	}
	e := New(a, deps)
	q := newUIQueue()
	e.postFn = q.post
	e.win.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(e.Close)
	return e, q
}

// realDeps wires the real model, failing the test when its assets are
// missing (make assets installs them). $CUTOUT_UI_MODEL picks the model
// ("medium" by default, or "small").
func realDeps(t testing.TB) Deps {
	t.Helper()
	opt := SegmenterOptions{Model: os.Getenv("CUTOUT_UI_MODEL")}
	s, err := openSession(opt)
	if err != nil {
		t.Fatalf("the segmentation model is needed (run `make assets`): %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return DefaultDeps(opt)
}

// samplePhoto writes the bundled sample portrait into a temporary folder.
func samplePhoto(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), assets.SampleName)
	if err := os.WriteFile(p, assets.SamplePNG(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// assertGolden compares img with testdata/<name>, allowing tol per
// channel; on a mismatch or a missing master it writes the actual image
// to testdata/failed/<name>. -update rewrites the master.
func assertGolden(t *testing.T, name string, img image.Image, tol int) {
	t.Helper()
	master := filepath.Join("testdata", name)
	if *update {
		writePNGFile(t, master, img)
		return
	}
	fail := func(format string, args ...any) {
		t.Helper()
		out := filepath.Join("testdata", "failed", name)
		writePNGFile(t, out, img)
		t.Errorf("%s: "+format+" (actual image written to %s)", append([]any{name}, append(args, out)...)...)
	}
	f, err := os.Open(master)
	if err != nil {
		fail("no master: %v", err)
		return
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if want.Bounds().Size() != img.Bounds().Size() {
		fail("size %v, master %v", img.Bounds().Size(), want.Bounds().Size())
		return
	}
	b, wb := img.Bounds(), want.Bounds()
	worst := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			w := color.NRGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(g.R) - int(w.R), int(g.G) - int(w.G), int(g.B) - int(w.B), int(g.A) - int(w.A)} {
				worst = max(worst, abs(d))
			}
		}
	}
	if worst > tol {
		fail("differs from the master by up to %d per channel (tolerance %d)", worst, tol)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func writePNGFile(t testing.TB, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readPNGFile(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// synthDoc builds a w×h document with a deterministic photo (colour
// gradients), a disc-shaped subject in the trimap and a radial model
// matte; it has no refined result.
func synthDoc(w, h int) *document {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := y*img.Stride + 4*x
			img.Pix[o] = uint8(x * 255 / max(w-1, 1))
			img.Pix[o+1] = uint8(y * 255 / max(h-1, 1))
			img.Pix[o+2] = uint8((x + y) % 256)
			img.Pix[o+3] = 255
		}
	}
	m := refine.NewMatte(w, h)
	tri := refine.NewTrimap(w, h)
	cx, cy, r := float64(w)/2, float64(h)/2, float64(min(w, h))/3
	band := float64(min(w, h)) / 10
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			i := y*w + x
			m.Pix[i] = float32(min(max((r+band/2-d)/band, 0), 1))
			switch {
			case d < r-band/2:
				tri.Pix[i] = refine.Foreground
			case d > r+band/2:
				tri.Pix[i] = refine.Background
			}
		}
	}
	pw, ph, ps := proxySize(w, h)
	p := &loadedPhoto{img: img, prx: proxyNRGBA(img, pw, ph), pw: pw, ph: ph, ps: ps, hash: "synthetic"}
	d := newDocument("synthetic.png")
	d.setPhoto(p)
	d.model = quantize(m)
	d.state = docReady
	d.setMask(&refine.Guide{Trimap: tri, Prior: m, Weight: refine.NewMatte(w, h)})
	return d
}

// showDoc makes d the editor's only, current photo.
func showDoc(e *Editor, d *document) {
	e.docs, e.cur, e.live = []*document{d}, d, []*document{d}
	e.canvas.setLayers(&d.ly, true)
	e.canvas.ensureBuffer()
	e.updateStatus()
}

func repoRoot(t testing.TB) string { return evalset.RootT(t) }

func portraitsDir(t testing.TB) string { return evalset.Portraits(t) }

// press delivers a key press and release to the editor's window the way
// Fyne's desktop driver routes them (with Shift in mods, the Shift key's
// own press and release around it) (internal/driver/glfw/window.go,
// processKeyPressed and processCharInput, Fyne v2.7.1): the key goes
// down at the focused widget (or the canvas); a key with Ctrl, Alt or
// Super is a shortcut, which the main menu takes first, then the focused
// widget if it takes shortcuts, else the canvas (plain Ctrl+Z and Ctrl+Y
// arrive as fyne.ShortcutUndo and fyne.ShortcutRedo); Tab moves the
// focus; other keys are typed into the focused widget, or the canvas's
// handlers, followed by their character (char, 0 for none). The test
// canvas has no key-down handler, so where the driver calls the canvas's
// OnKeyDown this calls the editor's key map, which is what the editor
// registers there.
func press(e *Editor, name fyne.KeyName, mods fyne.KeyModifier, char rune) {
	c := e.win.Canvas()
	if mods&fyne.KeyModifierShift != 0 { // the Shift key goes down first
		shift := &fyne.KeyEvent{Name: desktop.KeyShiftLeft}
		keyDown(e, shift)
		defer keyUp(e, shift)
	}
	ev := &fyne.KeyEvent{Name: name}
	keyDown(e, ev)
	defer keyUp(e, ev)
	if name == fyne.KeyTab && mods&^fyne.KeyModifierShift == 0 {
		if t, ok := c.Focused().(fyne.Tabbable); !ok || !t.AcceptsTab() {
			if mods == fyne.KeyModifierShift {
				c.FocusPrevious()
			} else {
				c.FocusNext()
			}
			return
		}
	}
	if sc := shortcutOf(name, mods); sc != nil {
		if triggerMenu(e.win.MainMenu(), sc) {
			return
		}
		if f, ok := c.Focused().(fyne.Shortcutable); ok {
			f.TypedShortcut(sc)
			return
		}
		c.(fyne.Shortcutable).TypedShortcut(sc)
		return
	}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		if char != 0 {
			f.TypedRune(char)
		}
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
	if h := c.OnTypedRune(); h != nil && char != 0 {
		h(char)
	}
}

func keyDown(e *Editor, ev *fyne.KeyEvent) {
	if f := e.win.Canvas().Focused(); f != nil {
		if k, ok := f.(desktop.Keyable); ok {
			k.KeyDown(ev)
		}
		return
	}
	e.keys.keyDown(ev)
}

func keyUp(e *Editor, ev *fyne.KeyEvent) {
	if f := e.win.Canvas().Focused(); f != nil {
		if k, ok := f.(desktop.Keyable); ok {
			k.KeyUp(ev)
		}
		return
	}
	e.keys.keyUp(ev)
}

// shortcutOf is the shortcut the desktop driver makes of a key with
// modifiers (triggersShortcut), nil for none.
func shortcutOf(name fyne.KeyName, mods fyne.KeyModifier) fyne.Shortcut {
	if mods == fyne.KeyModifierControl {
		switch name {
		case fyne.KeyZ:
			return &fyne.ShortcutUndo{}
		case fyne.KeyY:
			return &fyne.ShortcutRedo{}
		case fyne.KeyA:
			return &fyne.ShortcutSelectAll{}
		}
	}
	if mods != 0 && mods != fyne.KeyModifierShift {
		return &desktop.CustomShortcut{KeyName: name, Modifier: mods}
	}
	return nil
}

// triggerMenu runs the main-menu item with shortcut sc, as the driver
// does; it reports whether there was one.
func triggerMenu(m *fyne.MainMenu, sc fyne.Shortcut) bool {
	if m == nil {
		return false
	}
	var find func(items []*fyne.MenuItem) bool
	find = func(items []*fyne.MenuItem) bool {
		for _, i := range items {
			if i.Shortcut != nil && i.Shortcut.ShortcutName() == sc.ShortcutName() && i.Action != nil {
				i.Action()
				return true
			}
			if i.ChildMenu != nil && find(i.ChildMenu.Items) {
				return true
			}
		}
		return false
	}
	for _, menu := range m.Items {
		if find(menu.Items) {
			return true
		}
	}
	return false
}

// click presses and releases the mouse in the middle of a widget as the
// desktop driver does: a focusable widget takes the keyboard focus, then
// it is tapped.
func click(e *Editor, obj interface {
	fyne.Tappable
	fyne.CanvasObject
}) {
	if f, ok := obj.(fyne.Focusable); ok {
		e.win.Canvas().Focus(f)
	}
	s := obj.Size()
	test.TapAt(obj, fyne.NewPos(s.Width/2, s.Height/2))
}

// scrollAt turns the mouse wheel over the canvas at canvas position pos,
// as the desktop driver reports it: dy units (wheelNotch a notch), the
// pointer's position relative to the canvas and to the window.
func scrollAt(e *Editor, pos fyne.Position, dy float32) {
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.canvas).Add(pos)
	e.canvas.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos, AbsolutePosition: abs}, Scrolled: fyne.Delta{DY: dy}})
}

// hoverCanvas moves the mouse over the middle of the canvas.
func hoverCanvas(e *Editor) {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.canvas)
	test.MoveMouse(e.win.Canvas(), pos.Add(fyne.NewPos(e.canvas.Size().Width/2, e.canvas.Size().Height/2)))
}

// overlayTexts lists the texts of the labels and buttons in the window's
// overlays (dialogs), to find a dialog by what it says.
func overlayTexts(e *Editor) string {
	var b strings.Builder
	for _, o := range e.win.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			switch w := obj.(type) {
			case *widget.Label:
				b.WriteString(w.Text + "\n")
			case *widget.Button:
				b.WriteString("[" + w.Text + "]\n")
			case *canvas.Text:
				b.WriteString(w.Text + "\n")
			}
		}
	}
	return b.String()
}

// tapButton taps the button labelled text in the window's overlays.
func tapButton(t testing.TB, e *Editor, text string) {
	t.Helper()
	for _, o := range e.win.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			if b, ok := obj.(*widget.Button); ok && b.Text == text && !b.Disabled() {
				test.Tap(b)
				return
			}
		}
	}
	t.Fatalf("no button %q in the dialogs; they show:\n%s", text, overlayTexts(e))
}

// overlayEntries lists the text fields of the sheets in the window's
// overlays.
func overlayEntries(e *Editor) []*sheetEntry {
	var out []*sheetEntry
	for _, o := range e.win.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			if en, ok := obj.(*sheetEntry); ok {
				out = append(out, en)
			}
		}
	}
	return out
}
