package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime/debug"
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

// job is one input file of a batch and where its outputs go.
type job struct {
	Input  string // image to cut out
	Output string // cutout PNG to write
	Mask   string // matte PNG to write; "" for none
	Trimap string // trimap PNG to write; "" for none
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
		t, _, err := imagefile.DecodeFile(opt.UserTrimap, opt.Decode)
		if err != nil {
			d.Err = fmt.Errorf("trimap: %w", err)
			d.img = nil
			return d
		}
		if t.Rect.Dx() != info.Width || t.Rect.Dy() != info.Height {
			d.Err = fmt.Errorf("trimap %s is %dx%d but the image is %dx%d", opt.UserTrimap, t.Rect.Dx(), t.Rect.Dy(), info.Width, info.Height)
			d.img = nil
			return d
		}
		d.tri = refine.TrimapFromImage(t)
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
	var errs []error
	write := func(path string, img image.Image) {
		if path == "" {
			return
		}
		if err := imagefile.WritePNG(path, img, opt.Overwrite); err != nil {
			errs = append(errs, err)
		}
	}
	write(r.Output, out)
	write(r.Mask, res.Alpha.Gray())
	if res.Trimap != nil {
		write(r.Trimap, res.Trimap.Gray())
	}
	r.Timings.Encode = time.Since(t1)
	r.Err = errors.Join(errs...)
	return r
}

// plan maps inputs to output paths in dir: NAME.png for the cutout, plus
// NAME.mask.png and NAME.trimap.png when asked. Two inputs with the same
// base name get NAME-2.png and so on, and an output may never be one of the
// inputs (so --force cannot overwrite a source photo).
func plan(inputs []string, dir string, mask, trimap bool) []job {
	used := map[string]bool{}
	srcs := map[string]bool{}
	for _, in := range inputs {
		if a, err := filepath.Abs(in); err == nil {
			srcs[a] = true
		}
	}
	jobs := make([]job, 0, len(inputs))
	for _, in := range inputs {
		base := filepath.Base(in)
		base = base[:len(base)-len(filepath.Ext(base))]
		name := base
		for n := 2; ; n++ {
			p, _ := filepath.Abs(filepath.Join(dir, name+".png"))
			if !used[name] && !srcs[p] {
				break
			}
			name = fmt.Sprintf("%s-%d", base, n)
		}
		used[name] = true
		j := job{Input: in, Output: filepath.Join(dir, name+".png")}
		if mask {
			j.Mask = filepath.Join(dir, name+".mask.png")
		}
		if trimap {
			j.Trimap = filepath.Join(dir, name+".trimap.png")
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// expand turns command-line arguments into image files: files are kept as
// given (so a wrongly named one still gets a clear error), folders are
// listed (not recursively) for image files by extension, skipping our own
// outputs (*.mask.png, *.trimap.png). Unreadable arguments are returned as
// errors alongside the files that could be listed.
func expand(args []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a, err))
			continue
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a, err))
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if e.IsDir() || !imagefile.IsImageFile(n) || hasSuffixFold(n, ".mask.png") || hasSuffixFold(n, ".trimap.png") {
				continue
			}
			files = append(files, filepath.Join(a, n))
		}
	}
	return files, errs
}

func hasSuffixFold(s, suf string) bool {
	return len(s) >= len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf)
}
