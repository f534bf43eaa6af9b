package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// editedSample opens the sample with the fake model, paints a stroke and
// waits for its recovery session; it returns the session's folder.
func editedSample(t *testing.T, e *Editor, q *uiQueue) (*document, string) {
	t.Helper()
	e.Open([]string{samplePhoto(t)})
	d := e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.editable() })
	e.setTool(ToolBackground)
	dragPath(e, []fyne.Position{{X: 100, Y: 100}, {X: 300, Y: 200}})
	q.waitFor(t, "the recovery session", 20*time.Second, func() bool { return d.savedRev == d.rev })
	dir := filepath.Join(e.deps.CacheDir, "sessions", d.hash)
	if _, err := os.Stat(filepath.Join(dir, sessionEdits)); err != nil {
		t.Fatal(err)
	}
	return d, dir
}

func windowOpen(e *Editor) bool {
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if w == e.win {
			return true
		}
	}
	return false
}

func TestQuitWithUnexportedEditsAsks(t *testing.T) {
	t.Run("cancel keeps everything", func(t *testing.T) {
		e, q := newTestEditor(t, fakeDeps(nil))
		_, dir := editedSample(t, e, q)
		press(e, fyne.KeyQ, fyne.KeyModifierControl, 0)
		if !strings.Contains(overlayTexts(e), "not exported") {
			t.Fatalf("Ctrl+Q with unexported edits did not ask; dialogs:\n%s", overlayTexts(e))
		}
		tapButton(t, e, "Cancel")
		if !windowOpen(e) || e.closed {
			t.Fatal("Cancel closed the editor")
		}
		if _, err := os.Stat(dir); err != nil {
			t.Fatal("Cancel removed the recovery session")
		}
	})
	t.Run("discard closes and removes the session", func(t *testing.T) {
		e, q := newTestEditor(t, fakeDeps(nil))
		_, dir := editedSample(t, e, q)
		triggerMenuItem(t, e, "File", "Quit")
		tapButton(t, e, "Discard")
		if windowOpen(e) || !e.closed {
			t.Fatal("Discard did not close the editor")
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatal("Discard left the recovery session")
		}
	})
	t.Run("export, then close", func(t *testing.T) {
		e, q := newTestEditor(t, fakeDeps(nil))
		_, dir := editedSample(t, e, q)
		e.requestQuit() // what the window's close button does
		tapButton(t, e, "Export…")
		out := filepath.Join(t.TempDir(), "kept.png")
		typeInto(t, e, targetEntry(t, e), out)
		tapButton(t, e, "Export")
		q.waitFor(t, "the export and the close", 20*time.Second, func() bool { return e.closed })
		if _, err := os.Stat(out); err != nil {
			t.Fatal(err)
		}
		if windowOpen(e) {
			t.Fatal("the window stayed open after exporting the edits")
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatal("closing after the export left the recovery session")
		}
	})
	t.Run("nothing to lose closes at once", func(t *testing.T) {
		e, q := newTestEditor(t, fakeDeps(nil))
		e.Open([]string{samplePhoto(t)})
		d := e.cur
		q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.editable() })
		press(e, fyne.KeyQ, fyne.KeyModifierControl, 0)
		if windowOpen(e) {
			t.Fatalf("Ctrl+Q without edits did not close; dialogs:\n%s", overlayTexts(e))
		}
	})
}

// triggerMenuItem runs a main-menu item as a click on it does.
func triggerMenuItem(t *testing.T, e *Editor, menu, label string) {
	t.Helper()
	for _, m := range e.win.MainMenu().Items {
		if m.Label != menu {
			continue
		}
		for _, i := range m.Items {
			if i.Label == label && !i.Disabled {
				i.Action()
				return
			}
		}
	}
	t.Fatalf("no enabled menu item %s ▸ %s", menu, label)
}
