package refine

import (
	"image"
	"image/draw"
	_ "image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// portraitsDir finds the shared evaluation set: ../shared/testdata/portraits
// relative to the module root (the directory holding go.mod). It returns ""
// when it is absent.
func portraitsDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "testdata", "portraits")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// needPortraits returns the evaluation set directory or skips.
func needPortraits(tb testing.TB) string {
	tb.Helper()
	d := portraitsDir()
	if d == "" {
		tb.Skip("shared evaluation set ../shared/testdata/portraits not found (it is not part of the repository)")
	}
	return d
}

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
	dir := needPortraits(tb)
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

// writeMattePNG is a debugging aid for failing tests.
func writeMattePNG(tb testing.TB, path string, m *Matte) {
	g := image.NewGray(image.Rect(0, 0, m.W, m.H))
	for i, v := range m.Pix {
		g.Pix[i] = uint8(clamp01(v)*255 + 0.5)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, g); err != nil {
		tb.Fatal(err)
	}
}
