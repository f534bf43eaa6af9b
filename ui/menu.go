package ui

import (
	"image/color"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

func (e *Editor) buildMenu() *fyne.MainMenu {
	e.recentMenu = fyne.NewMenu("Open Recent")
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = e.recentMenu
	e.refreshRecentMenu()
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open…", e.showOpen),
		recent,
		fyne.NewMenuItem("Export…", e.showExport),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Next photo", func() { e.step(1) }),
		fyne.NewMenuItem("Previous photo", func() { e.step(-1) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Preferences…", e.showPreferences),
	)
	edit := fyne.NewMenu("Edit",
		fyne.NewMenuItem("Undo", e.undo),
		fyne.NewMenuItem("Redo", e.redo),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Reset to automatic mask", e.resetMask),
		fyne.NewMenuItem("Refine edges", e.refineNow),
	)
	var views []*fyne.MenuItem
	for m := ViewMode(0); m < viewModeCount; m++ {
		views = append(views, fyne.NewMenuItem(m.String(), func() { e.setViewMode(m) }))
	}
	views = append(views, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Show original (P)", e.toggleBefore),
		fyne.NewMenuItem("Fit on screen", func() { e.canvas.fitView(); e.canvas.raster.Refresh() }),
		fyne.NewMenuItem("Actual pixels (100%)", e.canvas.actualPixels),
	)
	view := fyne.NewMenu("View", views...)
	var tools []*fyne.MenuItem
	for _, t := range []Tool{ToolForeground, ToolBackground, ToolUnknown, ToolKeep, ToolDrop} {
		tools = append(tools, fyne.NewMenuItem(t.String(), func() { e.setTool(t) }))
	}
	e.mainMenu = fyne.NewMainMenu(file, edit, view, fyne.NewMenu("Tools", tools...))
	return e.mainMenu
}

// refreshRecentMenu lists the recent files in File ▸ Open Recent.
func (e *Editor) refreshRecentMenu() {
	if e.recentMenu == nil {
		return
	}
	e.recentMenu.Items = nil
	for _, p := range e.app.Preferences().StringList(prefRecent) {
		e.recentMenu.Items = append(e.recentMenu.Items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() { e.Open([]string{p}) }))
	}
	if len(e.recentMenu.Items) == 0 {
		none := fyne.NewMenuItem("No recent files", nil)
		none.Disabled = true
		e.recentMenu.Items = append(e.recentMenu.Items, none)
	}
	if e.mainMenu != nil {
		e.mainMenu.Refresh()
	}
}

// showPreferences edits the model, device and overlay settings.
func (e *Editor) showPreferences() {
	p := e.app.Preferences()
	model := widget.NewSelect([]string{"medium", "small"}, nil)
	model.SetSelected(p.StringWithFallback(prefModel, "medium"))
	device := widget.NewSelect([]string{"auto", "cpu", "gpu"}, nil)
	device.SetSelected(p.StringWithFallback(prefDevice, "auto"))
	opacity := widget.NewSlider(0, 100)
	opacity.SetValue(e.style.opacity * 100)
	swatch := newSwatch(e.style.overlay)
	overlay := e.style.overlay
	colourBtn := widget.NewButton("Choose…", func() {
		e.pickColour("Overlay colour", overlay, func(c color.NRGBA) { overlay = c; swatch.set(c) })
	})
	form := widget.NewForm(
		widget.NewFormItem("Model", model),
		widget.NewFormItem("Device", device),
		widget.NewFormItem("Overlay colour", container.NewHBox(swatch.rect, colourBtn)),
		widget.NewFormItem("Overlay opacity", opacity),
	)
	note := widget.NewLabel("Model and device changes apply to the next photo segmented.")
	note.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Preferences", "Save", "Cancel", container.NewVBox(form, note), func(ok bool) {
		if !ok {
			return
		}
		p.SetString(prefModel, model.Selected)
		p.SetString(prefDevice, device.Selected)
		p.SetString(prefOverlayColour, hexColour(overlay))
		e.style.overlay = overlay
		e.overlaySwatch.set(overlay)
		e.opacity.SetValue(opacity.Value) // stores the opacity preference
		e.syncStyle()
	}, e.win)
	dlg.Resize(fyne.NewSize(460, 320))
	dlg.Show()
}

// pickColour opens the advanced colour picker.
func (e *Editor) pickColour(title string, cur color.NRGBA, done func(color.NRGBA)) {
	dlg := dialog.NewColorPicker(title, "", func(c color.Color) {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		n.A = 0xff
		done(n)
	}, e.win)
	dlg.Advanced = true
	dlg.SetColor(cur)
	dlg.Show()
}
