package ui

import (
	"cutout/assets/evalset"

	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cutout/assets"
	"cutout/inference"
	"cutout/refine"
)

var update = flag.Bool("update", false, "rewrite golden images in testdata")

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "inference shutdown:", err)
		code = 1
	}
	os.Exit(code)
}

// uiQueue stands in for fyne.Do: workers post closures, and the test
// goroutine runs them while it waits, so UI state has one owner.
type uiQueue struct{ ch chan func() }

func newUIQueue() *uiQueue { return &uiQueue{ch: make(chan func(), 4096)} }

func (q *uiQueue) post(fn func()) { q.ch <- fn }

// waitFor runs posted closures until cond holds, failing after timeout.
// cond is checked after each closure and every few milliseconds.
func (q *uiQueue) waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case fn := <-q.ch:
			fn()
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// drain runs what is queued now and whatever arrives within d.
func (q *uiQueue) drain(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case fn := <-q.ch:
			fn()
		case <-end:
			return
		}
	}
}

// newTestEditor builds an editor on a test app with its UI calls routed
// through a queue the test pumps.
func newTestEditor(t testing.TB, deps Deps) (*Editor, *uiQueue) {
	t.Helper()
	a := test.NewTempApp(t)
	if deps.CacheDir == "" {
		deps.CacheDir = t.TempDir()
	}
	e := New(a, deps)
	q := newUIQueue()
	e.post = q.post
	e.win.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(e.Close)
	return e, q
}

// realDeps wires the real model, failing the test when its assets are
// missing (make assets installs them). $CUTOUT_UI_MODEL picks the model
// ("medium" by default, or "small").
func realDeps(t testing.TB) Deps {
	t.Helper()
	opt := SegmenterOptions{Model: os.Getenv("CUTOUT_UI_MODEL")}
	s, err := openSession(opt)
	if err != nil {
		t.Fatalf("the segmentation model is needed (run `make assets`): %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return DefaultDeps(opt)
}

// samplePhoto writes the bundled sample portrait into a temporary folder.
func samplePhoto(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), assets.SampleName)
	if err := os.WriteFile(p, assets.SamplePNG(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// assertGolden compares img with testdata/<name>, allowing tol per
// channel; on a mismatch or a missing master it writes the actual image
// to testdata/failed/<name>. -update rewrites the master.
func assertGolden(t *testing.T, name string, img image.Image, tol int) {
	t.Helper()
	master := filepath.Join("testdata", name)
	if *update {
		writePNGFile(t, master, img)
		return
	}
	fail := func(format string, args ...any) {
		t.Helper()
		out := filepath.Join("testdata", "failed", name)
		writePNGFile(t, out, img)
		t.Errorf("%s: "+format+" (actual image written to %s)", append([]any{name}, append(args, out)...)...)
	}
	f, err := os.Open(master)
	if err != nil {
		fail("no master: %v", err)
		return
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if want.Bounds().Size() != img.Bounds().Size() {
		fail("size %v, master %v", img.Bounds().Size(), want.Bounds().Size())
		return
	}
	b, wb := img.Bounds(), want.Bounds()
	worst := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			w := color.NRGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(g.R) - int(w.R), int(g.G) - int(w.G), int(g.B) - int(w.B), int(g.A) - int(w.A)} {
				worst = max(worst, abs(d))
			}
		}
	}
	if worst > tol {
		fail("differs from the master by up to %d per channel (tolerance %d)", worst, tol)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func writePNGFile(t testing.TB, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readPNGFile(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// synthDoc builds a w×h document with a deterministic photo (colour
// gradients), a disc-shaped subject in the trimap and a radial matte.
func synthDoc(w, h int) *document {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := y*img.Stride + 4*x
			img.Pix[o] = uint8(x * 255 / max(w-1, 1))
			img.Pix[o+1] = uint8(y * 255 / max(h-1, 1))
			img.Pix[o+2] = uint8((x + y) % 256)
			img.Pix[o+3] = 255
		}
	}
	m := refine.NewMatte(w, h)
	tri := refine.NewTrimap(w, h)
	cx, cy, r := float64(w)/2, float64(h)/2, float64(min(w, h))/3
	band := float64(min(w, h)) / 10
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			i := y*w + x
			m.Pix[i] = float32(clampF((r+band/2-d)/band, 0, 1))
			switch {
			case d < r-band/2:
				tri.Pix[i] = refine.Foreground
			case d > r+band/2:
				tri.Pix[i] = refine.Background
			}
		}
	}
	pw, ph, ps := proxySize(w, h)
	p := &loadedPhoto{img: img, prx: proxyNRGBA(img, pw, ph), pw: pw, ph: ph, ps: ps, hash: "synthetic"}
	d := newDocument("synthetic.png")
	d.photo = p
	d.setPhoto(p)
	g := &refine.Guide{Trimap: tri, Prior: m, Weight: refine.NewMatte(w, h)}
	d.setSegmentation(m, proxyMatte(m, pw, ph), g)
	d.loading = false
	return d
}

func repoRoot(t testing.TB) string { return evalset.RootT(t) }

func portraitsDir(t testing.TB) string { return evalset.Portraits(t) }
