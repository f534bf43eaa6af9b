package ui

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// controls are the window's widgets that actions and tests reach by name.
type controls struct {
	tools         map[Tool]*button
	size          *slider
	sizeLabel     *widget.Label
	hardness      *slider
	hardnessLabel *widget.Label
	band          *slider // the hair band, per cent of the short side
	bandLabel     *widget.Label
	smooth        *slider
	smoothLabel   *widget.Label
	contrast      *slider
	contrastLabel *widget.Label
	shift         *slider
	shiftLabel    *widget.Label
	feather       *slider
	featherLabel  *widget.Label
	decontaminate *check
	spread        *check // the brushes' Spread option
	view          *selectBox
	before        *button // P
	split         *button // Y
	opacity       *slider
	overlay       *colourButton // the overlay's colour: a click changes it
	background    *swatch
	bgName        *widget.Label
	export        *button
	exportBar     *button // the toolbar's export button
	reset         *button // the toolbar's reset button
	refine        *button
	hint          fyne.CanvasObject // the empty canvas's hint
	hintIcon      *widget.Icon
	hintTitle     *widget.Label
	hintBody      *widget.Label
	undo, redo    *button // the toolbar's
	side          *container.Scroll
	toolbar       *widget.Toolbar
}

// sizeStep is the brush size slider's step (the slider is logarithmic).
const sizeStep = 0.001

// Edge control ranges, in pixels.
const (
	maxEdgeShift   = 20
	maxEdgeFeather = 20
)

// buildLayout makes the window's content: toolbar, side panel, canvas,
// filmstrip and status bar, with the tooltip layer above them.
func (e *Editor) buildLayout() fyne.CanvasObject {
	c := &controls{tools: map[Tool]*button{}}
	e.ctl = c
	tools := container.NewGridWithColumns(2)
	for _, t := range []Tool{ToolForeground, ToolBackground, ToolUnknown, ToolKeep, ToolDrop} {
		b := e.newButton(t.short()+" ("+t.key()+")", toolIcon(t), t.tip(), func() { e.setTool(t) })
		b.Alignment = widget.ButtonAlignLeading
		c.tools[t] = b
		tools.Add(b)
	}

	c.sizeLabel = widget.NewLabel("")
	c.size = e.newSlider(0, 1, sizeStep, func(v float64) {
		// Setting the slider from a size rounds it to a step: that is not
		// a change of size.
		if math.Abs(v-sizeToSlider(e.tools.size)) > sizeStep/2 {
			e.setBrushSize(sliderToSize(v))
		}
	})
	c.hardnessLabel = widget.NewLabel("")
	c.hardness = e.newSlider(0, 100, 1, func(v float64) { e.setHardness(v / 100) })
	c.hardness.SetValue(e.tools.hardness * 100)
	c.hardnessLabel.SetText(fmt.Sprintf("%.0f%%", e.tools.hardness*100))

	c.bandLabel = widget.NewLabel(bandText(e.band))
	c.band = e.newSlider(minBandPercent, maxBandPercent, 0.1, func(v float64) {
		if math.Abs(v-bandPercent(e.band)) > 0.05 {
			e.setBand(v / 100)
		}
	})
	c.band.SetValue(bandPercent(e.band))
	px := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + " px" }
	percent := func(v float64) string { return fmt.Sprintf("%.0f%%", v) }
	c.smooth, c.smoothLabel = e.edgeSlider(0, maxEdgeSmooth, 0.5, func(s *edgeSettings) *float64 { return &s.Smooth }, px)
	c.contrast, c.contrastLabel = e.edgeSlider(0, maxEdgeContrast, 1, func(s *edgeSettings) *float64 { return &s.Contrast }, percent)
	c.shift, c.shiftLabel = e.edgeSlider(-maxEdgeShift, maxEdgeShift, 1, func(s *edgeSettings) *float64 { return &s.Shift }, signedPx)
	c.feather, c.featherLabel = e.edgeSlider(0, maxEdgeFeather, 0.5, func(s *edgeSettings) *float64 { return &s.Feather }, px)
	c.decontaminate = e.newCheck("Decontaminate colours", func(on bool) {
		s := e.edge
		s.Decontaminate = on
		e.setEdge(s)
	})
	c.decontaminate.SetChecked(e.edge.Decontaminate)
	c.spread = e.newCheck("Spread (Shift: off)", e.setSpread)
	c.spread.SetChecked(e.tools.spread)

	c.view = e.newSelect(viewNames(), func(s string) {
		for m := ViewMode(0); m < viewModeCount; m++ {
			if m.String() == s && m != e.style.mode {
				e.setViewMode(m)
			}
		}
	})
	c.view.SetSelected(e.style.mode.String())
	c.opacity = e.newSlider(0, 100, 1, func(v float64) {
		e.style.opacity = v / 100
		e.app.Preferences().SetFloat(prefOverlayOpacity, e.style.opacity)
		e.syncStyle()
	})
	c.opacity.SetValue(e.style.opacity * 100)
	c.overlay = newColourButton(e.style.overlay, func(cur color.NRGBA) {
		e.pickColour("Overlay colour", cur, func(col color.NRGBA) {
			e.style.overlay = col
			c.overlay.set(col)
			setPrefColour(e.app.Preferences(), prefOverlayColour, col)
			e.syncStyle()
		})
	})
	c.background = newSwatch(e.style.colour)
	c.bgName = widget.NewLabel("")
	c.bgName.Truncation = fyne.TextTruncateEllipsis
	bgColour := e.newButton("Colour…", nil, "Put the cutout on a colour", e.chooseBackgroundColour)
	bgImage := e.newButton("Image…", theme.FileImageIcon(), "Put the cutout on a photo of your choice", e.chooseBackgroundImage)

	c.refine = e.newButton("Refine now", theme.ViewRefreshIcon(), "Refine the edges now (Ctrl+R); it happens by itself after each edit", e.refineNow)
	c.export = e.newButton("Export…", theme.DocumentSaveIcon(), "Export this photo's cutout (Ctrl+E)", e.showExport)
	c.export.Importance = widget.HighImportance

	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	valueRow := func(s *slider, l *widget.Label) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, l, s)
	}
	form := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(layout.NewFormLayout(), objs...)
	}
	side := container.NewVBox(
		heading("Tools"), tools,
		heading("Brush"),
		form(widget.NewLabel("Size"), valueRow(c.size, c.sizeLabel),
			widget.NewLabel("Hardness"), valueRow(c.hardness, c.hardnessLabel)),
		c.spread,
		heading("Edges"),
		form(widget.NewLabel("Hair band"), valueRow(c.band, c.bandLabel),
			widget.NewLabel("Smooth"), valueRow(c.smooth, c.smoothLabel),
			widget.NewLabel("Shift"), valueRow(c.shift, c.shiftLabel),
			widget.NewLabel("Feather"), valueRow(c.feather, c.featherLabel),
			widget.NewLabel("Contrast"), valueRow(c.contrast, c.contrastLabel)),
		c.decontaminate,
		heading("Background"),
		container.NewBorder(nil, nil, c.background.rect, nil, container.NewGridWithColumns(2, bgColour, bgImage)),
		c.bgName,
	)
	e.setBrushSize(e.tools.size)
	e.showBackdropName()

	c.before = e.newButton("Original", nil, "Show the original photo (P)", e.toggleBefore)
	c.split = e.newButton("Split", nil, "Before/after side by side; drag the divider (Y)", e.toggleSplit)
	c.exportBar = e.newToolbarButton(theme.DocumentSaveIcon(), "Export… (Ctrl+E)", e.showExport).b
	c.reset = e.newToolbarButton(theme.MediaReplayIcon(), "Reset to the automatic mask", e.resetMask).b
	c.undo = e.newToolbarButton(theme.ContentUndoIcon(), "Undo (Ctrl+Z)", e.undo).b
	c.redo = e.newToolbarButton(theme.ContentRedoIcon(), "Redo (Ctrl+Shift+Z)", e.redo).b
	c.toolbar = widget.NewToolbar(
		e.newToolbarButton(theme.FolderOpenIcon(), "Open photos… (Ctrl+O)", e.showOpen),
		toolbarButton{c.exportBar},
		e.newToolbarButton(theme.DownloadIcon(), "Export all photos… (Ctrl+Shift+E)", e.showExportAll),
		widget.NewToolbarSeparator(),
		toolbarButton{c.undo},
		toolbarButton{c.redo},
		toolbarButton{c.reset},
		widget.NewToolbarSeparator(),
		toolbarObject{container.NewGridWrap(fyne.NewSize(175, c.view.MinSize().Height), c.view)},
		toolbarObject{c.before},
		toolbarObject{c.split},
		widget.NewToolbarSeparator(),
		// The overlay view's tint: its opacity, and its colour (a click on
		// the swatch changes it).
		toolbarObject{container.NewBorder(nil, nil, widget.NewLabel("Overlay"), c.overlay,
			container.NewGridWrap(fyne.NewSize(120, c.opacity.MinSize().Height), c.opacity))},
		widget.NewToolbarSpacer(),
		e.newToolbarButton(theme.HelpIcon(), "Keyboard shortcuts (F1)", e.showShortcuts),
		e.newToolbarButton(theme.SettingsIcon(), "Preferences…", e.showPreferences),
	)

	e.status = e.newStatusBar()
	e.strip = newFilmstrip(e)
	bottom := container.NewVBox(e.strip.scroll, widget.NewSeparator(), e.status.box)

	// Room on the right for the scroll bar, which lies over the content.
	c.side = container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.ScrollBarSize()), side))
	c.side.SetMinSize(fyne.NewSize(236, 0))
	actions := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, c.refine, c.export))
	panel := container.NewPadded(container.NewBorder(nil, actions, nil, nil, c.side))
	c.hint = e.emptyHint()
	centre := container.NewStack(e.canvas, c.hint)
	main := container.NewBorder(c.toolbar, bottom, container.NewHBox(panel, widget.NewSeparator()), nil, centre)
	return container.NewStack(main, e.tips.layer)
}

// edgeSlider makes an edge control: a slider that sets the edge setting
// field points at, and the label that shows its value as format writes it.
func (e *Editor) edgeSlider(lo, hi, step float64, field func(*edgeSettings) *float64, format func(float64) string) (*slider, *widget.Label) {
	l := widget.NewLabel(format(*field(&e.edge)))
	s := e.newSlider(lo, hi, step, func(v float64) {
		st := e.edge
		*field(&st) = v
		l.SetText(format(v))
		e.setEdge(st)
	})
	s.SetValue(*field(&e.edge))
	return s, l
}

// toolbarObject puts any object in a toolbar.
type toolbarObject struct{ o fyne.CanvasObject }

// ToolbarObject is part of widget.ToolbarItem.
func (t toolbarObject) ToolbarObject() fyne.CanvasObject { return t.o }

// The canvas's hint: before any photo is open, and over a photo that
// could not be opened.
const (
	emptyTitle = "Drop photos here"
	emptyBody  = "or open them with Ctrl+O. Cutout finds the subject by itself;\nthen correct the mask with the brushes and export the cutout.\nPress F1 for the keys."
)

// emptyHint is what the canvas shows when there is no photo to show.
func (e *Editor) emptyHint() fyne.CanvasObject {
	c := e.ctl
	c.hintIcon = widget.NewIcon(theme.FileImageIcon())
	c.hintTitle = widget.NewLabelWithStyle(emptyTitle, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	c.hintBody = widget.NewLabelWithStyle(emptyBody, fyne.TextAlignCenter, fyne.TextStyle{})
	open := e.newButton("Open photos…", theme.FolderOpenIcon(), "Open photos (Ctrl+O)", e.showOpen)
	open.Importance = widget.HighImportance
	sample := e.newButton("Try the sample portrait", nil, "Open a portrait that comes with Cutout", e.openSample)
	return container.NewCenter(container.NewVBox(c.hintIcon, c.hintTitle, c.hintBody, container.NewCenter(container.NewHBox(open, sample))))
}

// syncHint shows the hint when there is no photo, or says why the shown
// one could not be opened; it hides it over a photo.
func (e *Editor) syncHint() {
	c, d := e.ctl, e.cur
	switch {
	case len(e.docs) == 0 || d == nil:
		c.hintIcon.SetResource(theme.FileImageIcon())
		c.hintTitle.SetText(emptyTitle)
		c.hintBody.SetText(emptyBody)
		c.hint.Show()
	case d.state == docFailed:
		c.hintIcon.SetResource(theme.ErrorIcon())
		c.hintTitle.SetText("Cutout could not open " + d.name)
		c.hintBody.SetText(wrapText(message(d.err), 70) + "\n\nOpen another photo with Ctrl+O, or drop one here.")
		c.hint.Show()
	default:
		c.hint.Hide()
		return
	}
	c.hint.Refresh() // lay it out again around texts of another length
}

// wrapText breaks s into lines of at most width characters, at spaces.
func wrapText(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && n+1+len([]rune(w)) > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len([]rune(w))
	}
	return b.String()
}

func signedPx(v float64) string {
	if v > 0 {
		return fmt.Sprintf("+%g px", v)
	}
	return fmt.Sprintf("%g px", v)
}

func viewNames() []string {
	var out []string
	for m := ViewMode(0); m < viewModeCount; m++ {
		out = append(out, m.String())
	}
	return out
}

func toolIcon(t Tool) fyne.Resource {
	switch t {
	case ToolForeground:
		return theme.ContentAddIcon()
	case ToolBackground:
		return theme.ContentRemoveIcon()
	case ToolUnknown:
		return theme.ColorChromaticIcon()
	case ToolKeep:
		return theme.ConfirmIcon()
	}
	return theme.CancelIcon()
}

func (e *Editor) setViewMode(m ViewMode) {
	e.style.mode = m
	if e.ctl.view.Selected != m.String() {
		e.ctl.view.SetSelected(m.String())
	}
	e.syncStyle()
}

// toggleBefore shows or hides the original photo (P).
func (e *Editor) toggleBefore() {
	e.style.before = !e.style.before
	e.ctl.before.Importance = importance(e.style.before)
	e.ctl.before.Refresh()
	e.syncStyle()
}

// toggleSplit shows or hides the before/after split (Y).
func (e *Editor) toggleSplit() {
	e.style.split = !e.style.split
	e.ctl.split.Importance = importance(e.style.split)
	e.ctl.split.Refresh()
	e.syncStyle()
}

func importance(on bool) widget.Importance {
	if on {
		return widget.HighImportance
	}
	return widget.MediumImportance
}

// syncStyle hands the view style to the canvas and redraws it.
func (e *Editor) syncStyle() {
	e.canvas.r.style = e.style
	e.canvas.redraw()
}
