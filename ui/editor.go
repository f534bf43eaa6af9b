package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cutout/assets"
)

// Editor is the Cutout main window: a canvas showing the current photo
// and its mask, tools to correct the mask, and a filmstrip of the opened
// photos. Create it with New; all its methods must be called on the Fyne
// UI goroutine.
type Editor struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	// post runs fn on the UI goroutine; fyne.Do outside tests.
	post func(fn func())

	docs []*document
	cur  *document
	live []*document // documents holding pixels, least recently shown first

	canvas    *maskCanvas
	tool      Tool
	brushSize float64 // diameter in source pixels
	hardness  float64
	style     viewStyle
	spaceDown bool

	// Widgets that tests and actions reach by name.
	toolButtons             map[Tool]*widget.Button
	sizeSlider              *widget.Slider
	hardSlider              *widget.Slider
	opacity                 *widget.Slider
	sizeLabel               *widget.Label
	overlaySwatch, bgSwatch *swatch
	viewSelect              *widget.Select
	beforeCheck             *widget.Check
	status                  *widget.Label
	progress                *widget.ProgressBar
	busy                    *widget.ProgressBarInfinite
	deviceLabel             *widget.Label
	strip                   *fyne.Container
	stripScroll             *container.Scroll
	recentMenu              *fyne.Menu
	mainMenu                *fyne.MainMenu

	// Stroke in progress.
	rec      *tileRecorder
	strokeOp editOp

	// Background work.
	segJobs      chan segJob
	refineJobs   chan refineJob
	refineCancel context.CancelFunc
	refineTimer  *time.Timer
	saveTimer    *time.Timer
	sessions     *sessionStore
	stop         context.CancelFunc
	workers      sync.WaitGroup
	workerCtx    context.Context
	device       string
	lastProgress time.Time

	// restorePrompt asks whether to restore a crashed session; tests and
	// the script hook replace it.
	closed        bool
	restorePrompt func(d *document, ops int, answer func(bool))
	script        *script
}

// Timings of the background work.
const (
	refineDelay = 700 * time.Millisecond // after the last stroke
	saveDelay   = 400 * time.Millisecond // after the last edit
	progressGap = 33 * time.Millisecond  // at most ~30 progress updates a second
	liveDocs    = 3                      // photos kept decoded in memory
)

// New builds the editor window for app with the given collaborators and
// starts its workers. Call Open to load photos and Window().Show() (or
// ShowAndRun) to display it; Close stops the workers.
func New(app fyne.App, deps Deps) *Editor {
	e := &Editor{app: app, deps: deps, post: fyne.Do}
	e.win = app.NewWindow("Cutout")
	e.win.SetIcon(assets.Icon)
	p := app.Preferences()
	e.brushSize = p.FloatWithFallback(prefBrushSize, defaultBrushSize)
	e.hardness = p.FloatWithFallback(prefBrushHardness, defaultHardness)
	e.style = viewStyle{
		mode:       ViewOverlay,
		overlay:    prefColour(p, prefOverlayColour, defaultOverlay),
		opacity:    p.FloatWithFallback(prefOverlayOpacity, defaultOpacity),
		background: prefColour(p, prefBackground, defaultBackground),
	}
	if deps.CacheDir == "" {
		var err error
		if e.deps.CacheDir, err = cacheDir(); err != nil {
			fyne.LogError("crash recovery is off", err)
		}
	}
	if e.deps.CacheDir != "" {
		e.sessions = &sessionStore{dir: filepath.Join(e.deps.CacheDir, "sessions")}
	}
	e.restorePrompt = e.askRestore
	if s, err := loadScript(); err != nil {
		fyne.LogError("", err)
	} else {
		s.install(e)
	}
	e.workerCtx, e.stop = context.WithCancel(context.Background())
	e.segJobs = make(chan segJob, 64)
	e.refineJobs = make(chan refineJob, 1)
	e.workers.Add(2)
	go func() { defer e.workers.Done(); e.segmentLoop(e.workerCtx) }()
	go func() { defer e.workers.Done(); e.refineLoop(e.workerCtx) }()

	e.canvas = newMaskCanvas(e)
	e.win.SetContent(e.buildLayout())
	e.win.SetMainMenu(e.buildMenu())
	e.bindKeys()
	e.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { e.handleDrop(uris) })
	e.win.SetCloseIntercept(func() { e.Close(); e.win.Close() })
	e.win.Resize(fyne.NewSize(1280, 820))
	e.setTool(ToolForeground)
	e.syncStyle()
	e.updateStatus()
	return e
}

// Start opens files, or the bundled sample portrait when there are none,
// so a first run shows the whole flow at once.
func (e *Editor) Start(files []string) {
	if len(files) > 0 {
		e.Open(files)
		return
	}
	p, err := e.samplePath()
	if err != nil {
		e.showError(err)
		return
	}
	e.Open([]string{p})
}

// samplePath writes the sample portrait into the cache folder (once) and
// returns its path, so it opens like any other file.
func (e *Editor) samplePath() (string, error) {
	dir := e.deps.CacheDir
	if dir == "" {
		dir = os.TempDir()
	}
	p := filepath.Join(dir, "sample", assets.SampleName)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, assets.SamplePNG()) {
		return p, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("ui: sample: %w", err)
	}
	if err := writeFileAtomic(p, assets.SamplePNG()); err != nil {
		return "", err
	}
	return p, nil
}

// Window returns the editor's window.
func (e *Editor) Window() fyne.Window { return e.win }

// stopWorkers cancels background work and waits for it, releasing the
// model. It is safe to call more than once and after Close.
func (e *Editor) stopWorkers() {
	e.stop()
	if e.refineCancel != nil {
		e.refineCancel()
	}
	e.workers.Wait()
}

// Close stops background work, waits for the workers to finish (the
// segmentation model is closed by then) and removes the recovery sessions
// of the photos open in the editor: a clean exit leaves nothing to
// restore. Calling it again does nothing.
func (e *Editor) Close() {
	if e.closed {
		return
	}
	e.closed = true
	e.stopWorkers()
	for _, t := range []*time.Timer{e.refineTimer, e.saveTimer} {
		if t != nil {
			t.Stop()
		}
	}
	if e.sessions == nil {
		return
	}
	for _, d := range e.docs {
		if d.hash != "" {
			if err := e.sessions.remove(d.hash); err != nil {
				fyne.LogError("", err)
			}
		}
	}
}

func (e *Editor) buildLayout() fyne.CanvasObject {
	e.toolButtons = map[Tool]*widget.Button{}
	tools := container.NewVBox(widget.NewLabelWithStyle("Tools", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, t := range []Tool{ToolForeground, ToolBackground, ToolUnknown, ToolKeep, ToolDrop} {
		b := widget.NewButtonWithIcon(t.String(), toolIcon(t), func() { e.setTool(t) })
		b.Alignment = widget.ButtonAlignLeading
		e.toolButtons[t] = b
		tools.Add(b)
	}

	e.sizeLabel = widget.NewLabel("")
	e.sizeSlider = widget.NewSlider(0, 1)
	e.sizeSlider.Step = 0.001
	e.sizeSlider.OnChanged = func(v float64) { e.setBrushSize(sliderToSize(v)) }
	e.hardSlider = widget.NewSlider(0, 100)
	e.hardSlider.SetValue(e.hardness * 100)
	e.hardSlider.OnChanged = func(v float64) {
		e.hardness = v / 100
		e.app.Preferences().SetFloat(prefBrushHardness, e.hardness)
	}

	e.viewSelect = widget.NewSelect(viewNames(), func(s string) {
		for m := ViewMode(0); m < viewModeCount; m++ {
			if m.String() == s && m != e.style.mode {
				e.setViewMode(m)
			}
		}
	})
	e.viewSelect.SetSelected(e.style.mode.String())
	e.beforeCheck = widget.NewCheck("Show original (P)", func(b bool) {
		if b != e.style.before {
			e.style.before = b
			e.syncStyle()
		}
	})
	e.opacity = widget.NewSlider(0, 100)
	e.opacity.SetValue(e.style.opacity * 100)
	e.opacity.OnChanged = func(v float64) {
		e.style.opacity = v / 100
		e.app.Preferences().SetFloat(prefOverlayOpacity, e.style.opacity)
		e.syncStyle()
	}
	e.overlaySwatch = newSwatch(e.style.overlay)
	overlayBtn := widget.NewButton("Overlay…", func() {
		e.pickColour("Overlay colour", e.style.overlay, func(c color.NRGBA) {
			e.style.overlay = c
			e.overlaySwatch.set(c)
			e.app.Preferences().SetString(prefOverlayColour, hexColour(c))
			e.syncStyle()
		})
	})
	e.bgSwatch = newSwatch(e.style.background)
	bgBtn := widget.NewButton("Backdrop…", func() {
		e.pickColour("Backdrop colour", e.style.background, func(c color.NRGBA) {
			e.style.background = c
			e.bgSwatch.set(c)
			e.app.Preferences().SetString(prefBackground, hexColour(c))
			e.setViewMode(ViewColour)
		})
	})

	refineBtn := widget.NewButtonWithIcon("Refine edges (R)", theme.ViewRefreshIcon(), func() { e.refineNow() })
	exportBtn := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), func() { e.showExport() })
	exportBtn.Importance = widget.HighImportance

	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	side := container.NewVBox(
		tools,
		widget.NewSeparator(),
		heading("Brush"),
		container.New(layout.NewFormLayout(),
			widget.NewLabel("Size"), container.NewBorder(nil, nil, nil, e.sizeLabel, e.sizeSlider),
			widget.NewLabel("Hardness"), e.hardSlider),
		widget.NewSeparator(),
		heading("View"),
		e.viewSelect, e.beforeCheck,
		container.New(layout.NewFormLayout(), widget.NewLabel("Opacity"), e.opacity),
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, e.overlaySwatch.rect, nil, overlayBtn),
			container.NewBorder(nil, nil, e.bgSwatch.rect, nil, bgBtn)),
	)
	actions := container.NewVBox(widget.NewSeparator(), refineBtn, exportBtn)
	e.setBrushSize(e.brushSize)

	toolbar := widget.NewToolbar(
		widget.NewToolbarAction(theme.FolderOpenIcon(), func() { e.showOpen() }),
		widget.NewToolbarAction(theme.DocumentSaveIcon(), func() { e.showExport() }),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ContentUndoIcon(), func() { e.undo() }),
		widget.NewToolbarAction(theme.ContentRedoIcon(), func() { e.redo() }),
		widget.NewToolbarAction(theme.MediaReplayIcon(), func() { e.resetMask() }),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ZoomFitIcon(), func() { e.canvas.fitView(); e.canvas.raster.Refresh() }),
		widget.NewToolbarAction(theme.ViewFullScreenIcon(), func() { e.canvas.actualPixels() }),
		widget.NewToolbarAction(theme.ZoomInIcon(), func() { e.canvas.zoomCentre(e.canvas.r.zoom * 1.25) }),
		widget.NewToolbarAction(theme.ZoomOutIcon(), func() { e.canvas.zoomCentre(e.canvas.r.zoom / 1.25) }),
		widget.NewToolbarSpacer(),
		widget.NewToolbarAction(theme.SettingsIcon(), func() { e.showPreferences() }),
	)

	e.status = widget.NewLabel("")
	e.status.Truncation = fyne.TextTruncateEllipsis
	e.progress = widget.NewProgressBar()
	e.progress.Hide()
	e.busy = widget.NewProgressBarInfinite()
	e.busy.Stop()
	e.busy.Hide()
	e.deviceLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	progress := container.NewGridWrap(fyne.NewSize(180, e.progress.MinSize().Height), container.NewStack(e.progress, e.busy))
	statusBar := container.NewBorder(nil, nil, nil, container.NewHBox(progress, e.deviceLabel), e.status)

	e.strip = container.NewHBox()
	e.stripScroll = container.NewHScroll(e.strip)
	e.stripScroll.Hide()
	bottom := container.NewVBox(e.stripScroll, widget.NewSeparator(), statusBar)

	sideScroll := container.NewVScroll(side)
	sideScroll.SetMinSize(fyne.NewSize(250, 0))
	panel := container.NewPadded(container.NewBorder(nil, actions, nil, nil, sideScroll))
	return container.NewBorder(toolbar, bottom, container.NewHBox(panel, widget.NewSeparator()), nil, e.canvas)
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

// Brush size sliders are logarithmic so small brushes stay precise.
func sliderToSize(v float64) float64 {
	return minBrushSize * pow(maxBrushSize/minBrushSize, v)
}

func sizeToSlider(s float64) float64 {
	return logRatio(s/minBrushSize, maxBrushSize/minBrushSize)
}

func (e *Editor) setTool(t Tool) {
	e.tool = t
	for tt, b := range e.toolButtons {
		if tt == t {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	e.canvas.updateCursor()
	e.updateStatus()
}

func (e *Editor) setBrushSize(s float64) {
	s = clampF(s, minBrushSize, maxBrushSize)
	e.brushSize = s
	e.app.Preferences().SetFloat(prefBrushSize, s)
	e.sizeLabel.SetText(itoa(int(s+0.5)) + " px")
	if v := sizeToSlider(s); absF(e.sizeSlider.Value-v) > 1e-6 {
		e.sizeSlider.SetValue(v)
	}
	e.canvas.updateCursor()
}

func (e *Editor) setViewMode(m ViewMode) {
	e.style.mode = m
	if e.viewSelect.Selected != m.String() {
		e.viewSelect.SetSelected(m.String())
	}
	e.syncStyle()
}

// syncStyle hands the view style to the canvas and redraws it.
func (e *Editor) syncStyle() {
	e.canvas.r.style = e.style
	e.canvas.redraw()
}

func (e *Editor) toggleBefore() { e.beforeCheck.SetChecked(!e.style.before) }

func (e *Editor) unfocus() {
	if c := e.win.Canvas(); c != nil {
		c.Unfocus()
	}
}

func (e *Editor) bindKeys() {
	c := e.win.Canvas()
	ctrl := func(k fyne.KeyName, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { fn() })
	}
	ctrl(fyne.KeyO, e.showOpen)
	ctrl(fyne.KeyE, e.showExport)
	ctrl(fyne.KeyZ, e.undo)
	ctrl(fyne.KeyY, e.redo)
	ctrl(fyne.Key0, func() { e.canvas.fitView(); e.canvas.raster.Refresh() })
	ctrl(fyne.Key1, e.canvas.actualPixels)
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}, func(fyne.Shortcut) { e.redo() })
	c.SetOnTypedKey(e.typedKey)
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeySpace {
				e.spaceDown = true
				e.canvas.updateCursor()
			}
		})
		dc.SetOnKeyUp(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeySpace {
				e.spaceDown = false
				e.canvas.updateCursor()
			}
		})
	}
}

// typedKey handles the single-key shortcuts of the canvas.
func (e *Editor) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF:
		e.setViewMode((e.style.mode + 1) % viewModeCount)
	case fyne.KeyP:
		e.toggleBefore()
	case fyne.KeyLeftBracket:
		e.setBrushSize(e.brushSize / 1.2)
	case fyne.KeyRightBracket:
		e.setBrushSize(e.brushSize * 1.2)
	case fyne.KeyX:
		switch e.tool {
		case ToolForeground:
			e.setTool(ToolBackground)
		default:
			e.setTool(ToolForeground)
		}
	case fyne.KeyE:
		e.setTool(ToolUnknown)
	case fyne.KeyK:
		e.setTool(ToolKeep)
	case fyne.KeyD:
		e.setTool(ToolDrop)
	case fyne.KeyR:
		e.refineNow()
	case fyne.KeyEqual, fyne.KeyPlus:
		e.canvas.zoomCentre(e.canvas.r.zoom * 1.25)
	case fyne.KeyMinus:
		e.canvas.zoomCentre(e.canvas.r.zoom / 1.25)
	case fyne.KeyPageDown, fyne.KeyN:
		e.step(1)
	case fyne.KeyPageUp, fyne.KeyB:
		e.step(-1)
	}
}
