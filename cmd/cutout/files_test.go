package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
)

// result is one run of the binary: what it printed where, and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// cutoutIn runs the binary in dir with env added to the environment.
func cutoutIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runProgram(t, bin, dir, append(os.Environ(), env...), args...)
}

// runProgram runs the program at path in dir with the environment env.
func runProgram(t *testing.T, path, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// Parts of the output that change from run to run: timings, memory, and
// the model line (its device notes depend on the machine).
var (
	secondsRE = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?(ms|µs|s)\b`)
	stagesRE  = regexp.MustCompile(`\((decode|model) [^)]*\)`)
	memoryRE  = regexp.MustCompile(`peak memory [0-9]+ MiB`)
	modelRE   = regexp.MustCompile(`(?m)^cutout: model .*$`)
)

// normal replaces what changes between runs with fixed words: T for a
// time, (stages) for the stage timings, M for memory, "cutout: model M"
// for the model line; dir, when set, becomes DIR.
func normal(s, dir string) string {
	if dir != "" {
		s = strings.ReplaceAll(s, dir, "DIR")
	}
	s = stagesRE.ReplaceAllString(s, "(stages)")
	s = secondsRE.ReplaceAllString(s, "T")
	s = memoryRE.ReplaceAllString(s, "peak memory M")
	return modelRE.ReplaceAllString(s, "cutout: model M")
}

// wantRun checks a run's exit code and, line for line, what it printed
// (after normal).
func wantRun(t *testing.T, r result, dir string, code int, stdout, stderr []string) {
	t.Helper()
	join := func(lines []string) string {
		if len(lines) == 0 {
			return ""
		}
		return strings.Join(lines, "\n") + "\n"
	}
	if r.code != code {
		t.Errorf("exit %d, want %d", r.code, code)
	}
	if got, want := normal(r.stdout, dir), join(stdout); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if got, want := normal(r.stderr, dir), join(stderr); got != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
	}
}

// hashes returns the SHA-256 of every regular file in dir (not
// recursively) by name, and "-> target" for symbolic links.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.Type()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[e.Name()] = "-> " + l
		case e.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(b)
			out[e.Name()] = hex.EncodeToString(h[:])
		default:
			out[e.Name()] = "(" + e.Type().String() + ")"
		}
	}
	return out
}

// wantFiles checks that dir holds exactly the files of before that are
// not in changed, unchanged, plus the new ones named in added (and the
// ones in changed, whatever their content).
func wantFiles(t *testing.T, dir string, before map[string]string, added ...string) map[string]string {
	t.Helper()
	after := hashes(t, dir)
	var want []string
	for n, h := range before {
		want = append(want, n)
		if after[n] != h {
			t.Errorf("%s changed", n)
		}
	}
	want = append(want, added...)
	var got []string
	for n := range after {
		got = append(got, n)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("%s holds\n  %q\nwant\n  %q", dir, got, want)
	}
	return after
}

// samplePhoto is the sample portrait scaled to w×h.
func samplePhoto(t *testing.T, w, h int) *image.NRGBA {
	t.Helper()
	src := decodePNG(t, sample(t))
	return imaging.Resize(src, w, h, imaging.Linear)
}

// writeImage writes img to path as JPEG or PNG by its extension (the
// standard encoders: not a file Cutout wrote).
func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if strings.EqualFold(filepath.Ext(path), ".jpg") {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// trimapImage is a w×h trimap: a foreground ellipse in the middle, an
// unknown ring around it, background outside.
func trimapImage(w, h int) *image.Gray {
	tri := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			switch d := math.Hypot((float64(x)-cx)/cx, (float64(y)-cy)/cy); {
			case d < 0.5:
				tri.Pix[y*tri.Stride+x] = 255
			case d < 0.7:
				tri.Pix[y*tri.Stride+x] = 128
			}
		}
	}
	return tri
}

// withOrientation returns a JPEG with an EXIF APP1 segment carrying the
// given orientation, inserted after the SOI marker.
func withOrientation(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a\x00\x00\x00\x08") // big-endian, IFD0 at 8
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3}) // Orientation, SHORT
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{orientation, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// alphaAt returns the alpha (0..255) of pixel (x, y) of a decoded cutout
// or matte.
func alphaAt(img image.Image, x, y int) uint8 {
	switch m := img.(type) {
	case *image.NRGBA:
		return m.Pix[m.PixOffset(x, y)+3]
	case *image.Gray:
		return m.Pix[m.PixOffset(x, y)]
	}
	_, _, _, a := img.At(x, y).RGBA()
	return uint8(a >> 8)
}
