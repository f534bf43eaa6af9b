package ui

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"cutout/refine"
)

// focusCases put the keyboard focus where a person leaves it: nowhere, on
// a slider they dragged, on the view list or the checkbox reached with
// Tab, on a tool button they clicked, or wherever Tab lands first.
func focusCases(e *Editor) map[string]func() {
	return map[string]func(){
		"nothing focused":         func() { e.win.Canvas().Unfocus() },
		"after touching a slider": func() { click(e, e.ctl.size) },
		"on the view list":        func() { e.win.Canvas().Focus(e.ctl.view) },
		"on the checkbox":         func() { e.win.Canvas().Focus(e.ctl.decontaminate) },
		"on a tool button":        func() { click(e, e.ctl.tools[ToolUnknown]) },
		"after Tab": func() {
			e.win.Canvas().Unfocus()
			press(e, fyne.KeyTab, 0, 0)
		},
	}
}

// strokedDoc shows a synthetic photo with one background stroke painted
// through the canvas, and returns the trimaps before and after it.
func strokedDoc(t *testing.T, e *Editor) (d *document, before, after *refine.Trimap) {
	t.Helper()
	d = synthDoc(400, 300)
	showDoc(e, d)
	before = d.ly.tri.Clone()
	e.setTool(ToolBackground)
	e.setHardness(1)
	dragPath(e, []fyne.Position{{X: 300, Y: 300}, {X: 500, Y: 320}})
	after = d.ly.tri.Clone()
	if bytes.Equal(before.Pix, after.Pix) {
		t.Fatal("the stroke changed nothing")
	}
	return d, before, after
}

func TestUndoRedoKeysFromAnywhere(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	d, before, after := strokedDoc(t, e)
	is := func(t *testing.T, keys string, want *refine.Trimap) {
		t.Helper()
		if !bytes.Equal(d.ly.tri.Pix, want.Pix) {
			t.Fatalf("after %s the trimap is not the expected one", keys)
		}
	}
	for name, focus := range focusCases(e) {
		t.Run(name, func(t *testing.T) {
			focus()
			press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
			is(t, "Ctrl+Z", before)
			press(e, fyne.KeyZ, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
			is(t, "Ctrl+Shift+Z", after)
			press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
			is(t, "Ctrl+Z", before)
			press(e, fyne.KeyY, fyne.KeyModifierControl, 0)
			is(t, "Ctrl+Y", after)
		})
	}
	t.Run("a text field of a dialog keeps its own undo", func(t *testing.T) {
		defer closeDialogs(e)
		e.showExport()
		en := targetEntry(t, e)
		typeInto(t, e, en, "/tmp/x.png")
		press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
		is(t, "Ctrl+Z in a text field", after)
	})
}

func TestToolKeysWorkWhateverHasFocus(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	showDoc(e, synthDoc(400, 300))
	for name, focus := range focusCases(e) {
		t.Run(name, func(t *testing.T) {
			focus()
			mode := e.style.mode
			press(e, fyne.KeyF, 0, 'f')
			if e.style.mode != (mode+1)%viewModeCount {
				t.Errorf("F left the view at %v (was %v)", e.style.mode, mode)
			}
			for _, k := range []struct {
				name fyne.KeyName
				char rune
				want Tool
			}{{fyne.KeyB, 'b', ToolForeground}, {fyne.KeyX, 'x', ToolBackground}, {fyne.KeyX, 'x', ToolForeground},
				{fyne.KeyE, 'e', ToolBackground}, {fyne.KeyR, 'r', ToolUnknown}, {fyne.KeyW, 'w', ToolKeep}, {fyne.KeyD, 'd', ToolDrop}} {
				press(e, k.name, 0, k.char)
				if e.tools.tool != k.want {
					t.Errorf("%s left the tool at %v, want %v", k.name, e.tools.tool, k.want)
				}
			}
			size := e.tools.size
			press(e, fyne.KeyRightBracket, 0, ']')
			if e.tools.size <= size {
				t.Errorf("] left the brush at %v px", e.tools.size)
			}
			press(e, fyne.KeyLeftBracket, 0, '[')
			press(e, fyne.KeyLeftBracket, 0, '[')
			if e.tools.size >= size {
				t.Errorf("[ left the brush at %v px", e.tools.size)
			}
			hard := e.tools.hardness
			press(e, fyne.KeyLeftBracket, fyne.KeyModifierShift, '{')
			if e.tools.hardness >= hard {
				t.Errorf("Shift+[ left the hardness at %v", e.tools.hardness)
			}
			press(e, fyne.KeyRightBracket, fyne.KeyModifierShift, '}')
		})
	}
	if got := e.app.Preferences().Float(prefBrushSize); got != e.tools.size {
		t.Fatalf("brush size preference %v, want %v", got, e.tools.size)
	}
}

func TestSpaceNeverPressesAFocusedButtonOverTheCanvas(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	d, _, after := strokedDoc(t, e)
	e.setTool(ToolForeground)
	t.Run("reset button focused, pointer on the canvas", func(t *testing.T) {
		e.win.Canvas().Focus(e.ctl.reset)
		hoverCanvas(e)
		ox := e.canvas.r.ox
		ev := &fyne.KeyEvent{Name: fyne.KeySpace}
		keyDown(e, ev)
		if !e.keys.spaceOn {
			t.Fatal("Space did not turn on panning")
		}
		// A drag while Space is held pans and does not paint.
		dragPath(e, []fyne.Position{{X: 200, Y: 200}, {X: 260, Y: 200}})
		keyUp(e, ev)
		press(e, fyne.KeySpace, 0, ' ')
		if !bytes.Equal(d.ly.tri.Pix, after.Pix) {
			t.Fatal("Space pressed the focused reset button, or the drag painted")
		}
		if e.canvas.r.ox >= ox {
			t.Fatalf("dragging with Space held did not pan (ox %v → %v)", ox, e.canvas.r.ox)
		}
	})
	t.Run("checkbox focused, pointer on the canvas", func(t *testing.T) {
		on := e.ctl.decontaminate.Checked
		e.win.Canvas().Focus(e.ctl.decontaminate)
		hoverCanvas(e)
		press(e, fyne.KeySpace, 0, ' ')
		if e.ctl.decontaminate.Checked != on {
			t.Fatal("Space toggled the focused checkbox")
		}
	})
	t.Run("away from the canvas Space still presses a focused button", func(t *testing.T) {
		b := e.ctl.tools[ToolKeep]
		e.win.Canvas().Focus(b)
		test.MoveMouse(e.win.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(4, 4)))
		press(e, fyne.KeySpace, 0, ' ')
		if e.tools.tool != ToolKeep {
			t.Fatal("Space on a focused tool button away from the canvas did nothing")
		}
	})
}

func TestWheelZoomAndZoomControls(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	showDoc(e, synthDoc(400, 300))
	c := e.canvas
	pos := fyne.NewPos(123, 87)
	t.Run("a notch zooms by 10-20% around the pointer", func(t *testing.T) {
		before := c.toSource(pos)
		z := c.r.zoom
		scrollAt(e, pos, wheelNotch)
		f := c.r.zoom / z
		if f < 1.1 || f > 1.2 {
			t.Fatalf("one wheel notch zoomed ×%.3f, want 1.10-1.20", f)
		}
		after := c.toSource(pos)
		if math.Abs(after.X-before.X) > 1e-6 || math.Abs(after.Y-before.Y) > 1e-6 {
			t.Fatalf("the point under the pointer moved from %v to %v", before, after)
		}
		scrollAt(e, pos, -wheelNotch)
		if math.Abs(c.r.zoom-z) > 1e-9 {
			t.Fatalf("a notch back left the zoom at %v, want %v", c.r.zoom, z)
		}
	})
	t.Run("the status bar shows the zoom, with Fit, 100% and 200%", func(t *testing.T) {
		for _, tc := range []struct {
			keys fyne.KeyName
			want string
		}{{fyne.Key1, "100%"}, {fyne.Key2, "200%"}} {
			press(e, tc.keys, fyne.KeyModifierControl, 0)
			if got := e.status.zoom.Text; got != tc.want {
				t.Errorf("Ctrl+%s: the status bar says %q, want %q", tc.keys, got, tc.want)
			}
		}
		test.Tap(e.status.actual)
		if got := e.status.zoom.Text; got != "100%" {
			t.Errorf("the 100%% button: the status bar says %q", got)
		}
		test.Tap(e.status.fit)
		if !c.fit || e.status.zoom.Text == "100%" {
			t.Errorf("the Fit button did not fit (zoom %s)", e.status.zoom.Text)
		}
	})
	t.Run("Ctrl+0 resizes the brush ring at once", func(t *testing.T) {
		e.setTool(ToolForeground)
		hoverCanvas(e)
		c.zoomCentre(3)
		press(e, fyne.Key0, fyne.KeyModifierControl, 0)
		want := c.brushRadiusDp()
		if got := (c.ring[0].Position2.X - c.ring[0].Position1.X) / 2; math.Abs(float64(got-want)) > 0.01 {
			t.Fatalf("after Ctrl+0 the ring's radius is %v, the brush's %v", got, want)
		}
		if !c.fit {
			t.Fatal("Ctrl+0 did not fit the photo")
		}
	})
}

func TestTooltipsShowKeys(t *testing.T) {
	e, q := newTestEditor(t, Deps{})
	showDoc(e, synthDoc(200, 150))
	b := e.ctl.tools[ToolForeground]
	if !strings.Contains(b.Text, "(B)") {
		t.Fatalf("the brush button says %q, without its key", b.Text)
	}
	test.MoveMouse(e.win.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(5, 5)))
	q.waitFor(t, "the tooltip", 10*time.Second, func() bool { return e.tips.shown() != "" })
	if tip := e.tips.shown(); !strings.Contains(tip, "(B)") || !strings.Contains(tip, "X swaps") {
		t.Fatalf("tooltip %q does not give the keys", tip)
	}
	hoverCanvas(e)
	if e.tips.shown() != "" {
		t.Fatal("the tooltip stayed after the pointer left")
	}
	// The menus show their shortcuts too.
	var undo *fyne.MenuItem
	for _, m := range e.win.MainMenu().Items {
		for _, i := range m.Items {
			if i.Label == "Undo" {
				undo = i
			}
		}
	}
	if undo == nil || undo.Shortcut == nil {
		t.Fatal("Edit ▸ Undo shows no shortcut")
	}
}

// TestShiftBracketsChangeOnlyTheHardness: the desktop driver delivers
// Shift+[ as the key [ and the character {; only the hardness changes.
func TestShiftBracketsChangeOnlyTheHardness(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	showDoc(e, synthDoc(400, 300))
	e.setBrushSize(20)
	e.setHardness(0.8)
	for range 10 {
		press(e, fyne.KeyRightBracket, 0, ']')
	}
	size := e.tools.size
	if math.Abs(size-20*math.Pow(1.2, 10)) > 1 {
		t.Fatalf("10× ] gave a %.0f px brush", size)
	}
	for range 3 {
		press(e, fyne.KeyLeftBracket, fyne.KeyModifierShift, '{')
	}
	if e.tools.size != size {
		t.Fatalf("Shift+[ changed the brush size: %.0f px, was %.0f", e.tools.size, size)
	}
	if math.Abs(e.tools.hardness-0.5) > 1e-9 {
		t.Fatalf("3× Shift+[ from 0.8 gave hardness %.2f, want 0.5", e.tools.hardness)
	}
	press(e, fyne.KeyLeftBracket, 0, '[')
	if math.Abs(e.tools.size-size/1.2) > 1e-9 {
		t.Fatal("[ after Shift was released does not shrink the brush")
	}
}

// TestStrokeThatChangesNothingIsItsOwnUndoStep: painting foreground over
// foreground, then Ctrl+Z, takes back that stroke and not the one before.
func TestStrokeThatChangesNothingIsItsOwnUndoStep(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	d, before, after := strokedDoc(t, e)
	rev := d.rev
	e.setTool(ToolForeground)
	e.setBrushSize(10)
	x, y := foregroundSpot(t, after, 16)
	shift := &fyne.KeyEvent{Name: desktop.KeyShiftLeft} // the plain brush: only what it covers
	keyDown(e, shift)
	dragPath(e, []fyne.Position{viewPos(e, x-8, y), viewPos(e, x+8, y)})
	keyUp(e, shift)
	if !bytes.Equal(d.ly.tri.Pix, after.Pix) || d.rev != rev {
		t.Fatal("painting foreground over foreground changed the trimap")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, after.Pix) {
		t.Fatal("Ctrl+Z after a stroke that changed nothing undid the edit before it")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("the second Ctrl+Z did not undo the background stroke")
	}
}

// foregroundSpot finds the centre of a side×side square of foreground
// labels in tri, 2 side away from its borders.
func foregroundSpot(t *testing.T, tri *refine.Trimap, side int) (int, int) {
	t.Helper()
	for y := 2 * side; y < tri.H-2*side; y++ {
	next:
		for x := 2 * side; x < tri.W-2*side; x++ {
			for yy := y - side; yy <= y+side; yy++ {
				for xx := x - side; xx <= x+side; xx++ {
					if tri.Pix[yy*tri.W+xx] != refine.Foreground {
						continue next
					}
				}
			}
			return x, y
		}
	}
	t.Fatal("no foreground spot in the trimap")
	return 0, 0
}

// TestAltPaintsTheOtherLabel: with Alt held, the foreground brush removes
// and the background brush keeps, as in Photoshop; released, they paint
// their own labels again.
func TestAltPaintsTheOtherLabel(t *testing.T) {
	e, _ := newTestEditor(t, Deps{})
	d := synthDoc(400, 300)
	showDoc(e, d)
	e.setTool(ToolForeground)
	e.setHardness(1)
	e.setBrushSize(10)
	x, y := foregroundSpot(t, d.ly.tri, 12)
	alt := &fyne.KeyEvent{Name: desktop.KeyAltLeft}
	keyDown(e, alt)
	dragPath(e, []fyne.Position{viewPos(e, x-4, y), viewPos(e, x+4, y)})
	keyUp(e, alt)
	if got := d.ly.tri.Pix[y*d.w+x]; got != refine.Background {
		t.Fatalf("the foreground brush with Alt painted label %d, want background", got)
	}
	if e.tools.tool != ToolForeground {
		t.Fatal("Alt changed the tool")
	}
	dragPath(e, []fyne.Position{viewPos(e, x-4, y), viewPos(e, x+4, y)})
	if got := d.ly.tri.Pix[y*d.w+x]; got != refine.Foreground {
		t.Fatalf("after Alt was released the foreground brush painted label %d", got)
	}
	if !strings.Contains(shortcutsText(e), "Alt (hold)") {
		t.Error("the shortcuts sheet does not list Alt")
	}
}

// shortcutsText is what the shortcuts sheet lists.
func shortcutsText(e *Editor) string {
	e.showShortcuts()
	defer closeDialogs(e)
	return overlayTexts(e)
}

// TestInvertMask: Ctrl+Shift+I keeps what was removed and removes what
// was kept, edge included (the band solved against the inverted guide),
// as one undo step.
func TestInvertMask(t *testing.T) {
	e, q := newTestEditor(t, Deps{})
	d := synthDoc(200, 150)
	showDoc(e, d)
	e.ref.start(d)
	q.waitFor(t, "the result", 10*time.Second, func() bool { return d.fresh(e.edge) })
	before, alpha := d.ly.tri.Clone(), append([]uint8(nil), d.ly.res.alpha...)
	press(e, fyne.KeyI, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
	for i, l := range d.ly.tri.Pix {
		if want := before.Pix[i]; (want == refine.Unknown) != (l == refine.Unknown) || (want != refine.Unknown && l == want) {
			t.Fatalf("pixel %d: label %d after inverting %d", i, l, want)
		}
	}
	q.waitFor(t, "the inverted result", 10*time.Second, func() bool { return d.fresh(e.edge) })
	soft := 0
	for i, a := range d.ly.res.alpha {
		if diff := int(a) - (255 - int(alpha[i])); diff < -1 || diff > 1 {
			t.Fatalf("pixel %d: alpha %d after inverting %d", i, a, alpha[i])
		}
		if a > 0 && a < 255 {
			soft++
		}
	}
	if soft == 0 {
		t.Fatal("the inverted mask has no soft edge")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("Ctrl+Z did not take the inversion back")
	}
}
