package inference

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	ort "github.com/yalue/onnxruntime_go"

	"cutout/models"
)

// Device names accepted by Options.Device.
const (
	DeviceAuto = "auto" // the platform's GPU provider (CUDA, DirectML, CoreML) when it loads and a GPU answers, else CPU
	DeviceCPU  = "cpu"  // always the CPU
	DeviceGPU  = "gpu"  // a GPU provider or an error
)

// Options configures Open. The zero value opens the default model on the
// best available device.
type Options struct {
	Model       string // model name from the manifest ("medium", "small"); "" = default
	ModelPath   string // load this file instead of the cached model (its I/O is still checked)
	Device      string // DeviceAuto (""), DeviceCPU or DeviceGPU
	Threads     int    // ONNX Runtime intra-op threads; 0 = one per CPU
	LibraryPath string // ONNX Runtime shared library; "" = search (see Open)
	// Log receives one-line notes from Open, such as deriving a model's
	// fp32 form on first use (a few seconds, once); nil means os.Stderr.
	Log io.Writer
	// KeepMemory keeps the memory of one model run for the next (ONNX
	// Runtime's CPU arena) instead of handing it back to the system:
	// runs after the first take about a quarter less time on the CPU, as
	// fresh pages need not be faulted in and zeroed again, for about
	// 0.6 GiB more resident memory. It suits batches, not single photos.
	KeepMemory bool
}

// Timings splits the time of one Segment call by stage.
type Timings struct {
	Preprocess, Model, Postprocess time.Duration
}

// Session runs one segmentation model. It is safe for concurrent use, but
// runs are serialised: one model run at a time per Session.
type Session struct {
	mu       sync.Mutex
	sess     *ort.AdvancedSession
	in, out  *ort.Tensor[float32]
	spec     models.Input
	name     string
	path     string
	form     string // "fp32", "fp16" or "" (see Precision)
	device   string
	fallback string
	closed   bool
}

// Open loads the ONNX Runtime (once per process) and a model, and prepares
// a session for it. The runtime library is searched in this order:
// opt.LibraryPath, $ONNXRUNTIME_SHARED_LIBRARY_PATH, the platform's library
// (libonnxruntime.so*, libonnxruntime*.dylib, onnxruntime.dll) beside the
// executable or in a packaged Cutout's library folder, then the cache (the
// CUDA build first when CUDA may be used); the error lists every path
// tried. Missing assets produce errors that name the command installing
// them.
//
// The device: auto tries, in order, CUDA (Linux and Windows, where an
// NVIDIA driver is installed and the runtime is the CUDA build), DirectML
// (Windows, any DirectX 12 GPU) and CoreML (macOS), each proved by a
// warm-up run, then the CPU; Fallback says why each one before the device
// in use was not used.
//
// A model with fp16 weights whose manifest entry lists an fp32 form (ISNet
// medium) runs that form on the CPU, with every graph optimisation on: ONNX
// Runtime's CPU kernels compute in fp32 anyway, and the fp32 graph allows
// its NCHWc layout, so a run takes about a fifth less time. CUDA runs the
// fp16 file. A cache filled before fp32 forms existed gets it derived on
// first use (see models.Manifest.LocateFP32); if that fails the CPU runs the
// fp16 file and Open says why on opt.Log. An explicit opt.ModelPath is
// loaded as it is.
func Open(opt Options) (*Session, error) {
	dev := strings.ToLower(opt.Device)
	if dev == "" {
		dev = DeviceAuto
	}
	plan, err := planDevices(dev, runtime.GOOS, probeHost())
	if err != nil {
		return nil, err
	}
	if err := initRuntime(opt, plan.cuda()); err != nil {
		return nil, err
	}

	man, err := models.Load()
	if err != nil {
		return nil, err
	}
	x, err := man.Model(opt.Model)
	if err != nil {
		return nil, fmt.Errorf("inference: %w", err)
	}
	path := opt.ModelPath
	if path == "" {
		if path, err = man.LocateModel(x.Name); err != nil {
			return nil, fmt.Errorf("inference: %w", err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("inference: model: %w", err)
	}
	fp16 := slices.ContainsFunc(plan.try, func(d string) bool { return !usesFP32(d) })
	if fp16 || opt.ModelPath != "" || x.FP32 == nil {
		if err := checkModel(path, x); err != nil {
			return nil, err
		}
	}

	s := &Session{spec: x.Input, name: x.Name, path: path}
	inShape := ort.NewShape(1, 3, int64(x.Input.Height), int64(x.Input.Width))
	outShape := ort.NewShape(1, 1, int64(x.Input.Height), int64(x.Input.Width))
	if s.in, err = ort.NewEmptyTensor[float32](inShape); err != nil {
		return nil, fmt.Errorf("inference: input tensor: %w", err)
	}
	if s.out, err = ort.NewEmptyTensor[float32](outShape); err != nil {
		s.in.Destroy()
		return nil, fmt.Errorf("inference: output tensor: %w", err)
	}

	var fatal error
	d, notes := plan.choose(func(d string) error {
		if fatal != nil {
			return fatal
		}
		if !usesFP32(d) {
			s.useFP16(opt, path, x)
		} else if fatal = s.useFP32(opt, man, x); fatal != nil {
			return fatal
		}
		return s.create(opt, d)
	})
	if fatal != nil {
		s.destroy()
		return nil, fatal
	}
	s.device = d
	if s.device == "" {
		if !plan.cpu {
			s.destroy()
			return nil, fmt.Errorf("inference: GPU requested but unavailable: %s; %s", fallbackNote(notes), plan.hint)
		}
		if err := s.useFP32(opt, man, x); err != nil {
			s.destroy()
			return nil, err
		}
		if err := s.create(opt, deviceCPU); err != nil {
			s.destroy()
			return nil, err
		}
		s.device = deviceCPU
	}
	s.fallback = fallbackNote(notes)
	env.Lock()
	env.sessions++
	env.Unlock()
	return s, nil
}

// useFP32 points a CPU session of a cached model at the model's fp32 form
// when it has one, deriving it on first use. When that fails the fp16 file
// is run instead and the reason goes to opt.Log.
func (s *Session) useFP32(opt Options, man *models.Manifest, x *models.Model) error {
	if opt.ModelPath != "" || x.FP32 == nil {
		return nil // checked by Open
	}
	logw := opt.Log
	if logw == nil {
		logw = os.Stderr
	}
	s.form = "fp16"
	// The fp32 form is not loaded twice to check its I/O (0.17 s): it is
	// derived from the fp16 file and pinned by its SHA-256, so its I/O is
	// the manifest's, as the tests of the real model show.
	p, err := man.LocateFP32(x.Name, logw)
	if err != nil {
		fmt.Fprintf(logw, "inference: running the fp16 file of model %s on the CPU: no fp32 form (%v)\n", x.Name, err)
		return checkModel(s.path, x)
	}
	s.path, s.form = p, "fp32"
	return nil
}

// useFP16 points the session at the model file as shipped, path, for a
// device that runs fp16 weights natively.
func (s *Session) useFP16(opt Options, path string, x *models.Model) {
	s.path, s.form = path, ""
	if opt.ModelPath == "" && x.FP32 != nil {
		s.form = "fp16"
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// checkModel verifies that the file at path is a loadable ONNX model with the
// input and output the manifest describes.
func checkModel(path string, x *models.Model) error {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return fmt.Errorf("inference: session options: %w", err)
	}
	defer so.Destroy()
	if err := so.SetGraphOptimizationLevel(ort.GraphOptimizationLevelDisableAll); err != nil {
		return fmt.Errorf("inference: session options: %w", err)
	}
	ins, outs, err := ort.GetInputOutputInfoWithOptions(path, so)
	if err != nil {
		return fmt.Errorf("inference: load model %s: %w%s", path, err, damageHint(path, x))
	}
	want := []int64{1, 3, int64(x.Input.Height), int64(x.Input.Width)}
	okIn := false
	for _, in := range ins {
		if in.Name == x.Input.Name && in.DataType == ort.TensorElementDataTypeFloat && shapeFits(in.Dimensions, want) {
			okIn = true
		}
	}
	okOut := false
	for _, o := range outs {
		if o.Name == x.Output && o.DataType == ort.TensorElementDataTypeFloat && shapeFits(o.Dimensions, []int64{1, 1, want[2], want[3]}) {
			okOut = true
		}
	}
	if !okIn || !okOut || len(ins) != 1 {
		var got []string
		for _, in := range ins {
			got = append(got, "input "+in.String())
		}
		if len(outs) > 0 {
			got = append(got, "output "+outs[0].String())
		}
		return fmt.Errorf("inference: model %s does not have the expected I/O (input %q float32 %v, output %q float32 [1 1 %d %d]); it has %s",
			path, x.Input.Name, want, x.Output, want[2], want[3], strings.Join(got, "; "))
	}
	return nil
}

// damageHint says why ONNX Runtime could not load the model file at path
// of model x ("Protobuf parsing failed" and the like), to add to its
// error: the file is hashed in full against the manifest, whatever its
// stamp says, as damage that kept the file's size and time passes the
// stamp. A damaged file loses its stamp, so the command the hint names
// fetches it again.
func damageHint(path string, x *models.Model) string {
	sum := ""
	switch base := filepath.Base(path); {
	case base == x.File:
		sum = x.SHA256
	case x.FP32 != nil && base == x.FP32.File:
		sum = x.FP32.SHA256
	default:
		return "; the file is damaged or not an ONNX model: " + models.FetchHint
	}
	switch err := models.VerifyFull(path, sum); {
	case errors.Is(err, models.ErrChecksum):
		return fmt.Sprintf("; the file is damaged (%v): %s", err, models.FetchHint)
	case err != nil:
		return fmt.Sprintf("; the file could not be checked: %v", err)
	}
	return "; the file is intact (its SHA-256 matches the manifest), so this ONNX Runtime cannot read it"
}

// modelOf returns the manifest's entry for the model called name.
func modelOf(name string) (*models.Model, error) {
	man, err := models.Load()
	if err != nil {
		return nil, err
	}
	return man.Model(name)
}

// shapeFits reports whether a model dimension list matches want, with
// dynamic (negative) dimensions matching anything.
func shapeFits(got ort.Shape, want []int64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] >= 0 && got[i] != want[i] {
			return false
		}
	}
	return true
}

// create builds the ORT session on device (deviceCPU, or an accelerator
// that a warm-up run then proves).
func (s *Session) create(opt Options, device string) error {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return fmt.Errorf("inference: session options: %w", err)
	}
	defer so.Destroy()
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	// Memory: ISNet's 1024×1024 activations are large (64 channels at
	// 512×512 are 64 MiB each). With the CPU arena and memory patterns on,
	// ONNX Runtime keeps about 2.1 GiB resident after the second run; with
	// both off, and the extended (not layout-changing) graph optimisations
	// that keep one copy of the weights, the peak is about 0.8 GiB for
	// roughly the same speed, measured on ISNet medium (fp16 file).
	// The fp32 form of ISNet medium on the CPU takes every optimisation:
	// its NCHWc layout (reordered fp32 weights replacing the originals)
	// runs a fifth faster at about the same peak. Without the arena every
	// run maps its activations afresh (about 0.45 s of kernel time per run
	// on 12 MP batches); opt.KeepMemory turns it on, memory patterns stay
	// off: the 12 MP model run drops from about 1.05 s to 0.78 s and a
	// batch's peak rises from about 1.0 to 1.5 GiB.
	var level ort.GraphOptimizationLevel = ort.GraphOptimizationLevelEnableExtended
	if usesFP32(device) && s.form == "fp32" {
		level = ort.GraphOptimizationLevelEnableAll
	}
	for _, e := range []error{
		so.SetIntraOpNumThreads(threads),
		so.SetInterOpNumThreads(1),
		so.SetExecutionMode(ort.ExecutionModeSequential),
		so.SetGraphOptimizationLevel(level),
		so.SetCpuMemArena(opt.KeepMemory),
		so.SetMemPattern(false),
		// Idle ONNX Runtime threads sleep instead of spinning, so they leave
		// the cores to the matting and encoding of neighbouring images.
		so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"),
	} {
		if e != nil {
			return fmt.Errorf("inference: session options: %w", e)
		}
	}
	accel := device != deviceCPU
	build := func() error {
		if accel {
			if err := appendProvider(so, device); err != nil {
				return err
			}
		}
		sess, err := ort.NewAdvancedSession(s.path, []string{s.spec.Name}, []string{outputName(s)},
			[]ort.Value{s.in}, []ort.Value{s.out}, so)
		if err != nil {
			hint := ""
			if x, merr := modelOf(s.name); merr == nil && strings.Contains(err.Error(), "Load model") {
				hint = damageHint(s.path, x)
			}
			return fmt.Errorf("inference: create session for %s: %w%s", s.path, err, hint)
		}
		s.sess = sess
		if accel {
			// GPU providers initialise lazily; a warm-up run proves a
			// device answers.
			if err := sess.Run(); err != nil {
				sess.Destroy()
				s.sess = nil
				return fmt.Errorf("%s warm-up run: %w", device, err)
			}
		}
		return nil
	}
	if device == deviceCUDA {
		return keepGoSignals(build)
	}
	return build()
}

func outputName(s *Session) string {
	man, err := models.Load()
	if err == nil {
		if x, err := man.Model(s.name); err == nil {
			return x.Output
		}
	}
	return "output"
}

// Device names the execution provider in use: "CPU", "CUDA", "DirectML" or
// "CoreML".
func (s *Session) Device() string { return s.device }

// Fallback explains why the GPU providers that come before the device in
// use were not used ("CUDA not used: no NVIDIA driver found"; no driver,
// libraries missing, no device answered), joined by "; "; "" when the first
// choice runs or the CPU was asked for.
func (s *Session) Fallback() string { return s.fallback }

// Model returns the name of the loaded model.
func (s *Session) Model() string { return s.name }

// Precision says which form of a model with fp16 weights runs: "fp32" for
// the fp32 form derived from it (the CPU), "fp16" for the file as shipped
// (CUDA, or the CPU when the fp32 form could not be made). It is "" for
// models with a single form and for files given as Options.ModelPath.
func (s *Session) Precision() string { return s.form }

// Segment returns the foreground matte of img at img's size, values in
// [0,1]: the model's run on the whole photo and, where the subject is
// small in it, a second run on the crop around the subject, and further
// ones where the subject runs on out of the crop (see Zoom).
// Cancelling ctx stops the model run; Segment then returns ctx.Err().
func (s *Session) Segment(ctx context.Context, img *image.NRGBA) (*Matte, error) {
	m, _, err := s.SegmentTimed(ctx, img)
	return m, err
}

// SegmentTimed is Segment that also reports how long each stage took
// (every run together where there are several).
func (s *Session) SegmentTimed(ctx context.Context, img *image.NRGBA) (*Matte, Timings, error) {
	first, t, err := s.once(ctx, img)
	if err != nil {
		return nil, t, err
	}
	m, err := Zoom(ctx, func(ctx context.Context, crop *image.NRGBA) (*Matte, error) {
		m, t2, err := s.once(ctx, crop)
		t.Preprocess += t2.Preprocess
		t.Model += t2.Model
		t.Postprocess += t2.Postprocess
		return m, err
	}, img, first)
	if err != nil {
		return nil, t, err
	}
	return m, t, nil
}

// SegmentOnce is Segment without the looks at a small subject: the
// model's single run on the whole photo.
func (s *Session) SegmentOnce(ctx context.Context, img *image.NRGBA) (*Matte, error) {
	m, _, err := s.once(ctx, img)
	return m, err
}

// once runs the model on the whole of img.
func (s *Session) once(ctx context.Context, img *image.NRGBA) (*Matte, Timings, error) {
	var t Timings
	if img == nil || img.Rect.Dx() == 0 || img.Rect.Dy() == 0 {
		return nil, t, errors.New("inference: segment: empty image")
	}
	if err := ctx.Err(); err != nil {
		return nil, t, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, t, errors.New("inference: segment: session is closed")
	}
	w, h := s.spec.Width, s.spec.Height

	t0 := time.Now()
	Preprocess(img, w, h, Normalization{Mean: s.spec.Mean, Scale: s.spec.Scale}, s.in.GetData())
	t1 := time.Now()
	if err := s.run(ctx); err != nil {
		return nil, t, err
	}
	t2 := time.Now()
	m := Postprocess(s.out.GetData(), w, h, img.Rect.Dx(), img.Rect.Dy())
	t3 := time.Now()
	t.Preprocess, t.Model, t.Postprocess = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
	return m, t, nil
}

// run executes the model, terminating it if ctx is cancelled.
func (s *Session) run(ctx context.Context) error {
	ro, err := ort.NewRunOptions()
	if err != nil {
		return fmt.Errorf("inference: run options: %w", err)
	}
	defer ro.Destroy()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
			ro.Terminate()
		case <-done:
		}
	}()
	run := func() error { return s.sess.RunWithOptions(ro) }
	if s.device == deviceCUDA {
		err = keepGoSignals(run)
	} else {
		err = run()
	}
	close(done)
	<-stopped
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("inference: run model %s on %s: %w", s.name, s.device, err)
	}
	return nil
}

func (s *Session) destroy() error {
	var errs []error
	if s.sess != nil {
		errs = append(errs, s.sess.Destroy())
		s.sess = nil
	}
	if s.in != nil {
		errs = append(errs, s.in.Destroy())
		s.in = nil
	}
	if s.out != nil {
		errs = append(errs, s.out.Destroy())
		s.out = nil
	}
	return errors.Join(errs...)
}

// Close releases the session's native resources. It waits for a run in
// progress. Closing twice is a no-op.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	env.Lock()
	env.sessions--
	env.Unlock()
	if err := s.destroy(); err != nil {
		return fmt.Errorf("inference: close: %w", err)
	}
	return nil
}
