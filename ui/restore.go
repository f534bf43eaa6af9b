package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// Crash recovery, when the editor starts again: at start it offers, at
// once, every photo with edits that an editor which did not exit cleanly
// left behind, and reopens that editor's whole filmstrip; a photo opened
// later with a session of its own is offered when its mask is ready.

// recoverCrashed reopens c's filmstrip and replays each session once its
// photo has a mask, without asking again.
func (e *Editor) recoverCrashed(c *crashed) {
	e.openShowing(c.paths, c.current)
	for i := range c.sessions {
		s := &c.sessions[i]
		if d := e.findDoc(s.file.Path); d != nil {
			d.restore = s
		}
	}
	for _, pid := range c.owners {
		if err := e.saves.store.removeWorkspace(pid); err != nil {
			fyne.LogError("", err)
		}
	}
}

// askRecover is the prompt at start.
func (e *Editor) askRecover(c *crashed, answer func(bool)) {
	var list []string
	for _, s := range c.sessions {
		list = append(list, fmt.Sprintf("• %s (%s)", filepath.Base(s.file.Path), count(len(s.file.Ops), "edit")))
	}
	open := fmt.Sprintf("the %d photos that were open", len(c.paths))
	if len(c.paths) == 1 {
		open = "the photo that was open"
	}
	msg := fmt.Sprintf("Cutout did not close normally. Reopen %s, with your edits to:\n\n%s", open, strings.Join(list, "\n"))
	dlg := dialog.NewConfirm("Restore your work?", msg, answer, e.win)
	dlg.SetConfirmText("Restore")
	dlg.SetDismissText("Discard")
	dlg.Show()
}

// offerRestore asks to restore a session of d left by an editor that did
// not exit cleanly.
func (e *Editor) offerRestore(d *document) {
	store := e.saves.store
	if store == nil || d.hash == "" {
		return
	}
	base, f, err := store.load(d.hash, d.w, d.h)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			fyne.LogError("ignoring a damaged recovery session", err)
		}
		return
	}
	if len(f.Ops) == 0 || f.Owner == e.saves.pid || (f.Owner != 0 && processAlive(f.Owner)) {
		return
	}
	e.prompts.restore(d, len(f.Ops), func(ok bool) {
		if !ok {
			if err := store.remove(d.hash); err != nil {
				e.showError(err)
			}
			return
		}
		e.replay(d, base, f.Ops)
		e.edited(d, wholePhoto)
		e.restoreExport(d, f.Export)
	})
}

// restoreExport takes back what a session says of d's last export: where
// it went (for Ctrl+S) and whether it holds the restored edits.
func (e *Editor) restoreExport(d *document, x *sessionExport) {
	if x == nil {
		return
	}
	d.exportedTo = x.Path
	d.exportedOpt = exportOptions{Kind: x.Kind, Crop: x.Crop, Margin: x.Margin}
	if x.Current {
		d.exportedRev = d.rev
	}
	e.strip.refresh(d)
	e.updateStatus()
}

// replaySession replays a crashed session of d.
func (e *Editor) replaySession(d *document, s *savedSession) {
	if s.hash != d.hash {
		e.showError(fmt.Errorf("ui: %s changed since it was edited, so the edits cannot be restored", d.name))
		return
	}
	base, f, err := e.saves.store.load(d.hash, d.w, d.h)
	if err != nil {
		e.showError(err)
		return
	}
	e.replay(d, base, f.Ops)
	e.edited(d, wholePhoto)
	e.restoreExport(d, f.Export)
}

func (e *Editor) askRestore(d *document, n int, answer func(bool)) {
	msg := fmt.Sprintf("Cutout did not close normally while you were editing\n%s.\n\nRestore your %s?", d.name, count(n, "edit"))
	dlg := dialog.NewConfirm("Restore edits?", msg, answer, e.win)
	dlg.SetConfirmText("Restore")
	dlg.SetDismissText("Discard")
	dlg.Show()
}
