package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"cutout/assets"
	"cutout/models"
)

// Editor is the Cutout main window: a canvas showing the current photo
// and its mask, tools to correct the mask, and a filmstrip of the opened
// photos. Create it with New; all its methods must be called on the Fyne
// UI goroutine. Its concerns live in one file each: photos.go (opening
// and the photos held in memory), segment.go (the model's queue),
// edit.go (strokes, picks, undo), refining.go (matting), autosave.go and
// restore.go (crash recovery), export.go, quit.go, status.go,
// filmstrip.go, keys.go, layout.go and menu.go.
type Editor struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	// postFn runs fn on the UI goroutine; fyne.Do outside tests.
	postFn func(fn func())

	docs    []*document
	cur     *document
	live    []*document // documents holding pixels, least recently shown first
	loads   *docQueue   // decoding, one photo at a time
	loading waitList    // waiting for a photo's mask (whenLoaded)

	tools tools
	style viewStyle
	edge  edgeSettings
	// band is the automatic guide's band in hair and fur, a fraction of
	// the short side (0: refine.DefaultBand); band.go.
	band      float64
	bandTimer *time.Timer
	bg        backdrop

	canvas *maskCanvas
	ctl    *controls
	status *statusBar
	strip  *filmstrip
	menu   *menus
	keys   *keyMap
	tips   *tooltips
	sheets []*sheet // the dialogs open, oldest first (sheet.go)
	// picker is the platform's open dialog, nil for the editor's own.
	picker *nativePicker

	stroke    strokeState
	seg       *segmenter
	ref       *refiner
	saves     *autosave
	exports   *exporter
	exportOpt exportOptions
	// device is where the model runs ("CPU", "CUDA"); deviceNote says
	// why a GPU is not used, when one could have been.
	device, deviceNote string

	ctx     context.Context // cancelled when the editor closes
	stop    context.CancelFunc
	workers sync.WaitGroup
	closed  bool

	// prompts ask the person; tests and the edit script replace them.
	prompts prompts
	// events tell the edit script (built only for tests) what happened.
	events events
}

// prompts are the questions the editor asks. Each calls answer on the UI
// goroutine.
type prompts struct {
	// restore offers to replay a crashed session of a photo being opened.
	restore func(d *document, edits int, answer func(bool))
	// recover offers, at start, the photos of editors that crashed.
	recover func(c *crashed, answer func(bool))
	// quit asks what to do with unexported edits: quitExport,
	// quitDiscard or quitCancel.
	quit func(dirty []*document, answer func(quitChoice))
}

// events are optional observers of the editor's progress.
type events struct {
	segmented, saved, refined func(d *document)
}

// Timings of the background work.
const (
	refineDelay = 700 * time.Millisecond // after the last stroke, when each solve is a full one
	updateDelay = 20 * time.Millisecond  // after the last stroke, when a solve updates the last one
	edgeDelay   = 80 * time.Millisecond  // after the last edge-control change
	saveDelay   = 400 * time.Millisecond // after the last edit
	progressGap = 33 * time.Millisecond  // at most ~30 progress updates a second
	liveDocs    = 3                      // photos kept decoded in memory
)

// startScript, when set (builds with the uiscript tag), lets an edit
// script drive the editor; see script.go.
var startScript func(e *Editor)

// New builds the editor window for app with the given collaborators and
// starts its workers. Call Start to load photos and Window().Show() (or
// ShowAndRun) to display it; Close stops the workers.
func New(app fyne.App, deps Deps) *Editor {
	e := &Editor{app: app, deps: deps, postFn: fyne.Do}
	if e.deps.Refiner == nil {
		e.deps.Refiner = modelRefiner{}
	}
	e.win = app.NewWindow("Cutout")
	e.win.SetIcon(assets.Icon)
	p := app.Preferences()
	e.tools = tools{
		size:     p.FloatWithFallback(prefBrushSize, defaultBrushSize),
		hardness: p.FloatWithFallback(prefBrushHardness, defaultHardness),
		spread:   p.BoolWithFallback(prefBrushSpread, true),
	}
	e.style = viewStyle{
		mode:    ViewOverlay,
		overlay: prefColour(p, prefOverlayColour, defaultOverlay),
		opacity: p.FloatWithFallback(prefOverlayOpacity, defaultOpacity),
		colour:  prefColour(p, prefBackground, defaultBackground),
		splitAt: 0.5,
	}
	e.edge = edgeSettings{
		Smooth:        p.FloatWithFallback(prefEdgeSmooth, 0),
		Shift:         p.FloatWithFallback(prefEdgeShift, 0),
		Contrast:      p.FloatWithFallback(prefEdgeContrast, 0),
		Feather:       p.FloatWithFallback(prefEdgeFeather, 0),
		Decontaminate: p.BoolWithFallback(prefDecontaminate, true),
	}
	e.band = p.FloatWithFallback(prefBand, 0)
	if e.deps.CacheDir == "" {
		var err error
		if e.deps.CacheDir, err = models.CacheDir(); err != nil {
			fyne.LogError("crash recovery is off", err)
		}
	}
	e.saves = newAutosave(e.deps.CacheDir)
	e.picker = findNativePicker(exec.LookPath, os.Getenv("XDG_CURRENT_DESKTOP"))
	e.prompts = prompts{restore: e.askRestore, recover: e.askRecover, quit: e.askQuit}
	e.ctx, e.stop = context.WithCancel(context.Background())
	e.loads = &docQueue{start: e.decode}
	e.loading = waitList{}
	e.exports = &exporter{win: e.win}
	e.exportOpt = exportOptions{Margin: 32}
	e.seg = newSegmenter(e, segDeps{open: e.deps.OpenSegmenter, decode: e.deps.Decode, guide: e.deps.Refiner.Guide})
	e.goWork(func() { e.seg.loop(e.ctx) })
	e.ref = newRefiner(e.ctx, e, e.deps.Refiner)
	e.goWork(e.ref.loop)

	e.keys = e.newKeyMap()
	e.tips = newTooltips(e)
	e.canvas = newMaskCanvas(e)
	e.win.SetContent(e.buildLayout())
	e.win.SetMainMenu(e.buildMenu())
	e.bindKeys()
	e.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { e.handleDrop(uris) })
	e.win.SetCloseIntercept(e.requestQuit)
	size := fyne.NewSize(1280, 820)
	if ws := p.FloatList(prefWindowSize); len(ws) == 2 && ws[0] >= 400 && ws[1] >= 300 {
		size = fyne.NewSize(float32(ws[0]), float32(ws[1]))
	}
	e.win.Resize(size)
	e.setTool(ToolForeground)
	e.syncStyle()
	e.updateStatus()
	if path := p.String(prefBackgroundImage); path != "" {
		e.loadBackdrop(path, false)
	}
	if startScript != nil {
		startScript(e)
	}
	return e
}

// Start offers to recover the photos of an editor that crashed, then
// opens files, or the bundled sample portrait when there are none, so
// that a first start shows what the editor does. Once every photo is
// closed the canvas says how to open photos.
func (e *Editor) Start(files []string) {
	open := func() {
		if len(files) == 0 {
			e.openSample()
			return
		}
		e.Open(files)
	}
	c := e.saves.crashed()
	if c == nil {
		open()
		return
	}
	e.prompts.recover(c, func(ok bool) {
		if !ok {
			e.saves.discard(c)
			open()
			return
		}
		e.recoverCrashed(c)
		if len(files) > 0 {
			e.Open(files)
		}
	})
}

// openSample opens the bundled sample portrait.
func (e *Editor) openSample() {
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
	e.ref.cancel()
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
	e.ref.stopTimers()
	e.saves.close(e.docs)
}

// post runs fn on the UI goroutine.
func (e *Editor) post(fn func()) { e.postFn(fn) }

// shutDown reports whether the editor was closed.
func (e *Editor) shutDown() bool { return e.closed }

// canvasSize is the size of the window's canvas.
func (e *Editor) canvasSize() fyne.Size { return e.win.Canvas().Size() }

// repaint redraws obj on the window's canvas.
func (e *Editor) repaint(obj fyne.CanvasObject) { e.win.Canvas().Refresh(obj) }

// photos are the opened photos, in the filmstrip's order.
func (e *Editor) photos() []*document { return e.docs }

// current is the photo shown, nil when none is.
func (e *Editor) current() *document { return e.cur }

// relayout lays the window out again (a part was shown or hidden).
func (e *Editor) relayout() {
	if c := e.win.Content(); c != nil {
		c.Refresh()
	}
}

// goWork runs fn on a worker goroutine that Close waits for.
func (e *Editor) goWork(fn func()) {
	e.workers.Add(1)
	go func() {
		defer e.workers.Done()
		fn()
	}()
}
