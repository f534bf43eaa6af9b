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
	// ViewMatte shows the alpha in grey levels.
	ViewMatte
	// ViewCheckerboard shows the cutout over a transparency checkerboard.
	ViewCheckerboard
	// ViewBlack shows the cutout over black.
	ViewBlack
	// ViewWhite shows the cutout over white.
	ViewWhite
	// ViewBackground shows the cutout over the chosen background: a colour
	// or an image.
	ViewBackground
	// ViewOriginal shows the photo alone.
	ViewOriginal
	viewModeCount
)

// String names the view mode as the view menu does.
func (m ViewMode) String() string {
	return [...]string{"Overlay", "Trimap", "Matte", "On checkerboard", "On black", "On white", "On background", "Original"}[m]
}

// cutout reports whether the mode shows the cutout over a backdrop.
func (m ViewMode) cutout() bool { return m >= ViewCheckerboard && m <= ViewBackground }

// layers is what the renderer reads for one photo: full-resolution
// buffers and their display proxies (pw×ph, ps proxy pixels per source
// pixel). model and res are nil until segmentation and refinement have
// produced them. The renderer only reads them.
type layers struct {
	w, h   int
	src    *image.NRGBA
	srcP   *image.NRGBA
	tri    *refine.Trimap
	model  []uint8 // the model's matte, 8-bit
	modelP []uint8
	res    *result      // the latest refinement
	bgP    *image.NRGBA // the background image covering the proxy; nil: none
	pw, ph int
	ps     float64
}

// result is a finished refinement of one trimap, with the edge settings
// applied: the alpha and colours the editor shows and exports wherever
// the trimap still has the labels it was solved for.
type result struct {
	rev     int            // the document revision it was solved for
	edge    edgeSettings   // the edge settings applied
	tri     *refine.Trimap // the labels it was solved for
	alpha   []uint8        // final alpha, 8-bit, w·h
	alphaP  []uint8        // its proxy
	colour  *image.NRGBA   // colours: the estimated foreground (decontaminated) or the photo
	colourP *image.NRGBA
	solved  solved // what the solver returned, to apply other edge settings without solving again
	// win is the source rectangle that differs from the previous result
	// when only it was solved again (empty: the whole photo may differ).
	win image.Rectangle
}

// solved is a solver's output: alpha inside the unknown band, and the
// estimated foreground colours (nil: none).
type solved struct {
	matte *refine.Matte
	fg    *image.NRGBA
	fgP   *image.NRGBA // fg's proxy
}

// alphaAt returns the alpha shown at source pixel i and whether it comes
// from the refined result: where the trimap still has the labels the
// result was solved for, the result's alpha; elsewhere (edited since) the
// trimap's known labels, and in the unknown band the model's matte.
func (ly *layers) alphaAt(i int) (a uint8, fresh bool) {
	lab := ly.tri.Pix[i]
	if r := ly.res; r != nil && r.tri.Pix[i] == lab {
		return r.alpha[i], true
	}
	switch {
	case lab == refine.Foreground:
		return 255, false
	case lab == refine.Background || ly.model == nil:
		return 0, false
	}
	return ly.model[i], false
}

// viewStyle is the person's display settings.
type viewStyle struct {
	mode    ViewMode
	before  bool    // show the original whatever the mode
	split   bool    // show the original left of splitAt
	splitAt float64 // the split's position, a fraction of the viewport width
	overlay color.NRGBA
	opacity float64     // overlay opacity in [0,1]
	colour  color.NRGBA // background colour (when there is no background image)
}

// canvasBackground fills the viewport around the photo.
var canvasBackground = color.NRGBA{R: 0x2b, G: 0x2d, B: 0x31, A: 0xff}

// renderer composites the visible part of a photo into a viewport-sized
// RGBA buffer: nearest sampling of the full-resolution layers when zoomed
// in, of the display proxies when zoomed out. Cutout views go through the
// export's compositor (refine.NewComposite), a row at a time. It is
// owned by the UI goroutine.
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

// splitX is the viewport column of the before/after divider, -1 without
// a split.
func (r *renderer) splitX() int {
	if !r.style.split || r.buf == nil {
		return -1
	}
	return int(math.Round(r.style.splitAt * float64(r.buf.Rect.Dx())))
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
		var s rowScratch
		for vy := rect.Min.Y + y0; vy < rect.Min.Y+y1; vy++ {
			r.renderRow(vy, rect.Min.X, rect.Max.X, &s)
		}
	})
}

// rowScratch holds one band's row buffers for the cutout views.
type rowScratch struct {
	fg, bg *image.NRGBA
	alpha  *refine.Matte
}

func (s *rowScratch) size(n int) {
	if s.fg == nil || s.fg.Rect.Dx() != n {
		s.fg = image.NewNRGBA(image.Rect(0, 0, n, 1))
		s.bg = image.NewNRGBA(image.Rect(0, 0, n, 1))
		s.alpha = refine.NewMatte(n, 1)
	}
}

// Divider colours of the before/after split.
var (
	dividerLight = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	dividerDark  = color.NRGBA{R: 0x20, G: 0x20, B: 0x20, A: 0xff}
)

func (r *renderer) renderRow(vy, x0, x1 int, s *rowScratch) {
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
	split := -1
	if mode != ViewOriginal {
		split = r.splitX()
	}
	src, res := ly.src, ly.res
	var resColour *image.NRGBA
	if res != nil {
		resColour = res.colour
	}
	if useProxy {
		src = ly.srcP
		if res != nil {
			resColour = res.colourP
		}
	}
	cut := mode.cutout()
	if cut {
		s.size(x1 - x0)
	}
	ov, op := r.style.overlay, int32(r.style.opacity*255+0.5)
	for k := 0; k < len(out); k += 4 {
		vx := x0 + k/4
		sx := r.colSrc[vx]
		if sx < 0 || vx < split {
			var c color.NRGBA
			if sx < 0 {
				c = canvasBackground
			} else {
				ci := int(sy)*src.Stride + int(sx)*4
				if useProxy {
					ci = py*src.Stride + int(r.colPrx[vx])*4
				}
				c = color.NRGBA{R: src.Pix[ci], G: src.Pix[ci+1], B: src.Pix[ci+2], A: 255}
			}
			out[k], out[k+1], out[k+2], out[k+3] = c.R, c.G, c.B, 255
			if cut { // opaque: the compositor leaves it as it is
				s.fg.Pix[k], s.fg.Pix[k+1], s.fg.Pix[k+2], s.fg.Pix[k+3] = c.R, c.G, c.B, 255
				s.alpha.Pix[k/4] = 1
			}
			continue
		}
		// Index into the colour layers of the chosen level.
		ci := int(sy)*src.Stride + int(sx)*4
		ti := int(sy)*ly.w + int(sx)
		mi := ti
		if useProxy {
			px := int(r.colPrx[vx])
			ci = py*src.Stride + px*4
			mi = py*ly.pw + px
		}
		if mode == ViewOriginal {
			out[k], out[k+1], out[k+2], out[k+3] = src.Pix[ci], src.Pix[ci+1], src.Pix[ci+2], 255
			continue
		}
		lab := ly.tri.Pix[ti]
		a, fresh := ly.alphaAt(ti)
		if useProxy { // the proxy's alpha, from the same source
			switch {
			case fresh:
				a = res.alphaP[mi]
			case lab == refine.Unknown && ly.modelP != nil:
				a = ly.modelP[mi]
			}
		}
		switch mode {
		case ViewOverlay:
			// Tint strength t = opacity·(1-α); out = src·(1-t) + tint·t.
			t := op * (255 - int32(a)) / 255
			out[k] = blend8(src.Pix[ci], ov.R, t)
			out[k+1] = blend8(src.Pix[ci+1], ov.G, t)
			out[k+2] = blend8(src.Pix[ci+2], ov.B, t)
		case ViewTrimap:
			out[k], out[k+1], out[k+2] = lab, lab, lab
		case ViewMatte:
			out[k], out[k+1], out[k+2] = a, a, a
		default:
			// Colours: the refined result's where it is fresh (the
			// estimated foreground), else the photo's own.
			c := src
			if fresh {
				c = resColour
			}
			copy(s.fg.Pix[k:k+4], c.Pix[ci:ci+4])
			s.alpha.Pix[k/4] = float32(a) / 255
		}
		out[k+3] = 255
	}
	if cut {
		r.compositeRow(out, x0, vy, py, s)
	}
	if split >= 0 {
		for vx := max(split-2, x0); vx < min(split+2, x1); vx++ {
			c := dividerLight
			if vx == split-2 || vx == split+1 {
				c = dividerDark
			}
			k := (vx - x0) * 4
			out[k], out[k+1], out[k+2], out[k+3] = c.R, c.G, c.B, 255
		}
	}
}

// compositeRow puts the row's cutout (s.fg, s.alpha) over the view's
// backdrop with the export's compositor and writes it into out, opaque.
func (r *renderer) compositeRow(out []uint8, x0, vy, py int, s *rowScratch) {
	var bg refine.Backdrop
	switch r.style.mode {
	case ViewBlack:
		bg.Color = color.NRGBA{A: 255}
	case ViewWhite:
		bg.Color = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	case ViewBackground:
		bg.Color = r.style.colour
		bg.Color.A = 255
		if p := r.ly.bgP; p != nil && p.Rect.Dx() == r.ly.pw && p.Rect.Dy() == r.ly.ph {
			row := p.Pix[py*p.Stride:]
			for k := 0; k < len(out); k += 4 {
				px := int(r.colPrx[x0+k/4])
				if px < 0 {
					px = 0
				}
				copy(s.bg.Pix[k:k+4], row[px*4:px*4+4])
				s.bg.Pix[k+3] = 255 // the preview's backdrop is opaque
			}
			bg = refine.Backdrop{Image: s.bg}
		}
	default: // checkerboard, in screen space
		for k := 0; k < len(out); k += 4 {
			c := checker(x0+k/4, vy)
			s.bg.Pix[k], s.bg.Pix[k+1], s.bg.Pix[k+2], s.bg.Pix[k+3] = c.R, c.G, c.B, 255
		}
		bg = refine.Backdrop{Image: s.bg}
	}
	// The row images are exactly the span's size, so the compositor's
	// cover-fitting of the background is the identity.
	refine.NewComposite(s.fg, s.alpha, bg).NRGBARow(0, out)
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
