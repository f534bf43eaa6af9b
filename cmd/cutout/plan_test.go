package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanNames: output names are planned in input order, the first free
// number for all of a photo's outputs at once, case-folded, with a note
// for each photo that does not get its own name; folders are listed in
// name order for image files only.
func TestPlanNames(t *testing.T) {
	cases := map[string]struct {
		files       []string // made in the folder, empty
		args        []string // the command line's photos
		mask, tri   bool
		want        []string // "input -> outputs"
		notes       []string
		skips, fail int
	}{
		"same name in two folders": {
			files: []string{"a/x.jpg", "b/x.png"}, args: []string{"a/x.jpg", "b/x.png"},
			want:  []string{"a/x.jpg -> out/x.png", "b/x.png -> out/x-2.png"},
			notes: []string{"b/x.png: writing x-2.png, as x.png is where this run puts the cutout of a/x.jpg"},
		},
		"names differing in case": {
			files: []string{"X.jpg", "x.png"}, args: []string{"X.jpg", "x.png"},
			want:  []string{"X.jpg -> out/X.png", "x.png -> out/x-2.png"},
			notes: []string{"x.png: writing x-2.png, as x.png is where this run puts the cutout of X.jpg"},
		},
		"all of a photo's outputs move together": {
			files: []string{"x.jpg", "x.mask.jpg", "x-2.mask.tiff"}, args: []string{"x.jpg", "x.mask.jpg", "x-2.mask.tiff"}, mask: true, tri: true,
			want: []string{
				"x.jpg -> out/x.png out/x.mask.png out/x.trimap.png",
				"x.mask.jpg -> out/x.mask-2.png out/x.mask-2.mask.png out/x.mask-2.trimap.png",
				"x-2.mask.tiff -> out/x-2.mask.png out/x-2.mask.mask.png out/x-2.mask.trimap.png",
			},
			notes: []string{"x.mask.jpg: writing x.mask-2.png, as x.mask.png is where this run puts the matte of x.jpg"},
		},
		"a folder, in name order, image files only": {
			files: []string{"d/b.png", "d/a.JPG", "d/notes.txt", "d/sub/c.jpg"}, args: []string{"d"},
			want: []string{"d/a.JPG -> out/a.png", "d/b.png -> out/b.png"},
		},
		"a photo given twice": {
			files: []string{"a.jpg"}, args: []string{"a.jpg", "./a.jpg"},
			want: []string{"a.jpg -> out/a.png"}, skips: 1,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for _, f := range c.files {
				os.MkdirAll(filepath.Dir(f), 0o755)
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			os.Mkdir("out", 0o755)
			srcs, fails, _ := expand(c.args)
			if len(fails) != 0 {
				t.Fatalf("failures %v", fails)
			}
			p := plan(srcs, planOptions{Dir: "out", Mask: c.mask, Trimap: c.tri})
			var got []string
			for _, j := range p.Jobs {
				line := j.Input + " -> " + j.Output
				for _, o := range []string{j.Mask, j.Trimap} {
					if o != "" {
						line += " " + o
					}
				}
				got = append(got, line)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("jobs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if strings.Join(p.Notes, "\n") != strings.Join(c.notes, "\n") {
				t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(p.Notes, "\n"), strings.Join(c.notes, "\n"))
			}
			if len(p.Skips) != c.skips || len(p.Fails) != c.fail {
				t.Errorf("skips %v, failures %v", p.Skips, p.Fails)
			}
		})
	}
}

// TestQuoting: names and messages print on one line.
func TestQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain name é.jpg": "plain name é.jpg",
		"two\nlines.jpg":   `"two\nlines.jpg"`,
		"bell\a.jpg":       `"bell\a.jpg"`,
		" lead.jpg":        `" lead.jpg"`,
		"quote\".jpg":      `"quote\".jpg"`,
		"bad\xffutf8.jpg":  `"bad\xffutf8.jpg"`,
	} {
		if got := quoteName(in); got != want {
			t.Errorf("quoteName(%q) = %s, want %s", in, got, want)
		}
	}
	err := errors.Join(errors.New("first cause\nwith a newline"), errors.New("second\tcause"))
	if got, want := oneLine(err), `first cause\nwith a newline; second\tcause`; got != want {
		t.Errorf("oneLine = %s, want %s", got, want)
	}
}
