package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// exportJob is one photo of an Export All.
type exportJob struct {
	doc       *document
	path      string
	overwrite bool
}

// showExportAll asks how and where to export every photo (or docs, when
// given), then does.
func (e *Editor) showExportAll() { e.showExportAllOf(nil, nil) }

// showExportAllOf is the Export All sheet for docs (nil: every photo
// that could be opened); after (if set) runs when all is done.
func (e *Editor) showExportAllOf(docs []*document, after func(error)) {
	finish := func(err error) {
		if after != nil {
			after(err)
		}
	}
	if docs == nil {
		for _, d := range e.docs {
			if d.state != docFailed {
				docs = append(docs, d)
			}
		}
	}
	if len(docs) == 0 {
		e.showError(errors.New("ui: there is no photo to export"))
		finish(errCancelled)
		return
	}
	folder := e.exportFolder(e.cur)
	s := e.newExportSheet(folder, nil)
	form := e.exportForm(s, "Save to folder", func() {
		e.browseFolder(expandPath(s.target.Text, folder), func(dir string) { s.target.SetText(dir) })
	})
	title := "Export " + count(len(docs), "photo")
	ok := func() (func(), error) {
		dir := expandPath(s.target.Text, folder)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("ui: there is no folder %s", dir)
		}
		opt := s.options(e)
		jobs, existing := exportJobs(docs, dir, opt.Kind, e.isOpenPhoto)
		run := func(overwrite bool) {
			var keep []exportJob
			for _, j := range jobs {
				if _, err := os.Stat(j.path); err == nil {
					if !overwrite {
						continue // skipped, as the person chose
					}
					j.overwrite = true
				}
				keep = append(keep, j)
			}
			e.app.Preferences().SetString(prefExportFolder, dir)
			e.exportAll(keep, opt, dir, finish)
		}
		if len(existing) == 0 {
			return func() { run(false) }, nil
		}
		return func() {
			e.askReplace(dir, existing, func(choice replaceChoice) {
				switch choice {
				case replaceAll:
					run(true)
				case replaceSkip:
					run(false)
				default:
					finish(errCancelled)
				}
			})
		}, nil
	}
	e.showActionSheet(title, "Export", form, ok, func() { finish(errCancelled) })
	e.win.Canvas().Focus(s.target)
}

// exportJobs names each photo's export in dir as exportTarget does; a
// name that another photo's export or an opened photo (photo) holds
// gets -2, -3… It lists the names that exist already.
func exportJobs(docs []*document, dir string, kind ExportKind, photo func(string) bool) (jobs []exportJob, existing []string) {
	used := map[string]bool{}
	taken := func(p string) bool { return used[p] || photo != nil && photo(p) }
	for _, d := range docs {
		p := exportTarget(dir, d.path, kind, taken)
		used[p] = true
		jobs = append(jobs, exportJob{doc: d, path: p})
		if _, err := os.Stat(p); err == nil {
			existing = append(existing, filepath.Base(p))
		}
	}
	return jobs, existing
}

// replaceChoice answers "some files exist already".
type replaceChoice int

const (
	replaceCancel replaceChoice = iota
	replaceAll
	replaceSkip
)

// askReplace asks what to do with the exports that exist already.
func (e *Editor) askReplace(dir string, names []string, answer func(replaceChoice)) {
	list := names
	if len(list) > 8 {
		list = append(append([]string{}, list[:8]...), fmt.Sprintf("and %d more", len(names)-8))
	}
	what := fmt.Sprintf("%d of the files already exist", len(names))
	if len(names) == 1 {
		what = "One of the files already exists"
	}
	msg := widget.NewLabel(fmt.Sprintf("%s in %s:\n\n%s", what, dir, strings.Join(list, "\n")))
	var dlg *dialog.CustomDialog
	answered := false
	choose := func(c replaceChoice) func() {
		return func() {
			answered = true
			dlg.Hide()
			answer(c)
		}
	}
	replace := widget.NewButton("Replace them", choose(replaceAll))
	replace.Importance = widget.DangerImportance
	dlg = dialog.NewCustomWithoutButtons("Replace existing files?", msg, e.win)
	dlg.SetButtons([]fyne.CanvasObject{
		widget.NewButton("Cancel", choose(replaceCancel)),
		widget.NewButton("Skip them", choose(replaceSkip)),
		replace,
	})
	dlg.SetOnClosed(func() {
		if !answered { // Escape
			answered = true
			answer(replaceCancel)
		}
	})
	e.showSheet(dlg, choose(replaceSkip))
}

// exportAll exports jobs one after the other, with the same options: each
// photo is loaded, segmented and refined as needed first. A progress
// dialog shows where it is and can cancel the rest.
func (e *Editor) exportAll(jobs []exportJob, opt exportOptions, dir string, after func(error)) {
	x := e.exports
	cancelled := false
	var stop func()
	x.open("Exporting "+count(len(jobs), "photo"), len(jobs), func() {
		cancelled = true
		if stop != nil {
			stop()
		}
		x.close()
		e.status.text.SetText("Export cancelled")
		after(errCancelled)
	})
	var failed []string
	written := 0
	i := 0
	var next func()
	fail := func(j exportJob, err error) {
		fyne.LogError("export "+j.doc.name, err)
		failed = append(failed, message(errAbout(j.doc.name, err)))
		next()
	}
	next = func() {
		if cancelled {
			return
		}
		if i == len(jobs) {
			x.close()
			if d := e.cur; d != nil && d.editable() {
				e.ref.schedule(d, 0) // its run may have made way for the exports
			}
			e.status.text.SetText(fmt.Sprintf("Exported %s to %s", count(written, "photo"), dir))
			if len(failed) > 0 {
				err := fmt.Errorf("ui: %d of %s could not be exported:\n%s", len(failed), count(len(jobs), "photo"), strings.Join(failed, "\n"))
				e.showError(err)
				after(err)
				return
			}
			after(nil)
			return
		}
		j := jobs[i]
		i++
		x.step(i, len(jobs))
		x.wait(j.doc, fmt.Sprintf("%d of %d: %s — opening…", i, len(jobs), j.doc.name))
		stop = e.whenLoaded(j.doc, func(err error) {
			if cancelled {
				return
			}
			if err != nil {
				fail(j, err)
				return
			}
			x.wait(j.doc, fmt.Sprintf("%d of %d: %s — refining…", i, len(jobs), j.doc.name))
			stop = e.ref.whenFresh(j.doc, func(err error) {
				if cancelled {
					return
				}
				if err != nil {
					fail(j, err)
					return
				}
				x.say(fmt.Sprintf("%d of %d: %s — writing…", i, len(jobs), j.doc.name))
				e.writeExport(j.doc, j.path, opt, j.overwrite, func(err error) {
					if err != nil {
						fail(j, err)
						return
					}
					written++
					next()
				})
			})
		})
	}
	next()
}
