package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"cutout/refine/imagefile"
)

// handleDrop opens the image files among uris: the window's drop handler
// and tests call it. Folders and other files are skipped with a notice.
func (e *Editor) handleDrop(uris []fyne.URI) {
	var paths, skipped []string
	for _, u := range uris {
		if u == nil {
			continue
		}
		if u.Scheme() == "file" && imagefile.IsImageFile(u.Path()) {
			paths = append(paths, u.Path())
		} else {
			skipped = append(skipped, u.Name())
		}
	}
	if len(skipped) > 0 {
		e.showError(errAbout(strings.Join(skipped, ", "), imagefile.ErrUnsupportedFormat))
	}
	e.Open(paths)
}

// imageFilter lists the files the decoder is meant for in the open dialog.
type imageFilter struct{}

// Matches is part of storage.FileFilter.
func (imageFilter) Matches(u fyne.URI) bool { return imagefile.IsImageFile(u.Name()) }

// showOpen asks for photos to open, several at once (picker.go), in the
// folder photos were last opened from.
func (e *Editor) showOpen() {
	e.pickPhotos("Open photos", true, func(paths []string) {
		e.app.Preferences().SetString(prefOpenFolder, filepath.Dir(paths[0]))
		uris := make([]fyne.URI, len(paths))
		for i, p := range paths {
			uris[i] = storage.NewFileURI(p)
		}
		e.handleDrop(uris)
	})
}

// chooseFile lets the person pick a photo with Fyne's file dialog, starting in the folder photos
// were last opened from, and hands its path to chosen.
func (e *Editor) chooseFile(chosen func(path string)) {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if r == nil {
			return
		}
		u := r.URI()
		if cerr := r.Close(); cerr != nil {
			fyne.LogError("", cerr)
		}
		if u.Scheme() != "file" {
			e.showError(errAbout(u.Name(), errors.New("ui: only files on this computer can be opened")))
			return
		}
		chosen(u.Path())
	}, e.win)
	dlg.SetFilter(imageFilter{})
	if l := listable(e.app.Preferences().String(prefOpenFolder)); l != nil {
		dlg.SetLocation(l)
	}
	dlg.Resize(fyne.NewSize(900, 620))
	dlg.Show()
}

// listable returns the folder at path for a dialog, nil if it does not
// exist (any more).
func listable(path string) fyne.ListableURI {
	if path == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(path))
	if err != nil {
		return nil
	}
	return l
}

// exportFolder is where exports go unless told otherwise: the folder last
// exported to, else the photo's own folder.
func (e *Editor) exportFolder(d *document) string {
	if f := e.app.Preferences().String(prefExportFolder); f != "" {
		if fi, err := os.Stat(f); err == nil && fi.IsDir() {
			return f
		}
	}
	if d != nil {
		return filepath.Dir(d.path)
	}
	home, _ := os.UserHomeDir()
	return home
}

// expandPath turns what the person typed into an absolute path: "~"
// is the home folder, a relative path is relative to dir.
func expandPath(typed, dir string) string {
	p := strings.TrimSpace(typed)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

func (e *Editor) addRecent(path string) {
	addRecent(e.app.Preferences(), path)
	e.refreshRecentMenu()
}
