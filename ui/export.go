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
	"cutout/refine/imagefile"
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

// exportName suggests a file name for an export of path, as `cutout
// remove` names its outputs: NAME.png for the cutout (over transparency or
// the background), NAME.mask.png for the matte.
func exportName(path string, kind ExportKind) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if kind == ExportMatte {
		return base + ".mask.png"
	}
	return base + ".png"
}

// exportTarget is where an export of path into dir goes: exportName, or,
// when that is the photo itself (portrait.png exported beside itself),
// NAME-2.png, NAME-3.png… as the command line numbers such names.
func exportTarget(dir, path string, kind ExportKind, taken func(string) bool) string {
	name := exportName(path, kind)
	p := filepath.Join(dir, name)
	for n := 2; sameFile(p, path) || (taken != nil && taken(p)); n++ {
		ext := ".png"
		if kind == ExportMatte {
			ext = ".mask.png"
		}
		p = filepath.Join(dir, strings.TrimSuffix(name, ext)+"-"+strconv.Itoa(n)+ext)
	}
	return p
}

// sameFile reports whether a and b name the same file: the same path, or
// one file reached through links.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// exportSheet is the options part of the export sheets.
type exportSheet struct {
	names  []string // of the kinds
	kind   *selectBox
	crop   *check
	margin *sheetEntry
	target *sheetEntry // the file (one photo) or folder (all)
}

// newExportSheet makes the sheet's fields with the last export's
// options. The kind is a drop-down: an export always has exactly one.
func (e *Editor) newExportSheet(target string, kindChanged func(ExportKind)) *exportSheet {
	opt := e.exportOpt
	s := &exportSheet{names: e.exportNames()}
	s.kind = e.newSelect(s.names, func(sel string) {
		if kindChanged != nil {
			kindChanged(s.kindOf(sel))
		}
	})
	s.kind.SetSelected(s.names[opt.Kind])
	s.crop = e.newCheck("Crop to the subject", nil)
	s.crop.SetChecked(opt.Crop)
	s.margin = e.newSheetEntry()
	s.margin.SetText(strconv.Itoa(opt.Margin))
	s.margin.Validator = func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return errors.New("a number of pixels, 0 or more")
		}
		return nil
	}
	s.target = e.newSheetEntry()
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

// showActionSheet shows a sheet with a form, and Cancel and action
// buttons. The action (or Enter) calls ok, which returns an error to keep
// the sheet open (it is shown above it), or what to do once the sheet is
// closed; Cancel (or Escape) calls cancel.
func (e *Editor) showActionSheet(title, action string, form fyne.CanvasObject, ok func() (func(), error), cancel func()) {
	var dlg *dialog.CustomDialog
	closed := false
	confirm := func() {
		if closed {
			return
		}
		then, err := ok()
		if err != nil {
			e.showError(err)
			return
		}
		closed = true
		dlg.Hide()
		then()
	}
	dlg = dialog.NewCustomWithoutButtons(title, form, e.win)
	export := widget.NewButton(action, confirm)
	export.Importance = widget.HighImportance
	dlg.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", func() { dlg.Hide() }), export})
	dlg.SetOnClosed(func() {
		if !closed {
			closed = true
			cancel()
		}
	})
	dlg.Resize(fyne.NewSize(640, 380))
	e.showSheet(dlg, confirm)
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
	s = e.newExportSheet(exportTarget(folder, d.path, e.exportOpt.Kind, nil), func(k ExportKind) {
		if s != nil { // follow the kind in the suggested name
			dir, name := filepath.Split(expandPath(s.target.Text, folder))
			for kk := ExportKind(0); kk < exportKinds; kk++ {
				if filepath.Join(dir, name) == exportTarget(filepath.Clean(dir), d.path, kk, nil) {
					s.target.SetText(exportTarget(filepath.Clean(dir), d.path, k, nil))
					return
				}
			}
		}
	})
	form := e.exportForm(s, "Save as", func() {
		e.browseFolder(filepath.Dir(expandPath(s.target.Text, folder)), func(dir string) {
			s.target.SetText(filepath.Join(dir, filepath.Base(s.target.Text)))
		})
	})
	ok := func() (func(), error) {
		path := expandPath(s.target.Text, folder)
		if filepath.Ext(path) == "" {
			path += ".png"
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("ui: there is no folder %s", filepath.Dir(path))
		}
		if e.isOpenPhoto(path) {
			return nil, fmt.Errorf("ui: %s is a photo you opened: choose another name", filepath.Base(path))
		}
		opt := s.options(e)
		return func() {
			e.confirmReplace(path, func(overwrite bool) { e.exportTo(d, path, opt, overwrite, finish) }, func() { finish(errCancelled) })
		}, nil
	}
	e.showActionSheet("Export "+d.name, "Export", form, ok, func() { finish(errCancelled) })
	e.win.Canvas().Focus(s.target) // type a name at once, as in a save dialog
}

// exportAgain (Ctrl+S, as Save is in Photoshop) writes the current
// photo's export again to the file it last went to, with the same
// options, replacing it without asking; the first time it opens the
// export sheet.
func (e *Editor) exportAgain() {
	d := e.cur
	if d == nil || !d.editable() {
		e.showError(errors.New("ui: open a photo and wait until it has a mask"))
		return
	}
	if d.exportedTo == "" {
		e.showExportFor(d, nil)
		return
	}
	e.exportTo(d, d.exportedTo, d.exportedOpt, true, func(error) {})
}

// isOpenPhoto reports whether path is the file of a photo the editor
// holds: an export never replaces one.
func (e *Editor) isOpenPhoto(path string) bool {
	for _, d := range e.docs {
		if sameFile(path, d.path) {
			return true
		}
	}
	return false
}

// confirmReplace asks before replacing an existing file at path, then
// calls write (overwrite true when the person said Replace), or cancel.
func (e *Editor) confirmReplace(path string, write func(overwrite bool), cancel func()) {
	if _, err := os.Stat(path); err != nil {
		write(false)
		return
	}
	confirm := dialog.NewConfirm("Replace "+filepath.Base(path)+"?",
		"A file of that name already exists in "+filepath.Dir(path)+". Replacing it overwrites it.", func(ok bool) {
			if ok {
				write(true)
			} else {
				cancel()
			}
		}, e.win)
	confirm.SetConfirmText("Replace")
	confirm.SetDismissText("Cancel")
	e.showSheet(confirm, func() { confirm.Confirm() })
}

// exportTo writes d's export to path and says so, remembering where it
// went for the next export (and for Ctrl+S, export again).
func (e *Editor) exportTo(d *document, path string, opt exportOptions, overwrite bool, done func(error)) {
	e.exportDoc(d, path, opt, overwrite, func(err error) {
		if err == nil {
			e.app.Preferences().SetString(prefExportFolder, filepath.Dir(path))
			e.status.text.SetText("Exported " + path)
		} else if !errors.Is(err, errCancelled) {
			e.showError(err)
		}
		done(err)
	})
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
	x.open("Exporting "+d.name, 1, func() {
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

// exportSource is what an export of kind made from the photo at path
// records it was made from, as the command line's outputs do
// (imagefile.SourceOf), or "" when the photo is no longer there.
func exportSource(path string, kind ExportKind) string {
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	role := "cutout"
	if kind == ExportMatte {
		role = "matte"
	}
	return role + " of " + imagefile.SourceOf(path, info)
}

// writeExport renders d's fresh result and writes it off the UI
// goroutine.
func (e *Editor) writeExport(d *document, path string, opt exportOptions, overwrite bool, done func(error)) {
	res, rev, bg, write, photo := d.ly.res, d.rev, e.background(), e.deps.WritePNG, d.path
	e.goWork(func() {
		img, err := buildExport(res.colour, matteFrom8(res.alpha, d.w, d.h), bg, opt)
		if err == nil {
			err = write(path, img, overwrite, exportSource(photo, opt.Kind))
		}
		e.post(func() {
			if err == nil {
				d.exportedRev, d.exportedTo, d.exportedOpt = rev, path, opt
				e.strip.refresh(d)
				e.scheduleSave(d) // the recovery session remembers the export
			} else {
				err = errAbout(filepath.Base(path), err)
			}
			done(err)
		})
	})
}
