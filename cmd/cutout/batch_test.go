package main

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// writeVariants writes n photos derived from the sample portrait (shifted,
// scaled crops, as JPEG and PNG) into dir, every tenth one corrupt, and
// returns how many are corrupt.
func writeVariants(t *testing.T, dir string, n int) int {
	t.Helper()
	f, err := os.Open(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i := 0; i < n; i++ {
		w, h := 200+(i*37)%180, 200+(i*53)%180
		x0, y0 := (i*17)%(512-w), (i*29)%(512-h)
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Rect, src, image.Pt(x0, y0), draw.Src)
		var buf bytes.Buffer
		name := fmt.Sprintf("photo-%03d", i)
		if i%2 == 0 {
			jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
			name += ".jpg"
		} else {
			png.Encode(&buf, img)
			name += ".png"
		}
		b := buf.Bytes()
		if i%10 == 9 {
			b = b[:len(b)/3] // truncated
			bad++
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bad
}

// peakRSS runs cutout remove over dir and returns its peak resident set
// size in KiB, its output and exit code.
func peakRSS(t *testing.T, dir, out string) (int64, string, int) {
	t.Helper()
	cmd := exec.Command(bin, "remove", "--cpu", "-q", "-o", out, dir)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("peak RSS is not reported on this platform")
	}
	return ru.Maxrss, log.String(), code
}

// TestBatchMemoryFlat: a batch of 200 photos with 10% corrupt exports every
// good one, lists every bad one, exits 1, and uses no more memory than a
// batch of 20 (growth under 10%).
func TestBatchMemoryFlat(t *testing.T) {
	small, big := t.TempDir(), t.TempDir()
	writeVariants(t, small, 20)
	badBig := writeVariants(t, big, 200)

	rss20, _, code := peakRSS(t, small, t.TempDir())
	if code != 1 {
		t.Fatalf("20 photos: exit %d, want 1", code)
	}
	out := t.TempDir()
	rss200, log, code := peakRSS(t, big, out)
	if code != 1 {
		t.Fatalf("200 photos: exit %d, want 1", code)
	}
	t.Logf("peak RSS: 20 photos %d MiB, 200 photos %d MiB (%+.1f%%)", rss20/1024, rss200/1024, 100*float64(rss200-rss20)/float64(rss20))
	if float64(rss200) > 1.10*float64(rss20) {
		t.Errorf("memory grows with the batch: %d KiB after 20, %d KiB after 200", rss20, rss200)
	}
	if !strings.Contains(log, fmt.Sprintf("%d ok, %d failed", 200-badBig, badBig)) {
		t.Errorf("summary wrong:\n%s", log)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 200-badBig {
		t.Errorf("%d outputs, want %d", len(ents), 200-badBig)
	}
	for i := 9; i < 200; i += 10 {
		name := fmt.Sprintf("photo-%03d", i)
		if !strings.Contains(log, name) {
			t.Errorf("bad file %s not listed", name)
		}
	}
}

// TestBatchOverlapSameBytes: overlapping neighbouring images, and keeping
// the model's memory between runs (a batch's default on a machine with the
// memory for it; --low-memory turns both off), change nothing in the
// outputs.
func TestBatchOverlapSameBytes(t *testing.T) {
	in := t.TempDir()
	writeVariants(t, in, 4)
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	if log, code := cutout(t, "remove", "--cpu", "--mask", "--low-memory", "-o", c, in); code != 0 {
		t.Fatalf("low memory: exit %d\n%s", code, log)
	}
	if log, code := cutout(t, "remove", "--cpu", "--mask", "-o", a, in); code != 0 {
		t.Fatalf("overlapped: exit %d\n%s", code, log)
	}
	if log, code := cutout(t, "remove", "--cpu", "--mask", "--sequential", "-o", b, in); code != 0 {
		t.Fatalf("sequential: exit %d\n%s", code, log)
	}
	ents, _ := os.ReadDir(a)
	if len(ents) != 8 {
		t.Fatalf("%d outputs, want 8", len(ents))
	}
	for _, e := range ents {
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		z, err2 := os.ReadFile(filepath.Join(c, e.Name()))
		if err != nil || err2 != nil || !bytes.Equal(x, y) || !bytes.Equal(x, z) {
			t.Errorf("%s differs between overlapped, sequential and low-memory runs", e.Name())
		}
	}
}
