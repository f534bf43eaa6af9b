package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The side panel's and toolbar's controls are Fyne widgets extended so
// that, while one of them has the keyboard focus (after a click, or Tab),
// the editor's single-key shortcuts still work, and Space, the pan key,
// never presses or toggles the control while the pointer is over the
// canvas. Buttons also show a tooltip with their key.

// Compile-time checks of what the controls handle.
var (
	_ desktop.Keyable   = (*button)(nil)
	_ desktop.Hoverable = (*button)(nil)
	_ desktop.Keyable   = (*slider)(nil)
	_ desktop.Keyable   = (*selectBox)(nil)
	_ desktop.Keyable   = (*check)(nil)
)

// editorKeys is embedded by the controls: it passes keys on to the
// editor's key map.
type editorKeys struct{ keys *keyMap }

// KeyDown is part of desktop.Keyable: the pan key.
func (k editorKeys) KeyDown(ev *fyne.KeyEvent) { k.keys.keyDown(ev) }

// KeyUp is part of desktop.Keyable.
func (k editorKeys) KeyUp(ev *fyne.KeyEvent) { k.keys.keyUp(ev) }

// takeKey reports whether the editor takes a typed key from the control.
func (k editorKeys) takeKey(ev *fyne.KeyEvent) bool {
	return k.keys.typedKey(ev) || ev.Name == fyne.KeySpace && k.keys.spaceIsPan()
}

// takeRune reports whether the editor takes a typed character.
func (k editorKeys) takeRune(r rune) bool {
	return k.keys.typedRune(r) || r == ' ' && k.keys.spaceIsPan()
}

// button is a widget.Button with the editor's keys and a tooltip.
type button struct {
	widget.Button
	editorKeys
	tip  string
	tips *tooltips
}

func (e *Editor) newButton(label string, icon fyne.Resource, tip string, tapped func()) *button {
	b := &button{editorKeys: editorKeys{e.keys}, tip: tip, tips: e.tips}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey is part of fyne.Focusable.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if !b.takeKey(ev) {
		b.Button.TypedKey(ev)
	}
}

// TypedRune is part of fyne.Focusable.
func (b *button) TypedRune(r rune) {
	if !b.takeRune(r) {
		b.Button.TypedRune(r)
	}
}

// MouseIn is part of desktop.Hoverable: it shows the tooltip soon.
func (b *button) MouseIn(ev *desktop.MouseEvent) {
	b.Button.MouseIn(ev)
	b.tips.show(b, b.tip)
}

// MouseOut is part of desktop.Hoverable.
func (b *button) MouseOut() {
	b.Button.MouseOut()
	b.tips.hide(b)
}

// Tapped is part of fyne.Tappable: it hides the tooltip.
func (b *button) Tapped(ev *fyne.PointEvent) {
	b.tips.hide(b)
	b.Button.Tapped(ev)
}

// slider is a widget.Slider with the editor's keys.
type slider struct {
	widget.Slider
	editorKeys
}

func (e *Editor) newSlider(lo, hi, step float64, changed func(float64)) *slider {
	s := &slider{editorKeys: editorKeys{e.keys}}
	s.Min, s.Max, s.Step, s.OnChanged = lo, hi, step, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey is part of fyne.Focusable.
func (s *slider) TypedKey(ev *fyne.KeyEvent) {
	if !s.takeKey(ev) {
		s.Slider.TypedKey(ev)
	}
}

// TypedRune is part of fyne.Focusable.
func (s *slider) TypedRune(r rune) {
	if !s.takeRune(r) {
		s.Slider.TypedRune(r)
	}
}

// selectBox is a widget.Select with the editor's keys.
type selectBox struct {
	widget.Select
	editorKeys
}

func (e *Editor) newSelect(options []string, changed func(string)) *selectBox {
	s := &selectBox{editorKeys: editorKeys{e.keys}}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey is part of fyne.Focusable.
func (s *selectBox) TypedKey(ev *fyne.KeyEvent) {
	if !s.takeKey(ev) {
		s.Select.TypedKey(ev)
	}
}

// TypedRune is part of fyne.Focusable.
func (s *selectBox) TypedRune(r rune) {
	if !s.takeRune(r) {
		s.Select.TypedRune(r)
	}
}

// check is a widget.Check with the editor's keys.
type check struct {
	widget.Check
	editorKeys
}

func (e *Editor) newCheck(label string, changed func(bool)) *check {
	c := &check{editorKeys: editorKeys{e.keys}}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey is part of fyne.Focusable.
func (c *check) TypedKey(ev *fyne.KeyEvent) {
	if !c.takeKey(ev) {
		c.Check.TypedKey(ev)
	}
}

// TypedRune is part of fyne.Focusable.
func (c *check) TypedRune(r rune) {
	if !c.takeRune(r) {
		c.Check.TypedRune(r)
	}
}

// toolbarButton is a toolbar item made of an icon button with a tooltip.
type toolbarButton struct{ b *button }

// ToolbarObject is part of widget.ToolbarItem.
func (t toolbarButton) ToolbarObject() fyne.CanvasObject { return t.b }

func (e *Editor) newToolbarButton(icon fyne.Resource, tip string, tapped func()) toolbarButton {
	b := e.newButton("", icon, tip, tapped)
	b.Importance = widget.LowImportance
	return toolbarButton{b}
}
