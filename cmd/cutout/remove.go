package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"cutout/inference"
	"cutout/models"
	"cutout/refine"
	"cutout/refine/imagefile"
)

func runRemove(args []string, stdout, stderr io.Writer) int {
	keepOnBrokenPipe()
	lines := &reportWriter{w: stdout, stderr: stderr}
	stdout = lines
	fs := flag.NewFlagSet("cutout remove", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef engineFlags
	ef.register(fs)
	outDir := fs.String("o", ".", "folder to write NAME.png cutouts into (created if missing)")
	mask := fs.Bool("mask", false, "also write the matte as NAME.mask.png")
	saveTrimap := fs.Bool("save-trimap", false, "also write the trimap used as NAME.trimap.png")
	trimap := fs.String("trimap", "", "use this trimap (black = background, grey = unknown, white = foreground) instead of the automatic one; one input only")
	noRefine := fs.Bool("no-refine", false, "keep the model's matte (no alpha matting or colour estimation)")
	force := fs.Bool("force", false, "replace existing output files (never a file the run reads: photos, --trimap, --bg-image)")
	bg := fs.String("bg", "", "composite over this colour (#rrggbb, #rrggbbaa or a name: white, black, grey) instead of transparency")
	bgImage := fs.String("bg-image", "", "composite over this image (scaled to cover the photo)")
	band := fs.Float64("band", 0, fmt.Sprintf("half-width of the automatic trimap's unknown band, as a fraction of the short side, up to %g (0: the default, %g)", maxBand, refine.DefaultBand))
	maxPixels := fs.Int64("max-pixels", 100_000_000, "refuse images with more pixels than this")
	sequential := fs.Bool("sequential", false, "process one photo at a time instead of overlapping decoding and finishing of neighbouring photos with the model run (a little slower, less memory)")
	lowMemory := fs.Bool("low-memory", false, "keep a batch's peak memory near a single photo's: --sequential, and the model's memory handed back after every run (about a quarter slower)")
	quiet := fs.Bool("q", false, "print only failures and the summary")
	stageTimes := fs.Bool("timings", false, "print each photo's time by stage in milliseconds (the model's run apart from its pre- and postprocessing)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: cutout remove [flags] FILE|DIR...\n\nWrites a transparent PNG cutout at full resolution for each photo (JPEG, PNG, WebP, TIFF, BMP, GIF, HEIC, AVIF).\nFolders are scanned for image files (not recursively). Existing files are never replaced without --force,\nand a file the run reads never. A photo's outputs are written all together or not at all.\n\nFlags:")
		fs.PrintDefaults()
	}
	inputs, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(inputs) == 0 {
		fs.Usage()
		return 2
	}
	usage := func(msg string) int {
		fmt.Fprintln(stderr, "cutout remove:", msg)
		return 2
	}
	if *outDir == "" {
		return usage(`-o "" names no folder: give one (-o . for the current folder)`)
	}
	if err := ef.check(); err != nil {
		return usage(err.Error())
	}
	switch {
	case *bg != "" && *bgImage != "":
		return usage("--bg and --bg-image exclude each other: give one backdrop")
	case *trimap != "" && *noRefine:
		return usage("--trimap and --no-refine exclude each other: --no-refine keeps the model's matte, and with --trimap no model runs")
	case !(*band >= 0 && *band <= maxBand): // NaN too
		return usage(fmt.Sprintf("--band %v is out of range: want a fraction of the short side from 0 (the default, %g) to %g", *band, refine.DefaultBand, maxBand))
	case *maxPixels < 1:
		return usage(fmt.Sprintf("--max-pixels %d is out of range: want 1 or more", *maxPixels))
	}
	var back refine.Backdrop
	if *bg != "" {
		c, err := parseColor(*bg)
		if err != nil {
			return usage("--bg: " + err.Error())
		}
		back.Color = c
	}
	decodeOpt := &imagefile.DecodeOptions{MaxPixels: *maxPixels}
	var reads []readFile
	if *bgImage != "" {
		img, _, err := imagefile.DecodeFile(*bgImage, decodeOpt)
		if err != nil {
			return usage("--bg-image: " + oneLine(err))
		}
		back.Image = img
		if fi, err := os.Stat(*bgImage); err == nil {
			reads = append(reads, readFile{What: "the --bg-image file", Path: *bgImage, Info: fi})
		}
	}
	if *trimap != "" {
		fi, err := os.Stat(*trimap)
		if err != nil {
			return usage("--trimap: " + oneLine(err))
		}
		reads = append(reads, readFile{What: "the --trimap file", Path: *trimap, Info: fi})
	}

	srcs, fails, listNotes := expand(inputs)
	for _, n := range listNotes {
		fmt.Fprintln(stderr, "cutout:", n)
	}
	if *trimap != "" {
		var photos []source // the same photo given twice is one
		var seen identities
		for _, s := range srcs {
			if seen.find(s.Info) < 0 {
				seen.add(s.Info)
				photos = append(photos, s)
			}
		}
		if len(photos)+len(fails) != 1 {
			return usage("--trimap needs exactly one input photo")
		}
	}
	// The output folder must take files before any photo goes through
	// the model.
	if err := makeOutDir(*outDir); err != nil {
		fmt.Fprintln(stderr, "cutout: output folder:", oneLine(err))
		return 1
	}
	if err := imagefile.CheckDir(*outDir); err != nil {
		fmt.Fprintln(stderr, "cutout: cannot write to the output folder:", oneLine(err))
		return 1
	}
	cleaned, err := imagefile.CleanTemp(*outDir)
	for _, n := range cleaned {
		fmt.Fprintf(stderr, "cutout: cleaned up %s, left in %s by an interrupted run\n", quoteName(n), quoteName(*outDir))
	}
	if err != nil {
		fmt.Fprintln(stderr, "cutout: warning:", oneLine(err))
	}

	p := plan(srcs, planOptions{Dir: *outDir, Mask: *mask, Trimap: *saveTrimap, Overwrite: *force, Reads: reads})
	fails = append(fails, p.Fails...)
	for _, f := range fails {
		fmt.Fprintf(stderr, "FAIL %s: %s\n", quoteName(f.Name), failMessage(f))
	}
	for _, n := range p.Notes {
		fmt.Fprintln(stderr, "cutout:", n)
	}
	if !*quiet {
		for _, sk := range p.Skips {
			fmt.Fprintf(stdout, "skip %s: %s\n", quoteName(sk.Name), sk.Reason)
		}
	}
	failed, ok := len(fails), 0
	if len(p.Jobs) == 0 {
		if len(srcs) == 0 && len(fails) == 0 {
			fmt.Fprintln(stderr, "cutout: no image files to process")
			return 1
		}
		fmt.Fprintf(lines.summary(), "%d ok, %d failed, %d skipped\n", ok, failed, len(p.Skips))
		if failed > 0 {
			return 1
		}
		return 0
	}

	ctx, interrupted, stop := onSignal(os.Interrupt, syscall.SIGTERM)
	defer stop()

	// A user's trimap stands alone: no model runs.
	var seg segmenter
	device := "CPU"
	if *trimap == "" {
		// A batch keeps the model's memory from run to run where the
		// machine has room for it; a single photo has nothing to gain.
		keep := len(p.Jobs) > 1 && !*lowMemory && memTotal() >= keepMemoryRAM
		sess, done, code := ef.open(stderr, keep)
		if sess == nil {
			return code
		}
		defer done()
		rt, _ := inference.Runtime()
		fmt.Fprintf(stderr, "cutout: model %s on %s%s, ONNX Runtime %s\n", modelName(sess), sess.Device(), fallbackNote(sess.Fallback()), rt.Version)
		seg, device = sess, sess.Device()
	}

	opt := &batchOptions{
		Cut:        refine.CutOptions{NoRefine: *noRefine, Trimap: &refine.TrimapOptions{Band: *band}},
		Backdrop:   back,
		Overwrite:  *force,
		Decode:     decodeOpt,
		UserTrimap: *trimap,
		Sequential: *sequential || *lowMemory,
	}
	start := time.Now()
	n := len(p.Jobs)
	width := len(strconv.Itoa(n))
	done := 0 // photos finished, well or not
	// A full disk stops the batch: the photos after would only fail too.
	batch, stopBatch := context.WithCancel(ctx)
	defer stopBatch()
	full := false
	runBatch(batch, seg, p.Jobs, opt, func(r report) {
		prefix := ""
		if n > 1 {
			prefix = fmt.Sprintf("[%*d/%d] ", width, r.Index+1, n)
		}
		if r.Err != nil && batch.Err() != nil && errors.Is(r.Err, context.Canceled) {
			return // not done: stopped by a signal or a full disk, or never started
		}
		done++
		if r.Err != nil {
			failed++
			msg := oneLine(r.Err)
			if errors.Is(r.Err, imagefile.ErrExists) {
				msg += " (use --force to replace it)"
			}
			fmt.Fprintf(stderr, "FAIL %s: %s\n", quoteName(r.Input), msg)
			if diskFull(r.Err) && !full && r.Index+1 < n {
				full = true
				stopBatch()
				fmt.Fprintf(stderr, "cutout: the disk of %s is full: the batch stops here; make room and run it again for the photos not done\n", quoteName(*outDir))
			}
			return
		}
		ok++
		if *quiet {
			return
		}
		t := r.Timings
		stages := fmt.Sprintf("decode %.2f, model %.2f, refine %.2f, encode %.2f", t.Decode.Seconds(),
			(t.Preprocess + t.Model + t.Postprocess).Seconds(), (t.Guide + t.Refine).Seconds(), (t.Compose + t.Encode).Seconds())
		if seg == nil {
			stages = fmt.Sprintf("decode %.2f, refine %.2f, encode %.2f", t.Decode.Seconds(), t.Refine.Seconds(), (t.Compose + t.Encode).Seconds())
		}
		fmt.Fprintf(stdout, "%sok   %s -> %s  %dx%d  %.2fs  (%s) %s\n",
			prefix, quoteName(r.Input), quoteName(r.Output), r.Width, r.Height, t.total().Seconds(), stages, device)
		if *stageTimes {
			fmt.Fprintf(stdout, "%stimings: %s\n", prefix, t.milliseconds(seg != nil))
		}
		for _, note := range append(r.job.Notes, r.Note) {
			if note != "" {
				fmt.Fprintf(stdout, "%snote: %s: %s\n", prefix, quoteName(r.Input), note)
			}
		}
		if r.Warning != "" {
			fmt.Fprintf(stdout, "%swarning: %s: %s\n", prefix, quoteName(r.Input), r.Warning)
		}
	})
	stopped := ""
	if sig := interrupted(); sig != nil {
		stopped = fmt.Sprintf("interrupted by %s after %d of %d photos: ", signalName(sig), done, n)
	} else if full && done < n {
		stopped = fmt.Sprintf("stopped by a full disk after %d of %d photos: ", done, n)
	}
	fmt.Fprintf(lines.summary(), "%s%d ok, %d failed, %d skipped, in %s on %s, peak memory %s\n",
		stopped, ok, failed, len(p.Skips), time.Since(start).Round(time.Millisecond), device, peakMemory())
	if sig := interrupted(); sig != nil {
		return signalExit(sig)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// makeOutDir makes the output folder dir if it is missing, with errors
// that name what is in the way: a symbolic link to nothing, a file.
func makeOutDir(dir string) error {
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			target, _ := os.Readlink(dir)
			return fmt.Errorf("%s is a symbolic link to %s, which does not exist", quoteName(dir), quoteName(target))
		}
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", quoteName(dir))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("cannot make %s: %w", quoteName(pe.Path), pe.Err)
		}
		return err
	}
	return nil
}

// onSignal returns a context cancelled by the first of sigs to arrive,
// a function that says which one did (nil before), and one that stops
// listening. After the first signal the default action is back, so a
// second Ctrl+C ends the process at once.
func onSignal(sigs ...os.Signal) (context.Context, func() os.Signal, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	var mu sync.Mutex
	var got os.Signal
	quit := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			mu.Lock()
			got = s
			mu.Unlock()
			cancel()
		case <-quit:
		}
	}()
	which := func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	var once sync.Once
	return ctx, which, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(quit)
			cancel()
		})
	}
}

// signalName names a signal as a person knows it: SIGINT (Ctrl+C),
// SIGTERM.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT (Ctrl+C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// signalExit is the exit status of a process stopped by sig, as a shell
// reports one killed by it: 128 + the signal's number (130 for SIGINT,
// 143 for SIGTERM).
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// maxBand is the widest automatic unknown band --band accepts, as a
// fraction of the short side: its inner side then reaches the photo's
// middle (refine.InnerFactor times as wide).
const maxBand = 0.25

// fallbackNote puts the session's fallback note ("CUDA not used: no NVIDIA
// driver found") in brackets after the device, or returns "".
func fallbackNote(why string) string {
	if why == "" {
		return ""
	}
	return " (" + why + ")"
}

// parseColor reads #rgb, #rrggbb, #rrggbbaa or a few names.
func parseColor(s string) (color.NRGBA, error) {
	switch strings.ToLower(s) {
	case "white":
		return color.NRGBA{255, 255, 255, 255}, nil
	case "black":
		return color.NRGBA{0, 0, 0, 255}, nil
	case "grey", "gray":
		return color.NRGBA{128, 128, 128, 255}, nil
	}
	h := strings.TrimPrefix(s, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) == 6 {
		h += "ff"
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 8 || err != nil {
		return color.NRGBA{}, fmt.Errorf("%q is not a colour (want #rrggbb, #rrggbbaa, white, black or grey)", s)
	}
	c := color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}
	if c.A == 0 {
		return c, fmt.Errorf("%q is fully transparent", s)
	}
	return c, nil
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cutout version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef engineFlags
	ef.register(fs)
	licences := fs.Bool("licences", false, "print the licences of the third-party parts Cutout carries (ONNX Runtime, DirectML, the ISNet weights, the HEIC and AVIF decoders) and nothing else")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cutout version: unexpected argument %s\n", quoteName(fs.Arg(0)))
		return 2
	}
	if err := ef.check(); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 2
	}
	if *licences {
		if err := models.WriteNotices(stdout); err != nil {
			fmt.Fprintln(stderr, "cutout:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "cutout %s (third-party licences: cutout version --licences)\n", version)
	sess, done, code := ef.open(stderr, false)
	if sess == nil {
		return code
	}
	defer done()
	rt, _ := inference.Runtime()
	fmt.Fprintf(stdout, "onnxruntime %s (%s)\nmodel %s\ndevice %s%s\n", rt.Version, rt.Library, modelName(sess), sess.Device(), fallbackNote(sess.Fallback()))
	return 0
}

// modelName is the session's model with the precision it runs in, when
// the model has more than one form: "medium (fp32)".
func modelName(sess *inference.Session) string {
	if p := sess.Precision(); p != "" {
		return sess.Model() + " (" + p + ")"
	}
	return sess.Model()
}

// keepMemoryRAM is the memory a machine needs for batches to keep the
// model's memory between runs (inference.Options.KeepMemory): a 12 MP
// batch then peaks at about 1.5 GiB rather than 1.0.
const keepMemoryRAM = 8 << 30
