package inference_test

import (
	"cutout/assets/evalset"
	"slices"

	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cutout/inference"
	"cutout/models"
)

// The runtime allows one environment per process, so every test shares
// one session per model, opened on first use.
var (
	sessMu   sync.Mutex
	sessions = map[string]*inference.Session{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range sessions {
		if err := s.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// session opens (once) the named model on the CPU. A missing runtime or
// model fails the test: "make test" installs both.
func session(t testing.TB, model string) *inference.Session {
	t.Helper()
	sessMu.Lock()
	defer sessMu.Unlock()
	if s := sessions[model]; s != nil {
		return s
	}
	s, err := inference.Open(inference.Options{Model: model, Device: inference.DeviceCPU})
	if err != nil {
		t.Fatalf("open %s: %v", model, err)
	}
	sessions[model] = s
	return s
}

func loadNRGBA(t testing.TB, path string) *image.NRGBA {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst
}

// loadMask reads a grey mask (any channel) as booleans (>= 128).
func loadMask(t testing.TB, path string) (w, h int, fg []bool) {
	t.Helper()
	img := loadNRGBA(t, path)
	w, h = img.Rect.Dx(), img.Rect.Dy()
	fg = make([]bool, w*h)
	for i := range fg {
		fg[i] = img.Pix[4*i] >= 128
	}
	return w, h, fg
}

func iou(m *inference.Matte, fg []bool) float64 {
	var inter, union int
	for i, v := range m.Pix {
		a := v >= 0.5
		if a && fg[i] {
			inter++
		}
		if a || fg[i] {
			union++
		}
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// TestSegmentPortraitsIoU checks the model's masks against hand-drawn person
// masks. The same model inside the reference Node library reaches a mean IoU
// of 0.92 on these three images; ours must not be worse.
func TestSegmentPortraitsIoU(t *testing.T) {
	dir := portraits(t)
	s := session(t, "medium")
	names := []string{"celebamaskhq-demo0", "celebamaskhq-demo2", "cihp-0032190"}
	var sum float64
	for _, n := range names {
		img := loadNRGBA(t, filepath.Join(dir, n+".jpg"))
		w, h, mask := loadMask(t, filepath.Join(dir, n+".mask.png"))
		m, tm, err := s.SegmentTimed(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		if m.W != w || m.H != h {
			t.Fatalf("%s: matte %dx%d, want %dx%d", n, m.W, m.H, w, h)
		}
		v := iou(m, mask)
		sum += v
		t.Logf("%-20s IoU %.4f (pre %v, model %v, post %v)", n, v, tm.Preprocess, tm.Model, tm.Postprocess)
	}
	mean := sum / float64(len(names))
	t.Logf("mean IoU %.4f", mean)
	if mean < 0.91 {
		t.Errorf("mean IoU %.4f, want >= 0.91", mean)
	}
}

// TestSegmentSample runs the real model on the bundled sample portrait, so
// segmentation is exercised even without the evaluation set: the astronaut
// fills the lower centre of the frame and the top corners are background.
func TestSegmentSample(t *testing.T) {
	for _, model := range []string{"medium", "small"} {
		t.Run(model, func(t *testing.T) {
			img := loadNRGBA(t, filepath.Join(repoRoot(t), "assets", "sample", "astronaut.png"))
			m, err := session(t, model).Segment(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			mean := func(x0, y0, x1, y1 int) float64 {
				var s float64
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						s += float64(m.Pix[y*m.W+x])
					}
				}
				return s / float64((x1-x0)*(y1-y0))
			}
			face := mean(190, 90, 260, 170)     // her face
			suit := mean(150, 350, 350, 500)    // her suit
			backdrop := mean(300, 20, 360, 110) // grey backdrop right of her head
			t.Logf("face %.3f suit %.3f backdrop %.3f", face, suit, backdrop)
			if face < 0.9 || suit < 0.9 {
				t.Errorf("subject not segmented: face %.3f, suit %.3f", face, suit)
			}
			if backdrop > 0.1 {
				t.Errorf("backdrop marked as foreground: %.3f", backdrop)
			}
			var lo, hi int
			for _, v := range m.Pix {
				if v < 0 || v > 1 {
					t.Fatalf("matte value %v outside [0,1]", v)
				}
				if v < 0.05 {
					lo++
				} else if v > 0.95 {
					hi++
				}
			}
			if lo == 0 || hi == 0 {
				t.Errorf("matte has no clear background (%d) or foreground (%d)", lo, hi)
			}
		})
	}
}

// TestSegmentCancel cancels a run in flight: Segment returns promptly with
// the context's error, and the session still works afterwards.
func TestSegmentCancel(t *testing.T) {
	s := session(t, "medium")
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Segment(ctx, img); !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled: got %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(150 * time.Millisecond); cancel() }()
	_, err := s.Segment(ctx, img)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled mid-run: got %v, want context.Canceled", err)
	}
	m, err := s.Segment(context.Background(), img)
	if err != nil || m.W != 300 || m.H != 200 {
		t.Fatalf("after cancel: %v, %v", m, err)
	}
}

func TestOpenErrors(t *testing.T) {
	session(t, "medium") // the runtime is loaded once per process
	dir := t.TempDir()
	notModel := filepath.Join(dir, "broken.onnx")
	if err := os.WriteFile(notModel, []byte("this is not an onnx model"), 0o644); err != nil {
		t.Fatal(err)
	}
	man, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	x, _ := man.Model("small")
	truncated := filepath.Join(dir, "truncated.onnx")
	b, err := os.ReadFile(man.ModelPath(x))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		opt  inference.Options
		want string
	}{
		"unknown device":  {inference.Options{Device: "tpu"}, "unknown device"},
		"unknown model":   {inference.Options{Model: "huge"}, "unknown model"},
		"missing file":    {inference.Options{ModelPath: filepath.Join(dir, "nope.onnx")}, "no such file"},
		"not a model":     {inference.Options{ModelPath: notModel, Device: "cpu"}, "make assets"},
		"truncated model": {inference.Options{ModelPath: truncated, Device: "cpu"}, "make assets"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := inference.Open(c.opt)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestFallbackReported: on a machine without an NVIDIA driver, auto picks
// the CPU and says why; a forced GPU is an error that names the fix.
func TestFallbackReported(t *testing.T) {
	if _, err := os.Stat("/proc/driver/nvidia/version"); err == nil {
		t.Skip("an NVIDIA driver is present: the CPU fallback path is not taken here")
	}
	session(t, "medium")
	a, err := inference.Open(inference.Options{Model: "small", Device: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Device() != "CPU" || !strings.Contains(a.Fallback(), "no NVIDIA driver") {
		t.Fatalf("auto: device %q, fallback %q", a.Device(), a.Fallback())
	}
	g, err := inference.Open(inference.Options{Model: "small", Device: "gpu"})
	if err == nil {
		g.Close()
		t.Fatal("forced GPU succeeded without a driver")
	}
	if !strings.Contains(err.Error(), "--cpu") {
		t.Fatalf("forced GPU error %q does not name the fix", err)
	}
}

func repoRoot(t testing.TB) string { return evalset.RootT(t) }

func portraits(t testing.TB) string { return evalset.Portraits(t) }

// TestKeepMemorySameMatte: keeping the model's memory between runs changes
// nothing in the mattes, run after run.
func TestKeepMemorySameMatte(t *testing.T) {
	lean := session(t, "medium")
	keep, err := inference.Open(inference.Options{Device: inference.DeviceCPU, KeepMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Close()
	img := loadNRGBA(t, filepath.Join(repoRoot(t), "assets", "sample", "astronaut.png"))
	want, err := lean.Segment(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		got, err := keep.Segment(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("run %d with the memory kept: matte differs from the lean session's", run+1)
		}
	}
}
