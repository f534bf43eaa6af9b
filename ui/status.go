package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cutout/refine/imagefile"
)

// statusBar is the line under the filmstrip: what is going on, the
// progress of background work, the zoom with its presets, the device.
type statusBar struct {
	text     *widget.Label
	progress *widget.ProgressBar
	busy     *widget.ProgressBarInfinite
	zoom     *widget.Label
	fit      *button // zoom presets
	actual   *button
	double   *button
	device   *widget.Label
	box      fyne.CanvasObject
}

func (e *Editor) newStatusBar() *statusBar {
	s := &statusBar{}
	s.text = widget.NewLabel("")
	s.text.Truncation = fyne.TextTruncateEllipsis
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Stop()
	s.busy.Hide()
	s.zoom = widget.NewLabel("100%")
	s.zoom.Alignment = fyne.TextAlignTrailing
	s.device = widget.NewLabel("")
	zoomBtn := func(label, tip string, fn func()) *button {
		b := e.newButton(label, nil, tip, fn)
		b.Importance = widget.LowImportance
		return b
	}
	s.fit = zoomBtn("Fit", "Fit on screen (Ctrl+0)", e.canvas.showFit)
	s.actual = zoomBtn("100%", "Actual pixels (Ctrl+1)", func() { e.canvas.zoomCentre(1) })
	s.double = zoomBtn("200%", "200% (Ctrl+2)", func() { e.canvas.zoomCentre(2) })
	zoom := container.NewHBox(s.zoom, s.fit, s.actual, s.double)
	progress := container.NewGridWrap(fyne.NewSize(120, s.progress.MinSize().Height), container.NewStack(s.progress, s.busy))
	s.box = container.NewBorder(nil, nil, nil, container.NewHBox(progress, zoom, s.device), s.text)
	return s
}

// viewChanged shows the canvas's zoom.
func (e *Editor) viewChanged() {
	z := e.canvas.r.zoom * e.canvas.pxPerDp / float64(e.win.Canvas().Scale())
	if e.canvas.r.zoom == 0 {
		z = 1
	}
	e.status.zoom.SetText(zoomText(z))
}

// zoomText writes a zoom factor as a percentage.
func zoomText(z float64) string {
	p := z * 100
	switch {
	case p >= 10:
		return strconv.Itoa(int(math.Round(p))) + "%"
	case p >= 1:
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 2, 64) + "%"
}

// setBusy shows an indeterminate progress with a message.
func (e *Editor) setBusy(msg string) {
	s := e.status
	s.text.SetText(msg)
	s.progress.Hide()
	s.busy.Show()
	s.busy.Start()
}

// updateStatus sets the status bar from the current photo's state.
func (e *Editor) updateStatus() {
	s := e.status
	dev := e.device
	if dev == "" {
		dev = "—"
	}
	s.device.SetText(dev)
	d := e.cur
	busy, determinate := false, false
	var msg string
	switch {
	case d == nil:
		msg = "Drop photos onto the window, or open them (Ctrl+O)."
	case d.state == docFailed:
		msg = message(errAbout(d.name, d.err))
	case d.state == docQueued || d.state == docDecoding || !d.live():
		msg, busy = "Opening "+d.name+"…", true
	case d.state == docWaiting:
		msg, busy = d.name+" is waiting for the photos before it…", true
	case d.state == docSegmenting:
		msg, busy = "Finding the subject in "+d.name+"…", true
	case e.ref.run != nil && e.ref.run.doc == d:
		msg, determinate = d.name+" — refining edges…", true
	default:
		msg = fmt.Sprintf("%s — %d×%d — %s", d.name, d.w, d.h, e.tools.tool)
	}
	s.text.SetText(msg)
	for _, b := range []*button{e.ctl.export, e.ctl.exportBar, e.ctl.refine} {
		enable(b, d != nil && d.editable())
	}
	e.menu.sync(e)
	e.syncHint()
	enable(e.ctl.undo, d != nil && d.editable() && len(d.hist.undo) > 0)
	enable(e.ctl.redo, d != nil && d.editable() && len(d.hist.redo) > 0)
	enable(e.ctl.reset, d != nil && d.editable())
	if busy {
		s.progress.Hide()
		s.busy.Show()
		s.busy.Start()
		return
	}
	s.busy.Stop()
	s.busy.Hide()
	if determinate {
		s.progress.Show()
	} else {
		s.progress.Hide()
	}
}

// count writes n things: "1 photo", "2 photos".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// enable enables or disables b.
func enable(b *button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// showError reports err in a dialog, in words for people (the full error
// goes to the log).
func (e *Editor) showError(err error) {
	if err == nil {
		return
	}
	fyne.LogError("", err)
	// dialog.ShowError would capitalise a file name at the start.
	text := widget.NewLabel(message(err))
	text.Wrapping = fyne.TextWrapWord
	// The icon beside the text: a dialog's own icon lies under its text.
	icon := widget.NewIcon(theme.ErrorIcon())
	body := container.NewBorder(nil, nil, container.NewVBox(icon), nil, text)
	dlg := dialog.NewCustom("Error", "OK", body, e.win)
	dlg.Resize(fyne.NewSize(480, 220))
	e.showSheet(dlg, nil)
}

// message says what went wrong for the person: known causes in plain
// words, otherwise the error without the package prefixes its layers
// add ("ui: export: imageio: write …").
func message(err error) string {
	var a *about
	if errors.As(err, &a) {
		return a.name + " — " + message(a.err)
	}
	var pe *fs.PathError
	name := ""
	if errors.As(err, &pe) {
		name = pe.Path
	}
	switch {
	case errors.Is(err, imagefile.ErrUnsupportedFormat):
		return "This is not a photo Cutout can open (JPEG, PNG, WebP, TIFF, BMP or GIF)."
	case errors.Is(err, imagefile.ErrTooLarge):
		return "This photo is too large to open."
	case errors.Is(err, imagefile.ErrNotRegular):
		return "This is a folder or a special file, not a photo."
	case errors.Is(err, imagefile.ErrExists):
		return "A file with that name already exists."
	case errors.Is(err, fs.ErrNotExist):
		if name != "" {
			return "There is no file or folder " + name + "."
		}
		return "The file or folder does not exist."
	case errors.Is(err, fs.ErrPermission):
		return "Cutout is not allowed to read or write there."
	case errors.Is(err, syscall.ENOSPC):
		return "The disk is full."
	}
	return sentence(stripPrefixes(err.Error()))
}

// about is an error about a named photo or file.
type about struct {
	name string
	err  error
}

func (a *about) Error() string { return a.name + ": " + a.err.Error() }
func (a *about) Unwrap() error { return a.err }

// errAbout puts name in front of err's message.
func errAbout(name string, err error) error { return &about{name: name, err: err} }

// stripPrefixes removes "pkg: " prefixes (lower-case words followed by a
// colon) from the start of each part of an error chain.
func stripPrefixes(s string) string {
	parts := strings.Split(s, ": ")
	var out []string
	for _, p := range parts {
		if isPrefix(p) {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return s
	}
	return strings.Join(out, ": ")
}

// isPrefix reports whether p is a layer's label, such as "imageio",
// "ui", "export" or "decode \"x.jpg\"".
func isPrefix(p string) bool {
	word, _, _ := strings.Cut(p, " ")
	switch word {
	case "ui", "imageio", "inference", "refine", "pipeline", "models", "export", "decode", "write", "load", "save":
		return true
	}
	return false
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Something went wrong."
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
