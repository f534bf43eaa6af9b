package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The editor's keys follow Photoshop where it has an equivalent (B brush,
// E eraser, R refine-edge brush, X swap, Alt held to paint with the other
// brush, [ ] brush size, Shift+[ ] hardness,
// F cycle views, P show original, Space pan, Ctrl+0 fit, Ctrl+1 100%) and
// Lightroom's Y for before/after. Single keys work whatever control of the
// window has the focus (controls.go passes them on); keys with Ctrl are
// menu shortcuts (menu.go), which the desktop driver fires first.

// singleKey is one single-key shortcut: a key name or a character.
type singleKey struct {
	name fyne.KeyName // or
	char rune
	show string // as the shortcuts sheet writes it
	what string
	do   func()
}

// keyMap dispatches the single-key shortcuts and tracks the pan key.
type keyMap struct {
	keys     []singleKey
	spaceOn  bool
	shifts   int         // Shift keys held down
	alts     int         // Alt keys held down
	altUsed  bool        // a stroke took Alt: its release opens no menu
	onSpace  func()      // the pan key went down or up
	onCanvas func() bool // the pointer is over the canvas
	canvas   func() fyne.Canvas
	// modal reports that a dialog covers the window: the single keys do
	// not act behind it, and sheet takes Escape and Enter for it.
	modal func() bool
	sheet func(ev *fyne.KeyEvent) bool
}

func (e *Editor) newKeyMap() *keyMap {
	c := func() *maskCanvas { return e.canvas }
	k := &keyMap{
		onSpace:  func() { e.canvas.updateCursor() },
		onCanvas: func() bool { return e.canvas.hovering },
		canvas:   e.win.Canvas,
		modal:    e.modal,
		sheet:    e.sheetKey,
	}
	k.keys = []singleKey{
		{name: fyne.KeyB, show: "B", what: "Foreground brush: paint what to keep", do: func() { e.setTool(ToolForeground) }},
		{name: fyne.KeyE, show: "E", what: "Background brush: paint what to remove", do: func() { e.setTool(ToolBackground) }},
		{name: fyne.KeyR, show: "R", what: "Refine-edge brush: paint hair and soft edges", do: func() { e.setTool(ToolUnknown) }},
		{name: fyne.KeyX, show: "X", what: "Swap the foreground and background brushes", do: e.swapBrush},
		{name: fyne.KeyW, show: "W", what: "Keep subject: click it, everything else goes", do: func() { e.setTool(ToolKeep) }},
		{name: fyne.KeyD, show: "D", what: "Drop region: click a region to remove it", do: func() { e.setTool(ToolDrop) }},
		{name: fyne.KeyLeftBracket, show: "[", what: "Smaller brush", do: func() { e.setBrushSize(e.tools.size / 1.2) }},
		{name: fyne.KeyRightBracket, show: "]", what: "Larger brush", do: func() { e.setBrushSize(e.tools.size * 1.2) }},
		{char: '{', show: "Shift+[", what: "Softer brush", do: func() { e.setHardness(e.tools.hardness - 0.1) }},
		{char: '}', show: "Shift+]", what: "Harder brush", do: func() { e.setHardness(e.tools.hardness + 0.1) }},
		{name: fyne.KeyF, show: "F", what: "Next view mode", do: func() { e.setViewMode((e.style.mode + 1) % viewModeCount) }},
		{name: fyne.KeyP, show: "P", what: "Show the original", do: e.toggleBefore},
		{name: fyne.KeyY, show: "Y", what: "Before/after split view", do: e.toggleSplit},
		{name: fyne.KeySpace, show: "Space (hold)", what: "Pan: drag to move the photo"},
		{show: "Alt (hold)", what: "Paint with the other brush: Erase while on Brush, Brush while on Erase"},
		{show: "Shift (hold)", what: "Paint only what the brush covers, not the region it spreads over"},
		{name: fyne.KeyEqual, show: "+", what: "Zoom in", do: func() { c().zoomStep(1) }},
		{name: fyne.KeyMinus, show: "−", what: "Zoom out", do: func() { c().zoomStep(-1) }},
		{name: fyne.KeyPageDown, show: "Page Down", what: "Next photo", do: func() { e.step(1) }},
		{name: fyne.KeyPageUp, show: "Page Up", what: "Previous photo", do: func() { e.step(-1) }},
		{name: fyne.KeyF1, show: "F1", what: "This list of keys", do: e.showShortcuts},
	}
	return k
}

// typedKey runs the shortcut of a typed key; it reports whether there was
// one.
func (k *keyMap) typedKey(ev *fyne.KeyEvent) bool {
	if k.modal != nil && k.modal() {
		return k.sheet(ev)
	}
	if k.shifts > 0 && (ev.Name == fyne.KeyLeftBracket || ev.Name == fyne.KeyRightBracket) {
		return false // Shift+[ and Shift+] are the hardness: their characters, { and }
	}
	for _, s := range k.keys {
		if s.name != "" && s.name == ev.Name && s.do != nil {
			s.do()
			return true
		}
	}
	return false
}

// typedRune runs the shortcut of a typed character; it reports whether
// there was one.
func (k *keyMap) typedRune(r rune) bool {
	if k.modal != nil && k.modal() {
		return false
	}
	for _, s := range k.keys {
		if s.char != 0 && s.char == r {
			s.do()
			return true
		}
	}
	return false
}

// keyDown and keyUp follow the pan key and the Shift keys.
func (k *keyMap) keyDown(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		if !k.spaceOn {
			k.spaceOn = true
			k.onSpace()
		}
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		k.shifts = min(k.shifts+1, 2)
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		k.alts = min(k.alts+1, 2)
	}
}

func (k *keyMap) keyUp(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		if k.spaceOn {
			k.spaceOn = false
			k.onSpace()
		}
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		k.shifts = max(k.shifts-1, 0)
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		k.alts = max(k.alts-1, 0)
	}
}

// altHeld reports whether Alt is held. The desktop driver knows (its
// release may reach the menu bar instead of the editor); elsewhere the
// key's own press and release say it.
func (k *keyMap) altHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierAlt != 0
	}
	return k.alts > 0
}

// shiftHeld reports whether Shift is held (as altHeld does for Alt): a
// stroke begun with it paints only what the brush covers (spread.go).
func (k *keyMap) shiftHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return k.shifts > 0
}

// altBrush reports whether Alt is held, so a brush paints the opposite
// label (as Alt does in Photoshop), and remembers that it was used.
func (k *keyMap) altBrush() bool {
	if k.altHeld() {
		k.altUsed = true
		return true
	}
	return false
}

// altReleased runs once Alt is up after a stroke used it. The desktop
// driver opens the menu bar when Alt is released without another key;
// a stroke with Alt did not mean that, so the menu bar is closed again.
// The release may reach the menu bar rather than the editor, so the key
// is watched through the driver.
func (k *keyMap) altReleased(post func(func())) {
	if !k.altUsed {
		return
	}
	var check func()
	check = func() {
		if k.altHeld() {
			time.AfterFunc(30*time.Millisecond, func() { post(check) })
			return
		}
		k.altUsed = false
		// The release toggles the menu bar after this check can run:
		// look again a moment later.
		time.AfterFunc(30*time.Millisecond, func() {
			post(func() {
				if m, ok := k.canvas().(interface{ DismissMenu() bool }); ok {
					m.DismissMenu()
				}
			})
		})
	}
	check()
}

// spaceIsPan reports whether Space belongs to the canvas (the pointer is
// over it), so no focused control may take it.
func (k *keyMap) spaceIsPan() bool { return k.onCanvas() }

// bindKeys routes the window's keys to the key map when no control has
// the focus; controls.go does it for the focused ones. Ctrl+Y (the
// desktop driver's "redo") has no menu item of its own.
func (e *Editor) bindKeys() {
	c := e.win.Canvas()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { e.keys.typedKey(ev) })
	c.SetOnTypedRune(func(r rune) { e.keys.typedRune(r) })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { e.redo() })
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(e.keys.keyDown)
		dc.SetOnKeyUp(e.keys.keyUp)
	}
}

// shortcutText writes a menu shortcut as the shortcuts sheet shows it.
func shortcutText(sc fyne.KeyboardShortcut) string {
	var parts []string
	m := sc.Mod()
	if m&fyne.KeyModifierControl != 0 {
		parts = append(parts, "Ctrl")
	}
	if m&fyne.KeyModifierSuper != 0 {
		parts = append(parts, "Cmd")
	}
	if m&fyne.KeyModifierAlt != 0 {
		parts = append(parts, "Alt")
	}
	if m&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	key := string(sc.Key())
	switch sc.Key() {
	case fyne.KeyEqual:
		key = "+"
	case fyne.KeyMinus:
		key = "−"
	case fyne.KeySlash:
		key = "/"
	case fyne.KeyComma:
		key = ","
	}
	return strings.Join(append(parts, key), "+")
}
