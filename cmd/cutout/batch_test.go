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
// returns how many are corrupt. Their sizes cycle through five, from
// 120×120 to 240×232, so any batch of ten or more holds every size.
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
		w, h := 120+(i%5)*30, 120+(i%5)*28
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
// size in KiB, its stdout, stderr and exit code.
func peakRSS(t *testing.T, dir, out string) (int64, string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, "remove", "--cpu", "-q", "-o", out, dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
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
	return ru.Maxrss, stdout.String(), stderr.String(), code
}

// TestBatchMemoryFlat: a batch of 48 photos, a tenth of them corrupt,
// writes every good one, lists every bad one once on stderr, exits 1, and
// peaks at no more memory than a batch of 12 of the same sizes (growth
// under 4%, about 37 MiB: a leak of a megabyte a photo over the 36 more
// would show; measured +0.8%). It measures the memory of a batch, so its
// photos are small: the model's own memory, the same for any photo,
// dominates.
func TestBatchMemoryFlat(t *testing.T) {
	const short, long = 12, 48
	small, big := t.TempDir(), t.TempDir()
	writeVariants(t, small, short)
	badBig := writeVariants(t, big, long)

	rssShort, _, _, code := peakRSS(t, small, t.TempDir())
	if code != 1 {
		t.Fatalf("%d photos: exit %d, want 1", short, code)
	}
	out := t.TempDir()
	rssLong, stdout, stderr, code := peakRSS(t, big, out)
	if code != 1 {
		t.Fatalf("%d photos: exit %d, want 1", long, code)
	}
	t.Logf("peak RSS: %d photos %d MiB, %d photos %d MiB (%+.1f%%)", short, rssShort/1024, long, rssLong/1024, 100*float64(rssLong-rssShort)/float64(rssShort))
	if float64(rssLong) > 1.04*float64(rssShort) {
		t.Errorf("memory grows with the batch: %d KiB after %d photos, %d KiB after %d", rssShort, short, rssLong, long)
	}
	if !strings.HasPrefix(stdout, fmt.Sprintf("%d ok, %d failed, 0 skipped, in ", long-badBig, badBig)) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout is not the summary alone:\n%s", stdout)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != long-badBig {
		t.Errorf("%d outputs, want %d", len(ents), long-badBig)
	}
	var fails []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "FAIL ") {
			fails = append(fails, l)
		}
	}
	if len(fails) != badBig {
		t.Errorf("%d FAIL lines, want %d:\n%s", len(fails), badBig, stderr)
	}
	for i := 9; i < long; i += 10 {
		name := filepath.Join(big, fmt.Sprintf("photo-%03d", i))
		if !strings.Contains(stderr, "FAIL "+name) {
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
