package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"cutout/assets/evalset"
	"cutout/inference"
	"cutout/inference/imageio"
	"cutout/inference/pipeline"
	"cutout/refine"
	"cutout/refine/metrics"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchSess != nil {
		benchSess.Close()
	}
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func TestComposeOverColour(t *testing.T) {
	fg := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	copy(fg.Pix, []uint8{200, 100, 0, 255, 200, 100, 0, 255, 200, 100, 0, 255})
	alpha := &refine.Matte{W: 3, H: 1, Pix: []float32{0, 0.25, 1}}

	// Over an opaque colour: C = a*F + (1-a)*B, opaque.
	out := pipeline.Compose(fg, alpha, pipeline.Background{Color: color.NRGBA{0, 0, 200, 255}})
	want := []uint8{0, 0, 200, 255, 50, 25, 150, 255, 200, 100, 0, 255}
	for i := range want {
		if out.Pix[i] != want[i] {
			t.Fatalf("over colour: %v, want %v", out.Pix, want)
		}
	}
	// Over transparency: straight alpha, colour zeroed where alpha is 0.
	out = pipeline.Compose(fg, alpha, pipeline.Background{})
	want = []uint8{0, 0, 0, 0, 200, 100, 0, 64, 200, 100, 0, 255}
	for i := range want {
		if out.Pix[i] != want[i] {
			t.Fatalf("transparent: %v, want %v", out.Pix, want)
		}
	}
	// Over a half-transparent colour: αo = a + 0.5(1-a).
	out = pipeline.Compose(fg, alpha, pipeline.Background{Color: color.NRGBA{0, 0, 200, 128}})
	if out.Pix[3] != 128 || out.Pix[2] != 200 || out.Pix[7] != 160 {
		t.Fatalf("over translucent colour: %v", out.Pix)
	}
	// Over an image, stretched to cover.
	bg := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	copy(bg.Pix, []uint8{10, 20, 30, 255})
	out = pipeline.Compose(fg, alpha, pipeline.Background{Image: bg})
	if out.Pix[0] != 10 || out.Pix[1] != 20 || out.Pix[2] != 30 || out.Pix[3] != 255 {
		t.Fatalf("over image: %v", out.Pix)
	}
}

// TestCompositeEncodesLikeCompose checks that encoding the row-by-row
// composite gives the same PNG bytes as encoding the materialised one, for
// every kind of background, and that At agrees with Compose.
func TestCompositeEncodesLikeCompose(t *testing.T) {
	const w, h = 301, 97
	fg := image.NewNRGBA(image.Rect(0, 0, w, h))
	alpha := refine.NewMatte(w, h)
	bg := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range fg.Pix {
		fg.Pix[i] = uint8(i*7 + i/w)
	}
	for i := range bg.Pix {
		bg.Pix[i] = uint8(255 - i*3)
	}
	for i := range alpha.Pix {
		// Exact 0 and 1 over whole stretches, ramps between.
		alpha.Pix[i] = min(max(float32(i%w-100)/100, 0), 1)
	}
	for _, b := range []struct {
		name string
		bg   pipeline.Background
	}{
		{"transparent", pipeline.Background{}},
		{"colour", pipeline.Background{Color: color.NRGBA{10, 200, 30, 255}}},
		{"translucent colour", pipeline.Background{Color: color.NRGBA{10, 200, 30, 100}}},
		{"image", pipeline.Background{Image: bg}},
	} {
		t.Run(b.name, func(t *testing.T) {
			full := pipeline.Compose(fg, alpha, b.bg)
			lazy := pipeline.NewComposite(fg, alpha, b.bg)
			var want, got bytes.Buffer
			if err := imageio.EncodePNG(&want, full, nil); err != nil {
				t.Fatal(err)
			}
			if err := imageio.EncodePNG(&got, lazy, nil); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("row-by-row PNG (%d bytes) differs from the materialised one (%d bytes)", got.Len(), want.Len())
			}
			for _, p := range []image.Point{{0, 0}, {150, 40}, {w - 1, h - 1}, {120, 3}} {
				if g, wnt := lazy.At(p.X, p.Y), full.NRGBAAt(p.X, p.Y); g != wnt {
					t.Errorf("At%v = %v, want %v", p, g, wnt)
				}
			}
		})
	}
}

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	in := []string{"a/x.jpg", "b/x.png", filepath.Join(dir, "y.png"), "c/z.tiff"}
	jobs := pipeline.Plan(in, dir, true, false)
	want := []string{"x.png", "x-2.png", "y-2.png", "z.png"}
	for i, j := range jobs {
		if filepath.Base(j.Output) != want[i] {
			t.Errorf("%s → %s, want %s", j.Input, j.Output, want[i])
		}
		if j.Mask == "" || j.Trimap != "" {
			t.Errorf("%s: mask %q trimap %q", j.Input, j.Mask, j.Trimap)
		}
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "b.PNG", "a.mask.png", "c.trimap.png", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	files, errs := pipeline.Expand([]string{dir, filepath.Join(dir, "notes.txt"), filepath.Join(dir, "missing.jpg")})
	if len(files) != 3 || filepath.Base(files[0]) != "a.jpg" || filepath.Base(files[1]) != "b.PNG" || filepath.Base(files[2]) != "notes.txt" {
		t.Errorf("files %v", files)
	}
	if len(errs) != 1 {
		t.Errorf("errors %v, want one for the missing file", errs)
	}
}

func TestTrimapFromImage(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	copy(img.Pix, []uint8{0, 0, 0, 255, 120, 120, 120, 255, 250, 250, 250, 255, 30, 30, 30, 255})
	tri := pipeline.TrimapFromImage(img)
	want := []uint8{refine.Background, refine.Unknown, refine.Foreground, refine.Background}
	for i := range want {
		if tri.Pix[i] != want[i] {
			t.Fatalf("labels %v, want %v", tri.Pix, want)
		}
	}
}

func loadAlpha(t *testing.T, path string) *refine.Matte {
	t.Helper()
	img, _, err := imageio.DecodeFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := refine.NewMatte(img.Rect.Dx(), img.Rect.Dy())
	for i := range m.Pix {
		m.Pix[i] = float32(img.Pix[4*i]) / 255
	}
	return m
}

// TestRefineBeatsRawMatte runs the whole chain on the alphamatting.com
// images: the real model's matte, then matting with the automatic trimap
// and with the benchmark's own trimap. Both must beat the raw matte, and
// the automatic chain must beat the rembg-style chain (ISNet mask →
// eroded trimap → PyMatting closed-form), measured at 11.8, 23.0 and 5.1.
func TestRefineBeatsRawMatte(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "..", "shared", "testdata", "portraits")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("evaluation portraits not available (%s): skipping", dir)
	}
	s, err := inference.Open(inference.Options{Device: inference.DeviceCPU})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chain := map[string]float64{"am-gt03": 11.8, "am-gt08": 23.0, "am-gt15": 5.1}
	var rawSum, autoSum float64
	for _, n := range []string{"am-gt03", "am-gt08", "am-gt15"} {
		img, _, err := imageio.DecodeFile(filepath.Join(dir, n+".png"), nil)
		if err != nil {
			t.Fatal(err)
		}
		truth := loadAlpha(t, filepath.Join(dir, n+".alpha.png"))
		triImg, _, err := imageio.DecodeFile(filepath.Join(dir, n+".trimap.png"), nil)
		if err != nil {
			t.Fatal(err)
		}
		auto, err := pipeline.Cutout(context.Background(), s, img, nil)
		if err != nil {
			t.Fatal(err)
		}
		given, err := pipeline.Cutout(context.Background(), s, img, &pipeline.Options{Trimap: pipeline.TrimapFromImage(triImg)})
		if err != nil {
			t.Fatal(err)
		}
		raw, a, g := metrics.SAD(auto.Raw, truth, nil), metrics.SAD(auto.Alpha, truth, nil), metrics.SAD(given.Alpha, truth, nil)
		rawSum += raw
		autoSum += a
		t.Logf("%s: SAD raw %.2f, automatic trimap %.2f (rembg-style chain %.1f), given trimap %.2f; refine %v, %d unknowns, %d iterations",
			n, raw, a, chain[n], g, auto.Timings.Refine, auto.Stats.Unknowns, auto.Stats.Iterations)
		if g >= raw/2 {
			t.Errorf("%s: given-trimap SAD %.2f is not far below the raw matte's %.2f", n, g, raw)
		}
		if a >= chain[n] {
			t.Errorf("%s: automatic SAD %.2f does not beat the rembg-style chain's %.1f", n, a, chain[n])
		}
	}
	if autoSum >= rawSum {
		t.Errorf("automatic trimap mean SAD %.2f is not below the raw matte's %.2f", autoSum/3, rawSum/3)
	}
}

func repoRoot(t testing.TB) string { return evalset.RootT(t) }
