package refine

import (
	"cutout/assets/evalset"

	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func decodeFile(tb testing.TB, path string) image.Image {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatalf("decode %s: %v", path, err)
	}
	return img
}

func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// greyMatte reads the red channel of a grey PNG as a matte in [0,1].
func greyMatte(img image.Image) *Matte {
	n := toNRGBA(img)
	m := NewMatte(n.Rect.Dx(), n.Rect.Dy())
	for i := range m.Pix {
		m.Pix[i] = float32(n.Pix[4*i]) / 255
	}
	return m
}

func greyTrimap(img image.Image) *Trimap {
	n := toNRGBA(img)
	t := &Trimap{W: n.Rect.Dx(), H: n.Rect.Dy(), Pix: make([]uint8, n.Rect.Dx()*n.Rect.Dy())}
	for i := range t.Pix {
		t.Pix[i] = Label(n.Pix[4*i])
	}
	return t
}

// gtCase is one alphamatting.com pair of the evaluation set.
type gtCase struct {
	name  string
	img   *image.NRGBA
	alpha *Matte
	tri   *Trimap
}

var (
	gtOnce  sync.Once
	gtCases []gtCase
)

// gtNames are the evaluation pairs with true alpha and a user trimap.
var gtNames = []string{"am-gt03", "am-gt08", "am-gt15"}

// loadGT decodes the three alpha pairs once, or skips.
func loadGT(tb testing.TB) []gtCase {
	tb.Helper()
	dir := evalset.Portraits(tb)
	gtOnce.Do(func() {
		for _, n := range gtNames {
			gtCases = append(gtCases, gtCase{
				name:  n,
				img:   toNRGBA(decodeFile(tb, filepath.Join(dir, n+".png"))),
				alpha: greyMatte(decodeFile(tb, filepath.Join(dir, n+".alpha.png"))),
				tri:   greyTrimap(decodeFile(tb, filepath.Join(dir, n+".trimap.png"))),
			})
		}
	})
	return gtCases
}

// synthetic is a composite with a known alpha: a textured foreground disc
// with a soft rim and thin semi-transparent strands over a textured
// background.
type synthetic struct {
	img    *image.NRGBA
	alpha  *Matte
	fg, bg []float32 // true layer colours, 3 per pixel in [0,1]
	tri    *Trimap
}

// newSynthetic builds a w×h composite. The trimap marks as Unknown every
// pixel within two pixels of a soft one.
func newSynthetic(w, h int) *synthetic {
	s := &synthetic{img: image.NewNRGBA(image.Rect(0, 0, w, h)), alpha: NewMatte(w, h),
		fg: make([]float32, 3*w*h), bg: make([]float32, 3*w*h)}
	cx, cy := float64(w)*0.45, float64(h)*0.55
	rad := float64(min(w, h)) * 0.3
	for y := range h {
		for x := range w {
			i := y*w + x
			fx, fy := float64(x), float64(y)
			d := math.Hypot(fx-cx, fy-cy)
			// Soft rim: alpha falls from 1 to 0 over 6 pixels.
			a := math.Min(1, math.Max(0, (rad+3-d)/6))
			// Strands: thin rays of alpha 0.55 leaving the disc.
			if d > rad && d < rad*1.6 {
				ang := math.Atan2(fy-cy, fx-cx)
				for k := range 7 {
					ra := -2.6 + 0.35*float64(k) + 0.04*math.Sin(d/9)
					if dist := math.Abs(math.Sin(ang-ra)) * d; dist < 1.2 && math.Cos(ang-ra) > 0 {
						a = math.Max(a, 0.55*(1-dist/1.2))
					}
				}
			}
			s.alpha.Pix[i] = float32(a)
			// Foreground: warm colours with a smooth texture.
			f := [3]float64{0.75 + 0.15*math.Sin(fx/7), 0.45 + 0.1*math.Cos(fy/5), 0.2 + 0.05*math.Sin((fx+fy)/11)}
			// Background: cool colours with a different texture.
			b := [3]float64{0.15 + 0.1*math.Sin(fy/13), 0.35 + 0.1*math.Sin(fx/17), 0.7 + 0.15*math.Cos((fx-fy)/19)}
			for c := range 3 {
				s.fg[3*i+c], s.bg[3*i+c] = float32(f[c]), float32(b[c])
				v := a*f[c] + (1-a)*b[c]
				s.img.Pix[4*i+c] = uint8(v*255 + 0.5)
			}
			s.img.Pix[4*i+3] = 255
		}
	}
	soft := make([]bool, w*h)
	for i, a := range s.alpha.Pix {
		soft[i] = a > 0 && a < 1
	}
	near := boxDilate(soft, w, h, 2)
	s.tri = &Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	for i, a := range s.alpha.Pix {
		switch {
		case near[i]:
			s.tri.Pix[i] = Unknown
		case a >= 1:
			s.tri.Pix[i] = Foreground
		default:
			s.tri.Pix[i] = Background
		}
	}
	return s
}

// sadOf is the alphamatting SAD over the whole image (the metrics
// package is not imported here to keep the dependency one-way).
func sadOf(a, b *Matte) float64 {
	var s float64
	for i := range a.Pix {
		s += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
	}
	return s / 1000
}

func imageRect(w, h int) image.Rectangle { return image.Rect(0, 0, w, h) }
