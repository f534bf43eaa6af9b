package ui

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/disintegration/imaging"

	"cutout/assets"
	"cutout/assets/evalset"
	"cutout/inference"
	"cutout/refine"
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
	showDoc(e, d)
	e.setHardness(0.8)
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

// BenchmarkLoadPhoto12MP measures what happens before the model runs when a
// 4000×3000 JPEG is opened: decode, file hash and display proxy.
func BenchmarkLoadPhoto12MP(b *testing.B) {
	p := photoJPEG(b, 4000, 3000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := loadPhoto(p, decodeFile); err != nil {
			b.Fatal(err)
		}
	}
}

// timedSegmenter records the model's own time of each run (ONNX Runtime
// with its pre- and postprocessing), so benchmarks can report how long
// the editor adds on top of it.
type timedSegmenter struct {
	*inference.Session
	mu   sync.Mutex
	last inference.Timings
	load time.Duration // opening the session
}

func (s *timedSegmenter) Segment(ctx context.Context, img *image.NRGBA) (*refine.Matte, error) {
	m, t, err := s.SegmentTimed(ctx, img)
	s.mu.Lock()
	s.last = t
	s.mu.Unlock()
	return (*refine.Matte)(m), err
}

func (s *timedSegmenter) timings() inference.Timings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// timedDeps are the real collaborators with the segmenter wrapped in a
// timedSegmenter; seg returns the one opened last.
func timedDeps(b *testing.B) (Deps, func() *timedSegmenter) {
	deps := realDeps(b)
	var mu sync.Mutex
	var last *timedSegmenter
	deps.OpenSegmenter = func(o SegmenterOptions) (Segmenter, error) {
		t0 := time.Now()
		s, err := inference.Open(inference.Options{Model: o.Model, Device: o.Device, Threads: o.Threads, LibraryPath: o.LibraryPath})
		if err != nil {
			return nil, err
		}
		ts := &timedSegmenter{Session: s, load: time.Since(t0)}
		mu.Lock()
		last = ts
		mu.Unlock()
		return ts, nil
	}
	return deps, func() *timedSegmenter { mu.Lock(); defer mu.Unlock(); return last }
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// cliBinary builds the command line (without the editor) once.
func cliBinary(b *testing.B) string {
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cutout-cli")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "cutout")
		cmd := exec.Command("go", "build", "-tags", "nogui", "-o", cliPath, "./cmd/cutout")
		cmd.Dir = repoRoot(b)
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("go build ./cmd/cutout: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		b.Fatal(cliErr)
	}
	return cliPath
}

// cliSeconds runs `cutout remove` on photo in a fresh process and returns
// its wall time: starting, loading the model, decoding, segmenting,
// matting, encoding and writing, as a person running it waits.
func cliSeconds(b *testing.B, photo string) float64 {
	bin := cliBinary(b)
	out := b.TempDir()
	t0 := time.Now()
	if o, err := exec.Command(bin, "remove", "-q", "-o", out, photo).CombinedOutput(); err != nil {
		b.Fatalf("cutout remove: %v\n%s", err, o)
	}
	return time.Since(t0).Seconds()
}

// benchmarkOpenToCutout opens a w×h portrait JPEG in a new editor (the
// model not loaded yet, as when the editor starts with a photo) and
// reports the seconds from the open to the overlay (the model's mask on
// screen) and to the refined cutout; of that, the decoding (to the
// photo on screen), the model's loading and its own run (pre- and
// postprocessing included); and the command line's whole time for the
// same photo in the same run.
func benchmarkOpenToCutout(b *testing.B, w, h int) {
	data, _ := evalset.PortraitJPEG(b, w, h)
	photo := filepath.Join(b.TempDir(), "portrait.jpg")
	if err := os.WriteFile(photo, data, 0o644); err != nil {
		b.Fatal(err)
	}
	deps, seg := timedDeps(b)
	var overlay, refined, decode, load, model, cli float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, q := newTestEditor(b, deps)
		t0 := time.Now()
		e.Open([]string{photo})
		d := e.cur
		q.waitFor(b, "the photo", 10*time.Minute, func() bool { return d.live() || d.err != nil })
		decode += time.Since(t0).Seconds()
		q.waitFor(b, "the overlay", 10*time.Minute, func() bool { return d.editable() || d.err != nil })
		if d.err != nil {
			b.Fatal(d.err)
		}
		overlay += time.Since(t0).Seconds()
		q.waitFor(b, "the refined cutout", 10*time.Minute, func() bool { return d.fresh(e.edge) })
		refined += time.Since(t0).Seconds()
		t := seg().timings()
		model += (t.Preprocess + t.Model + t.Postprocess).Seconds()
		load += seg().load.Seconds()
		e.Close()
		b.StopTimer()
		cli += cliSeconds(b, photo)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(overlay/n, "overlay-s")
	b.ReportMetric(refined/n, "refined-s")
	b.ReportMetric(decode/n, "decode-s")
	b.ReportMetric(load/n, "load-s")
	b.ReportMetric(model/n, "model-s")
	b.ReportMetric(cli/n, "cli-s")
}

// BenchmarkOpenToCutout1MP: a 1280×800 portrait.
func BenchmarkOpenToCutout1MP(b *testing.B) { benchmarkOpenToCutout(b, 1280, 800) }

// BenchmarkOpenToCutout12MP: a 4000×3000 portrait.
func BenchmarkOpenToCutout12MP(b *testing.B) { benchmarkOpenToCutout(b, 4000, 3000) }

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

// resetPeakRSS starts a new peak RSS measurement (Linux: writing 5 to
// /proc/self/clear_refs resets VmHWM to the current RSS).
func resetPeakRSS(tb testing.TB) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		tb.Logf("cannot reset the peak RSS (%v): the figure includes what ran before", err)
	}
}

// BenchmarkMemory24MP opens a 6000×4000 photo in the editor, segments it
// with the real model, refines it, paints a stroke and exports the
// cutout, as a person would, and reports the process's peak resident
// memory over that (peak-MiB) and the time of each stage.
func BenchmarkMemory24MP(b *testing.B) {
	p := photoJPEG(b, 6000, 4000)
	deps := realDeps(b)
	var peak int64
	var open, seg, ref float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, q := newTestEditor(b, deps)
		runtime.GC()
		resetPeakRSS(b)
		t0 := time.Now()
		e.Open([]string{p})
		d := e.cur
		q.waitFor(b, "decode", 5*time.Minute, func() bool { return d.live() || d.err != nil })
		t1 := time.Now()
		q.waitFor(b, "segmentation", 10*time.Minute, func() bool { return d.editable() || d.err != nil })
		t2 := time.Now()
		if d.err != nil {
			b.Fatal(d.err)
		}
		q.waitFor(b, "refine", 10*time.Minute, func() bool { return d.fresh(e.edge) })
		t3 := time.Now()
		e.canvas.ensureBuffer()
		e.setTool(ToolBackground)
		dragPath(e, []fyne.Position{{X: 100, Y: 100}, {X: 300, Y: 200}})
		out := filepath.Join(b.TempDir(), "out.png")
		done := false
		e.exportDoc(d, out, exportOptions{Kind: ExportCutout}, true, func(error) { done = true })
		q.waitFor(b, "export", 10*time.Minute, func() bool { return done })
		peak = max(peak, vmHWM(b))
		open += t1.Sub(t0).Seconds()
		seg += t2.Sub(t1).Seconds()
		ref += t3.Sub(t2).Seconds()
		e.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(open/n, "decode-s")
	b.ReportMetric(seg/n, "segment-s")
	b.ReportMetric(ref/n, "refine-s")
}

// BenchmarkStrokeToRefined: a stroke on a real portrait (celebamaskhq-demo0
// scaled, or the sample without the evaluation set), from the pointer's
// press to the refined preview on screen, with the real model and
// matting: the editor updates the last solve where the stroke reached
// (incremental.go). Strokes alternate between the background and the
// foreground brush over the subject's edge, so each changes labels. It
// reports the seconds per stroke (stroke-s) and, for comparison, those
// of a full solve of the same trimap (full-s).
func BenchmarkStrokeToRefined(b *testing.B) {
	for _, c := range []struct {
		name string
		w, h int
	}{{"1MP", 1280, 800}, {"12MP", 4000, 3000}, {"24MP", 6000, 4000}} {
		b.Run(c.name, func(b *testing.B) {
			data, _ := evalset.PortraitJPEG(b, c.w, c.h)
			photo := filepath.Join(b.TempDir(), "portrait.jpg")
			if err := os.WriteFile(photo, data, 0o644); err != nil {
				b.Fatal(err)
			}
			deps := realDeps(b)
			e, q := newTestEditor(b, deps)
			e.Open([]string{photo})
			d := e.cur
			q.waitFor(b, "the refined cutout", 10*time.Minute, func() bool { return d.err != nil || d.fresh(e.edge) })
			if d.err != nil {
				b.Fatal(d.err)
			}
			e.setHardness(1)
			e.setBrushSize(0.02 * float64(min(d.w, d.h)))
			y := d.h / 2
			from, to := image.Pt(d.w*3/10, y), image.Pt(d.w*4/10, y+d.h/20)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.setTool([]Tool{ToolBackground, ToolForeground}[i%2])
				strokeThrough(e, from, to)
				q.waitFor(b, "the stroke's preview", 10*time.Minute, func() bool { return d.fresh(e.edge) })
			}
			b.StopTimer()
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "stroke-s")
			g := d.solveGuide()
			t0 := time.Now()
			if _, err := deps.Refiner.Refine(context.Background(), d.ly.src, refine.Input{Trimap: d.ly.tri.Clone(), Matte: g.Prior, Guide: g}, func(RefineProgress) {}); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "full-s")
		})
	}
}
