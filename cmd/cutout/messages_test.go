package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesNameTheCause: what stops a run is named as it is, once:
// an empty -o, an -o that is a symbolic link to nothing or a file, an
// unknown command, a missing photo given three times.
func TestMessagesNameTheCause(t *testing.T) {
	cases := map[string]safetyCase{
		`-o ""`: {
			files:  []setup{photo("a.jpg")},
			args:   []string{"remove", "-o", "", "a.jpg"},
			code:   2,
			stderr: []string{`cutout remove: -o "" names no folder: give one (-o . for the current folder)`},
		},
		"-o a symbolic link to nothing": {
			files:  []setup{photo("a.jpg"), symlink("nowhere", "out")},
			args:   []string{"remove", "-o", "out", "a.jpg"},
			code:   1,
			stderr: []string{"cutout: output folder: out is a symbolic link to nowhere, which does not exist"},
		},
		"-o a file": {
			files:  []setup{photo("a.jpg"), photo("out")},
			args:   []string{"remove", "-o", "out", "a.jpg"},
			code:   1,
			stderr: []string{"cutout: output folder: out is a file, not a folder"},
		},
		"an unknown command": {
			args:   []string{"bogus"},
			code:   2,
			stderr: []string{`cutout: unknown command "bogus": the commands are remove, fetch, version and help (a photo to open must be an image file)`},
		},
		"a missing photo given three times": {
			args:   []string{"remove", "--cpu", "x.jpg", "x.jpg", "./x.jpg"},
			code:   1,
			stdout: []string{"0 ok, 1 failed, 0 skipped"},
			stderr: []string{"FAIL x.jpg: no such file or directory"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { c.run(t) })
	}
}

// TestRuntimeMessages: when the runtime cannot be found, the reason is
// the real one: no home folder to hold a cache (not "no candidate
// paths"), a cache path that cannot be a folder (not "not found").
func TestRuntimeMessages(t *testing.T) {
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	file := filepath.Join(dir, "a.jpg")
	cases := map[string]struct {
		env  []string
		want string
	}{
		"no home":               {nil, "  the cache: models: no cache folder (set CUTOUT_CACHE): neither $XDG_CACHE_HOME nor $HOME are defined\n"},
		"a cache inside a file": {[]string{"CUTOUT_CACHE=" + file + "/cache"}, " (cache): not a directory\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			env := append([]string{"PATH=" + os.Getenv("PATH")}, c.env...)
			r := runProgram(t, bin, dir, env, "remove", "--cpu", "-o", "out", "a.jpg")
			if r.code != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", r.code, r.stderr, c.want)
			}
		})
	}
}
