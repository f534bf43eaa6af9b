package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
)

// segmenter is what a batch needs from a model session; *inference.Session
// implements it. A batch with a user's trimap has none.
type segmenter interface {
	SegmentTimed(ctx context.Context, img *image.NRGBA) (*inference.Matte, inference.Timings, error)
}

var _ segmenter = (*inference.Session)(nil)

// timings splits the time of one photo by stage.
type timings struct {
	Decode, Preprocess, Model, Postprocess, Guide, Refine, Compose, Encode time.Duration
}

// total is the sum of all stages.
func (t timings) total() time.Duration {
	return t.Decode + t.Preprocess + t.Model + t.Postprocess + t.Guide + t.Refine + t.Compose + t.Encode
}

// milliseconds lists every stage in milliseconds, the model's three only
// when a model ran: "decode 34.1 ms, preprocess 18.0 ms, ...".
func (t timings) milliseconds(model bool) string {
	type stage struct {
		name string
		d    time.Duration
	}
	stages := []stage{{"decode", t.Decode}}
	if model {
		stages = append(stages, stage{"preprocess", t.Preprocess}, stage{"model", t.Model}, stage{"postprocess", t.Postprocess}, stage{"guide", t.Guide})
	}
	stages = append(stages, stage{"refine", t.Refine}, stage{"compose", t.Compose}, stage{"encode", t.Encode})
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = fmt.Sprintf("%s %.1f ms", s.name, float64(s.d.Microseconds())/1000)
	}
	return strings.Join(parts, ", ")
}

// job is one input file of a batch and where its outputs go.
type job struct {
	Input  string // image to cut out
	Output string // cutout PNG to write
	Mask   string // matte PNG to write; "" for none
	Trimap string // trimap PNG to write; "" for none
	// Keep lists outputs a run before wrote whole, which this one keeps
	// (it writes the others); Replace says that existing files are
	// replaced (--force, or left unfinished).
	Keep    []string
	Replace bool
	Notes   []string // what the plan decided for this photo, for its line
	// Source is what the outputs record they were made from (sourceOf),
	// so that a later run tells this photo's outputs from another's.
	Source string
}

// batchOptions configures a batch.
type batchOptions struct {
	Cut        refine.CutOptions        // guide, matting, or none
	Backdrop   refine.Backdrop          // what the cutout is composited onto
	Overwrite  bool                     // replace existing output files
	Decode     *imagefile.DecodeOptions // pixel limit etc.
	UserTrimap string                   // read for every job instead of running the model
	// Sequential runs the stages one after another for each photo instead
	// of overlapping neighbouring photos; the outputs are identical.
	Sequential bool
}

// report is what happened to one job. Err is nil on success.
type report struct {
	job
	Index         int // position in the batch
	Width, Height int
	Timings       timings
	Stats         refine.Stats
	Warning       string // see refine.CutResult.Warning
	Note          string // how the user's trimap was read, when worth saying
	Err           error
}

type decoded struct {
	report
	img *image.NRGBA
	tri *refine.Trimap
}

type segmented struct {
	decoded
	matte *refine.Matte
}

// runBatch processes jobs in order and calls emit with each job's report,
// in input order, from a single goroutine. A failed job does not stop the
// others; cancelling ctx does (the remaining jobs report ctx's error).
// Unless opt.Sequential is set, decoding of the next photo and finishing
// (matting, compositing, encoding) of the previous one overlap the model
// run of the current one. seg may be nil when every job has a user trimap.
func runBatch(ctx context.Context, seg segmenter, jobs []job, opt *batchOptions, emit func(report)) {
	if opt.Sequential || seg == nil {
		for i, j := range jobs {
			emit(finish(ctx, segment(ctx, seg, decode(ctx, i, j, opt)), opt))
		}
		return
	}
	decodedC := make(chan decoded)
	segmentedC := make(chan segmented)
	go func() {
		defer close(decodedC)
		for i, j := range jobs {
			decodedC <- decode(ctx, i, j, opt)
		}
	}()
	go func() {
		defer close(segmentedC)
		for d := range decodedC {
			segmentedC <- segment(ctx, seg, d)
		}
	}()
	for s := range segmentedC {
		emit(finish(ctx, s, opt))
	}
}

func decode(ctx context.Context, i int, j job, opt *batchOptions) decoded {
	d := decoded{report: report{job: j, Index: i}}
	if d.Err = ctx.Err(); d.Err != nil {
		return d
	}
	t0 := time.Now()
	img, info, err := imagefile.DecodeFile(j.Input, opt.Decode)
	if err != nil {
		d.Err = err
		return d
	}
	d.img, d.Width, d.Height = img, info.Width, info.Height
	if opt.UserTrimap != "" {
		tri, note, err := userTrimap(opt.UserTrimap, info, opt.Decode)
		if err != nil {
			d.Err, d.img = err, nil
			return d
		}
		d.tri, d.Note = tri, note
	}
	d.Timings.Decode = time.Since(t0)
	return d
}

// segment runs the model, unless the job has a user's trimap.
func segment(ctx context.Context, seg segmenter, d decoded) segmented {
	s := segmented{decoded: d}
	if s.Err != nil || d.tri != nil {
		return s
	}
	if seg == nil {
		s.Err = errors.New("no model session and no trimap")
		return s
	}
	// Hand the memory the previous photo's matting freed back to the
	// system before the model allocates its activations: otherwise the Go
	// heap keeps it and the two add up. With 12 MP photos a batch then
	// peaks at about 0.8 GiB one photo at a time and 1.0 GiB overlapped,
	// against 1.3 GiB before, for about 2% of the time.
	debug.FreeOSMemory()
	m, t, err := seg.SegmentTimed(ctx, d.img)
	if err != nil {
		s.Err = err
		s.img = nil
		return s
	}
	s.matte = (*refine.Matte)(m)
	s.Timings.Preprocess, s.Timings.Model, s.Timings.Postprocess = t.Preprocess, t.Model, t.Postprocess
	return s
}

// finish runs the chain (refine.Cut), composites and writes the outputs.
func finish(ctx context.Context, s segmented, opt *batchOptions) report {
	r := s.report
	if r.Err != nil {
		return r
	}
	if r.Err = ctx.Err(); r.Err != nil {
		return r
	}
	res, err := refine.Cut(ctx, s.img, refine.Input{Matte: s.matte, Trimap: s.tri}, &opt.Cut)
	if err != nil {
		r.Err = err
		return r
	}
	r.Timings.Guide, r.Timings.Refine = res.Guide, res.Solve
	r.Stats, r.Warning = res.Stats, res.Warning

	// The composite is computed row by row inside the PNG encoder, so
	// compose covers only the backdrop's scaling.
	t0 := time.Now()
	out := refine.NewComposite(res.Foreground, res.Alpha, opt.Backdrop)
	t1 := time.Now()
	r.Timings.Compose = t1.Sub(t0)
	var files []imagefile.File
	add := func(path, what string, img image.Image) {
		if path != "" && !slices.Contains(r.Keep, path) {
			tag := ""
			if r.Source != "" {
				tag = what + " of " + r.Source
			}
			files = append(files, imagefile.File{Path: path, Write: func(w io.Writer) error { return imagefile.EncodePNGSource(w, img, tag) }})
		}
	}
	add(r.Output, "cutout", out)
	if r.Mask != "" {
		add(r.Mask, "matte", res.Alpha.Gray())
	}
	if r.Trimap != "" && res.Trimap != nil {
		add(r.Trimap, "trimap", res.Trimap.Gray())
	}
	// All of a photo's outputs or none: a photo reported failed changes
	// nothing on disk.
	r.Err = imagefile.WriteFiles(files, opt.Overwrite || r.Replace)
	r.Timings.Encode = time.Since(t1)
	return r
}

// userTrimap reads the user's trimap for a photo decoded with info. A
// trimap at the photo's size as stored, before its EXIF orientation
// turned it (a trimap drawn on the file's pixels by a program that ignores
// EXIF), is turned the same way; note then says so. A photo whose
// orientation keeps its size cannot tell: its trimap is read upright, as
// --save-trimap writes it, and note says that.
func userTrimap(path string, info imagefile.Info, opt *imagefile.DecodeOptions) (*refine.Trimap, string, error) {
	t, _, err := imagefile.DecodeFile(path, opt)
	if err != nil {
		return nil, "", fmt.Errorf("trimap: %w", err)
	}
	tw, th := t.Rect.Dx(), t.Rect.Dy()
	o := info.Orientation
	turn := orientationNames[o]
	swaps := o >= 5 && o <= 8
	note := ""
	switch {
	case tw == info.Width && th == info.Height:
		if turn != "" {
			note = fmt.Sprintf("the photo is turned for display (EXIF orientation %d: %s); the trimap is taken as the photo is shown, as --save-trimap writes it", o, turn)
		}
	case swaps && tw == info.Height && th == info.Width:
		t = imagefile.Orient(t, o)
		note = fmt.Sprintf("trimap %s is %dx%d, the photo's size as stored; it is turned as the photo is for display (EXIF orientation %d: %s), to %dx%d",
			quoteName(path), tw, th, o, turn, info.Width, info.Height)
	default:
		stored := ""
		if swaps {
			stored = fmt.Sprintf(" (%dx%d as stored, EXIF orientation %d)", info.Height, info.Width, o)
		}
		return nil, "", fmt.Errorf("trimap %s is %dx%d but the image is %dx%d%s", quoteName(path), tw, th, info.Width, info.Height, stored)
	}
	if err := checkTrimap(t, path); err != nil {
		return nil, "", err
	}
	return refine.TrimapFromImage(t), note, nil
}

// checkTrimap refuses an image that cannot be a trimap, saying what it
// found: colours (a photo, a trimap painted in red and blue), no known
// foreground (no white) or no known background (no black), where a cut
// would come out all transparent or all opaque.
func checkTrimap(t *image.NRGBA, path string) error {
	w, h := t.Rect.Dx(), t.Rect.Dy()
	var fg, bg, unknown, coloured int
	for y := 0; y < h; y++ {
		row := t.Pix[t.PixOffset(t.Rect.Min.X, t.Rect.Min.Y+y):]
		for x := 0; x < w; x++ {
			r, g, b := int(row[4*x]), int(row[4*x+1]), int(row[4*x+2])
			if max(r, g, b)-min(r, g, b) > trimapGreyTolerance {
				coloured++
			}
			switch refine.Label(uint8(g)) {
			case refine.Foreground:
				fg++
			case refine.Background:
				bg++
			default:
				unknown++
			}
		}
	}
	n := w * h
	pct := func(k int) string { return fmt.Sprintf("%.0f%%", 100*float64(k)/float64(n)) }
	found := fmt.Sprintf("%s white, %s grey, %s black", pct(fg), pct(unknown), pct(bg))
	switch {
	case coloured*100 > n: // over 1%
		return fmt.Errorf("trimap %s is not grey levels: %s of its pixels are coloured (is it a photo?); a trimap is black (background), grey (unknown) and white (foreground)", quoteName(path), pct(coloured))
	case fg == 0:
		return fmt.Errorf("trimap %s marks no foreground (no white, the subject to keep): %s", quoteName(path), found)
	case bg == 0:
		return fmt.Errorf("trimap %s marks no background (no black, what to remove): %s", quoteName(path), found)
	}
	return nil
}

// trimapGreyTolerance is how far apart a trimap pixel's channels may be
// and still count as grey: JPEG compression moves them a few levels.
const trimapGreyTolerance = 24

// orientationNames says what each EXIF orientation does to a photo (see
// imagefile.Orient); 1 does nothing.
var orientationNames = map[int]string{
	2: "mirrored horizontally",
	3: "rotated 180°",
	4: "mirrored vertically",
	5: "transposed",
	6: "rotated 90° clockwise",
	7: "transversed",
	8: "rotated 90° counter-clockwise",
}
