package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Sheets are the editor's dialogs as a desktop user knows them: Escape
// dismisses the one on top, Enter confirms it, and while one is open the
// single-key shortcuts do not act on the photo behind it. The keys reach
// the sheet wherever the focus is: on nothing (the window's key handler),
// in a text field (sheetEntry) or on one of the editor's controls
// (controls.go).

// sheet is an open dialog: dismiss closes it as Cancel does, confirm
// (nil: dismiss) runs its default action.
type sheet struct {
	dlg     dialog.Dialog
	overlay fyne.CanvasObject // the dialog on the window's overlay stack
	confirm func()
}

// showSheet shows dlg as a sheet whose default action is confirm (nil:
// Enter closes it too). onClosed, if set, runs when it closes.
func (e *Editor) showSheet(dlg dialog.Dialog, confirm func()) *sheet {
	s := &sheet{dlg: dlg, confirm: confirm}
	dlg.Show()
	s.overlay = e.win.Canvas().Overlays().Top()
	e.sheets = append(e.sheets, s)
	return s
}

// topSheet is the sheet on top of the window, nil when none is (or when
// a dialog that is not a sheet, such as a file chooser, is on top).
func (e *Editor) topSheet() *sheet {
	top := e.win.Canvas().Overlays().Top()
	live := e.sheets[:0]
	for _, s := range e.sheets {
		if e.onOverlays(s.overlay) {
			live = append(live, s)
		}
	}
	clear(e.sheets[len(live):])
	e.sheets = live
	if n := len(e.sheets); n > 0 && top != nil && e.sheets[n-1].overlay == top {
		return e.sheets[n-1]
	}
	return nil
}

// onOverlays reports whether o is still on the window's overlay stack.
func (e *Editor) onOverlays(o fyne.CanvasObject) bool {
	for _, x := range e.win.Canvas().Overlays().List() {
		if x == o {
			return true
		}
	}
	return false
}

// modal reports whether a dialog covers the window.
func (e *Editor) modal() bool { return e.win.Canvas().Overlays().Top() != nil }

// sheetKey takes Escape and Enter for the sheet on top; it reports
// whether it did.
func (e *Editor) sheetKey(ev *fyne.KeyEvent) bool {
	s := e.topSheet()
	if s == nil {
		return false
	}
	switch ev.Name {
	case fyne.KeyEscape:
		s.dlg.Hide()
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.confirm != nil {
			s.confirm()
		} else {
			s.dlg.Hide()
		}
	default:
		return false
	}
	return true
}

// sheetEntry is a text field of a sheet: Enter confirms the sheet (or
// submits the field, when it has OnSubmitted) and Escape dismisses it;
// every other key is the field's.
type sheetEntry struct {
	widget.Entry
	keys *keyMap
}

func (e *Editor) newSheetEntry() *sheetEntry {
	en := &sheetEntry{keys: e.keys}
	en.ExtendBaseWidget(en)
	return en
}

// TypedKey is part of fyne.Focusable.
func (en *sheetEntry) TypedKey(ev *fyne.KeyEvent) {
	enter := ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter
	if ev.Name == fyne.KeyEscape || enter && en.OnSubmitted == nil {
		if en.keys.typedKey(ev) {
			return
		}
	}
	en.Entry.TypedKey(ev)
}
