package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cutout/inference"
	"cutout/refine/imagefile"
)

// bin is the headless cutout binary the end-to-end tests run.
var bin string

// binEnv names the binary to run instead of building one: a test binary
// that re-runs itself (in a mount namespace) passes its own on.
const binEnv = "CUTOUT_TEST_BIN"

func TestMain(m *testing.M) {
	dir := ""
	if bin = os.Getenv(binEnv); bin == "" {
		var err error
		if dir, err = os.MkdirTemp("", "cutout-cli-"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		bin = filepath.Join(dir, "cutout")
		build := exec.Command("go", "build", "-tags", "nogui", "-o", bin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build cutout:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	if benchSess != nil {
		benchSess.Close()
	}
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// cutout runs the binary and returns its output and exit code.
func cutout(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

func sample(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "assets", "sample", "astronaut.png"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// TestRemoveBatch: a batch with good photos and broken files writes every
// good cutout, reports each bad file, and exits 1.
func TestRemoveBatch(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	copyFile(t, sample(t), filepath.Join(in, "astronaut.png"))
	truncated, _ := os.ReadFile(sample(t))
	if err := os.WriteFile(filepath.Join(in, "truncated.png"), truncated[:len(truncated)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "notes.jpg"), []byte("not a photo at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, sample(t), filepath.Join(in, "zz copy é.png"))

	log, code := cutout(t, "remove", "--cpu", "--mask", "-o", out, in)
	t.Log(log)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (two files failed)", code)
	}
	for _, bad := range []string{"truncated.png", "notes.jpg"} {
		if !strings.Contains(log, "FAIL "+filepath.Join(in, bad)) {
			t.Errorf("no FAIL line for %s", bad)
		}
		if _, err := os.Stat(filepath.Join(out, strings.TrimSuffix(bad, filepath.Ext(bad))+".png")); err == nil {
			t.Errorf("an output was written for %s", bad)
		}
	}
	if !strings.Contains(log, "2 ok, 2 failed") {
		t.Errorf("summary missing: %s", log)
	}
	for _, name := range []string{"astronaut", "zz copy é"} {
		img := decodePNG(t, filepath.Join(out, name+".png"))
		n, ok := img.(*image.NRGBA)
		if !ok {
			t.Fatalf("%s: decoded as %T, want *image.NRGBA (8-bit RGBA)", name, img)
		}
		if n.Rect.Dx() != 512 || n.Rect.Dy() != 512 {
			t.Fatalf("%s: %v, want 512x512", name, n.Rect)
		}
		var clear, opaque, soft int
		for i := 0; i < len(n.Pix); i += 4 {
			switch a := n.Pix[i+3]; {
			case a == 0:
				clear++
				if n.Pix[i]|n.Pix[i+1]|n.Pix[i+2] != 0 {
					t.Fatalf("%s: transparent pixel keeps colour %v", name, n.Pix[i:i+4])
				}
			case a == 255:
				opaque++
			default:
				soft++
			}
		}
		t.Logf("%s: %d transparent, %d opaque, %d soft", name, clear, opaque, soft)
		if clear < 512*512/10 || opaque < 512*512/4 || soft == 0 {
			t.Errorf("%s: not a real cutout: %d transparent, %d opaque, %d soft", name, clear, opaque, soft)
		}
		mask := decodePNG(t, filepath.Join(out, name+".mask.png"))
		if _, ok := mask.(*image.Gray); !ok || mask.Bounds().Dx() != 512 {
			t.Errorf("%s: mask is %T %v", name, mask, mask.Bounds())
		}
	}
}

// TestRemoveNoOverwrite: an earlier cutout is kept unless --force, and an
// input is never an output, even with --force.
func TestRemoveNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "photo.png")
	copyFile(t, sample(t), src)
	before, _ := os.ReadFile(src)
	existing := filepath.Join(dir, "photo-2.png") // an earlier cutout
	if err := imagefile.WritePNG(existing, image.NewGray(image.Rect(0, 0, 2, 2)), false); err != nil {
		t.Fatal(err)
	}
	earlier, _ := os.ReadFile(existing)

	// Output folder = input folder: photo.png must not be replaced, so the
	// cutout is planned as photo-2.png, which exists: the photo is
	// skipped, before the model runs.
	log, code := cutout(t, "remove", "--cpu", "-o", dir, src)
	if code != 0 || !strings.Contains(log, "skip "+src+": "+existing+" exists (use --force to replace it)") || strings.Contains(log, "model") {
		t.Fatalf("exit %d, want 0 with a skip that hints at --force, and no model run:\n%s", code, log)
	}
	if b, _ := os.ReadFile(existing); !bytes.Equal(b, earlier) {
		t.Fatal("existing output was overwritten without --force")
	}
	log, code = cutout(t, "remove", "--cpu", "--force", "-o", dir, src)
	if code != 0 {
		t.Fatalf("--force: exit %d:\n%s", code, log)
	}
	if _, ok := decodePNG(t, existing).(*image.NRGBA); !ok {
		t.Fatal("--force did not write the cutout")
	}
	if after, _ := os.ReadFile(src); !bytes.Equal(before, after) {
		t.Fatal("the input photo was modified")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestRemoveOptions covers --no-refine, --bg, --save-trimap and --trimap.
func TestRemoveOptions(t *testing.T) {
	out := t.TempDir()
	log, code := cutout(t, "remove", "--cpu", "--bg", "#336699", "--save-trimap", "-o", out, sample(t))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, log)
	}
	img := decodePNG(t, filepath.Join(out, "astronaut.png")).(*image.NRGBA)
	if p := img.Pix[:4]; p[3] != 255 || p[0] != 0x33 || p[1] != 0x66 || p[2] != 0x99 {
		t.Errorf("corner over --bg #336699 is %v", p)
	}
	tri := filepath.Join(out, "astronaut.trimap.png")
	g, ok := decodePNG(t, tri).(*image.Gray)
	if !ok {
		t.Fatalf("trimap is not grey")
	}
	seen := map[uint8]bool{}
	for _, v := range g.Pix {
		seen[v] = true
	}
	if len(seen) != 3 || !seen[0] || !seen[128] || !seen[255] {
		t.Errorf("trimap values %v, want exactly 0, 128, 255", seen)
	}

	// The saved trimap fed back in is obeyed: its known pixels are fully
	// opaque or fully transparent in the matte.
	out2 := t.TempDir()
	log, code = cutout(t, "remove", "--cpu", "--trimap", tri, "--mask", "-o", out2, sample(t))
	if code != 0 {
		t.Fatalf("--trimap: exit %d:\n%s", code, log)
	}
	m, ok := decodePNG(t, filepath.Join(out2, "astronaut.mask.png")).(*image.Gray)
	if !ok {
		t.Fatal("mask is not grey")
	}
	for i, v := range g.Pix {
		if (v == 0 && m.Pix[i] != 0) || (v == 255 && m.Pix[i] != 255) {
			t.Fatalf("pixel %d: trimap %d but alpha %d", i, v, m.Pix[i])
		}
	}

	// A trimap of the wrong size is a clear error.
	small := filepath.Join(out, "small.png")
	f, _ := os.Create(small)
	png.Encode(f, image.NewGray(image.Rect(0, 0, 10, 10)))
	f.Close()
	log, code = cutout(t, "remove", "--cpu", "--trimap", small, "-o", t.TempDir(), sample(t))
	if code != 1 || !strings.Contains(log, "10x10") {
		t.Errorf("wrong-size trimap: exit %d:\n%s", code, log)
	}

	out3 := t.TempDir()
	// Flags may follow the photos.
	log, code = cutout(t, "remove", sample(t), "--cpu", "--no-refine", "-o", out3)
	if code != 0 {
		t.Fatalf("--no-refine: exit %d:\n%s", code, log)
	}
	raw := decodePNG(t, filepath.Join(out3, "astronaut.png")).(*image.NRGBA)
	if raw.Rect.Dx() != 512 {
		t.Fatal("--no-refine output has the wrong size")
	}
}

func TestUsageErrors(t *testing.T) {
	photo := sample(t)
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"no input":        {[]string{"remove"}, 2, "Usage: cutout remove"},
		"cpu and gpu":     {[]string{"remove", "--cpu", "--gpu", "x.jpg"}, 2, "exclude"},
		"bad colour":      {[]string{"remove", "--bg", "#12", "x.jpg"}, 2, "not a colour"},
		"missing input":   {[]string{"remove", "--cpu", "-o", t.TempDir(), "/nonexistent/photo.jpg"}, 1, "no such file"},
		"unknown model":   {[]string{"remove", "--model", "huge", "-o", t.TempDir(), photo}, 2, "not a model of Cutout"},
		"bad flag":        {[]string{"remove", "--frobnicate"}, 2, "not defined"},
		"no gui in nogui": {[]string{}, 1, "no editor"},
		"missing runtime": {[]string{"remove", "--ort-lib", "/nonexistent/libonnxruntime.so", "-o", t.TempDir(), photo}, 1, "make assets"},
		"not a runtime":   {[]string{"remove", "--ort-lib", photo, "-o", t.TempDir(), photo}, 1, "tried:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			log, code := cutout(t, c.args...)
			if code != c.code || !strings.Contains(log, c.want) {
				t.Fatalf("exit %d (want %d), output does not contain %q:\n%s", code, c.code, c.want, log)
			}
		})
	}
}

// TestTrimapNeedsNoModel: with a user's trimap no model runs, so the cut
// works with an empty cache (no model, no runtime) and says nothing of a
// model; the trimap's known pixels are obeyed and its unknown ring solved.
func TestTrimapNeedsNoModel(t *testing.T) {
	src := decodePNG(t, sample(t))
	b := src.Bounds()
	tri := image.NewGray(b)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			d := math.Hypot((float64(x)-cx)/cx, (float64(y)-cy)/cy)
			switch {
			case d < 0.5:
				tri.Pix[y*tri.Stride+x] = 255
			case d < 0.7:
				tri.Pix[y*tri.Stride+x] = 128
			}
		}
	}
	dir := t.TempDir()
	triPath := filepath.Join(dir, "t.png")
	f, err := os.Create(triPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, tri); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, "remove", "--trimap", triPath, "--mask", "-o", out, sample(t))
	cmd.Env = append(os.Environ(), "CUTOUT_CACHE="+filepath.Join(dir, "empty-cache"), "ONNXRUNTIME_SHARED_LIBRARY_PATH=")
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v:\n%s", err, log)
	}
	if strings.Contains(string(log), "model") || strings.Contains(string(log), "ONNX") {
		t.Errorf("a trimap run mentions the model:\n%s", log)
	}
	m := decodePNG(t, filepath.Join(out, "astronaut.mask.png")).(*image.Gray)
	var soft int
	for i, v := range tri.Pix {
		switch {
		case v == 0 && m.Pix[i] != 0, v == 255 && m.Pix[i] != 255:
			t.Fatalf("pixel %d: trimap %d, alpha %d", i, v, m.Pix[i])
		case v == 128 && m.Pix[i] > 0 && m.Pix[i] < 255:
			soft++
		}
	}
	if soft == 0 {
		t.Error("the unknown ring has no fractional alpha: was it solved?")
	}
}

// TestTimingsFlag: --timings prints one line per photo with every stage in
// milliseconds, the model's stages only when a model ran.
func TestTimingsFlag(t *testing.T) {
	dir := t.TempDir()
	out, code := cutout(t, "remove", "--cpu", "--timings", "--save-trimap", "-o", dir, sample(t))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	stages := regexp.MustCompile(`(?m)^timings: decode [0-9.]+ ms, preprocess [0-9.]+ ms, model [0-9.]+ ms, postprocess [0-9.]+ ms, guide [0-9.]+ ms, refine [0-9.]+ ms, compose [0-9.]+ ms, encode [0-9.]+ ms$`)
	if !stages.MatchString(out) {
		t.Fatalf("no timings line with every stage:\n%s", out)
	}
	dir2 := t.TempDir()
	out, code = cutout(t, "remove", "--timings", "--trimap", filepath.Join(dir, "astronaut.trimap.png"), "-o", dir2, sample(t))
	if code != 0 {
		t.Fatalf("--trimap: exit %d:\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^timings: decode [0-9.]+ ms, refine [0-9.]+ ms, compose [0-9.]+ ms, encode [0-9.]+ ms$`).MatchString(out) {
		t.Fatalf("--trimap: the timings line should hold no model stages:\n%s", out)
	}
}
