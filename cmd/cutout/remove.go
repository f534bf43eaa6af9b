package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
)

func runRemove(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cutout remove", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef engineFlags
	ef.register(fs)
	outDir := fs.String("o", ".", "folder to write NAME.png cutouts into (created if missing)")
	mask := fs.Bool("mask", false, "also write the matte as NAME.mask.png")
	saveTrimap := fs.Bool("save-trimap", false, "also write the trimap used as NAME.trimap.png")
	trimap := fs.String("trimap", "", "use this trimap (black = background, grey = unknown, white = foreground) instead of the automatic one; one input only")
	noRefine := fs.Bool("no-refine", false, "keep the model's raw matte (no alpha matting or colour estimation)")
	force := fs.Bool("force", false, "overwrite existing output files (never the inputs)")
	bg := fs.String("bg", "", "composite over this colour (#rrggbb, #rrggbbaa or a name: white, black, grey) instead of transparency")
	bgImage := fs.String("bg-image", "", "composite over this image (scaled to cover the photo)")
	band := fs.Float64("band", 0, "half-width of the automatic trimap's unknown band, as a fraction of the short side (default 0.01)")
	maxPixels := fs.Int64("max-pixels", 100_000_000, "refuse images with more pixels than this")
	sequential := fs.Bool("sequential", false, "process one photo at a time instead of overlapping decoding and finishing of neighbouring photos with the model run (a little slower, less memory)")
	lowMemory := fs.Bool("low-memory", false, "keep a batch's peak memory near a single photo's: --sequential, and the model's memory handed back after every run (about a quarter slower)")
	quiet := fs.Bool("q", false, "print only failures and the summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: cutout remove [flags] FILE|DIR...\n\nWrites a transparent PNG cutout at full resolution for each photo (JPEG, PNG, WebP, TIFF, BMP, GIF).\nFolders are scanned for image files (not recursively). Existing files are never overwritten without --force.\n\nFlags:")
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
	if _, err := ef.resolveDevice(); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 2
	}
	var back refine.Backdrop
	if *bg != "" {
		c, err := parseColor(*bg)
		if err != nil {
			fmt.Fprintln(stderr, "cutout: --bg:", err)
			return 2
		}
		back.Color = c
	}
	decodeOpt := &imagefile.DecodeOptions{MaxPixels: *maxPixels}
	if *bgImage != "" {
		img, _, err := imagefile.DecodeFile(*bgImage, decodeOpt)
		if err != nil {
			fmt.Fprintln(stderr, "cutout: --bg-image:", err)
			return 2
		}
		back.Image = img
	}

	files, argErrs := expand(inputs)
	if *trimap != "" && len(files)+len(argErrs) != 1 {
		fmt.Fprintln(stderr, "cutout: --trimap needs exactly one input photo")
		return 2
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	failed := len(argErrs)
	for _, e := range argErrs {
		fmt.Fprintf(stdout, "FAIL %v\n", e)
	}
	if len(files) == 0 {
		fmt.Fprintf(stdout, "no image files to process; %d failed\n", failed)
		return 1
	}

	// A user's trimap stands alone: no model runs.
	var seg segmenter
	device := "CPU"
	if *trimap == "" {
		// A batch keeps the model's memory from run to run where the
		// machine has room for it; a single photo has nothing to gain.
		keep := len(files) > 1 && !*lowMemory && memTotal() >= keepMemoryRAM
		sess, done, code := ef.open(stderr, keep)
		if sess == nil {
			return code
		}
		defer done()
		rt, _ := inference.Runtime()
		fmt.Fprintf(stderr, "cutout: model %s on %s%s, ONNX Runtime %s\n", modelName(sess), sess.Device(), fallbackNote(sess.Fallback()), rt.Version)
		seg, device = sess, sess.Device()
	}

	jobs := plan(files, *outDir, *mask, *saveTrimap)
	opt := &batchOptions{
		Cut:        refine.CutOptions{NoRefine: *noRefine, Trimap: &refine.TrimapOptions{Band: *band}},
		Backdrop:   back,
		Overwrite:  *force,
		Decode:     decodeOpt,
		UserTrimap: *trimap,
		Sequential: *sequential || *lowMemory,
	}
	start := time.Now()
	ok := 0
	var failures []string
	n := len(jobs)
	width := len(strconv.Itoa(n))
	runBatch(ctx, seg, jobs, opt, func(r report) {
		prefix := ""
		if n > 1 {
			prefix = fmt.Sprintf("[%*d/%d] ", width, r.Index+1, n)
		}
		if r.Err != nil {
			failed++
			msg := r.Err.Error()
			if errors.Is(r.Err, imagefile.ErrExists) {
				msg += " (use --force to overwrite)"
			}
			failures = append(failures, fmt.Sprintf("%s: %s", r.Input, msg))
			fmt.Fprintf(stdout, "%sFAIL %s: %s\n", prefix, r.Input, msg)
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
			prefix, r.Input, r.Output, r.Width, r.Height, t.total().Seconds(), stages, device)
		if r.Warning != "" {
			fmt.Fprintf(stdout, "%swarning: %s: %s\n", prefix, r.Input, r.Warning)
		}
	})
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "%d ok, %d failed, in %s on %s, peak memory %s\n", ok, failed, elapsed.Round(time.Millisecond), device, peakMemory())
	if len(failures) > 0 && n > 1 {
		fmt.Fprintln(stdout, "failed:")
		for _, f := range failures {
			fmt.Fprintln(stdout, "  "+f)
		}
	}
	if ctx.Err() != nil {
		return 130
	}
	if failed > 0 {
		return 1
	}
	return 0
}

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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fmt.Fprintf(stdout, "cutout %s\n", version)
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
