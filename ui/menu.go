package ui

import (
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// menus are the main menu and the items whose state follows the editor.
type menus struct {
	main      *fyne.MainMenu
	recent    *fyne.Menu
	export    *fyne.MenuItem
	save      *fyne.MenuItem // Ctrl+S: export again
	exportAll *fyne.MenuItem
}

// ctrl is a Ctrl (Cmd on macOS) shortcut; shift adds Shift.
func ctrl(k fyne.KeyName, shift bool) fyne.Shortcut {
	m := fyne.KeyModifierShortcutDefault
	if shift {
		m |= fyne.KeyModifierShift
	}
	return &desktop.CustomShortcut{KeyName: k, Modifier: m}
}

// item is a menu item with a shortcut (nil: none).
func item(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
	i := fyne.NewMenuItem(label, action)
	i.Shortcut = sc
	return i
}

// key shows a single key beside a menu item. The desktop driver only
// matches shortcuts with a modifier, so the key itself goes through
// keys.go. macOS menus would bind the bare key themselves: there the
// item shows no key.
func key(k fyne.KeyName) fyne.Shortcut {
	if runtime.GOOS == "darwin" {
		return nil
	}
	return &desktop.CustomShortcut{KeyName: k}
}

func (e *Editor) buildMenu() *fyne.MainMenu {
	m := &menus{}
	e.menu = m
	m.recent = fyne.NewMenu("Open Recent")
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = m.recent
	e.refreshRecentMenu()
	m.export = item("Export…", ctrl(fyne.KeyE, false), e.showExport)
	m.save = item("Export Again", ctrl(fyne.KeyS, false), e.exportAgain)
	m.exportAll = item("Export All…", ctrl(fyne.KeyE, true), e.showExportAll)
	quit := item("Quit", ctrl(fyne.KeyQ, false), e.requestQuit)
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		item("Open…", ctrl(fyne.KeyO, false), e.showOpen),
		recent,
		m.save,
		m.export,
		m.exportAll,
		fyne.NewMenuItemSeparator(),
		item("Next Photo", ctrl(fyne.KeyTab, false), func() { e.step(1) }),
		item("Previous Photo", ctrl(fyne.KeyTab, true), func() { e.step(-1) }),
		fyne.NewMenuItemSeparator(),
		item("Preferences…", ctrl(fyne.KeyComma, false), e.showPreferences),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	edit := fyne.NewMenu("Edit",
		item("Undo", &fyne.ShortcutUndo{}, e.undo),
		item("Redo", ctrl(fyne.KeyZ, true), e.redo),
		fyne.NewMenuItemSeparator(),
		item("Invert Mask", ctrl(fyne.KeyI, true), e.invertMask),
		item("Reset to the Automatic Mask", nil, e.resetMask),
		item("Refine Edges Now", ctrl(fyne.KeyR, false), e.refineNow),
	)
	var views []*fyne.MenuItem
	for v := ViewMode(0); v < viewModeCount; v++ {
		views = append(views, item(v.String(), nil, func() { e.setViewMode(v) }))
	}
	views = append(views, fyne.NewMenuItemSeparator(),
		item("Next View Mode", key(fyne.KeyF), func() { e.setViewMode((e.style.mode + 1) % viewModeCount) }),
		item("Show Original", key(fyne.KeyP), e.toggleBefore),
		item("Before/After Split", key(fyne.KeyY), e.toggleSplit),
		fyne.NewMenuItemSeparator(),
		item("Fit on Screen", ctrl(fyne.Key0, false), e.canvas.showFit),
		item("Actual Pixels (100%)", ctrl(fyne.Key1, false), func() { e.canvas.zoomCentre(1) }),
		item("200%", ctrl(fyne.Key2, false), func() { e.canvas.zoomCentre(2) }),
		item("Zoom In", ctrl(fyne.KeyEqual, false), func() { e.canvas.zoomStep(1) }),
		item("Zoom Out", ctrl(fyne.KeyMinus, false), func() { e.canvas.zoomStep(-1) }),
	)
	var tools []*fyne.MenuItem
	for _, t := range []Tool{ToolForeground, ToolBackground, ToolUnknown, ToolKeep, ToolDrop} {
		tools = append(tools, item(t.String(), key(fyne.KeyName(t.key())), func() { e.setTool(t) }))
	}
	tools = append(tools, fyne.NewMenuItemSeparator(),
		item("Swap Brushes", key(fyne.KeyX), e.swapBrush),
		item("Smaller Brush", key(fyne.KeyLeftBracket), func() { e.setBrushSize(e.tools.size / 1.2) }),
		item("Larger Brush", key(fyne.KeyRightBracket), func() { e.setBrushSize(e.tools.size * 1.2) }),
	)
	help := fyne.NewMenu("Help", item("Keyboard Shortcuts", ctrl(fyne.KeySlash, false), e.showShortcuts))
	m.main = fyne.NewMainMenu(file, edit, fyne.NewMenu("View", views...), fyne.NewMenu("Tools", tools...), help)
	return m.main
}

// sync enables the items that need a photo with a mask.
func (m *menus) sync(e *Editor) {
	if m == nil || m.main == nil {
		return
	}
	noMask := e.cur == nil || !e.cur.editable()
	if m.export.Disabled != noMask || m.save.Disabled != noMask || m.exportAll.Disabled != (len(e.docs) == 0) {
		m.export.Disabled = noMask
		m.save.Disabled = noMask
		m.exportAll.Disabled = len(e.docs) == 0
		m.main.Refresh()
	}
}

// refreshRecentMenu lists the recent files in File ▸ Open Recent.
func (e *Editor) refreshRecentMenu() {
	m := e.menu
	if m == nil || m.recent == nil {
		return
	}
	m.recent.Items = nil
	for _, p := range e.app.Preferences().StringList(prefRecent) {
		m.recent.Items = append(m.recent.Items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() { e.Open([]string{p}) }))
	}
	if len(m.recent.Items) == 0 {
		none := fyne.NewMenuItem("No recent files", nil)
		none.Disabled = true
		m.recent.Items = append(m.recent.Items, none)
	}
	if m.main != nil {
		m.main.Refresh()
	}
}

// showShortcuts lists every key: the single keys, then the menus'
// shortcuts.
func (e *Editor) showShortcuts() {
	rows := container.New(layout.NewFormLayout())
	add := func(keys, what string) {
		rows.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true}))
		rows.Add(widget.NewLabel(what))
	}
	for _, k := range e.keys.keys {
		add(k.show, k.what)
	}
	for _, menu := range e.menu.main.Items {
		for _, i := range menu.Items {
			if sc, ok := i.Shortcut.(fyne.KeyboardShortcut); ok && sc.Mod() != 0 {
				add(shortcutText(sc), menu.Label+" ▸ "+i.Label)
			}
		}
	}
	add("Ctrl+Y", "Edit ▸ Redo")
	add("Middle drag", "Pan")
	add("Wheel", "Zoom around the pointer")
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(520, 420))
	dlg := dialog.NewCustom("Keyboard shortcuts", "Close", scroll, e.win)
	e.showSheet(dlg, nil)
}

// showPreferences edits the model, device and overlay settings.
func (e *Editor) showPreferences() {
	p := e.app.Preferences()
	model := widget.NewSelect([]string{"medium", "small"}, nil)
	model.SetSelected(p.StringWithFallback(prefModel, "medium"))
	device := widget.NewSelect([]string{"auto", "cpu", "gpu"}, nil)
	device.SetSelected(p.StringWithFallback(prefDevice, "auto"))
	form := widget.NewForm(
		widget.NewFormItem("Model", model),
		widget.NewFormItem("Device", device),
	)
	running := "The model has not run yet."
	if e.device != "" {
		running = "The model runs on the " + e.device + "."
		if e.deviceNote != "" {
			running += " " + sentence(e.deviceNote)
		}
	}
	note := widget.NewLabel(running + " Model and device changes apply to the next photo segmented.")
	note.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Preferences", "Save", "Cancel", container.NewVBox(form, note), func(ok bool) {
		if !ok {
			return
		}
		p.SetString(prefModel, model.Selected)
		p.SetString(prefDevice, device.Selected)
	}, e.win)
	dlg.Resize(fyne.NewSize(420, 240))
	e.showSheet(dlg, dlg.Confirm)
}
