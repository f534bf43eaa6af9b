package main

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"cutout/refine/imagefile"
)

// cutoutPNG writes at name a small PNG as Cutout writes its outputs.
func cutoutPNG(name string) setup {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := imagefile.WritePNG(p, image.NewGray(image.Rect(0, 0, 4, 4)), false); err != nil {
			t.Fatal(err)
		}
	}
}

// rawFile writes content at name.
func rawFile(name, content string) setup {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutputsBelongToCutout: a file at an output's name that Cutout did
// not write (a JPEG saved as p.png) is never replaced, --force or not: the
// photo's outputs take the next number, with a note. An empty file and a
// PNG of Cutout's cut short (what a kill or a full disk leaves) are never
// taken as done: they are replaced. A photo whose cutout exists but whose
// matte does not (a kill between the two, or --mask asked later) gets its
// matte, and its cutout is kept.
func TestOutputsBelongToCutout(t *testing.T) {
	okLine := func(out string) string { return "ok   p.jpg -> " + out + "  64x48  T  (stages) CPU" }
	summary := "1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M"
	cutShort := func(t *testing.T, dir string) {
		cutoutPNG("out/p.png")(t, dir)
		p := filepath.Join(dir, "out", "p.png")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)-20], 0o644)
	}
	cases := map[string]safetyCase{
		"a JPEG saved as the cutout's name, with --force": {
			files:  []setup{photo("p.jpg"), trimapFile("t.png", 64, 48), photo("out/x.jpg"), rawFile("out/p.png", "a JPEG of the user's")},
			args:   []string{"remove", "--trimap", "t.png", "--force", "-o", "out", "p.jpg"},
			stdout: []string{okLine("out/p-2.png"), summary},
			stderr: []string{"cutout: p.jpg: writing p-2.png, as p.png is a file Cutout did not write, which it keeps"},
			sub:    "out", added: []string{"p-2.png"},
		},
		"a JPEG saved as the matte's name, without --force": {
			files:  []setup{photo("p.jpg"), trimapFile("t.png", 64, 48), rawFile("out/p.mask.png", "the user's")},
			args:   []string{"remove", "--trimap", "t.png", "--mask", "-o", "out", "p.jpg"},
			stdout: []string{okLine("out/p-2.png"), summary},
			stderr: []string{"cutout: p.jpg: writing p-2.png, as p.mask.png is a file Cutout did not write, which it keeps"},
			sub:    "out", added: []string{"p-2.png", "p-2.mask.png"},
		},
		"an empty cutout a kill left": {
			files:  []setup{photo("p.jpg"), trimapFile("t.png", 64, 48), rawFile("out/p.png", "")},
			args:   []string{"remove", "--trimap", "t.png", "-o", "out", "p.jpg"},
			stdout: []string{okLine("out/p.png"), "note: p.jpg: replaced out/p.png, which an interrupted run left unfinished", summary},
			sub:    "out", added: []string{"p.png"},
		},
		"a cutout cut short": {
			files:  []setup{photo("p.jpg"), trimapFile("t.png", 64, 48), cutShort},
			args:   []string{"remove", "--trimap", "t.png", "-o", "out", "p.jpg"},
			stdout: []string{okLine("out/p.png"), "note: p.jpg: replaced out/p.png, which an interrupted run left unfinished", summary},
			sub:    "out", added: []string{"p.png"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range c.files {
				f(t, dir)
			}
			out := filepath.Join(dir, "out")
			before := hashes(t, out)
			for _, a := range c.added { // replaced files are checked by content below
				delete(before, a)
			}
			r := cutoutIn(t, dir, nil, c.args...)
			wantRun(t, r, dir, c.code, c.stdout, c.stderr)
			wantFiles(t, out, before, c.added...)
			for _, a := range c.added {
				if !imagefile.WholeByCutout(filepath.Join(out, a)) {
					t.Errorf("%s is not a whole PNG of Cutout's", a)
				}
			}
		})
	}

	// A kill between putting the cutout and the matte in place leaves the
	// cutout alone; the run after writes the matte and keeps the cutout.
	t.Run("a cutout without its matte", func(t *testing.T) {
		dir := t.TempDir()
		photo("p.jpg")(t, dir)
		trimapFile("t.png", 64, 48)(t, dir)
		r := cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "-o", "out", "p.jpg")
		wantRun(t, r, dir, 0, []string{okLine("out/p.png"), summary}, nil)
		out := filepath.Join(dir, "out")
		whole := hashes(t, out)
		os.Remove(filepath.Join(out, "p.mask.png")) // what the kill left
		r = cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "-o", "out", "p.jpg")
		wantRun(t, r, dir, 0, []string{okLine("out/p.png"), "note: p.jpg: kept out/p.png from an earlier run, wrote what it lacked", summary}, nil)
		wantFiles(t, out, whole)
		// Asked for later: the same.
		r = cutoutIn(t, dir, nil, "remove", "--trimap", "t.png", "--mask", "--save-trimap", "-o", "out", "p.jpg")
		wantRun(t, r, dir, 0, []string{okLine("out/p.png"), "note: p.jpg: kept out/p.png, out/p.mask.png from an earlier run, wrote what it lacked", summary}, nil)
		wantFiles(t, out, whole, "p.trimap.png")
	})
}

// TestForceReplacesOnlyItsOutputs: two photos called x.png in two
// folders, cut out together into one folder, get x.png and x-2.png; a
// later run of the second alone, with --force, replaces x-2.png, its own,
// and leaves the first photo's outputs alone (it replaced x.png, and the
// first photo's matte and trimap stayed); without --force it skips it as
// done.
func TestForceReplacesOnlyItsOutputs(t *testing.T) {
	dir := t.TempDir()
	photo("d1/x.png")(t, dir)
	os.Mkdir(filepath.Join(dir, "d2"), 0o755)
	writeImage(t, filepath.Join(dir, "d2", "x.png"), flipped(samplePhoto(t, 64, 48)))
	r := cutoutIn(t, dir, nil, "remove", "--cpu", "--mask", "--save-trimap", "-o", "out", "d1", "d2")
	wantRun(t, r, dir, 0, []string{
		"[1/2] ok   d1/x.png -> out/x.png  64x48  T  (stages) CPU",
		"[2/2] ok   d2/x.png -> out/x-2.png  64x48  T  (stages) CPU",
		"2 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{"cutout: d2/x.png: writing x-2.png, as x.png is where this run puts the cutout of d1/x.png", "cutout: model M"})
	out := filepath.Join(dir, "out")
	first := hashes(t, out)
	if len(first) != 6 {
		t.Fatalf("out holds %v", first)
	}
	firstPhoto := map[string]string{}
	for _, n := range []string{"x.png", "x.mask.png", "x.trimap.png"} {
		firstPhoto[n] = first[n]
	}
	os.Remove(filepath.Join(out, "x-2.png")) // to see it written again

	r = cutoutIn(t, dir, nil, "remove", "--cpu", "--force", "-o", "out", "d2/x.png")
	wantRun(t, r, dir, 0, []string{
		"ok   d2/x.png -> out/x-2.png  64x48  T  (stages) CPU",
		"1 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
	}, []string{
		"cutout: d2/x.png: writing x-2.png, as x.png is made from another photo (or from this one before it changed), which only that photo's runs replace",
		"cutout: model M",
	})
	after := hashes(t, out)
	for n, h := range firstPhoto {
		if after[n] != h {
			t.Errorf("%s, the first photo's, changed", n)
		}
	}
	if after["x-2.png"] != first["x-2.png"] {
		t.Errorf("x-2.png is not the second photo's cutout again")
	}

	r = cutoutIn(t, dir, nil, "remove", "--cpu", "-o", "out", "d2/x.png")
	wantRun(t, r, dir, 0, []string{"skip d2/x.png: out/x-2.png exists (use --force to replace it)", "0 ok, 0 failed, 1 skipped"},
		[]string{"cutout: d2/x.png: writing x-2.png, as x.png is made from another photo (or from this one before it changed), which only that photo's runs replace"})
}

// flipped returns img mirrored left to right: another photo of the same
// size.
func flipped(img *image.NRGBA) *image.NRGBA {
	b := img.Rect
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetNRGBA(b.Max.X-1-(x-b.Min.X), y, img.NRGBAAt(x, y))
		}
	}
	return out
}
