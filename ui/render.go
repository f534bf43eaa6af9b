package ui

import (
	"image"
	"image/color"
	"math"

	"cutout/refine"
	"cutout/refine/parallel"
)

// ViewMode is how the canvas shows the photo and its mask.
type ViewMode int

// View modes, in the order the F key cycles them.
const (
	// ViewOverlay tints what the mask leaves out with the overlay colour.
	ViewOverlay ViewMode = iota
	// ViewTrimap shows the trimap: black background, grey unknown, white foreground.
	ViewTrimap
	// ViewMatte shows the matte in grey levels.
	ViewMatte
	// ViewCheckerboard shows the cutout over a transparency checkerboard.
	ViewCheckerboard
	// ViewBlack shows the cutout over black.
	ViewBlack
	// ViewWhite shows the cutout over white.
	ViewWhite
	// ViewColour shows the cutout over the chosen background colour.
	ViewColour
	// ViewOriginal shows the photo alone.
	ViewOriginal
	viewModeCount
)

// String names the view mode as the view menu does.
func (m ViewMode) String() string {
	return [...]string{"Overlay", "Trimap", "Matte", "On checkerboard", "On black", "On white", "On colour", "Original"}[m]
}

// layers is what the renderer reads for one photo: full-resolution
// buffers and their display proxies (pw×ph, ps proxy pixels per source
// pixel). Any of tri, matte and fg may be nil before segmentation or
// refinement has produced them. The renderer only reads them.
type layers struct {
	w, h   int
	src    *image.NRGBA
	srcP   *image.NRGBA
	fg     *image.NRGBA // refined foreground colours; nil: use src
	fgP    *image.NRGBA
	matte  *refine.Matte // alpha inside the unknown band
	matteP []uint8
	tri    *refine.Trimap
	guide  *refine.Guide // the automatic guide the trimap started from, or nil
	pw, ph int
	ps     float64
}

// keepsModel reports whether pixel i shows the matte although its label
// is known: the automatic guide keeps the model's own edge there (see
// refine.Guide) and the user has not painted over it.
func (ly *layers) keepsModel(i int) bool {
	g := ly.guide
	return g != nil && g.Weight.Pix[i] < 0 && ly.tri.Pix[i] == g.Trimap.Pix[i]
}

// viewStyle is the user's display settings.
type viewStyle struct {
	mode       ViewMode
	before     bool // show the original whatever the mode
	overlay    color.NRGBA
	opacity    float64 // overlay opacity in [0,1]
	background color.NRGBA
}

// canvasBackground fills the viewport around the photo.
var canvasBackground = color.NRGBA{R: 0x2b, G: 0x2d, B: 0x31, A: 0xff}

// renderer composites the visible part of a photo into a viewport-sized
// RGBA buffer: nearest sampling of the full-resolution layers when zoomed
// in, of the display proxies when zoomed out. It is owned by the UI
// goroutine.
type renderer struct {
	ly    *layers
	style viewStyle
	buf   *image.RGBA
	// zoom is viewport pixels per source pixel; (ox, oy) is the source
	// point at the viewport's top-left corner.
	zoom, ox, oy float64
	// colSrc[vx] is the source column under viewport column vx (-1: off
	// the photo), colPrx the proxy column; rows likewise.
	colSrc, colPrx, rowSrc, rowPrx []int32
}

// resize makes the buffer w×h pixels.
func (r *renderer) resize(w, h int) {
	if r.buf != nil && r.buf.Rect.Dx() == w && r.buf.Rect.Dy() == h {
		return
	}
	r.buf = image.NewRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
}

// setView sets zoom and origin and recomputes the sampling tables.
func (r *renderer) setView(zoom, ox, oy float64) {
	r.zoom, r.ox, r.oy = zoom, ox, oy
	if r.buf == nil {
		return
	}
	w, h := r.buf.Rect.Dx(), r.buf.Rect.Dy()
	sw, sh, pw, ph, ps := 0, 0, 0, 0, 1.0
	if r.ly != nil {
		sw, sh, pw, ph, ps = r.ly.w, r.ly.h, r.ly.pw, r.ly.ph, r.ly.ps
	}
	r.colSrc, r.colPrx = sampleTable(r.colSrc, r.colPrx, w, sw, pw, ps, zoom, ox)
	r.rowSrc, r.rowPrx = sampleTable(r.rowSrc, r.rowPrx, h, sh, ph, ps, zoom, oy)
}

func sampleTable(src, prx []int32, n, sn, pn int, ps, zoom, o float64) ([]int32, []int32) {
	src, prx = src[:0], prx[:0]
	for v := 0; v < n; v++ {
		s := o + (float64(v)+0.5)/zoom // source coordinate of the pixel centre
		si, pi := int32(-1), int32(-1)
		if s >= 0 && s < float64(sn) && zoom > 0 {
			si = int32(s)
			pi = int32(math.Min(s*ps, float64(pn-1)))
		}
		src = append(src, si)
		prx = append(prx, pi)
	}
	return src, prx
}

// sourceToView maps a source rectangle to the viewport pixels that show
// it, clipped to the viewport.
func (r *renderer) sourceToView(s image.Rectangle) image.Rectangle {
	if r.buf == nil {
		return image.Rectangle{}
	}
	return image.Rect(
		int(math.Floor((float64(s.Min.X)-r.ox)*r.zoom))-1, int(math.Floor((float64(s.Min.Y)-r.oy)*r.zoom))-1,
		int(math.Ceil((float64(s.Max.X)-r.ox)*r.zoom))+1, int(math.Ceil((float64(s.Max.Y)-r.oy)*r.zoom))+1,
	).Intersect(r.buf.Rect)
}

// viewToSource maps a viewport pixel position to source coordinates.
func (r *renderer) viewToSource(vx, vy float64) vec {
	return vec{r.ox + vx/r.zoom, r.oy + vy/r.zoom}
}

// renderAll recomposites the whole viewport.
func (r *renderer) renderAll() {
	if r.buf != nil {
		r.render(r.buf.Rect)
	}
}

// render recomposites the viewport pixels in rect.
func (r *renderer) render(rect image.Rectangle) {
	rect = rect.Intersect(r.buf.Rect)
	if rect.Empty() {
		return
	}
	parallel.Rows(rect.Dy(), func(y0, y1 int) {
		for vy := rect.Min.Y + y0; vy < rect.Min.Y+y1; vy++ {
			r.renderRow(vy, rect.Min.X, rect.Max.X)
		}
	})
}

func (r *renderer) renderRow(vy, x0, x1 int) {
	out := r.buf.Pix[vy*r.buf.Stride+x0*4 : vy*r.buf.Stride+x1*4]
	ly := r.ly
	sy := int32(-1)
	if ly != nil && vy < len(r.rowSrc) {
		sy = r.rowSrc[vy]
	}
	if sy < 0 {
		fillRow(out, canvasBackground)
		return
	}
	useProxy := r.zoom < ly.ps
	py := int(r.rowPrx[vy])
	mode := r.style.mode
	if r.style.before || ly.tri == nil {
		mode = ViewOriginal
	}
	img, fg := ly.src, ly.fg
	if useProxy {
		img, fg = ly.srcP, ly.fgP
	}
	if fg == nil {
		fg = img
	}
	ov, op := r.style.overlay, int32(r.style.opacity*255+0.5)
	bg := r.style.background
	switch mode {
	case ViewBlack:
		bg = color.NRGBA{A: 255}
	case ViewWhite:
		bg = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	}
	for k := 0; k < len(out); k += 4 {
		vx := x0 + k/4
		sx := r.colSrc[vx]
		if sx < 0 {
			out[k], out[k+1], out[k+2], out[k+3] = canvasBackground.R, canvasBackground.G, canvasBackground.B, 255
			continue
		}
		// Index into the colour layer of the chosen level.
		ci := int(sy)*img.Stride + int(sx)*4
		mi := -1
		if useProxy {
			px := int(r.colPrx[vx])
			ci = py*img.Stride + px*4
			mi = py*ly.pw + px
		}
		if mode == ViewOriginal {
			out[k], out[k+1], out[k+2], out[k+3] = img.Pix[ci], img.Pix[ci+1], img.Pix[ci+2], 255
			continue
		}
		// Display alpha: the trimap's known labels win; Unknown shows the matte.
		ti := int(sy)*ly.w + int(sx)
		lab := ly.tri.Pix[ti]
		var a int32
		switch {
		case lab == refine.Foreground && !ly.keepsModel(ti):
			a = 255
		case lab == refine.Background && !ly.keepsModel(ti):
			a = 0
		default:
			switch {
			case ly.matte == nil:
				a = 0
			case mi >= 0:
				a = int32(ly.matteP[mi])
			default:
				a = int32(unit8(ly.matte.Pix[ti]))
			}
		}
		switch mode {
		case ViewOverlay:
			// Tint strength k = opacity·(1-α); out = src·(1-k) + tint·k.
			t := op * (255 - a) / 255
			out[k] = blend8(img.Pix[ci], ov.R, t)
			out[k+1] = blend8(img.Pix[ci+1], ov.G, t)
			out[k+2] = blend8(img.Pix[ci+2], ov.B, t)
		case ViewTrimap:
			out[k], out[k+1], out[k+2] = lab, lab, lab
		case ViewMatte:
			out[k], out[k+1], out[k+2] = uint8(a), uint8(a), uint8(a)
		default:
			b := bg
			if mode == ViewCheckerboard {
				b = checker(vx, vy)
			}
			// Cutout over b: out = fg·α + b·(1-α).
			out[k] = blend8(b.R, fg.Pix[ci], a)
			out[k+1] = blend8(b.G, fg.Pix[ci+1], a)
			out[k+2] = blend8(b.B, fg.Pix[ci+2], a)
		}
		out[k+3] = 255
	}
}

// blend8 returns a·(255-t)/255 + b·t/255, rounded, for t in [0,255].
func blend8(a, b uint8, t int32) uint8 {
	return uint8((int32(a)*(255-t) + int32(b)*t + 127) / 255)
}

// checker is the transparency checkerboard in screen space (8 px squares).
func checker(x, y int) color.NRGBA {
	if (x/8+y/8)&1 == 0 {
		return color.NRGBA{R: 0xcc, G: 0xcc, B: 0xcc, A: 0xff}
	}
	return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
}

func fillRow(out []uint8, c color.NRGBA) {
	for k := 0; k < len(out); k += 4 {
		out[k], out[k+1], out[k+2], out[k+3] = c.R, c.G, c.B, 255
	}
}
