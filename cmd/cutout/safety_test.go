package main

import (
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"cutout/refine/imagefile/locktest"
)

// setup makes the files of a case in dir.
type setup func(t *testing.T, dir string)

// photo writes a 64×48 portrait at name, relative to dir.
func photo(name string) setup {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		writeImage(t, p, samplePhoto(t, 64, 48))
	}
}

// trimapFile writes a trimap of the given size at name.
func trimapFile(name string, w, h int) setup {
	return func(t *testing.T, dir string) {
		writeImage(t, filepath.Join(dir, name), trimapImage(w, h))
	}
}

// symlink makes name a symbolic link to target.
func symlink(target, name string) setup {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
}

// safetyCase is a run of the binary in a fresh folder: its files, its
// arguments, what it must print and exit with, and what the folder sub
// (or the folder itself) must hold afterwards: every file there before,
// unchanged, plus added.
type safetyCase struct {
	files  []setup
	args   []string
	code   int
	stdout []string
	stderr []string
	sub    string
	added  []string
}

func (c safetyCase) run(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range c.files {
		f(t, dir)
	}
	before := hashes(t, filepath.Join(dir, c.sub))
	r := cutoutIn(t, dir, nil, c.args...)
	wantRun(t, r, dir, c.code, c.stdout, c.stderr)
	wantFiles(t, filepath.Join(dir, c.sub), before, c.added...)
	return dir
}

// TestForceNeverReplacesInputs: --force replaces earlier cutouts, never a
// file the run reads: a photo (named directly, through a symbolic link to
// it or to its folder, or through ".."), the --trimap file or the
// --bg-image file. The photo's outputs get the next free name instead,
// and a note says why.
func TestForceNeverReplacesInputs(t *testing.T) {
	okLine := func(in, out string) string { return "ok   " + in + " -> " + out + "  64x48  T  (stages) CPU" }
	summary := "1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M"
	cases := map[string]safetyCase{
		"the --trimap file, saving the trimap (the README's example)": {
			files:  []setup{photo("a.jpg"), trimapFile("a.trimap.png", 64, 48)},
			args:   []string{"remove", "--trimap", "a.trimap.png", "--save-trimap", "--force", "a.jpg"},
			stdout: []string{okLine("a.jpg", "a-2.png"), summary},
			stderr: []string{"cutout: a.jpg: writing a-2.png, as a.trimap.png is the --trimap file"},
			added:  []string{"a-2.png", "a-2.trimap.png"},
		},
		"the --bg-image file": {
			files:  []setup{photo("a.jpg"), photo("a.png"), trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--trimap", "t.png", "--bg-image", "a.png", "--force", "a.jpg"},
			stdout: []string{okLine("a.jpg", "a-2.png"), summary},
			stderr: []string{"cutout: a.jpg: writing a-2.png, as a.png is the --bg-image file"},
			added:  []string{"a-2.png"},
		},
		"-o through a symbolic link to the photo's folder": {
			files:  []setup{photo("in/q.png"), symlink("in", "alias"), trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--trimap", "t.png", "--force", "-o", "alias", "in/q.png"},
			stdout: []string{okLine("in/q.png", "alias/q-2.png"), summary},
			stderr: []string{"cutout: in/q.png: writing q-2.png, as q.png is an input photo of this run"},
			sub:    "in", added: []string{"q-2.png"},
		},
		"a photo that is a symbolic link to the output": {
			files:  []setup{photo("out/q.png"), symlink("../out/q.png", "in/q.png"), trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--trimap", "t.png", "--force", "-o", "out", "in/q.png"},
			stdout: []string{okLine("in/q.png", "out/q-2.png"), summary},
			stderr: []string{"cutout: in/q.png: writing q-2.png, as q.png is an input photo of this run"},
			sub:    "out", added: []string{"q-2.png"},
		},
		"-o with ..": {
			files:  []setup{photo("in/q.png"), trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--trimap", "t.png", "--force", "-o", "in/../in", "in/q.png"},
			stdout: []string{okLine("in/q.png", "in/q-2.png"), summary},
			stderr: []string{"cutout: in/q.png: writing q-2.png, as q.png is an input photo of this run"},
			sub:    "in", added: []string{"q-2.png"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { c.run(t) })
	}

	// A matte of the user's given as a second photo, with --mask: the
	// model runs here.
	t.Run("a matte given as a photo", func(t *testing.T) {
		c := safetyCase{
			files: []setup{photo("p.jpg"), func(t *testing.T, dir string) {
				writeImage(t, filepath.Join(dir, "p.mask.png"), image.NewGray(image.Rect(0, 0, 64, 48)))
			}},
			args: []string{"remove", "--cpu", "--mask", "--force", "-o", ".", "p.jpg", "p.mask.png"},
			stdout: []string{
				"[1/2] " + okLine("p.jpg", "p-2.png"),
				"[2/2] " + okLine("p.mask.png", "p.mask-2.png"),
				"2 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
			},
			stderr: []string{
				"cutout: p.jpg: writing p-2.png, as p.mask.png is an input photo of this run",
				"cutout: p.mask.png: writing p.mask-2.png, as p.mask.png is an input photo of this run",
				"cutout: model M",
			},
			added: []string{"p-2.png", "p-2.mask.png", "p.mask-2.png", "p.mask-2.mask.png"},
		}
		dir := c.run(t)
		if _, ok := decodePNG(t, filepath.Join(dir, "p-2.mask.png")).(*image.Gray); !ok {
			t.Error("p-2.mask.png is not p.jpg's matte")
		}
	})
}

// TestOutputNamesPlanned: two photos whose outputs would collide (x.jpg's
// matte is x.mask.png, which is also x.mask.jpg's cutout) get names
// planned before anything is written, the same on every run, with a note;
// a second run without --force then skips both, naming the same files.
func TestOutputNamesPlanned(t *testing.T) {
	dir := t.TempDir()
	photo("x.jpg")(t, dir)
	photo("x.mask.jpg")(t, dir)
	note := "cutout: x.mask.jpg: writing x.mask-2.png, as x.mask.png is where this run puts the matte of x.jpg"
	r := cutoutIn(t, dir, nil, "remove", "--cpu", "--mask", "-o", "out", "x.jpg", "x.mask.jpg")
	wantRun(t, r, dir, 0, []string{
		"[1/2] ok   x.jpg -> out/x.png  64x48  T  (stages) CPU",
		"[2/2] ok   x.mask.jpg -> out/x.mask-2.png  64x48  T  (stages) CPU",
		"2 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{note, "cutout: model M"})
	out := filepath.Join(dir, "out")
	first := wantFiles(t, out, nil, "x.png", "x.mask.png", "x.mask-2.png", "x.mask-2.mask.png")
	for name, grey := range map[string]bool{"x.png": false, "x.mask.png": true, "x.mask-2.png": false, "x.mask-2.mask.png": true} {
		if _, ok := decodePNG(t, filepath.Join(out, name)).(*image.Gray); ok != grey {
			t.Errorf("%s: a matte is %v, want %v", name, ok, grey)
		}
	}
	r = cutoutIn(t, dir, nil, "remove", "--cpu", "--mask", "-o", "out", "x.jpg", "x.mask.jpg")
	wantRun(t, r, dir, 0, []string{
		"skip x.jpg: out/x.png exists (use --force to replace it)",
		"skip x.mask.jpg: out/x.mask-2.png exists (use --force to replace it)",
		"0 ok, 0 failed, 2 skipped",
	}, []string{note})
	wantFiles(t, out, first)
}

// TestPhotoAllOrNothing: a photo whose outputs cannot all be written
// writes none of them: existing ones skip it (without --force), a name
// the file system refuses fails it, before anything runs. (A full disk
// and a replacement that cannot be put in place are in
// TestWritesOnMounts.)
func TestPhotoAllOrNothing(t *testing.T) {
	long := strings.Repeat("n", 251) // NAME.png fits in 255 bytes, NAME.mask.png does not
	cases := map[string]safetyCase{
		"every output exists": {
			files:  []setup{photo("a.jpg"), trimapFile("t.png", 64, 48), cutoutPNG("a.png"), cutoutPNG("a.trimap.png")},
			args:   []string{"remove", "--trimap", "t.png", "--save-trimap", "a.jpg"},
			stdout: []string{"skip a.jpg: a.png exists (use --force to replace it)", "0 ok, 0 failed, 1 skipped"},
		},
		"a name too long for the matte": {
			files:  []setup{func(t *testing.T, dir string) { photo(long[:247]+".jpg")(t, dir) }, trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--trimap", "t.png", "--mask", "-o", ".", long[:247] + ".jpg"},
			code:   1,
			stdout: []string{"0 ok, 1 failed, 0 skipped"},
			stderr: []string{"FAIL " + long[:247] + ".jpg: cannot write " + long[:247] + ".mask.png: file name too long"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { c.run(t) })
	}
}

// TestRerunIntoInputFolder: cutting out a folder into itself again and
// again leaves it as the first run did, and each skip says why; with
// --force the same files are written again, byte for byte. An earlier
// cutout whose photo is gone is its own output, and a photo given twice
// is done once.
func TestRerunIntoInputFolder(t *testing.T) {
	dir := t.TempDir()
	photo("d/a.jpg")(t, dir)
	photo("d/b.png")(t, dir)
	d := filepath.Join(dir, "d")
	note := "cutout: d/b.png: writing b-2.png, as b.png is an input photo of this run"
	r := cutoutIn(t, dir, nil, "remove", "--cpu", "-o", "d", "d")
	wantRun(t, r, dir, 0, []string{
		"[1/2] ok   d/a.jpg -> d/a.png  64x48  T  (stages) CPU",
		"[2/2] ok   d/b.png -> d/b-2.png  64x48  T  (stages) CPU",
		"2 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{note, "cutout: model M"})
	first := hashes(t, d)
	if len(first) != 4 {
		t.Fatalf("after the first run: %v", first)
	}
	skips := []string{
		"skip d/a.jpg: d/a.png exists (use --force to replace it)",
		"skip d/a.png: is where this run puts the cutout of d/a.jpg",
		"skip d/b-2.png: is where this run puts the cutout of d/b.png",
		"skip d/b.png: d/b-2.png exists (use --force to replace it)",
		"0 ok, 0 failed, 4 skipped",
	}
	for i := 2; i <= 3; i++ {
		r := cutoutIn(t, dir, nil, "remove", "--cpu", "-o", "d", "d")
		wantRun(t, r, dir, 0, skips, []string{note})
		wantFiles(t, d, first)
	}
	r = cutoutIn(t, dir, nil, "remove", "--cpu", "--force", "-o", "d", "d")
	wantRun(t, r, dir, 0, []string{
		"skip d/a.png: is where this run puts the cutout of d/a.jpg",
		"skip d/b-2.png: is where this run puts the cutout of d/b.png",
		"[1/2] ok   d/a.jpg -> d/a.png  64x48  T  (stages) CPU",
		"[2/2] ok   d/b.png -> d/b-2.png  64x48  T  (stages) CPU",
		"2 ok, 0 failed, 2 skipped, in T on CPU, peak memory M",
	}, []string{note, "cutout: model M"})
	wantFiles(t, d, first)

	// An earlier cutout alone in its folder.
	e := filepath.Join(dir, "e")
	os.Mkdir(e, 0o755)
	copyFile(t, filepath.Join(d, "a.png"), filepath.Join(e, "c.png"))
	r = cutoutIn(t, dir, nil, "remove", "--cpu", "--force", "-o", "e", "e")
	wantRun(t, r, dir, 0, []string{"skip e/c.png: is its own output path (a PNG Cutout wrote)", "0 ok, 0 failed, 1 skipped"}, nil)

	// One photo by three paths.
	trimapFile("t.png", 64, 48)(t, dir)
	r = cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "-o", "out", "d/a.jpg", "./d/a.jpg", "e/../d/a.jpg")
	wantRun(t, r, dir, 0, []string{
		"skip ./d/a.jpg: given twice: the same file as d/a.jpg",
		"skip e/../d/a.jpg: given twice: the same file as d/a.jpg",
		"ok   d/a.jpg -> out/a.png  64x48  T  (stages) CPU",
		"1 ok, 0 failed, 2 skipped, in T on CPU, peak memory M",
	}, nil)
}

// TestFailureLines: every failed file gets one line on stderr, once,
// whether it failed as an argument (missing, a loop of symbolic links) or
// while being cut out, with names that hold odd characters quoted; stdout
// has the successes and the summary.
func TestFailureLines(t *testing.T) {
	dir := t.TempDir()
	photo("good é.jpg")(t, dir)
	os.WriteFile(filepath.Join(dir, "bad\nname.jpg"), []byte("not a photo\n"), 0o644)
	truncated, _ := os.ReadFile(sample(t))
	os.WriteFile(filepath.Join(dir, "tab\tname.png"), truncated[:len(truncated)/2], 0o644)
	if err := os.Symlink("loop.jpg", filepath.Join(dir, "loop.jpg")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	before := hashes(t, dir)
	args := []string{"remove", "--cpu", "-o", "out", "gone.jpg", "loop.jpg", "bad\nname.jpg", "tab\tname.png", "good é.jpg"}
	r := cutoutIn(t, dir, nil, args...)
	wantRun(t, r, dir, 1, []string{
		"[3/3] ok   good é.jpg -> out/good é.png  64x48  T  (stages) CPU",
		"1 ok, 4 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{
		"FAIL gone.jpg: no such file or directory",
		"FAIL loop.jpg: too many levels of symbolic links",
		"cutout: model M",
		`FAIL "bad\nname.jpg": imagefile: decode "bad\nname.jpg": unsupported image format`,
		`FAIL "tab\tname.png": imagefile: decode "tab\tname.png": png: invalid format: not enough pixel data`,
	})
	for _, name := range []string{"gone.jpg", "loop.jpg", `"bad\nname.jpg"`, `"tab\tname.png"`} {
		if n := strings.Count(r.stdout+r.stderr, "FAIL "+name); n != 1 {
			t.Errorf("%s listed %d times, want once", name, n)
		}
	}
	wantFiles(t, dir, before, "out")
	wantFiles(t, filepath.Join(dir, "out"), nil, "good é.png")
}

// TestFlagRanges: values that cannot work are refused with exit 2 and the
// valid range, before anything is read or written.
func TestFlagRanges(t *testing.T) {
	cpus := strconv.Itoa(runtime.NumCPU())
	threads := "cutout remove: --threads %s is out of range: want 0 (one per CPU) to " + cpus + " (the CPUs of this machine)"
	band := "cutout remove: --band %s is out of range: want a fraction of the short side from 0 (the default, 0.01) to 0.25"
	cases := map[string]struct {
		args []string
		want string
	}{
		"threads -1":           {[]string{"--threads", "-1"}, strings.Replace(threads, "%s", "-1", 1)},
		"threads 1000":         {[]string{"--threads", "1000"}, strings.Replace(threads, "%s", "1000", 1)},
		"threads 99999999999":  {[]string{"--threads", "99999999999"}, strings.Replace(threads, "%s", "99999999999", 1)},
		"band -1":              {[]string{"--band", "-1"}, strings.Replace(band, "%s", "-1", 1)},
		"band NaN":             {[]string{"--band", "NaN"}, strings.Replace(band, "%s", "NaN", 1)},
		"band 1e9":             {[]string{"--band", "1e9"}, strings.Replace(band, "%s", "1e+09", 1)},
		"band Inf":             {[]string{"--band", "Inf"}, strings.Replace(band, "%s", "+Inf", 1)},
		"bg and bg-image":      {[]string{"--bg", "white", "--bg-image", "a.jpg"}, "cutout remove: --bg and --bg-image exclude each other: give one backdrop"},
		"trimap and no-refine": {[]string{"--trimap", "a.jpg", "--no-refine"}, "cutout remove: --trimap and --no-refine exclude each other: --no-refine keeps the model's matte, and with --trimap no model runs"},
		"max-pixels 0":         {[]string{"--max-pixels", "0"}, "cutout remove: --max-pixels 0 is out of range: want 1 or more"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			photo("a.jpg")(t, dir)
			before := hashes(t, dir)
			r := cutoutIn(t, dir, nil, append(append([]string{"remove"}, c.args...), "-o", "out", "a.jpg")...)
			wantRun(t, r, dir, 2, nil, []string{c.want})
			wantFiles(t, dir, before)
		})
	}
	// The editor and version refuse the same thread counts.
	for _, args := range [][]string{{"--threads", "-1"}, {"version", "--threads", "-1"}} {
		r := cutoutIn(t, t.TempDir(), nil, args...)
		wantRun(t, r, "", 2, nil, []string{"cutout: --threads -1 is out of range: want 0 (one per CPU) to " + cpus + " (the CPUs of this machine)"})
	}
}

// TestPhotoTransparencyKept: a PNG photo with its own transparency (its
// left third cleared, a band half transparent) never gets alpha back, in
// the cutout, the matte or a composite over a colour.
func TestPhotoTransparencyKept(t *testing.T) {
	dir := t.TempDir()
	img := samplePhoto(t, 96, 72)
	for y := 0; y < 72; y++ {
		for x := 0; x < 96; x++ {
			switch {
			case x < 32:
				img.Pix[img.PixOffset(x, y)+3] = 0
			case y >= 30 && y < 40:
				img.Pix[img.PixOffset(x, y)+3] = 100
			}
		}
	}
	writeImage(t, filepath.Join(dir, "cut.png"), img)
	writeImage(t, filepath.Join(dir, "t.png"), trimapImage(96, 72))
	check := func(name string, bound func(x, y int, a uint8) bool) {
		t.Helper()
		out := decodePNG(t, filepath.Join(dir, name))
		for y := 0; y < 72; y++ {
			for x := 0; x < 96; x++ {
				if a := alphaAt(out, x, y); !bound(x, y, a) {
					t.Fatalf("%s: pixel (%d,%d) has alpha %d, the photo %d", name, x, y, a, img.Pix[img.PixOffset(x, y)+3])
				}
			}
		}
	}
	below := func(x, y int, a uint8) bool { return a <= img.Pix[img.PixOffset(x, y)+3] }
	r := cutoutIn(t, dir, nil, "remove", "--cpu", "--mask", "-o", "model", "cut.png")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	check("model/cut.png", below)
	check("model/cut.mask.png", below)
	r = cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "-o", "trimap", "cut.png")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	check("trimap/cut.png", below)
	check("trimap/cut.mask.png", below)
	// The trimap's foreground reaches into the half-transparent band:
	// there the cutout has exactly the photo's alpha.
	if a := alphaAt(decodePNG(t, filepath.Join(dir, "trimap/cut.png")), 48, 35); a != 100 {
		t.Errorf("foreground in the half-transparent band: alpha %d, want the photo's 100", a)
	}
	r = cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--bg", "#336699", "-o", "bg", "cut.png")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	bg := decodePNG(t, filepath.Join(dir, "bg/cut.png")).(*image.NRGBA)
	for y := 0; y < 72; y++ {
		for x := 0; x < 32; x++ {
			if c := bg.NRGBAAt(x, y); c != (color.NRGBA{0x33, 0x66, 0x99, 0xff}) {
				t.Fatalf("cleared pixel (%d,%d) over #336699 is %v", x, y, c)
			}
		}
	}
}

// TestTrimapOfRotatedPhoto: a photo stored 64×48 and shown turned 90°
// clockwise (EXIF orientation 6) takes a trimap at its shown size, and
// one at its stored size, turned the same way; the output says which; a
// trimap of another size is refused with both sizes named.
func TestTrimapOfRotatedPhoto(t *testing.T) {
	dir := t.TempDir()
	var jpg strings.Builder
	writeImage(t, filepath.Join(dir, "plain.jpg"), samplePhoto(t, 64, 48))
	b, _ := os.ReadFile(filepath.Join(dir, "plain.jpg"))
	jpg.Write(withOrientation(b, 6))
	os.WriteFile(filepath.Join(dir, "turned.jpg"), []byte(jpg.String()), 0o644)
	os.Remove(filepath.Join(dir, "plain.jpg"))
	// Stored-size trimap: the left quarter (x < 16) is foreground, the
	// right quarter background. Shown turned clockwise, the left edge
	// becomes the top.
	stored := image.NewGray(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			switch {
			case x < 16:
				stored.Pix[y*64+x] = 255
			case x < 48:
				stored.Pix[y*64+x] = 128
			}
		}
	}
	writeImage(t, filepath.Join(dir, "stored.png"), stored)
	writeImage(t, filepath.Join(dir, "shown.png"), trimapImage(48, 64))
	writeImage(t, filepath.Join(dir, "small.png"), trimapImage(10, 10))

	r := cutoutIn(t, dir, nil, "remove", "--trimap", "stored.png", "--mask", "-o", "a", "turned.jpg")
	wantRun(t, r, dir, 0, []string{
		"ok   turned.jpg -> a/turned.png  48x64  T  (stages) CPU",
		"note: turned.jpg: trimap stored.png is 64x48, the photo's size as stored; it is turned as the photo is for display (EXIF orientation 6: rotated 90° clockwise), to 48x64",
		"1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, nil)
	m := decodePNG(t, filepath.Join(dir, "a/turned.mask.png")).(*image.Gray)
	if m.Rect.Dx() != 48 || m.Rect.Dy() != 64 {
		t.Fatalf("matte is %v, want 48x64", m.Rect)
	}
	for x := 0; x < 48; x++ {
		if top, bottom := m.GrayAt(x, 5).Y, m.GrayAt(x, 60).Y; top != 255 || bottom != 0 {
			t.Fatalf("column %d: alpha %d at the top, %d at the bottom; want 255 and 0 (the trimap turned)", x, top, bottom)
		}
	}

	r = cutoutIn(t, dir, nil, "remove", "--trimap", "shown.png", "-o", "b", "turned.jpg")
	wantRun(t, r, dir, 0, []string{
		"ok   turned.jpg -> b/turned.png  48x64  T  (stages) CPU",
		"note: turned.jpg: the photo is turned for display (EXIF orientation 6: rotated 90° clockwise); the trimap is taken as the photo is shown, as --save-trimap writes it",
		"1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, nil)

	r = cutoutIn(t, dir, nil, "remove", "--trimap", "small.png", "-o", "c", "turned.jpg")
	wantRun(t, r, dir, 1, []string{"0 ok, 1 failed, 0 skipped, in T on CPU, peak memory M"},
		[]string{"FAIL turned.jpg: trimap small.png is 10x10 but the image is 48x64 (64x48 as stored, EXIF orientation 6)"})
}

// TestStaleTempFilesCleaned: the temporary files a killed run left in the
// output folder are removed by the next run, which says so; those of a
// run still going (held by its lock, whatever process ID its name holds),
// and the user's own files, stay.
func TestStaleTempFilesCleaned(t *testing.T) {
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	trimapFile("t.png", 64, 48)(t, dir)
	// A process killed with SIGKILL, as a run killed while writing.
	killed := exec.Command("sleep", "60")
	if err := killed.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	killed.Process.Signal(syscall.SIGKILL)
	killed.Wait()
	dead, live := strconv.Itoa(killed.Process.Pid), strconv.Itoa(os.Getpid())
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	for name, content := range map[string]string{
		".x.png." + dead + "-11.tmp":     "half a cutout",
		".y.png." + dead + "-12-old.tmp": "a kept copy of y.png",
		"y.png":                          "y.png",
		".z.png." + live + "-13.tmp":     "a cutout being written",
		".w.png." + dead + "-14.tmp":     "a cutout being written in another container",
		".notes.tmp":                     "the user's",
	} {
		os.WriteFile(filepath.Join(out, name), []byte(content), 0o644)
	}
	// Their writers hold them: this process, and one whose process ID
	// is unknown here, as in another container sharing the folder.
	locktest.Hold(t, filepath.Join(out, ".z.png."+live+"-13.tmp"))
	locktest.Hold(t, filepath.Join(out, ".w.png."+dead+"-14.tmp"))
	before := hashes(t, out)
	delete(before, ".x.png."+dead+"-11.tmp")
	delete(before, ".y.png."+dead+"-12-old.tmp")
	r := cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "-o", "out", "a.jpg")
	wantRun(t, r, dir, 0, []string{
		"ok   a.jpg -> out/a.png  64x48  T  (stages) CPU",
		"1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{
		"cutout: cleaned up .x.png." + dead + "-11.tmp, left in out by an interrupted run",
		"cutout: cleaned up .y.png." + dead + "-12-old.tmp, left in out by an interrupted run",
	})
	wantFiles(t, out, before, "a.png")
}
