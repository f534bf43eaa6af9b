package ui

import (
	"context"
	"image"

	"cutout/refine"
)

// Segmenter produces a coarse foreground matte for a photo. The editor
// calls it from one worker goroutine only, so implementations need not be
// safe for concurrent use. *inference.Session satisfies it.
type Segmenter interface {
	// Segment returns a matte in [0,1] at the size of img.
	Segment(ctx context.Context, img *image.NRGBA) (*refine.Matte, error)
	// Device names the device that runs the model ("CPU" or "CUDA").
	Device() string
	// Fallback says why a requested GPU is not used ("" if none was asked for).
	Fallback() string
	// Close releases the model.
	Close() error
}

// SegmenterOptions selects the model and device a Segmenter is opened with.
// Empty strings and zero mean the defaults of the inference package.
type SegmenterOptions struct {
	Model       string // "medium" (default) or "small"
	Device      string // "auto" (default), "cpu" or "gpu"
	Threads     int    // 0: let the runtime choose
	LibraryPath string // ONNX Runtime shared library; "" searches the cache
}

// RefineProgress reports how far a matting run is; Fraction is in [0,1].
type RefineProgress struct {
	Stage    string
	Fraction float64
}

// RefineResult is the output of a matting run: Alpha is the refined matte
// and Foreground the estimated foreground colours, both at source size.
type RefineResult struct {
	Alpha      *refine.Matte
	Foreground *image.NRGBA
}

// Refiner runs the cutout chain on a photo: Guide turns the model's matte
// into the automatic guide the editing starts from (refine.AutoGuide,
// with band the width of its unknown band in hair and fur as a fraction
// of the short side, 0 for refine.DefaultBand, as `cutout remove --band`),
// Refine mattes the photo with the trimap the user brushed (refine.Cut).
// Both run on background goroutines, one call at a time each, and must
// not modify their inputs; progress may be called from any goroutine and
// must return quickly. A cancelled ctx makes Refine return ctx.Err().
type Refiner interface {
	Guide(img *image.NRGBA, m *refine.Matte, band float64) *refine.Guide
	Refine(ctx context.Context, img *image.NRGBA, in refine.Input, progress func(RefineProgress)) (*RefineResult, error)
}

// Deps are the collaborators of the editor. OpenSegmenter is called once
// on the segmentation worker goroutine, the first time a photo needs a
// matte.
type Deps struct {
	OpenSegmenter func(SegmenterOptions) (Segmenter, error)
	Refiner       Refiner
	// Decode reads a photo from a file; it applies EXIF orientation.
	Decode func(path string) (*image.NRGBA, error)
	// WritePNG writes an export atomically, recording source as the
	// photo it was made from ("" records none: imagefile.EncodePNGSource);
	// with overwrite false an existing file is an error.
	WritePNG func(path string, img image.Image, overwrite bool, source string) error
	// Options overrides the model and device preferences when its fields
	// are set (command-line flags).
	Options SegmenterOptions
	// CacheDir holds crash-recovery sessions; "" uses $CUTOUT_CACHE or
	// the user cache directory.
	CacheDir string
}

// Solution is a photo's matting kept between edits of its trimap, so an
// edit is answered by solving again only what it reaches.
// *refine.Incremental satisfies it. Its maps belong to it: Update changes
// them in place.
type Solution interface {
	// Update brings the solution up to date with tri, which differs from
	// the trimap last solved only inside changed, and returns the
	// rectangle of Alpha and Foreground it rewrote. A cancelled ctx makes
	// it return ctx.Err(); the next Update solves what it left.
	Update(ctx context.Context, tri *refine.Trimap, changed image.Rectangle) (image.Rectangle, error)
	Alpha() *refine.Matte
	Foreground() *image.NRGBA
}

// IncrementalRefiner is a Refiner that keeps a photo's solution between
// edits (refine.NewIncremental): the editor solves the whole photo with
// Start the first time and after its guide changes, and answers each
// stroke, pick, undo or redo with Solution.Update. Start makes the
// decisions Refine makes, on the same goroutine and terms.
type IncrementalRefiner interface {
	Refiner
	Start(ctx context.Context, img *image.NRGBA, in refine.Input, progress func(RefineProgress)) (Solution, error)
}
