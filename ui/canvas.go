package ui

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Compile-time checks of the input interfaces the canvas handles.
var (
	_ fyne.Widget         = (*maskCanvas)(nil)
	_ fyne.Draggable      = (*maskCanvas)(nil)
	_ fyne.Tappable       = (*maskCanvas)(nil)
	_ fyne.Scrollable     = (*maskCanvas)(nil)
	_ desktop.Hoverable   = (*maskCanvas)(nil)
	_ desktop.Mouseable   = (*maskCanvas)(nil)
	_ fyne.WidgetRenderer = (*maskCanvasRenderer)(nil)
)

// Zoom limits, in viewport pixels per source pixel.
const (
	minZoom = 1.0 / 64
	maxZoom = 32.0
)

// canvasHost is what the mask canvas needs from the window that holds it:
// the tool and brush, the edits it turns pointer input into, and notices
// of what it changed. The Editor is the host; tests drive the canvas
// against a fake.
type canvasHost interface {
	// tool is the active tool; brushSize its diameter in source pixels.
	tool() Tool
	brushSize() float64
	// panKey reports whether the pan key (Space) is held.
	panKey() bool
	// beginStroke starts a brush stroke at source point p, false when
	// there is nothing to paint on; strokeTo continues it, endStroke
	// commits it.
	beginStroke(p vec) bool
	strokeTo(a, b vec)
	endStroke()
	// pick keeps or drops the region under source point p.
	pick(p vec)
	// viewChanged follows a change of zoom or pan.
	viewChanged()
	// splitMoved follows a drag of the before/after divider; at is its
	// position as a fraction of the width.
	splitMoved(at float64)
	// pressed follows a press on the canvas (it takes the keyboard focus
	// back from the panel's controls).
	pressed()
}

// maskCanvas shows the current photo through a renderer and turns pointer
// input into brush strokes, picks, zoom and pan. Its raster's generator
// only returns the renderer's buffer, recompositing it when the size
// changes; edits repaint just the viewport pixels they touch.
type maskCanvas struct {
	widget.BaseWidget
	host canvasHost

	r      renderer
	raster *canvas.Raster
	ring   [2]*canvas.Circle // brush cursor: dark outer, light inner

	pxPerDp float64 // viewport pixels per Fyne unit
	fit     bool    // keep the photo fitted to the viewport on resize

	hover    fyne.Position
	hovering bool

	button    desktop.MouseButton // button held since MouseDown
	panning   bool
	splitting bool // dragging the before/after divider
	stroking  bool
	lastPoint vec
}

func newMaskCanvas(host canvasHost) *maskCanvas {
	c := &maskCanvas{host: host, pxPerDp: 1, fit: true}
	c.raster = canvas.NewRaster(c.generate)
	c.raster.ScaleMode = canvas.ImageScalePixels
	c.ring[0] = &canvas.Circle{StrokeColor: color.NRGBA{A: 0xc0}, StrokeWidth: 3}
	c.ring[1] = &canvas.Circle{StrokeColor: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}, StrokeWidth: 1}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer is part of fyne.Widget.
func (c *maskCanvas) CreateRenderer() fyne.WidgetRenderer {
	return &maskCanvasRenderer{c: c}
}

// generate is the raster generator: it returns the cached composite,
// rebuilding it only when the pixel size changed.
func (c *maskCanvas) generate(w, h int) image.Image {
	if sz := c.Size(); sz.Width > 0 {
		c.pxPerDp = float64(w) / float64(sz.Width)
	}
	if c.r.buf == nil || c.r.buf.Rect.Dx() != w || c.r.buf.Rect.Dy() != h {
		c.relayout(w, h)
	}
	return c.r.buf
}

// relayout sizes the buffer to w×h pixels, keeps the view centre (or the
// fit) and recomposites everything.
func (c *maskCanvas) relayout(w, h int) {
	var centre vec
	old := c.r.buf
	if old != nil && old.Rect.Dx() > 0 {
		centre = c.r.viewToSource(float64(old.Rect.Dx())/2, float64(old.Rect.Dy())/2)
	}
	c.r.resize(w, h)
	if c.fit || old == nil || c.r.zoom == 0 {
		c.fitView()
		return
	}
	c.r.setView(c.r.zoom, centre.X-float64(w)/2/c.r.zoom, centre.Y-float64(h)/2/c.r.zoom)
	c.r.renderAll()
}

// ensureBuffer sizes the buffer from the widget size when the raster has
// not been drawn yet (headless tests), so input maps to source pixels.
func (c *maskCanvas) ensureBuffer() {
	if c.r.buf != nil && c.r.buf.Rect.Dx() > 0 {
		return
	}
	sz := c.Size()
	if sc := fyne.CurrentApp().Driver().CanvasForObject(c); sc != nil {
		c.pxPerDp = float64(sc.Scale())
	}
	c.relayout(int(float64(sz.Width)*c.pxPerDp+0.5), int(float64(sz.Height)*c.pxPerDp+0.5))
}

// setLayers shows another photo (or new buffers of the same one).
func (c *maskCanvas) setLayers(ly *layers, refit bool) {
	c.r.ly = ly
	if refit {
		c.fit = true
	}
	if c.r.buf == nil {
		return
	}
	if c.fit {
		c.fitView()
	} else {
		c.r.setView(c.r.zoom, c.r.ox, c.r.oy)
		c.r.renderAll()
	}
	c.raster.Refresh()
}

// redraw recomposites the whole viewport (after a style change).
func (c *maskCanvas) redraw() {
	if c.r.buf == nil {
		return
	}
	c.r.renderAll()
	c.raster.Refresh()
}

// repaint recomposites only the viewport pixels that show source rect s.
func (c *maskCanvas) repaint(s image.Rectangle) {
	if c.r.buf == nil || s.Empty() {
		return
	}
	c.r.render(c.r.sourceToView(s))
	c.raster.Refresh()
}

// fitView zooms so the whole photo fits, centred.
func (c *maskCanvas) fitView() {
	c.fit = true
	w, h := c.r.buf.Rect.Dx(), c.r.buf.Rect.Dy()
	if c.r.ly == nil || w == 0 || h == 0 {
		c.r.setView(1, 0, 0)
	} else {
		z := math.Min(float64(w)/float64(c.r.ly.w), float64(h)/float64(c.r.ly.h))
		c.r.setView(z, (float64(c.r.ly.w)-float64(w)/z)/2, (float64(c.r.ly.h)-float64(h)/z)/2)
	}
	c.r.renderAll()
	c.updateCursor()
	c.host.viewChanged()
}

// showFit zooms to fit the photo and redraws (Ctrl+0).
func (c *maskCanvas) showFit() {
	c.ensureBuffer()
	c.fitView()
	c.raster.Refresh()
}

// zoomAround sets the zoom to z keeping the source point under viewport
// pixel (vx, vy) in place.
func (c *maskCanvas) zoomAround(z, vx, vy float64) {
	if c.r.buf == nil {
		return
	}
	z = math.Max(minZoom, math.Min(maxZoom, z))
	p := c.r.viewToSource(vx, vy)
	c.fit = false
	c.r.setView(z, p.X-vx/z, p.Y-vy/z)
	c.r.renderAll()
	c.raster.Refresh()
	c.updateCursor()
	c.host.viewChanged()
}

// zoomCentre zooms around the pointer when it is over the canvas, else
// around the viewport centre.
func (c *maskCanvas) zoomCentre(z float64) {
	c.ensureBuffer()
	vx, vy := float64(c.r.buf.Rect.Dx())/2, float64(c.r.buf.Rect.Dy())/2
	if c.hovering {
		vx, vy = float64(c.hover.X)*c.pxPerDp, float64(c.hover.Y)*c.pxPerDp
	}
	c.zoomAround(z, vx, vy)
}

// zoomStep zooms in (n > 0) or out by n steps of the zoom buttons and
// keys.
func (c *maskCanvas) zoomStep(n float64) { c.zoomCentre(c.r.zoom * math.Pow(zoomStepFactor, n)) }

// zoomStepFactor is one step of the zoom buttons and keys.
const zoomStepFactor = 1.25

// toSource maps a widget position to source pixel coordinates.
func (c *maskCanvas) toSource(p fyne.Position) vec {
	return c.r.viewToSource(float64(p.X)*c.pxPerDp, float64(p.Y)*c.pxPerDp)
}

// Wheel zoom: a notch of the wheel zooms by wheelNotchFactor around the
// pointer. The desktop driver reports a notch as a scroll of
// wheelNotch units; smaller scrolls (touchpads) zoom in proportion.
const (
	wheelNotch       = 25
	wheelNotchFactor = 1.15
)

// Scrolled zooms around the pointer.
func (c *maskCanvas) Scrolled(ev *fyne.ScrollEvent) {
	c.ensureBuffer()
	f := math.Pow(wheelNotchFactor, float64(ev.Scrolled.DY)/wheelNotch)
	c.zoomAround(c.r.zoom*f, float64(ev.Position.X)*c.pxPerDp, float64(ev.Position.Y)*c.pxPerDp)
}

// MouseDown records the button, so a middle drag pans.
func (c *maskCanvas) MouseDown(ev *desktop.MouseEvent) {
	c.button = ev.Button
	c.host.pressed()
}

// MouseUp ends what MouseDown began.
func (c *maskCanvas) MouseUp(*desktop.MouseEvent) { c.button = 0 }

// splitGrab is how close (in Fyne units) to the before/after divider a
// drag moves the divider instead of painting.
const splitGrab = 8

// nearSplit reports whether widget position p is on the divider.
func (c *maskCanvas) nearSplit(p fyne.Position) bool {
	x := c.r.splitX()
	return x >= 0 && math.Abs(float64(p.X)*c.pxPerDp-float64(x)) <= splitGrab*c.pxPerDp
}

// Dragged moves the before/after divider (a drag that starts on it), pans
// (Space or the middle button held) or paints a stroke segment from the
// previous pointer position to this one.
func (c *maskCanvas) Dragged(ev *fyne.DragEvent) {
	c.ensureBuffer()
	c.hover, c.hovering = ev.Position, true
	start := ev.Position.Subtract(fyne.NewPos(ev.Dragged.DX, ev.Dragged.DY))
	if !c.stroking && !c.panning && !c.splitting && c.nearSplit(start) {
		c.splitting = true
	}
	if c.splitting {
		w := float64(c.r.buf.Rect.Dx())
		at := min(max(float64(ev.Position.X)*c.pxPerDp/w, 0), 1)
		c.r.style.splitAt = at
		c.r.renderAll()
		c.raster.Refresh()
		c.host.splitMoved(at)
		return
	}
	if c.panning || c.host.panKey() || c.button == desktop.MouseButtonTertiary {
		c.panning = true
		c.fit = false
		c.r.setView(c.r.zoom, c.r.ox-float64(ev.Dragged.DX)*c.pxPerDp/c.r.zoom, c.r.oy-float64(ev.Dragged.DY)*c.pxPerDp/c.r.zoom)
		c.r.renderAll()
		c.raster.Refresh()
		c.updateCursor()
		c.host.viewChanged()
		return
	}
	if !c.host.tool().isBrush() {
		return
	}
	p := c.toSource(ev.Position)
	if !c.stroking {
		s := c.toSource(start)
		if !c.host.beginStroke(s) {
			return
		}
		c.stroking = true
		c.lastPoint = s
	}
	c.host.strokeTo(c.lastPoint, p)
	c.lastPoint = p
	c.updateCursor()
}

// DragEnd finishes a pan or a divider drag, or commits a stroke to the
// undo history.
func (c *maskCanvas) DragEnd() {
	c.panning, c.splitting = false, false
	if c.stroking {
		c.stroking = false
		c.host.endStroke()
	}
}

// Tapped paints one dab with a brush, or picks a region.
func (c *maskCanvas) Tapped(ev *fyne.PointEvent) {
	c.ensureBuffer()
	c.host.pressed()
	if c.host.panKey() || c.nearSplit(ev.Position) {
		return
	}
	p := c.toSource(ev.Position)
	if c.host.tool().isBrush() {
		if c.host.beginStroke(p) {
			c.host.strokeTo(p, p)
			c.host.endStroke()
		}
		return
	}
	c.host.pick(p)
}

// MouseIn shows the brush cursor.
func (c *maskCanvas) MouseIn(ev *desktop.MouseEvent) {
	c.hover, c.hovering = ev.Position, true
	c.updateCursor()
}

// MouseMoved moves the brush cursor.
func (c *maskCanvas) MouseMoved(ev *desktop.MouseEvent) {
	c.hover, c.hovering = ev.Position, true
	c.updateCursor()
}

// MouseOut hides the brush cursor.
func (c *maskCanvas) MouseOut() {
	c.hovering = false
	c.updateCursor()
}

// Cursor is a crosshair for the brushes (the ring shows their size) and a
// pointing hand for the pick tools.
func (c *maskCanvas) Cursor() desktop.Cursor {
	switch {
	case c.nearSplit(c.hover) || c.splitting:
		return desktop.HResizeCursor
	case c.host.tool().isBrush() && !c.host.panKey():
		return desktop.CrosshairCursor
	}
	return desktop.PointerCursor
}

// brushRadiusDp is the brush radius on screen, in Fyne units.
func (c *maskCanvas) brushRadiusDp() float32 {
	if c.r.zoom == 0 {
		return 0
	}
	return float32(c.host.brushSize() / 2 * c.r.zoom / c.pxPerDp)
}

// updateCursor places the circle cursor at the pointer, sized to the brush.
func (c *maskCanvas) updateCursor() {
	show := c.hovering && c.r.ly != nil && c.host.tool().isBrush() && !c.panning && !c.splitting && !c.host.panKey() && !c.nearSplit(c.hover)
	rad := c.brushRadiusDp()
	for _, ring := range c.ring {
		if !show || rad < 1 {
			ring.Hide()
			continue
		}
		ring.Position1 = fyne.NewPos(c.hover.X-rad, c.hover.Y-rad)
		ring.Position2 = fyne.NewPos(c.hover.X+rad, c.hover.Y+rad)
		ring.Show()
		ring.Refresh()
	}
}

// maskCanvasRenderer lays the raster under the cursor rings.
type maskCanvasRenderer struct{ c *maskCanvas }

func (r *maskCanvasRenderer) Layout(size fyne.Size) {
	r.c.raster.Resize(size)
	r.c.raster.Move(fyne.NewPos(0, 0))
}

func (r *maskCanvasRenderer) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

func (r *maskCanvasRenderer) Refresh() {
	r.c.raster.Refresh()
	r.c.updateCursor()
}

func (r *maskCanvasRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.raster, r.c.ring[0], r.c.ring[1]}
}

func (r *maskCanvasRenderer) Destroy() {}
