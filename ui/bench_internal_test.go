package ui

import (
	"bufio"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/disintegration/imaging"

	"cutout/assets"
)

// benchDocs caches synthetic documents across benchmark runs.
var benchDocs sync.Map

func benchDoc(w, h int) *document {
	key := [2]int{w, h}
	if d, ok := benchDocs.Load(key); ok {
		return d.(*document)
	}
	d := synthDoc(w, h)
	benchDocs.Store(key, d)
	return d
}

// benchEditor shows a synthetic w×h document in a 1600×1000 test window.
func benchEditor(b *testing.B, w, h int) *Editor {
	e, _ := newTestEditor(b, Deps{})
	e.win.Resize(fyne.NewSize(1600, 1000))
	d := benchDoc(w, h)
	d.hist = history{}
	e.docs = []*document{d}
	e.cur = d
	e.canvas.setLayers(&d.ly, true)
	e.canvas.ensureBuffer()
	e.hardness = 0.8
	e.setTool(ToolForeground)
	return e
}

// benchmarkBrushDrag measures one drag event: painting the stroke segment
// into the full-resolution trimap, recording undo tiles and recompositing
// the viewport pixels it touched.
func benchmarkBrushDrag(b *testing.B, w, h int, zoom float64, size float64) {
	e := benchEditor(b, w, h)
	c := e.canvas
	if zoom > 0 {
		c.zoomCentre(zoom)
	}
	e.setBrushSize(size)
	vw, vh := float32(c.Size().Width), float32(c.Size().Height)
	pos := fyne.NewPos(vw*0.2, vh*0.3)
	step := fyne.Delta{DX: 9, DY: 3}
	c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: step})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pos = pos.Add(step)
		if pos.X > vw*0.8 {
			pos.X = vw * 0.2
			step.DY = -step.DY
		}
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: step})
	}
	b.StopTimer()
	c.DragEnd()
}

// BenchmarkBrushDrag24MP: a 6000×4000 photo fitted to a 1600×1000 canvas,
// 100 px brush.
func BenchmarkBrushDrag24MP(b *testing.B) { benchmarkBrushDrag(b, 6000, 4000, 0, 100) }

// BenchmarkBrushDrag24MPActualPixels: the same photo at 100%, 100 px brush.
func BenchmarkBrushDrag24MPActualPixels(b *testing.B) { benchmarkBrushDrag(b, 6000, 4000, 1, 100) }

// BenchmarkBrushDrag24MPBigBrush: fitted, 600 px brush.
func BenchmarkBrushDrag24MPBigBrush(b *testing.B) { benchmarkBrushDrag(b, 6000, 4000, 0, 600) }

// BenchmarkRenderViewport24MP recomposites a whole 1600×1000 viewport
// (what zoom, pan and view-mode changes cost).
func BenchmarkRenderViewport24MP(b *testing.B) {
	e := benchEditor(b, 6000, 4000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.canvas.r.renderAll()
	}
}

// photoJPEG writes a w×h JPEG made by scaling the sample portrait up:
// with ImageMagick when it is installed, so that making the test photo does
// not count in this process's peak memory.
func photoJPEG(tb testing.TB, w, h int) string {
	tb.Helper()
	if conv, err := exec.LookPath("convert"); err == nil {
		in := samplePhoto(tb)
		out := filepath.Join(tb.TempDir(), strconv.Itoa(w)+"x"+strconv.Itoa(h)+".jpg")
		size := strconv.Itoa(w) + "x" + strconv.Itoa(h) + "!"
		if b, err := exec.Command(conv, in, "-resize", size, "-quality", "90", out).CombinedOutput(); err == nil {
			return out
		} else {
			tb.Logf("convert failed, encoding in process: %v %s", err, b)
		}
	}
	src, err := imaging.Decode(strings.NewReader(string(assets.SamplePNG())))
	if err != nil {
		tb.Fatal(err)
	}
	big := imaging.Resize(src, w, h, imaging.Linear)
	p := filepath.Join(tb.TempDir(), strconv.Itoa(w)+"x"+strconv.Itoa(h)+".jpg")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	if err := jpeg.Encode(bw, big, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkOpen12MP measures what happens before the model runs when a
// 4000×3000 JPEG is opened: decode, file hash and display proxy.
func BenchmarkOpen12MP(b *testing.B) {
	p := photoJPEG(b, 4000, 3000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := loadPhoto(p, decodeFile); err != nil {
			b.Fatal(err)
		}
	}
}

// vmHWM reads the process's peak resident set size in bytes.
func vmHWM(tb testing.TB) int64 {
	tb.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Skip("no VmHWM in /proc/self/status")
	return 0
}

// TestMemory24MP opens a 24 MP photo in the editor, segments it with the
// real model and refines it, then checks the peak RSS against 1.5 GB. It
// takes a while on two cores, so it runs on demand: CUTOUT_UI_MEASURE=1.
// Run it alone (-run TestMemory24MP) so other tests do not raise the peak.
func TestMemory24MP(t *testing.T) {
	if os.Getenv("CUTOUT_UI_MEASURE") == "" {
		t.Skip("set CUTOUT_UI_MEASURE=1 to measure memory with a 24 MP photo")
	}
	p := photoJPEG(t, 6000, 4000)
	e, q := newTestEditor(t, realDeps(t))
	t.Logf("before opening: peak RSS %.0f MiB", float64(vmHWM(t))/(1<<20))
	t0 := time.Now()
	e.Open([]string{p})
	d := e.cur
	q.waitFor(t, "decode", time.Minute, func() bool { return d.photo != nil || d.loadErr != nil })
	t1 := time.Now()
	t.Logf("after decode: peak RSS %.0f MiB", float64(vmHWM(t))/(1<<20))
	q.waitFor(t, "segmentation", 5*time.Minute, func() bool { return d.segmented() || d.loadErr != nil })
	t2 := time.Now()
	if d.loadErr != nil {
		t.Fatal(d.loadErr)
	}
	t.Logf("after segmentation: peak RSS %.0f MiB", float64(vmHWM(t))/(1<<20))
	q.waitFor(t, "refine", 10*time.Minute, func() bool { return d.refinedAt == d.version })
	t3 := time.Now()
	t.Logf("after refine: peak RSS %.0f MiB", float64(vmHWM(t))/(1<<20))
	// A stroke and its repaint, then export the cutout, as a user would.
	e.canvas.ensureBuffer()
	e.setTool(ToolBackground)
	dragPath(e, []fyne.Position{{X: 100, Y: 100}, {X: 300, Y: 200}})
	out := filepath.Join(t.TempDir(), "out.png")
	done := false
	e.exportTo(d, out, exportOptions{Kind: ExportCutout}, true, func(error) { done = true })
	q.waitFor(t, "export", 5*time.Minute, func() bool { return done })
	peak := vmHWM(t)
	t.Logf("24 MP: open %v, segment %v, refine %v; peak RSS %.0f MiB", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), float64(peak)/(1<<20))
	if peak > 1500<<20 {
		t.Errorf("peak RSS %.0f MiB exceeds 1.5 GB", float64(peak)/(1<<20))
	}
}

// TestOpenToOverlay12MP times a 12 MP JPEG from the drop to the overlay
// (decode, then the model). On demand: CUTOUT_UI_MEASURE=1.
func TestOpenToOverlay12MP(t *testing.T) {
	if os.Getenv("CUTOUT_UI_MEASURE") == "" {
		t.Skip("set CUTOUT_UI_MEASURE=1 to time opening a 12 MP photo")
	}
	p := photoJPEG(t, 4000, 3000)
	e, q := newTestEditor(t, realDeps(t))
	// Load the model first, as a running editor has.
	e.Start(nil)
	q.waitFor(t, "the sample", 2*time.Minute, func() bool { return e.cur != nil && e.cur.segmented() })
	t0 := time.Now()
	e.Open([]string{p})
	d := e.cur
	q.waitFor(t, "decode", time.Minute, func() bool { return d.photo != nil || d.loadErr != nil })
	t1 := time.Now()
	q.waitFor(t, "overlay", 5*time.Minute, func() bool { return d.segmented() || d.loadErr != nil })
	t2 := time.Now()
	if d.loadErr != nil {
		t.Fatal(d.loadErr)
	}
	t.Logf("12 MP JPEG: decode+hash+proxy %v, model %v, open to overlay %v (device %s)", t1.Sub(t0), t2.Sub(t1), t2.Sub(t0), e.device)
	if dec := t1.Sub(t0); dec > time.Second {
		t.Errorf("decoding took %v, target ≤ 1 s", dec)
	}
}
