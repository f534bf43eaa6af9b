package refine

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"

	"github.com/disintegration/imaging"

	"cutout/refine/parallel"
)

// Backdrop says what a cutout is composited onto.
type Backdrop struct {
	// Color, when its alpha is non-zero, fills behind the subject; the
	// result is opaque where Color is.
	Color color.NRGBA
	// Image, when set, is scaled to cover the photo (bilinear, cropped to
	// keep its aspect ratio, centred) and placed behind the subject.
	Image *image.NRGBA
}

// Compose renders the final picture: the subject over bg, or over
// transparency when bg is the zero Backdrop. The output is straight
// (non-premultiplied) RGBA; wherever alpha is 0 the colour is 0 too, so no
// trace of the old background survives. It materialises NewComposite.
func Compose(fg *image.NRGBA, alpha *Matte, bg Backdrop) *image.NRGBA {
	c := NewComposite(fg, alpha, bg)
	out := image.NewNRGBA(image.Rect(0, 0, alpha.W, alpha.H))
	parallel.Rows(alpha.H, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			c.NRGBARow(y, out.Pix[y*out.Stride:][:4*alpha.W])
		}
	})
	return out
}

// Composite is the final picture computed row by row on demand: the
// subject over a background, or over transparency. It is what Compose
// returns, without holding the whole result: a PNG encoder that asks for
// rows (NRGBARow) encodes it straight from the foreground and the matte.
// It is safe for concurrent use.
type Composite struct {
	fg    *image.NRGBA
	alpha *Matte
	bg    *image.NRGBA // background image at the matte's size, or nil
	color color.NRGBA  // flat background when bg is nil
}

// NewComposite returns the picture Compose renders: the subject's alpha is
// alpha, bounded by fg's own alpha (a photo's transparency, which Cut's
// Foreground carries; an opaque fg bounds nothing). fg and alpha must
// have the same size (it panics otherwise, a programmer error). A
// background image is scaled to cover the picture here, once.
func NewComposite(fg *image.NRGBA, alpha *Matte, bg Backdrop) *Composite {
	if fg.Rect.Dx() != alpha.W || fg.Rect.Dy() != alpha.H {
		panic(fmt.Sprintf("refine: composite: foreground is %dx%d, alpha is %dx%d", fg.Rect.Dx(), fg.Rect.Dy(), alpha.W, alpha.H))
	}
	c := &Composite{fg: fg, alpha: alpha}
	switch {
	case bg.Image != nil && alpha.W > 0 && alpha.H > 0:
		c.bg = imaging.Fill(bg.Image, alpha.W, alpha.H, imaging.Center, imaging.Linear)
	case bg.Color.A != 0:
		c.color = bg.Color
	}
	return c
}

// ColorModel is color.NRGBAModel.
func (c *Composite) ColorModel() color.Model { return color.NRGBAModel }

// Bounds is the photo's size, with origin (0, 0).
func (c *Composite) Bounds() image.Rectangle { return image.Rect(0, 0, c.alpha.W, c.alpha.H) }

// At returns one pixel; encoders use NRGBARow.
func (c *Composite) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(c.Bounds())) {
		return color.NRGBA{}
	}
	var px [4]uint8
	c.span(y, x, x+1, px[:])
	return color.NRGBA{px[0], px[1], px[2], px[3]}
}

// NRGBARow writes row y as straight RGBA into dst (4·width bytes).
func (c *Composite) NRGBARow(y int, dst []uint8) { c.span(y, 0, c.alpha.W, dst) }

// span writes pixels [x0, x1) of row y into dst.
func (c *Composite) span(y, x0, x1 int, dst []uint8) {
	w := c.alpha.W
	src := c.fg.Pix[c.fg.PixOffset(c.fg.Rect.Min.X+x0, c.fg.Rect.Min.Y+y):][:4*(x1-x0)]
	al := c.alpha.Pix[y*w+x0 : y*w+x1]
	dst = dst[:4*(x1-x0)]
	if c.bg == nil && c.color.A == 0 {
		// A pixel at a time as a uint32: the photo's colour under the
		// matte's alpha, or 0 where that alpha is 0.
		for x, a := range al {
			v := binary.LittleEndian.Uint32(src[4*x:])
			a8 := min(uint32(clamp8(a*255)), v>>24)
			v = v&0xffffff | a8<<24
			if a8 == 0 {
				v = 0
			}
			binary.LittleEndian.PutUint32(dst[4*x:], v)
		}
		return
	}
	var bgRow []uint8
	if c.bg != nil {
		bgRow = c.bg.Pix[y*c.bg.Stride+4*x0:][:4*(x1-x0)]
	}
	for x, a := range al {
		a = min(clamp01(a), float32(src[4*x+3])/255)
		br, bgc, bb, ba := float32(c.color.R), float32(c.color.G), float32(c.color.B), float32(c.color.A)/255
		i := 4 * x
		if bgRow != nil {
			br, bgc, bb, ba = float32(bgRow[i]), float32(bgRow[i+1]), float32(bgRow[i+2]), float32(bgRow[i+3])/255
		}
		// Porter-Duff "over" in straight alpha.
		oa := a + ba*(1-a) // αo = αf + αb(1−αf)
		if oa <= 0 {
			dst[i], dst[i+1], dst[i+2], dst[i+3] = 0, 0, 0, 0
			continue
		}
		k := ba * (1 - a)
		dst[i] = clamp8((float32(src[i])*a + br*k) / oa) // Co = (Cf αf + Cb αb(1−αf)) / αo
		dst[i+1] = clamp8((float32(src[i+1])*a + bgc*k) / oa)
		dst[i+2] = clamp8((float32(src[i+2])*a + bb*k) / oa)
		dst[i+3] = clamp8(oa * 255)
	}
}

// clamp8 rounds v to the nearest byte, clamping to [0, 255]; NaN gives 0.
func clamp8(v float32) uint8 {
	v += 0.5
	if !(v > 0) {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

// Gray returns the matte as an 8-bit grey image (0 transparent, 255
// opaque), rounding to nearest.
func (m *Matte) Gray() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, m.W, m.H))
	parallel.Rows(m.H, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := m.Pix[y*m.W : (y+1)*m.W]
			dst := g.Pix[y*g.Stride : y*g.Stride+m.W]
			for x, v := range row {
				dst[x] = clamp8(v * 255)
			}
		}
	})
	return g
}

// Gray returns the trimap as a grey image (0, 128, 255), the form trimap
// files take.
func (t *Trimap) Gray() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, t.W, t.H))
	copy(g.Pix, t.Pix)
	return g
}

// TrimapFromImage reads a trimap from a decoded image (black, grey,
// white; see Label), using the green channel.
func TrimapFromImage(img *image.NRGBA) *Trimap {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	t := &Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
			for x := 0; x < w; x++ {
				t.Pix[y*w+x] = Label(row[4*x+1])
			}
		}
	})
	return t
}
