package ui

import (
	"image"
	"image/color"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/disintegration/imaging"

	"cutout/refine"
)

// backdrop is what the "On background" view and the "over the
// background" export put behind the subject: an image when one is
// chosen, else the background colour (viewStyle.colour).
type backdrop struct {
	path string
	img  *image.NRGBA // full size; nil: the colour
}

// background is the backdrop for the compositor.
func (e *Editor) background() refine.Backdrop {
	if e.bg.img != nil {
		return refine.Backdrop{Image: e.bg.img}
	}
	return refine.Backdrop{Color: e.style.colour}
}

// chooseBackgroundColour puts the cutout on a colour.
func (e *Editor) chooseBackgroundColour() {
	e.pickColour("Background colour", e.style.colour, func(c color.NRGBA) {
		e.style.colour = c
		e.ctl.background.set(c)
		setPrefColour(e.app.Preferences(), prefBackground, c)
		e.setBackdrop(backdrop{})
		e.setViewMode(ViewBackground)
	})
}

// chooseBackgroundImage puts the cutout on an image the person picks.
func (e *Editor) chooseBackgroundImage() {
	e.pickPhotos("Background image", false, func(paths []string) { e.loadBackdrop(paths[0], true) })
}

// loadBackdrop decodes the background image at path off the UI goroutine
// and uses it; show switches the view to it (when the person chose it,
// rather than at start).
func (e *Editor) loadBackdrop(path string, show bool) {
	decode := e.deps.Decode
	e.goWork(func() {
		img, err := decode(path)
		e.post(func() {
			if err != nil {
				if show {
					e.showError(errAbout(filepath.Base(path), err))
				} else {
					fyne.LogError("background image", err)
				}
				return
			}
			e.app.Preferences().SetString(prefBackgroundImage, path)
			e.setBackdrop(backdrop{path: path, img: img})
			if show {
				e.setViewMode(ViewBackground)
			}
		})
	})
}

// setBackdrop uses b behind the cutout.
func (e *Editor) setBackdrop(b backdrop) {
	e.bg = b
	if b.img == nil {
		e.app.Preferences().SetString(prefBackgroundImage, "")
	}
	for _, d := range e.live {
		d.ly.bgP = nil
	}
	e.showBackdropName()
	if d := e.cur; d != nil {
		e.prepareBackdrop(d)
	}
	e.canvas.redraw()
}

func (e *Editor) showBackdropName() {
	if e.bg.img != nil {
		e.ctl.bgName.SetText("On " + filepath.Base(e.bg.path))
		e.ctl.bgName.Show()
	} else {
		e.ctl.bgName.SetText("On the colour")
		e.ctl.bgName.Hide() // the swatch says it
	}
}

// prepareBackdrop scales the background image to cover d's display proxy
// (off the UI goroutine), for the canvas.
func (e *Editor) prepareBackdrop(d *document) {
	img := e.bg.img
	if img == nil || !d.live() || d.ly.bgP != nil {
		return
	}
	pw, ph := d.ly.pw, d.ly.ph
	e.goWork(func() {
		p := imaging.Fill(img, pw, ph, imaging.Center, imaging.Linear)
		e.post(func() {
			if e.bg.img == img && d.live() && d.ly.pw == pw && d.ly.ph == ph {
				d.ly.bgP = p
				if d == e.cur {
					e.canvas.redraw()
				}
			}
		})
	})
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
