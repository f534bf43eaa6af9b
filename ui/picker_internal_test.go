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

// TestOpenUsesTheNativeDialog: where zenity is installed, Ctrl+O runs it
// for several photos at once and opens every photo chosen; a cancelled
// dialog opens nothing.
func TestOpenUsesTheNativeDialog(t *testing.T) {
	paths := photoFiles(t, 3)
	bin := t.TempDir()
	args := filepath.Join(t.TempDir(), "args")
	answer := filepath.Join(t.TempDir(), "answer")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + args + "\n[ -s " + answer + " ] || exit 1\ncat " + answer + "\n"
	if err := os.WriteFile(filepath.Join(bin, "zenity"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("XDG_CURRENT_DESKTOP", "GNOME")
	e, q := newTestEditor(t, fakeDeps(nil))
	e.app.Preferences().SetString(prefOpenFolder, filepath.Dir(paths[0]))
	if e.picker == nil || e.picker.name != "zenity" {
		t.Fatal("the editor does not use zenity")
	}

	if err := os.WriteFile(answer, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	press(e, fyne.KeyO, fyne.KeyModifierControl, 0)
	q.waitFor(t, "the dialog", 10*time.Second, func() bool { _, err := os.Stat(args); return err == nil })
	q.drain(200 * time.Millisecond)
	if len(e.docs) != 0 || len(e.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("a cancelled dialog opened something or showed a sheet")
	}

	if err := os.WriteFile(answer, []byte(paths[0]+"\n"+paths[2]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(e, fyne.KeyO, fyne.KeyModifierControl, 0)
	q.waitFor(t, "the photos", 10*time.Second, func() bool { return len(e.docs) == 2 })
	if e.docs[0].path != paths[0] || e.docs[1].path != paths[2] {
		t.Fatalf("opened %s and %s", e.docs[0].path, e.docs[1].path)
	}
	a, _ := os.ReadFile(args)
	for _, want := range []string{"--multiple", "--file-selection", "*.jpg", "--filename=" + filepath.Dir(paths[0])} {
		if !strings.Contains(string(a), want) {
			t.Errorf("zenity was run without %q:\n%s", want, a)
		}
	}
}

// TestOpenSheetOpensSeveralPhotos: without a platform dialog, Ctrl+O
// shows the editor's own: every photo of the folder by its whole name,
// several opened at once.
func TestOpenSheetOpensSeveralPhotos(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for i, p := range photoFiles(t, 3) {
		n := "celebamaskhq-demo" + string(rune('0'+i)) + ".png"
		if err := os.Rename(p, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir()) // no zenity, no kdialog
	e, q := newTestEditor(t, fakeDeps(nil))
	e.app.Preferences().SetString(prefOpenFolder, t.TempDir())
	press(e, fyne.KeyO, fyne.KeyModifierControl, 0)
	if !strings.Contains(overlayTexts(e), "No photos in this folder.") {
		t.Fatalf("an empty folder shows:\n%s", overlayTexts(e))
	}
	typeInto(t, e, overlayEntries(e)[0], dir) // the folder field
	press(e, fyne.KeyReturn, 0, 0)
	msg := overlayTexts(e)
	for _, n := range names {
		if !strings.Contains(msg, n+"\n") {
			t.Fatalf("the open sheet does not show %s whole; it shows:\n%s", n, msg)
		}
	}
	if strings.Contains(msg, "notes.txt") {
		t.Fatal("the open sheet lists a file that is not a photo")
	}
	q.waitFor(t, "the thumbnails", 10*time.Second, func() bool {
		n := 0
		for _, o := range test.LaidOutObjects(e.win.Canvas().Overlays().Top()) {
			if img, ok := o.(*canvas.Image); ok {
				if th, ok := img.Image.(*image.NRGBA); ok && max(th.Rect.Dx(), th.Rect.Dy()) == openThumb {
					n++
				}
			}
		}
		return n == len(names)
	})
	tapText(t, e, names[0])
	tapText(t, e, names[2])
	press(e, fyne.KeyReturn, 0, 0)
	q.waitFor(t, "the photos", 10*time.Second, func() bool { return len(e.docs) == 2 })
	if e.docs[0].name != names[0] || e.docs[1].name != names[2] {
		t.Fatalf("opened %s and %s", e.docs[0].name, e.docs[1].name)
	}
}
