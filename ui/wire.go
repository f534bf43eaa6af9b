package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

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
		WritePNG:      writePNG,
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

// writePNG writes img to path atomically; with overwrite false an
// existing file is os.ErrExist.
func writePNG(path string, img image.Image, overwrite bool) error {
	if !overwrite {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("ui: write %s: %w", filepath.Base(path), os.ErrExist)
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img); err != nil {
		return fmt.Errorf("ui: encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// matteRefiner solves alpha with refine's closed-form matting.
type matteRefiner struct{}

func (matteRefiner) Refine(ctx context.Context, img *image.NRGBA, tri *refine.Trimap, progress func(RefineProgress)) (*RefineResult, error) {
	opt := &refine.Options{Progress: func(p refine.Progress) {
		progress(RefineProgress{Stage: p.Stage, Fraction: p.Fraction})
	}}
	alpha, _, err := refine.SolveAlpha(ctx, img, tri, opt)
	var se *refine.SolveError
	if errors.As(err, &se) && alpha != nil {
		err = nil // not fully converged: the best matte found is still an improvement
	}
	if err != nil {
		return nil, err
	}
	return &RefineResult{Alpha: alpha}, nil
}
