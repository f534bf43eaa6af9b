package ui

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cutout/refine"
	"cutout/refine/parallel"
)

// ExportKind is what an export writes.
type ExportKind int

// Export kinds, as the export sheet lists them.
const (
	// ExportCutout writes the subject over transparency (straight alpha).
	ExportCutout ExportKind = iota
	// ExportMatte writes the matte alone, as 8-bit grey.
	ExportMatte
	// ExportOverBackground writes the subject over the background: the
	// chosen image, or the background colour.
	ExportOverBackground
)

// exportKinds is the number of export kinds.
const exportKinds = 3

// exportNames names the export kinds in the sheet; the third names the
// background the side panel has chosen.
func (e *Editor) exportNames() []string {
	bg := "the background colour"
	if e.bg.img != nil {
		bg = filepath.Base(e.bg.path)
	}
	return []string{"Cutout (transparent PNG)", "Matte only (grey PNG)", "On " + bg + " (opaque PNG)"}
}

// exportOptions are the choices of the export sheet.
type exportOptions struct {
	Kind   ExportKind
	Crop   bool // crop to the subject
	Margin int  // crop margin in source pixels
}

// errCancelled is what an export cancelled by the person returns.
var errCancelled = errors.New("ui: export cancelled")

// buildExport renders a cutout at source resolution as opt asks, with
// the project's compositor: colour are the subject's colours, alpha its
// alpha, bg the background for ExportOverBackground. Uncropped cutouts
// are composited row by row as the PNG encoder asks for them, so the
// picture is never held whole.
func buildExport(colour *image.NRGBA, alpha *refine.Matte, bg refine.Backdrop, opt exportOptions) (image.Image, error) {
	if opt.Kind == ExportMatte {
		out := alpha.Gray()
		if !opt.Crop {
			return out, nil
		}
		r, err := cropTo(alpha, opt.Margin)
		return out.SubImage(r), err
	}
	switch {
	case opt.Kind != ExportOverBackground:
		bg = refine.Backdrop{}
	case bg.Image == nil:
		bg.Color.A = 0xff // the backdrop is always opaque
	}
	if !opt.Crop {
		return refine.NewComposite(colour, alpha, bg), nil
	}
	r, err := cropTo(alpha, opt.Margin)
	return refine.Compose(colour, alpha, bg).SubImage(r), err
}

// cropTo is the rectangle a cropped export keeps.
func cropTo(alpha *refine.Matte, margin int) (image.Rectangle, error) {
	r, ok := subjectBounds(alpha, margin)
	if !ok {
		return r, errors.New("ui: the mask is empty, there is nothing to crop to")
	}
	return r, nil
}

// subjectBounds is the bounding box of alpha ≥ 1/255, grown by margin
// pixels and clipped to the photo; ok is false for an empty matte.
func subjectBounds(alpha *refine.Matte, margin int) (image.Rectangle, bool) {
	n := parallel.Workers(alpha.H)
	parts := make([]image.Rectangle, n)
	parallel.Bands(alpha.H, n, func(band, y0, y1 int) {
		r := image.Rectangle{}
		for y := y0; y < y1; y++ {
			row := alpha.Pix[y*alpha.W : (y+1)*alpha.W]
			x0, x1 := -1, -1
			for x, v := range row {
				if v >= 0.5/255 {
					if x0 < 0 {
						x0 = x
					}
					x1 = x
				}
			}
			if x0 >= 0 {
				r = r.Union(image.Rect(x0, y, x1+1, y+1))
			}
		}
		parts[band] = r
	})
	var r image.Rectangle
	for _, p := range parts {
		r = r.Union(p)
	}
	if r.Empty() {
		return r, false
	}
	return r.Inset(-margin).Intersect(image.Rect(0, 0, alpha.W, alpha.H)), true
}

// exportName suggests a file name for an export of path.
func exportName(path string, kind ExportKind) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	switch kind {
	case ExportMatte:
		return base + "-matte.png"
	case ExportOverBackground:
		return base + "-on-background.png"
	}
	return base + "-cutout.png"
}

// exportSheet is the options part of the export sheets.
type exportSheet struct {
	names  []string // of the kinds
	kind   *widget.RadioGroup
	crop   *widget.Check
	margin *widget.Entry
	target *widget.Entry // the file (one photo) or folder (all)
}

func (e *Editor) newExportSheet(target string, kindChanged func(ExportKind)) *exportSheet {
	opt := e.exportOpt
	s := &exportSheet{names: e.exportNames()}
	s.kind = widget.NewRadioGroup(s.names, func(sel string) {
		if kindChanged != nil {
			kindChanged(s.kindOf(sel))
		}
	})
	s.kind.SetSelected(s.names[opt.Kind])
	s.crop = widget.NewCheck("Crop to the subject", nil)
	s.crop.SetChecked(opt.Crop)
	s.margin = widget.NewEntry()
	s.margin.SetText(strconv.Itoa(opt.Margin))
	s.margin.Validator = func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return errors.New("a number of pixels, 0 or more")
		}
		return nil
	}
	s.target = widget.NewEntry()
	s.target.SetText(target)
	return s
}

func (s *exportSheet) kindOf(sel string) ExportKind {
	for i, n := range s.names {
		if n == sel {
			return ExportKind(i)
		}
	}
	return ExportCutout
}

// options reads the sheet's choices and remembers them.
func (s *exportSheet) options(e *Editor) exportOptions {
	opt := exportOptions{Kind: s.kindOf(s.kind.Selected), Crop: s.crop.Checked, Margin: e.exportOpt.Margin}
	if v, err := strconv.Atoi(s.margin.Text); err == nil && v >= 0 {
		opt.Margin = v
	}
	e.exportOpt = opt
	return opt
}

// form lays the sheet out; targetLabel names the target field and
// browse picks a folder for it.
func (e *Editor) exportForm(s *exportSheet, targetLabel string, browse func()) fyne.CanvasObject {
	return widget.NewForm(
		widget.NewFormItem("Export", s.kind),
		widget.NewFormItem("", s.crop),
		widget.NewFormItem("Margin (px)", s.margin),
		widget.NewFormItem(targetLabel, container.NewBorder(nil, nil, nil, widget.NewButton("Folder…", browse), s.target)),
	)
}

// browseFolder lets the person pick a folder and hands it to set.
func (e *Editor) browseFolder(start string, set func(string)) {
	dlg := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if l != nil {
			set(l.Path())
		}
	}, e.win)
	if l := listable(start); l != nil {
		dlg.SetLocation(l)
	}
	dlg.Resize(fyne.NewSize(900, 620))
	dlg.Show()
}

// showExport asks how and where to export the current photo, then does.
func (e *Editor) showExport() {
	d := e.cur
	if d == nil || !d.editable() {
		e.showError(errors.New("ui: open a photo and wait until it has a mask"))
		return
	}
	e.showExportFor(d, nil)
}

// showExportFor is the export sheet of d; after (if set) runs when the
// export is written, failed or was cancelled.
func (e *Editor) showExportFor(d *document, after func(error)) {
	finish := func(err error) {
		if after != nil {
			after(err)
		}
	}
	folder := e.exportFolder(d)
	var s *exportSheet
	s = e.newExportSheet(filepath.Join(folder, exportName(d.path, e.exportOpt.Kind)), func(k ExportKind) {
		if s != nil { // follow the kind in the suggested name
			dir, name := filepath.Split(s.target.Text)
			for kk := ExportKind(0); kk < exportKinds; kk++ {
				if name == exportName(d.path, kk) {
					s.target.SetText(filepath.Join(dir, exportName(d.path, k)))
				}
			}
		}
	})
	form := e.exportForm(s, "Save as", func() {
		e.browseFolder(filepath.Dir(expandPath(s.target.Text, folder)), func(dir string) {
			s.target.SetText(filepath.Join(dir, filepath.Base(s.target.Text)))
		})
	})
	dlg := dialog.NewCustomConfirm("Export "+d.name, "Export", "Cancel", form, func(ok bool) {
		if !ok {
			finish(errCancelled)
			return
		}
		opt := s.options(e)
		path := expandPath(s.target.Text, folder)
		if filepath.Ext(path) == "" {
			path += ".png"
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			err := fmt.Errorf("ui: there is no folder %s", filepath.Dir(path))
			e.showError(err)
			finish(err)
			return
		}
		write := func(overwrite bool) {
			e.exportDoc(d, path, opt, overwrite, func(err error) {
				if err == nil {
					e.app.Preferences().SetString(prefExportFolder, filepath.Dir(path))
					e.status.text.SetText("Exported " + path)
				} else if !errors.Is(err, errCancelled) {
					e.showError(err)
				}
				finish(err)
			})
		}
		if _, err := os.Stat(path); err == nil {
			confirm := dialog.NewConfirm("Replace "+filepath.Base(path)+"?",
				"A file of that name already exists in "+filepath.Dir(path)+". Replacing it overwrites it.", func(ok bool) {
					if ok {
						write(true)
					} else {
						finish(errCancelled)
					}
				}, e.win)
			confirm.SetConfirmText("Replace")
			confirm.SetDismissText("Cancel")
			confirm.Show()
			return
		}
		write(false)
	}, e.win)
	dlg.Resize(fyne.NewSize(620, 380))
	dlg.Show()
}

// exportDoc writes d's cutout to path, first finishing a pending
// refinement (with progress and cancel), so an export never holds a
// matte older than the trimap. With overwrite false an existing file is
// an error. done runs on the UI goroutine.
func (e *Editor) exportDoc(d *document, path string, opt exportOptions, overwrite bool, done func(error)) {
	if !d.editable() {
		done(errors.New("ui: the photo has no mask yet"))
		return
	}
	x := e.exports
	cancelled := false
	var stop func()
	x.open("Exporting "+d.name, func() {
		cancelled = true
		stop()
		x.close()
		done(errCancelled)
	})
	x.wait(d, "Refining the edges before writing…")
	stop = e.ref.whenFresh(d, func(err error) {
		if cancelled {
			return
		}
		if err != nil {
			x.close()
			done(err)
			return
		}
		x.writing("Writing " + filepath.Base(path) + "…")
		e.writeExport(d, path, opt, overwrite, func(err error) {
			x.close()
			done(err)
		})
	})
}

// writeExport renders d's fresh result and writes it off the UI
// goroutine.
func (e *Editor) writeExport(d *document, path string, opt exportOptions, overwrite bool, done func(error)) {
	res, rev, bg, write := d.ly.res, d.rev, e.background(), e.deps.WritePNG
	e.goWork(func() {
		img, err := buildExport(res.colour, matteFrom8(res.alpha, d.w, d.h), bg, opt)
		if err == nil {
			err = write(path, img, overwrite)
		}
		e.post(func() {
			if err == nil {
				d.exportedRev = rev
				e.strip.refresh(d)
			} else {
				err = errAbout(filepath.Base(path), err)
			}
			done(err)
		})
	})
}

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
	title := fmt.Sprintf("Export %d photos", len(docs))
	dlg := dialog.NewCustomConfirm(title, "Export", "Cancel", form, func(ok bool) {
		if !ok {
			finish(errCancelled)
			return
		}
		opt := s.options(e)
		dir := expandPath(s.target.Text, folder)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			err := fmt.Errorf("ui: there is no folder %s", dir)
			e.showError(err)
			finish(err)
			return
		}
		jobs, existing := exportJobs(docs, dir, opt.Kind)
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
			run(false)
			return
		}
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
	}, e.win)
	dlg.Resize(fyne.NewSize(620, 380))
	dlg.Show()
}

// exportJobs names each photo's export in dir (two photos of the same
// name get -2, -3…) and lists the names that exist already.
func exportJobs(docs []*document, dir string, kind ExportKind) (jobs []exportJob, existing []string) {
	used := map[string]bool{}
	for _, d := range docs {
		name := exportName(d.path, kind)
		for n := 2; used[name]; n++ {
			ext := filepath.Ext(name)
			name = strings.TrimSuffix(exportName(d.path, kind), ext) + "-" + strconv.Itoa(n) + ext
		}
		used[name] = true
		p := filepath.Join(dir, name)
		jobs = append(jobs, exportJob{doc: d, path: p})
		if _, err := os.Stat(p); err == nil {
			existing = append(existing, name)
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
	msg := widget.NewLabel(fmt.Sprintf("%d of the files already exist in %s:\n\n%s", len(names), dir, strings.Join(list, "\n")))
	var dlg *dialog.CustomDialog
	choose := func(c replaceChoice) func() {
		return func() { dlg.Hide(); answer(c) }
	}
	replace := widget.NewButton("Replace them", choose(replaceAll))
	replace.Importance = widget.DangerImportance
	dlg = dialog.NewCustomWithoutButtons("Replace existing files?", msg, e.win)
	dlg.SetButtons([]fyne.CanvasObject{
		widget.NewButton("Cancel", choose(replaceCancel)),
		widget.NewButton("Skip them", choose(replaceSkip)),
		replace,
	})
	dlg.Show()
}

// exportAll exports jobs one after the other, with the same options: each
// photo is loaded, segmented and refined as needed first. A progress
// dialog shows where it is and can cancel the rest.
func (e *Editor) exportAll(jobs []exportJob, opt exportOptions, dir string, after func(error)) {
	x := e.exports
	cancelled := false
	var stop func()
	x.open(fmt.Sprintf("Exporting %d photos", len(jobs)), func() {
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
			e.status.text.SetText(fmt.Sprintf("Exported %d photos to %s", written, dir))
			if len(failed) > 0 {
				err := fmt.Errorf("ui: %d of %d photos could not be exported:\n%s", len(failed), len(jobs), strings.Join(failed, "\n"))
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

// exporter is the progress dialog of exports: waiting for a photo to be
// loaded and refined, writing, and Export All's count. One at a time.
type exporter struct {
	win     fyne.Window // the dialog's parent
	dlg     *dialog.CustomDialog
	label   *widget.Label
	bar     *widget.ProgressBar // the photo's refinement
	overall *widget.ProgressBar // Export All: photos done
	cancel  *widget.Button
	waitOn  *document
}

// open shows the dialog; cancel runs when the person cancels.
func (x *exporter) open(title string, cancel func()) {
	x.label = widget.NewLabel("")
	x.bar = widget.NewProgressBar()
	x.overall = widget.NewProgressBar()
	x.overall.Hide()
	x.cancel = widget.NewButton("Cancel", cancel)
	box := container.NewVBox(x.label, x.bar, x.overall)
	x.dlg = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(420, box.MinSize().Height), box), x.win)
	x.dlg.SetButtons([]fyne.CanvasObject{x.cancel})
	x.dlg.Show()
}

// wait says what the dialog waits for: d's loading or refinement.
func (x *exporter) wait(d *document, msg string) {
	x.waitOn = d
	x.bar.SetValue(0)
	x.say(msg)
}

// writing says the file is being written: it can no longer be cancelled.
func (x *exporter) writing(msg string) {
	x.waitOn = nil
	x.bar.SetValue(1)
	x.cancel.Disable()
	x.say(msg)
}

func (x *exporter) say(msg string) {
	if x.label != nil {
		x.label.SetText(msg)
	}
}

// step shows Export All's count.
func (x *exporter) step(i, n int) {
	x.overall.Show()
	x.overall.SetValue(float64(i-1) / float64(n))
}

// progress follows the refinement of the photo the dialog waits for.
func (x *exporter) progress(d *document, f float64) {
	if x.dlg != nil && x.waitOn == d {
		x.bar.SetValue(f)
	}
}

// close hides the dialog.
func (x *exporter) close() {
	if x.dlg != nil {
		x.dlg.Hide()
		x.dlg = nil
	}
	x.waitOn = nil
}
