package ui

import (
	"context"
	"errors"
	"image"

	"cutout/inference"
	"cutout/inference/imageio"
	"cutout/refine"
)

// DefaultDeps wires the editor to the real packages: ISNet segmentation
// through inference.Open, matting with refine, files through imageio.
// opt carries command-line overrides of the model and device preferences.
func DefaultDeps(opt SegmenterOptions) Deps {
	return Deps{
		OpenSegmenter: openSession,
		Refiner:       matteRefiner{},
		AutoTrimap:    func(m *refine.Matte) *refine.Trimap { return refine.AutoTrimap(m, nil) },
		Decode:        decodeFile,
		WritePNG:      imageio.WritePNG,
		Options:       opt,
	}
}

func openSession(o SegmenterOptions) (Segmenter, error) {
	s, err := inference.Open(inference.Options{Model: o.Model, Device: o.Device, Threads: o.Threads, LibraryPath: o.LibraryPath})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func decodeFile(path string) (*image.NRGBA, error) {
	img, _, err := imageio.DecodeFile(path, nil)
	return img, err
}

// matteRefiner solves alpha and estimates foreground colours with
// refine.Refine (closed-form matting).
type matteRefiner struct{}

func (matteRefiner) Refine(ctx context.Context, img *image.NRGBA, tri *refine.Trimap, progress func(RefineProgress)) (*RefineResult, error) {
	opt := &refine.Options{Progress: func(p refine.Progress) {
		progress(RefineProgress{Stage: p.Stage, Fraction: p.Fraction})
	}}
	res, err := refine.Refine(ctx, img, tri, opt)
	var se *refine.SolveError
	if errors.As(err, &se) && res != nil {
		err = nil // not fully converged: the best matte found is still an improvement
	}
	if err != nil {
		return nil, err
	}
	return &RefineResult{Alpha: res.Alpha, Foreground: res.Foreground}, nil
}
