package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// quitChoice answers "export your edits before closing?".
type quitChoice int

const (
	quitCancel quitChoice = iota
	quitExport
	quitDiscard
)

// requestQuit runs when the window is closed or File ▸ Quit is chosen:
// with edits that were never exported it asks whether to export them,
// discard them or stay. Only "discard" (or nothing to lose) closes the
// editor and removes the recovery sessions.
func (e *Editor) requestQuit() {
	var dirty []*document
	for _, d := range e.docs {
		if d.unexported() {
			dirty = append(dirty, d)
		}
	}
	if len(dirty) == 0 {
		e.quit()
		return
	}
	e.prompts.quit(dirty, func(c quitChoice) {
		switch c {
		case quitDiscard:
			e.quit()
		case quitExport:
			again := func(err error) {
				if err == nil {
					e.requestQuit()
				}
			}
			if len(dirty) == 1 {
				e.whenLoaded(dirty[0], func(err error) {
					if err != nil {
						e.showError(errAbout(dirty[0].name, err))
						return
					}
					e.showExportFor(dirty[0], again)
				})
			} else {
				e.showExportAllOf(dirty, again)
			}
		}
	})
}

// quit closes the editor and its window, removing the recovery sessions.
//
// It stores the window's size first, in one preference write. Besides
// opening the next session at that size, this covers a race in Fyne
// 2.7.1: on exit the preferences file is rewritten (truncated, then
// written) while its file watcher may read it from another goroutine,
// which logs "Preferences load error: EOF". For 100 ms after a save
// Fyne's watcher ignores the file, and the exit comes well within that.
func (e *Editor) quit() {
	sz := e.win.Canvas().Size()
	e.app.Preferences().SetFloatList(prefWindowSize, []float64{float64(sz.Width), float64(sz.Height)})
	e.Close()
	e.win.Close()
}

// askQuit is the prompt before closing with unexported edits.
func (e *Editor) askQuit(dirty []*document, answer func(quitChoice)) {
	var names []string
	for _, d := range dirty {
		names = append(names, "• "+d.name)
	}
	what := "This photo has edits that are not exported"
	if len(dirty) > 1 {
		what = fmt.Sprintf("These %d photos have edits that are not exported", len(dirty))
	}
	msg := widget.NewLabel(what + ":\n\n" + strings.Join(names, "\n") + "\n\nExport them before closing? If you discard them, they are gone.")
	var dlg *dialog.CustomDialog
	answered := false
	choose := func(c quitChoice) func() {
		return func() {
			answered = true
			dlg.Hide()
			answer(c)
		}
	}
	export := widget.NewButton("Export…", choose(quitExport))
	export.Importance = widget.HighImportance
	discard := widget.NewButton("Discard", choose(quitDiscard))
	discard.Importance = widget.DangerImportance
	dlg = dialog.NewCustomWithoutButtons("Export your edits?", msg, e.win)
	dlg.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", choose(quitCancel)), discard, export})
	dlg.SetOnClosed(func() {
		if !answered { // Escape
			answered = true
			answer(quitCancel)
		}
	})
	e.showSheet(dlg, choose(quitExport))
}
