package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"time"

	"cutout/inference"
	"cutout/inference/imageio"
	"cutout/refine"
	"cutout/refine/parallel"
)

// Segmenter is what the pipeline needs from a model session;
// *inference.Session implements it.
type Segmenter interface {
	SegmentTimed(ctx context.Context, img *image.NRGBA) (*refine.Matte, inference.Timings, error)
	Device() string
}

var _ Segmenter = (*inference.Session)(nil)

// Options configures Cutout. The zero value, and nil, segment, build an
// automatic trimap and refine.
type Options struct {
	// NoRefine keeps the model's matte as the alpha and the photo's own
	// colours as the foreground.
	NoRefine bool
	// Trimap, if set, is the user's trimap (same size as the image); the
	// model still runs, but only to report its raw matte.
	Trimap *refine.Trimap
	// TrimapOptions tunes the automatic trimap.
	TrimapOptions *refine.TrimapOptions
	// Refine tunes matting and foreground estimation.
	Refine *refine.Options
}

// Timings splits the time of one image by stage.
type Timings struct {
	Decode, Preprocess, Model, Postprocess, Trimap, Refine, Compose, Encode time.Duration
}

// Total is the sum of all stages.
func (t Timings) Total() time.Duration {
	return t.Decode + t.Preprocess + t.Model + t.Postprocess + t.Trimap + t.Refine + t.Compose + t.Encode
}

// Result is what Cutout produced for one image.
type Result struct {
	Raw        *refine.Matte  // the model's matte at source size
	Trimap     *refine.Trimap // the trimap matting used (nil with NoRefine)
	Alpha      *refine.Matte  // final alpha
	Foreground *image.NRGBA   // colours to composite (estimated, or the photo)
	Stats      refine.Stats   // matting statistics (zero with NoRefine)
	Timings    Timings
	// Warning is set when matting stopped short of its tolerance (the
	// result is still the best the solver reached).
	Warning string
}

// Cutout segments img and refines its matte. It does not modify img.
func Cutout(ctx context.Context, seg Segmenter, img *image.NRGBA, opt *Options) (*Result, error) {
	if opt == nil {
		opt = &Options{}
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if opt.Trimap != nil && (opt.Trimap.W != w || opt.Trimap.H != h) {
		return nil, fmt.Errorf("pipeline: trimap is %dx%d but the image is %dx%d", opt.Trimap.W, opt.Trimap.H, w, h)
	}
	raw, it, err := seg.SegmentTimed(ctx, img)
	if err != nil {
		return nil, err
	}
	r := &Result{Raw: raw}
	r.Timings.Preprocess, r.Timings.Model, r.Timings.Postprocess = it.Preprocess, it.Model, it.Postprocess
	if opt.NoRefine {
		r.Alpha, r.Foreground = raw, img
		return r, nil
	}
	t0 := time.Now()
	var ro refine.Options
	if opt.Refine != nil {
		ro = *opt.Refine
	}
	r.Trimap = opt.Trimap
	if r.Trimap == nil {
		r.Trimap = refine.AutoTrimap(raw, opt.TrimapOptions)
		// With an automatic trimap the segmentation also serves as a
		// prior where it says background; a user's trimap stands alone.
		if ro.Prior == nil {
			ro.Prior = raw
		}
	}
	t1 := time.Now()
	res, err := refine.Refine(ctx, img, r.Trimap, &ro)
	var se *refine.SolveError
	if errors.As(err, &se) && res != nil {
		r.Warning = se.Error()
	} else if err != nil {
		return nil, err
	}
	r.Alpha, r.Foreground, r.Stats = res.Alpha, res.Foreground, res.Stats
	r.Timings.Trimap, r.Timings.Refine = t1.Sub(t0), time.Since(t1)
	return r, nil
}

// Background says what a cutout is composited onto.
type Background struct {
	// Color, when its alpha is non-zero, fills behind the subject; the
	// result is opaque where Color is.
	Color color.NRGBA
	// Image, when set, is stretched to cover the photo (cropped to keep
	// its aspect ratio, centred) and placed behind the subject.
	Image *image.NRGBA
}

// Compose renders the final picture: the subject over bg, or over
// transparency when bg is the zero Background. The output is straight
// (non-premultiplied) RGBA; wherever alpha is 0 the colour is 0 too, so no
// trace of the old background survives. It materialises NewComposite.
func Compose(fg *image.NRGBA, alpha *refine.Matte, bg Background) *image.NRGBA {
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
// returns, without holding the whole result: imageio.EncodePNG encodes it
// straight from the foreground and the matte (it implements
// imageio.NRGBARower). It is safe for concurrent use.
type Composite struct {
	fg    *image.NRGBA
	alpha *refine.Matte
	bg    *image.NRGBA // background image at the matte's size, or nil
	color color.NRGBA  // flat background when bg is nil
}

var _ imageio.NRGBARower = (*Composite)(nil)

// NewComposite returns the picture Compose renders. fg and alpha must
// have the same size (it panics otherwise, a programmer error). A
// background image is scaled to cover the picture here, once.
func NewComposite(fg *image.NRGBA, alpha *refine.Matte, bg Background) *Composite {
	if fg.Rect.Dx() != alpha.W || fg.Rect.Dy() != alpha.H {
		panic(fmt.Sprintf("pipeline: foreground is %dx%d, alpha is %dx%d", fg.Rect.Dx(), fg.Rect.Dy(), alpha.W, alpha.H))
	}
	c := &Composite{fg: fg, alpha: alpha}
	switch {
	case bg.Image != nil:
		c.bg = cover(bg.Image, alpha.W, alpha.H)
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
			a8 := uint32(clamp8(a * 255))
			v := binary.LittleEndian.Uint32(src[4*x:])&0xffffff | a8<<24
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
		a = min(max(a, 0), 1)
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

func clamp8(v float32) uint8 {
	v += 0.5
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

// cover scales img to fill w×h, cropping the overflow symmetrically.
func cover(img *image.NRGBA, w, h int) *image.NRGBA {
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	if sw == 0 || sh == 0 || w == 0 || h == 0 {
		return out
	}
	scale := max(float64(w)/float64(sw), float64(h)/float64(sh))
	ox := (float64(sw)*scale - float64(w)) / 2
	oy := (float64(sh)*scale - float64(h)) / 2
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy := int((float64(y) + 0.5 + oy) / scale)
			sy = min(max(sy, 0), sh-1)
			row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+sy):]
			dst := out.Pix[y*out.Stride:]
			for x := 0; x < w; x++ {
				sx := int((float64(x) + 0.5 + ox) / scale)
				sx = min(max(sx, 0), sw-1)
				copy(dst[4*x:4*x+4], row[4*sx:4*sx+4])
			}
		}
	})
	return out
}

// MatteImage converts a matte to an 8-bit grey image (0 transparent,
// 255 opaque), rounding to nearest.
func MatteImage(m *refine.Matte) *image.Gray {
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

// TrimapImage converts a trimap to a grey image (0, 128, 255).
func TrimapImage(t *refine.Trimap) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, t.W, t.H))
	copy(g.Pix, t.Pix)
	return g
}

// TrimapFromImage reads a user trimap from a decoded image (black, grey,
// white; see refine.Label), using the green channel.
func TrimapFromImage(img *image.NRGBA) *refine.Trimap {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	t := &refine.Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
			for x := 0; x < w; x++ {
				t.Pix[y*w+x] = refine.Label(row[4*x+1])
			}
		}
	})
	return t
}
