package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagsRefusedFirst: a model or device Cutout does not have is
// refused with exit 2 before anything is made (no output folder), also
// when every output exists already; and "--" makes every argument after
// it a photo, however it is spelt.
func TestFlagsRefusedFirst(t *testing.T) {
	existing := func(t *testing.T, dir string) {
		os.Mkdir(filepath.Join(dir, "out"), 0o755)
		writeImage(t, filepath.Join(dir, "out", "a.png"), samplePhoto(t, 64, 48))
	}
	cases := map[string]safetyCase{
		"a model it does not have": {
			files:  []setup{photo("a.jpg")},
			args:   []string{"remove", "--model", "large", "-o", "out", "a.jpg"},
			code:   2,
			stderr: []string{"cutout remove: --model large is not a model of Cutout: want medium or small"},
		},
		"a device it does not have": {
			files:  []setup{photo("a.jpg")},
			args:   []string{"remove", "--device", "tpu", "-o", "out", "a.jpg"},
			code:   2,
			stderr: []string{"cutout remove: --device tpu is not a device: want auto, cpu or gpu"},
		},
		"a model it does not have, every output there": {
			files:  []setup{photo("a.jpg"), existing},
			args:   []string{"remove", "--model", "large", "-o", "out", "a.jpg"},
			code:   2,
			stderr: []string{"cutout remove: --model large is not a model of Cutout: want medium or small"},
		},
		"the editor with a device it does not have": {
			args:   []string{"--device", "tpu", "a.jpg"},
			code:   2,
			stderr: []string{"cutout: --device tpu is not a device: want auto, cpu or gpu"},
		},
		"photos named like flags after --": {
			files:  []setup{photo("-a.jpg"), photo("-b.jpg"), trimapFile("t.png", 64, 48)},
			args:   []string{"remove", "--cpu", "-q", "-o", "out", "--", "-a.jpg", "-b.jpg"},
			stdout: []string{"2 ok, 0 failed, 0 skipped, in T on CPU, peak memory M"},
			stderr: []string{"cutout: model M"},
			added:  []string{"out"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := c.run(t)
			if strings.HasPrefix(name, "photos") {
				wantFiles(t, filepath.Join(dir, "out"), nil, "-a.png", "-b.png")
			}
		})
	}
}

// TestParseInterleaved: flags anywhere among the photos; after "--"
// nothing is a flag; "--" as a flag's value is that value.
func TestParseInterleaved(t *testing.T) {
	cases := map[string]struct {
		args     []string
		out, pos string
		bad      bool
	}{
		"flags among photos":      {args: []string{"a", "-o", "x", "b"}, out: "x", pos: "a b"},
		"every argument after --": {args: []string{"-o", "x", "--", "-a", "-b", "-o", "y"}, out: "x", pos: "-a -b -o y"},
		"-- after a photo":        {args: []string{"a", "--", "-b"}, out: ".", pos: "a -b"},
		"-- after a bool flag":    {args: []string{"-q", "--", "-b"}, out: ".", pos: "-b"},
		"-- as -o's value":        {args: []string{"-o", "--", "a"}, out: "--", pos: "a"},
		"-- as -o=--":             {args: []string{"-o=--", "--", "-a"}, out: "--", pos: "-a"},
		"an unknown flag":         {args: []string{"a", "-b"}, bad: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			out := fs.String("o", ".", "")
			fs.Bool("q", false, "")
			pos, err := parseInterleaved(fs, c.args)
			if (err != nil) != c.bad {
				t.Fatalf("error %v", err)
			}
			if c.bad {
				return
			}
			if *out != c.out || strings.Join(pos, " ") != c.pos {
				t.Errorf("-o %q, photos %q; want -o %q, photos %q", *out, pos, c.out, c.pos)
			}
		})
	}
}
