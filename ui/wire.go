package ui

import (
	"context"
	"image"

	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
)

// DefaultDeps wires the editor to the real packages: ISNet segmentation
// through inference.Open, the cutout chain refine.Cut, files through
// imagefile. opt carries command-line overrides of the model and device
// preferences.
func DefaultDeps(opt SegmenterOptions) Deps {
	return Deps{
		OpenSegmenter: openSession,
		Refiner:       cutRefiner{},
		Decode:        decodeFile,
		WritePNG:      imagefile.WritePNGSource,
		Options:       opt,
	}
}

// session adapts an inference.Session to Segmenter: the model's matte is
// refine's.
type session struct{ *inference.Session }

func (s session) Segment(ctx context.Context, img *image.NRGBA) (*refine.Matte, error) {
	m, err := s.Session.Segment(ctx, img)
	return (*refine.Matte)(m), err
}

func openSession(o SegmenterOptions) (Segmenter, error) {
	s, err := inference.Open(inference.Options{Model: o.Model, Device: o.Device, Threads: o.Threads, LibraryPath: o.LibraryPath})
	if err != nil {
		return nil, err
	}
	return session{s}, nil
}

func decodeFile(path string) (*image.NRGBA, error) {
	img, _, err := imagefile.DecodeFile(path, nil)
	return img, err
}

// cutRefiner runs refine.AutoGuide and refine.Cut, the chain `cutout
// remove` runs, so that an export of an untouched photo is the command
// line's cutout.
type cutRefiner struct{}

func (cutRefiner) Guide(img *image.NRGBA, m *refine.Matte, band float64) *refine.Guide {
	return refine.AutoGuide(img, m, &refine.TrimapOptions{Band: band})
}

func (cutRefiner) Refine(ctx context.Context, img *image.NRGBA, in refine.Input, progress func(RefineProgress)) (*RefineResult, error) {
	res, err := refine.Cut(ctx, img, in, cutOptions(progress))
	if err != nil {
		return nil, err
	}
	return &RefineResult{Alpha: res.Alpha, Foreground: res.Foreground}, nil
}

// Start solves the photo as Refine does and keeps the solution for the
// edits that follow (refine.NewIncremental).
func (cutRefiner) Start(ctx context.Context, img *image.NRGBA, in refine.Input, progress func(RefineProgress)) (Solution, error) {
	inc, _, err := refine.NewIncremental(ctx, img, in, cutOptions(progress))
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// cutOptions are the options of the editor's refine.Cut: the defaults,
// with progress reported.
func cutOptions(progress func(RefineProgress)) *refine.CutOptions {
	return &refine.CutOptions{Refine: &refine.Options{Progress: func(p refine.Progress) {
		progress(RefineProgress{Stage: p.Stage, Fraction: p.Fraction})
	}}}
}

// modelRefiner is the Refiner of an editor given none: the automatic
// guide of the command line, and the model's matte as the solve.
type modelRefiner struct{}

func (modelRefiner) Guide(img *image.NRGBA, m *refine.Matte, band float64) *refine.Guide {
	return refine.AutoGuide(img, m, &refine.TrimapOptions{Band: band})
}

func (modelRefiner) Refine(ctx context.Context, _ *image.NRGBA, in refine.Input, _ func(RefineProgress)) (*RefineResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &RefineResult{Alpha: in.Matte}, nil
}
