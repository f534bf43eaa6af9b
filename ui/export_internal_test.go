package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cutout/refine"
)

// gatedRefiner solves each run only when the test lets it (one value on
// next per run), or stops when the run is cancelled. Its result is
// recognisable: alpha 0.5 in the unknown band and a green foreground.
type gatedRefiner struct {
	modelRefiner // the automatic guide
	started      chan struct{}
	next         chan struct{}
}

func newGatedRefiner() *gatedRefiner {
	return &gatedRefiner{started: make(chan struct{}, 16), next: make(chan struct{}, 16)}
}

var gatedGreen = color.NRGBA{R: 10, G: 200, B: 30, A: 255}

func (r *gatedRefiner) Refine(ctx context.Context, img *image.NRGBA, in refine.Input, progress func(RefineProgress)) (*RefineResult, error) {
	tri := in.Trimap
	r.started <- struct{}{}
	progress(RefineProgress{Stage: "alpha", Fraction: 0.3})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.next:
	}
	m := refine.NewMatte(tri.W, tri.H)
	for i := range m.Pix {
		m.Pix[i] = 0.5
	}
	fg := image.NewNRGBA(img.Rect)
	for i := 0; i < len(fg.Pix); i += 4 {
		fg.Pix[i], fg.Pix[i+1], fg.Pix[i+2], fg.Pix[i+3] = gatedGreen.R, gatedGreen.G, gatedGreen.B, 255
	}
	return &RefineResult{Alpha: m, Foreground: fg}, nil
}

// refinedDoc shows a w×h synthetic photo with its refined result.
func refinedDoc(t *testing.T, e *Editor, q *uiQueue, w, h int) *document {
	t.Helper()
	d := synthDoc(w, h)
	showDoc(e, d)
	e.ref.start(d)
	q.waitFor(t, "the result", 10*time.Second, func() bool { return d.fresh(e.edge) })
	return d
}

// fakeDeps segment with fakeSegmenter and refine with ref (nil: the
// model's matte is the result).
func fakeDeps(ref Refiner) Deps {
	deps := DefaultDeps(SegmenterOptions{})
	deps.OpenSegmenter = func(SegmenterOptions) (Segmenter, error) { return &fakeSegmenter{}, nil }
	deps.Refiner = ref
	return deps
}

func TestExportWaitsForRefinementWithProgressAndCancel(t *testing.T) {
	ref := newGatedRefiner()
	e, q := newTestEditor(t, fakeDeps(ref))
	d := synthDoc(200, 150)
	showDoc(e, d)
	e.ref.start(d)
	<-ref.started
	ref.next <- struct{}{}
	q.waitFor(t, "the first result", 10*time.Second, func() bool { return d.fresh(e.edge) })

	e.setTool(ToolForeground)
	e.setHardness(0.5)
	dragPath(e, []fyne.Position{{X: 20, Y: 20}, {X: 120, Y: 40}})
	dir := t.TempDir()
	out := filepath.Join(dir, "a.png")

	t.Run("cancel while refining writes nothing", func(t *testing.T) {
		var err error
		done := false
		e.exportDoc(d, out, exportOptions{}, false, func(e error) { done, err = true, e })
		if !strings.Contains(overlayTexts(e), "Refining the edges") {
			t.Fatalf("no progress while the export waits; dialogs:\n%s", overlayTexts(e))
		}
		<-ref.started
		q.waitFor(t, "progress", 10*time.Second, func() bool { return e.exports.bar != nil && e.exports.bar.Value > 0 })
		tapButton(t, e, "Cancel")
		if !done || err != errCancelled {
			t.Fatalf("cancel: done %v, err %v", done, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatal("a cancelled export wrote a file")
		}
	})
	t.Run("the export waits and writes the refinement of the current trimap", func(t *testing.T) {
		var err error
		done := false
		e.exportDoc(d, out, exportOptions{}, false, func(e error) { done, err = true, e })
		if d.fresh(e.edge) || done {
			t.Fatal("nothing to wait for")
		}
		ref.next <- struct{}{} // the refinement already running ends
		q.waitFor(t, "the export", 10*time.Second, func() bool { return done })
		if err != nil {
			t.Fatal(err)
		}
		got := readPNGFile(t, out).(*image.NRGBA)
		for i, lab := range d.ly.tri.Pix {
			px := got.Pix[4*i : 4*i+4]
			switch lab {
			case refine.Unknown: // the gated refiner's green at half alpha
				if px[3] != 128 || px[1] != gatedGreen.G {
					t.Fatalf("unknown pixel %d exported as %v, want the refinement's", i, px)
				}
			case refine.Foreground:
				if px[3] != 255 {
					t.Fatalf("foreground pixel %d exported with alpha %d", i, px[3])
				}
			}
		}
	})
}

// TestPreviewWhileRefinementIsPending: after an edit, until the new
// refinement arrives, the pixels the edit changed show the photo's own
// colours (and the model's alpha in the unknown band), never the stale
// refinement's; the others keep showing the refinement.
func TestPreviewWhileRefinementIsPending(t *testing.T) {
	ref := newGatedRefiner()
	e, q := newTestEditor(t, fakeDeps(ref))
	d := synthDoc(200, 150)
	showDoc(e, d)
	e.setViewMode(ViewWhite)
	e.ref.start(d)
	<-ref.started
	ref.next <- struct{}{}
	q.waitFor(t, "the first result", 10*time.Second, func() bool { return d.fresh(e.edge) })

	// Paint foreground over the background at the top left.
	e.setTool(ToolForeground)
	e.setHardness(1)
	e.setBrushSize(30)
	pts := dragPath(e, []fyne.Position{{X: 30, Y: 30}, {X: 200, Y: 40}})
	if d.fresh(e.edge) {
		t.Fatal("the stroke left the result fresh")
	}
	r := &e.canvas.r
	checked := 0
	for vy := 0; vy < r.buf.Rect.Dy(); vy += 3 {
		for vx := 0; vx < r.buf.Rect.Dx(); vx += 3 {
			sx, sy := r.colSrc[vx], r.rowSrc[vy]
			if sx < 0 || sy < 0 || r.zoom < d.ly.ps {
				continue
			}
			ti := int(sy)*d.w + int(sx)
			px := r.buf.Pix[vy*r.buf.Stride+vx*4:][:3]
			src := d.ly.src.Pix[int(sy)*d.ly.src.Stride+int(sx)*4:][:3]
			switch {
			case distToPath(vec{float64(sx) + 0.5, float64(sy) + 0.5}, pts) < 14 && d.ly.tri.Pix[ti] == refine.Foreground && d.ly.res.tri.Pix[ti] != refine.Foreground:
				checked++
				if px[0] != src[0] || px[1] != src[1] || px[2] != src[2] {
					t.Fatalf("edited pixel (%d,%d) shows %v, the photo has %v", sx, sy, px, src)
				}
			case d.ly.tri.Pix[ti] == refine.Unknown && d.ly.res.tri.Pix[ti] == refine.Unknown:
				if px[1] < 100 { // green, half over white
					t.Fatalf("unedited unknown pixel (%d,%d) shows %v, not the refinement", sx, sy, px)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d edited pixels were checked", checked)
	}
}

func TestExportSheetPathsAndFolders(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	home := t.TempDir()
	t.Setenv("HOME", home)
	photoDir := t.TempDir()
	photo := filepath.Join(photoDir, "portrait.png")
	if err := os.WriteFile(photo, mustRead(t, samplePhoto(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Open([]string{photo})
	d := e.cur
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.fresh(e.edge) })
	openFolder := e.app.Preferences().String(prefOpenFolder)

	export := func(t *testing.T, typed string) {
		t.Helper()
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		typeInto(t, e, targetEntry(t, e), typed)
		tapButton(t, e, "Export")
		q.waitFor(t, "the export", 20*time.Second, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })
		e.status.text.SetText("")
	}
	abs := filepath.Join(t.TempDir(), "typed", "x.png")
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("a typed absolute path", func(t *testing.T) {
		export(t, abs)
		if _, err := os.Stat(abs); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the next export starts in the export folder, the open folder is its own", func(t *testing.T) {
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		if got := targetEntry(t, e).Text; filepath.Dir(got) != filepath.Dir(abs) {
			t.Fatalf("the export sheet suggests %s, want a file in %s", got, filepath.Dir(abs))
		}
		closeDialogs(e)
		if got := e.app.Preferences().String(prefOpenFolder); got != openFolder {
			t.Fatalf("exporting changed the open folder to %q", got)
		}
	})
	t.Run("a name alone goes to the export folder", func(t *testing.T) {
		export(t, "y")
		if _, err := os.Stat(filepath.Join(filepath.Dir(abs), "y.png")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("~ is the home folder", func(t *testing.T) {
		export(t, "~/z.png")
		if _, err := os.Stat(filepath.Join(home, "z.png")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an existing file is replaced only when the person says so", func(t *testing.T) {
		if err := os.WriteFile(abs, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		typeInto(t, e, targetEntry(t, e), abs)
		tapButton(t, e, "Export")
		if !strings.Contains(overlayTexts(e), "Replace x.png?") {
			t.Fatalf("no question before replacing; dialogs:\n%s", overlayTexts(e))
		}
		tapButton(t, e, "Cancel")
		if string(mustRead(t, abs)) != "keep me" {
			t.Fatal("the file was touched although the person said no")
		}
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		typeInto(t, e, targetEntry(t, e), abs)
		tapButton(t, e, "Export")
		tapButton(t, e, "Replace")
		q.waitFor(t, "the export", 20*time.Second, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })
		if _, ok := readPNGFile(t, abs).(*image.NRGBA); !ok {
			t.Fatal("the file was not replaced by the cutout")
		}
	})
	t.Run("a missing folder is said plainly", func(t *testing.T) {
		closeDialogs(e)
		press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
		typeInto(t, e, targetEntry(t, e), filepath.Join(home, "nope", "x.png"))
		tapButton(t, e, "Export")
		msg := overlayTexts(e)
		if !strings.Contains(msg, "There is no folder") || strings.Contains(msg, "ui:") || strings.Contains(strings.ToLower(msg), "ui: ") {
			t.Fatalf("the error reads:\n%s", msg)
		}
		closeDialogs(e)
	})
}

func TestExportAll(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	paths := photoFiles(t, 3)
	e.Open(paths)
	out := t.TempDir()
	existing := filepath.Join(out, "b.png")
	if err := os.WriteFile(existing, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, choice string) {
		t.Helper()
		press(e, fyne.KeyE, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
		typeInto(t, e, targetEntry(t, e), out)
		tapButton(t, e, "Export")
		if !strings.Contains(overlayTexts(e), "b.png") {
			t.Fatalf("no question about the existing file; dialogs:\n%s", overlayTexts(e))
		}
		tapButton(t, e, choice)
		q.waitFor(t, "export all", time.Minute, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })
	}
	t.Run("skip the existing files", func(t *testing.T) {
		run(t, "Skip them")
		for _, n := range []string{"a.png", "c.png"} {
			if _, ok := readPNGFile(t, filepath.Join(out, n)).(*image.NRGBA); !ok {
				t.Fatalf("%s is not a cutout", n)
			}
		}
		if string(mustRead(t, existing)) != "mine" {
			t.Fatal("the existing file was overwritten")
		}
		for _, d := range e.docs {
			if d.stateText() != "Exported" && d.path != paths[1] {
				t.Errorf("%s: filmstrip says %q after its export", d.name, d.stateText())
			}
		}
	})
	t.Run("replace them", func(t *testing.T) {
		e.status.text.SetText("")
		run(t, "Replace them")
		if _, ok := readPNGFile(t, existing).(*image.NRGBA); !ok {
			t.Fatal("the existing file was not replaced")
		}
	})
}

func TestExportAllCancel(t *testing.T) {
	ref := newGatedRefiner()
	e, q := newTestEditor(t, fakeDeps(ref))
	e.Open(photoFiles(t, 2))
	out := t.TempDir()
	press(e, fyne.KeyE, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
	typeInto(t, e, targetEntry(t, e), out)
	tapButton(t, e, "Export")
	q.waitFor(t, "a refinement to start", 20*time.Second, func() bool {
		select {
		case <-ref.started:
			return true
		default:
			return false
		}
	})
	if !strings.Contains(overlayTexts(e), "1 of 2") {
		t.Fatalf("no progress; dialogs:\n%s", overlayTexts(e))
	}
	tapButton(t, e, "Cancel")
	q.drain(100 * time.Millisecond)
	if names, _ := filepath.Glob(filepath.Join(out, "*")); len(names) != 0 {
		t.Fatalf("a cancelled Export All wrote %v", names)
	}
}

func TestExportDisabledUntilThereIsAMask(t *testing.T) {
	ref := newGatedRefiner()
	deps := fakeDeps(ref)
	gate := make(chan struct{})
	deps.OpenSegmenter = func(SegmenterOptions) (Segmenter, error) {
		<-gate
		return &fakeSegmenter{}, nil
	}
	e, q := newTestEditor(t, deps)
	if !e.ctl.export.Disabled() || !e.ctl.exportBar.Disabled() || !e.menu.export.Disabled {
		t.Fatal("Export is enabled with no photo")
	}
	e.Open([]string{samplePhoto(t)})
	d := e.cur
	q.waitFor(t, "the decode", 20*time.Second, func() bool { return d.live() })
	if !e.ctl.export.Disabled() || !e.menu.export.Disabled {
		t.Fatal("Export is enabled before the photo has a mask")
	}
	close(gate)
	q.waitFor(t, "the mask", 20*time.Second, func() bool { return d.editable() })
	if e.ctl.export.Disabled() || e.ctl.exportBar.Disabled() || e.menu.export.Disabled {
		t.Fatal("Export stays disabled once there is a mask")
	}
}

func TestBackgroundImagePreviewAndExport(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	d := refinedDoc(t, e, q, 300, 200)
	// A background image of another size and shape: blue left, yellow right.
	bg := image.NewNRGBA(image.Rect(0, 0, 90, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 90; x++ {
			c := color.NRGBA{B: 255, A: 255}
			if x >= 45 {
				c = color.NRGBA{R: 255, G: 255, A: 255}
			}
			bg.SetNRGBA(x, y, c)
		}
	}
	bgPath := filepath.Join(t.TempDir(), "beach.png")
	writePNGFile(t, bgPath, bg)
	e.loadBackdrop(bgPath, true) // what choosing it in the file dialog does
	q.waitFor(t, "the preview", 10*time.Second, func() bool { return d.ly.bgP != nil && e.style.mode == ViewBackground })
	if !strings.Contains(e.ctl.bgName.Text, "beach.png") {
		t.Fatalf("the panel says %q", e.ctl.bgName.Text)
	}
	// The corners are background: blue on the left, yellow on the right.
	r := &e.canvas.r
	corner := func(vx int) []uint8 {
		for vy := 0; vy < r.buf.Rect.Dy(); vy++ {
			if r.rowSrc[vy] >= 0 && r.colSrc[vx] >= 0 {
				return r.buf.Pix[vy*r.buf.Stride+vx*4:][:3]
			}
		}
		return nil
	}
	left, right := 0, r.buf.Rect.Dx()-1
	for r.colSrc[left] < 0 {
		left++
	}
	for r.colSrc[right] < 0 {
		right--
	}
	if c := corner(left); c[2] < 200 || c[0] > 60 {
		t.Fatalf("top-left corner shows %v, want the image's blue", c)
	}
	if c := corner(right); c[0] < 200 || c[2] > 60 {
		t.Fatalf("top-right corner shows %v, want the image's yellow", c)
	}
	// The export on the background is the project's compositor's.
	out := filepath.Join(t.TempDir(), "on-beach.png")
	done := false
	e.exportDoc(d, out, exportOptions{Kind: ExportOverBackground}, false, func(err error) {
		if err != nil {
			t.Error(err)
		}
		done = true
	})
	q.waitFor(t, "the export", 10*time.Second, func() bool { return done })
	want := refine.Compose(d.ly.res.colour, matteFrom8(d.ly.res.alpha, d.w, d.h), refine.Backdrop{Image: e.bg.img})
	got := readPNGFile(t, out).(*image.NRGBA)
	if string(got.Pix) != string(want.Pix) {
		t.Fatal("the export over the image differs from the compositor's")
	}
}

func TestEdgeControlsApplyLive(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	d := refinedDoc(t, e, q, 200, 150)
	count := func() (opaque, soft int) {
		for _, a := range d.ly.res.alpha {
			switch {
			case a == 255:
				opaque++
			case a > 0:
				soft++
			}
		}
		return
	}
	o0, s0 := count()
	t.Run("shift edge with the arrow keys", func(t *testing.T) {
		click(e, e.ctl.shift)
		v := e.ctl.shift.Value
		for i := 0; i < 3; i++ {
			press(e, fyne.KeyRight, 0, 0)
		}
		if e.ctl.shift.Value != v+3 {
			t.Fatalf("the slider is at %v", e.ctl.shift.Value)
		}
		q.waitFor(t, "the shifted result", 10*time.Second, func() bool { return d.fresh(e.edge) && d.ly.res.edge.Shift == v+3 })
		if o, _ := count(); o <= o0 {
			t.Fatalf("expanding the edge by 3 px left %d opaque pixels (was %d)", o, o0)
		}
		if !strings.HasPrefix(e.ctl.shiftLabel.Text, "+") {
			t.Fatalf("the shift reads %q", e.ctl.shiftLabel.Text)
		}
		e.ctl.shift.SetValue(0)
	})
	t.Run("feather", func(t *testing.T) {
		click(e, e.ctl.feather)
		q.waitFor(t, "the feathered result", 10*time.Second, func() bool { return d.fresh(e.edge) && d.ly.res.edge.Feather > 0 })
		if _, s := count(); s <= s0 {
			t.Fatalf("feathering left %d soft pixels (was %d)", s, s0)
		}
	})
	t.Run("contrast hardens the soft edge", func(t *testing.T) {
		e.ctl.feather.SetValue(0)
		click(e, e.ctl.contrast)
		for range 10 {
			press(e, fyne.KeyRight, 0, 0)
		}
		want := e.ctl.contrast.Value
		if want <= 50 || e.ctl.contrastLabel.Text != fmt.Sprintf("%.0f%%", want) {
			t.Fatalf("the contrast slider is at %v and reads %q", want, e.ctl.contrastLabel.Text)
		}
		q.waitFor(t, "the hardened result", 10*time.Second, func() bool { return d.fresh(e.edge) && d.ly.res.edge.Contrast == want })
		if _, s := count(); s >= s0 {
			t.Fatalf("contrast %v%% left %d soft pixels (was %d)", want, s, s0)
		}
		e.ctl.contrast.SetValue(0)
	})
	t.Run("smooth keeps the edge hard", func(t *testing.T) {
		click(e, e.ctl.smooth)
		press(e, fyne.KeyRight, 0, 0)
		press(e, fyne.KeyRight, 0, 0)
		q.waitFor(t, "the smoothed result", 10*time.Second, func() bool { return d.fresh(e.edge) && d.ly.res.edge.Smooth > 0 })
		if _, s := count(); s > s0 {
			t.Fatalf("smoothing left %d soft pixels (was %d): it softened the edge", s, s0)
		}
		e.ctl.smooth.SetValue(0)
	})
	t.Run("decontamination off shows the photo's colours", func(t *testing.T) {
		test.Tap(e.ctl.decontaminate)
		q.waitFor(t, "the result", 10*time.Second, func() bool { return d.fresh(e.edge) && !d.ly.res.edge.Decontaminate })
		if d.ly.res.colour != d.ly.src {
			t.Fatal("without decontamination the colours are not the photo's")
		}
	})
}

// TestHairBandWidensTheAutomaticBand: the hair band slider is the
// command line's --band: a wider band makes more of the hair unknown, the
// photo's edits are kept, and the matting runs on the new trimap.
func TestHairBandWidensTheAutomaticBand(t *testing.T) {
	e, q := newTestEditor(t, realDeps(t))
	d := openAndSegment(t, e, q, samplePhoto(t))
	unknown := func(tri *refine.Trimap) int {
		n := 0
		for _, l := range tri.Pix {
			if l == refine.Unknown {
				n++
			}
		}
		return n
	}
	u0 := unknown(d.auto)
	e.setTool(ToolBackground)
	e.setHardness(1)
	e.canvas.ensureBuffer()
	x, y := foregroundSpot(t, d.ly.tri, 10)
	pre := d.ly.tri.Clone()
	dragPath(e, []fyne.Position{viewPos(e, x-8, y), viewPos(e, x+8, y)})
	stroked := d.ly.tri.Clone()
	click(e, e.ctl.band)
	for range 7 {
		press(e, fyne.KeyRight, 0, 0)
	}
	v := e.ctl.band.Value
	if v < 2 || e.ctl.bandLabel.Text != fmt.Sprintf("%.1f%%", v) || math.Abs(e.band-v/100) > 1e-9 {
		t.Fatalf("the band slider is at %v and reads %q (band %v)", v, e.ctl.bandLabel.Text, e.band)
	}
	q.waitFor(t, "the new guide and its matte", 2*time.Minute, func() bool { return d.guideBand == e.band && d.fresh(e.edge) })
	if u := unknown(d.auto); u <= u0 {
		t.Fatalf("a %.1f%% band leaves %d unknown pixels, the default %d", v, u, u0)
	}
	if len(d.hist.undo) != 1 {
		t.Fatalf("the photo has %d edits after the band changed, want its 1 stroke", len(d.hist.undo))
	}
	painted := 0
	for i, l := range stroked.Pix {
		if l == refine.Background && pre.Pix[i] != refine.Background {
			painted++
			if d.ly.tri.Pix[i] != refine.Background {
				t.Fatal("the stroke was lost when the band changed")
			}
		}
	}
	if painted == 0 {
		t.Fatal("the stroke painted nothing")
	}
}
