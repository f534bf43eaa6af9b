package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

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

// open shows the dialog for photos photos (Export All's count shows
// when there are several); cancel runs when the person cancels.
func (x *exporter) open(title string, photos int, cancel func()) {
	x.label = widget.NewLabel("")
	x.bar = widget.NewProgressBar()
	x.overall = widget.NewProgressBar()
	x.overall.TextFormatter = func() string {
		return fmt.Sprintf("%.0f of %d photos done", x.overall.Value*float64(photos), photos)
	}
	x.cancel = widget.NewButton("Cancel", cancel)
	box := container.NewVBox(x.label, x.bar)
	if photos > 1 { // laid out before the dialog is measured
		box.Add(widget.NewSeparator())
		box.Add(x.overall)
	}
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
