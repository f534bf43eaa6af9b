package refine_test

import (
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"cutout/assets/evalset"
	"cutout/refine"
	"cutout/refine/stroke"
)

// portrait is celebamaskhq-demo0 (1024², roses half-sure to the model
// beside the face) with its reference mask, decoded once.
var (
	portraitOnce  sync.Once
	portraitImg   *image.NRGBA
	portraitTruth *refine.Matte
	portraitErr   error
)

func loadPortrait(tb testing.TB) (*image.NRGBA, *refine.Matte) {
	tb.Helper()
	dir := evalset.Portraits(tb)
	portraitOnce.Do(func() {
		var img image.Image
		if img, portraitErr = decode(filepath.Join(dir, "celebamaskhq-demo0.jpg")); portraitErr != nil {
			return
		}
		portraitImg = toNRGBA(img)
		var m image.Image
		if m, portraitErr = decode(filepath.Join(dir, "celebamaskhq-demo0.mask.png")); portraitErr != nil {
			return
		}
		mn := toNRGBA(m)
		portraitTruth = refine.NewMatte(mn.Rect.Dx(), mn.Rect.Dy())
		for i := range portraitTruth.Pix {
			portraitTruth.Pix[i] = float32(mn.Pix[4*i]) / 255
		}
	})
	if portraitErr != nil {
		tb.Fatal(portraitErr)
	}
	return portraitImg, portraitTruth
}

func decode(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	return img, err
}

func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(bb>>8), uint8(a>>8)
		}
	}
	return out
}

// BenchmarkStrokeToRefined times what a person waits for after a stroke:
// a background stroke with the default tool (refine/stroke's Grow) over
// the roses beside the face of a real portrait, enlarged to 1, 12 and 24
// MP, through the incremental refiner to the refined alpha and
// foreground. The model's matte is simulated from the reference mask.
func BenchmarkStrokeToRefined(b *testing.B) {
	for _, size := range strokeSizes {
		b.Run(size.name, func(b *testing.B) { benchStroke(b, size.side, false) })
	}
}

// strokeSizes are the stroke benchmarks' photo sizes: squares of 1, 12
// and 24 MP.
var strokeSizes = []struct {
	name string
	side int
}{{"1MP", 1024}, {"12MP", 3464}, {"24MP", 4899}}

// BenchmarkStrokeFullSolve is BenchmarkStrokeToRefined the way the editor
// answered a stroke before the incremental refiner: the whole cutout
// solved again (refine.Cut with the photo's automatic guide).
func BenchmarkStrokeFullSolve(b *testing.B) {
	for _, size := range strokeSizes {
		b.Run(size.name, func(b *testing.B) { benchStroke(b, size.side, true) })
	}
}

func benchStroke(b *testing.B, side int, full bool) {
	src, truth := loadPortrait(b)
	img := src
	if side != src.Rect.Dx() {
		img = refine.ResizeNRGBA(src, side, side)
	}
	seg := refine.ResizeMatte(refine.SimulatedSegmentation(truth, 3, 1), side, side)
	ctx := context.Background()
	guide := refine.AutoGuide(img, seg, nil)
	inc, _, err := refine.NewIncremental(ctx, img, refine.Input{Matte: seg, Guide: guide}, nil)
	if err != nil {
		b.Fatal(err)
	}
	scene := stroke.NewScene(img, seg, guide.Trimap)
	base := inc.Trimap().Clone()
	restore := inc.Restore()
	s := float64(side)
	pts := []stroke.Point{{X: 0.78 * s, Y: 0.45 * s}, {X: 0.84 * s, Y: 0.48 * s}, {X: 0.9 * s, Y: 0.5 * s}}
	br := stroke.Brush{Radius: 0.02 * s, Hardness: 0.8, Label: refine.Background}
	tri := base.Clone()
	var win image.Rectangle
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		restore()
		copy(tri.Pix, base.Pix)
		b.StartTimer()
		changed := scene.Grow(tri, pts, br)
		if full {
			if _, err := refine.Cut(ctx, img, refine.Input{Matte: seg, Guide: guide, Trimap: tri}, nil); err != nil {
				b.Fatal(err)
			}
			win = image.Rect(0, 0, side, side)
			continue
		}
		if win, err = inc.Update(ctx, tri, changed); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(math.Round(1000*float64(win.Dx()*win.Dy())/float64(side*side))/10, "window-%")
	b.ReportMetric(float64(changedPixels(base, tri)), "changed-px")
}

// changedPixels counts the labels that differ between two trimaps.
func changedPixels(a, b *refine.Trimap) int {
	n := 0
	for i, l := range a.Pix {
		if b.Pix[i] != l {
			n++
		}
	}
	return n
}
