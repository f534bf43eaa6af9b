package ui

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"cutout/refine"
	"cutout/refine/parallel"
)

// ExportKind is what an export writes.
type ExportKind int

// Export kinds, as the export dialog lists them.
const (
	// ExportCutout writes the subject over transparency (straight alpha).
	ExportCutout ExportKind = iota
	// ExportMatte writes the matte alone, as 8-bit grey.
	ExportMatte
	// ExportOverColour writes the subject over an opaque colour.
	ExportOverColour
)

var exportNames = []string{"Cutout (transparent PNG)", "Matte only (grey PNG)", "Over a colour (opaque PNG)"}

// exportOptions are the choices of the export dialog.
type exportOptions struct {
	Kind   ExportKind
	Colour color.NRGBA // for ExportOverColour
	Crop   bool        // crop to the subject
	Margin int         // crop margin in source pixels
}

// buildExport renders d at source resolution as opt asks. It reads d's
// buffers only, so it can run off the UI goroutine on a snapshot.
func buildExport(src, fg *image.NRGBA, alpha *refine.Matte, opt exportOptions) (image.Image, error) {
	if alpha == nil || src == nil {
		return nil, errors.New("ui: export: the photo has no mask yet")
	}
	if fg == nil {
		fg = src
	}
	var out image.Image
	switch opt.Kind {
	case ExportMatte:
		out = alpha.Gray()
	case ExportOverColour:
		c := opt.Colour
		c.A = 0xff // the backdrop is always opaque
		out = refine.Compose(fg, alpha, refine.Backdrop{Color: c})
	default:
		out = refine.Compose(fg, alpha, refine.Backdrop{})
	}
	if opt.Crop {
		r, ok := subjectBounds(alpha, opt.Margin)
		if !ok {
			return nil, errors.New("ui: export: the mask is empty, nothing to crop to")
		}
		out = out.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
	}
	return out, nil
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
			x0 := -1
			x1 := -1
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
	case ExportOverColour:
		return base + "-on-colour.png"
	}
	return base + "-cutout.png"
}

// exportOptionsState remembers the dialog's last choices this session.
var lastExport = exportOptions{Colour: color.NRGBA{R: 255, G: 255, B: 255, A: 255}, Margin: 32}

// showExport asks what to export, then where, then writes the file.
func (e *Editor) showExport() {
	d := e.cur
	if d == nil || d.ly.tri == nil {
		e.showError(errors.New("ui: export: open a photo and wait for its mask first"))
		return
	}
	opt := lastExport
	kind := widget.NewRadioGroup(exportNames, nil)
	kind.SetSelected(exportNames[opt.Kind])
	sw := newSwatch(opt.Colour)
	colourBtn := widget.NewButton("Colour…", func() {
		e.pickColour("Background colour", opt.Colour, func(c color.NRGBA) { opt.Colour = c; sw.set(c) })
	})
	crop := widget.NewCheck("Crop to the subject", nil)
	crop.SetChecked(opt.Crop)
	margin := widget.NewEntry()
	margin.SetText(strconv.Itoa(opt.Margin))
	margin.Validator = func(s string) error {
		if v, err := strconv.Atoi(s); err != nil || v < 0 {
			return errors.New("a number of pixels, 0 or more")
		}
		return nil
	}
	form := widget.NewForm(
		widget.NewFormItem("Export", kind),
		widget.NewFormItem("Background", container.NewHBox(sw.rect, colourBtn)),
		widget.NewFormItem("", crop),
		widget.NewFormItem("Margin (px)", margin),
	)
	dlg := dialog.NewCustomConfirm("Export "+d.name, "Save…", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		for i, n := range exportNames {
			if n == kind.Selected {
				opt.Kind = ExportKind(i)
			}
		}
		opt.Crop = crop.Checked
		if v, err := strconv.Atoi(margin.Text); err == nil && v >= 0 {
			opt.Margin = v
		}
		lastExport = opt
		e.showSave(d, opt)
	}, e.win)
	dlg.Resize(fyne.NewSize(480, 340))
	dlg.Show()
}

// showSave opens the save dialog (which confirms overwriting) and writes
// the export there.
func (e *Editor) showSave(d *document, opt exportOptions) {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			e.showError(err)
			return
		}
		if w == nil {
			return
		}
		u := w.URI()
		if cerr := w.Close(); cerr != nil {
			e.showError(cerr)
			return
		}
		e.rememberFolder(u)
		e.exportTo(d, u.Path(), opt, true, nil)
	}, e.win)
	dlg.SetFileName(exportName(d.path, opt.Kind))
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	if l := e.lastFolder(); l != nil {
		dlg.SetLocation(l)
	}
	dlg.Resize(fyne.NewSize(900, 620))
	dlg.Show()
}

// exportTo renders and writes d to path on a goroutine; done (if set)
// runs on the UI goroutine afterwards. With overwrite false an existing
// file is an error.
func (e *Editor) exportTo(d *document, path string, opt exportOptions, overwrite bool, done func(error)) {
	if d.ly.tri == nil {
		err := errors.New("ui: export: the photo has no mask yet")
		e.showError(err)
		if done != nil {
			done(err)
		}
		return
	}
	ly := d.ly
	ly.tri = d.ly.tri.Clone()
	src, fg := ly.src, ly.fg
	write := e.deps.WritePNG
	e.setBusy("Exporting " + filepath.Base(path) + "…")
	go func() {
		img, err := buildExport(src, fg, effectiveMatte(&ly), opt)
		if err == nil {
			err = write(path, img, overwrite)
		}
		e.post(func() {
			e.updateStatus()
			if err != nil {
				e.showError(fmt.Errorf("ui: export %s: %w", filepath.Base(path), err))
			} else {
				e.status.SetText("Exported " + path)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// swatch is a small filled square showing a colour.
type swatch struct{ rect *canvas.Rectangle }

func newSwatch(c color.NRGBA) *swatch {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(28, 28))
	r.StrokeColor = color.NRGBA{A: 0x60}
	r.StrokeWidth = 1
	r.CornerRadius = 4
	return &swatch{rect: r}
}

func (s *swatch) set(c color.NRGBA) {
	s.rect.FillColor = c
	s.rect.Refresh()
}
