package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoToolkitNoise: in the C locale of servers, containers and CI
// (C.UTF-8, POSIX.UTF-8), the editor's build prints nothing of its GUI
// toolkit for the commands that open no window: help, version, remove,
// fetch.
func TestNoToolkitNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the editor")
	}
	gui := filepath.Join(t.TempDir(), "cutout-gui")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", gui, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the editor: %v\n%s", err, out)
	}
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	trimapFile("t.png", 64, 48)(t, dir)
	cmds := map[string]struct {
		args   []string
		code   int
		stderr []string
	}{
		"--help":  {[]string{"--help"}, 0, nil},
		"help":    {[]string{"help"}, 0, nil},
		"version": {[]string{"version", "--cpu"}, 0, nil},
		"remove":  {[]string{"remove", "--trimap", "t.png", "-o", "out", "a.jpg"}, 0, nil},
		"fetch":   {[]string{"fetch", "--platform", "windows"}, 2, []string{`cutout fetch: models: platform "windows" is not OS/ARCH (e.g. windows/amd64)`}},
	}
	for _, env := range [][]string{{"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8", "LANG=en_GB.UTF-8"}, {"LANG=POSIX.UTF-8"}} {
		for name, c := range cmds {
			t.Run(strings.Join(env, " ")+" "+name, func(t *testing.T) {
				r := runProgram(t, gui, dir, append(cleanLocale(os.Environ()), env...), c.args...)
				want := ""
				if len(c.stderr) > 0 {
					want = strings.Join(c.stderr, "\n") + "\n"
				}
				if r.code != c.code || r.stderr != want {
					t.Errorf("exit %d (want %d), stderr:\n%s\nwant:\n%s", r.code, c.code, r.stderr, want)
				}
				if r.stdout == "" && c.code == 0 {
					t.Error("printed nothing")
				}
			})
		}
	}
}

// cleanLocale drops the locale variables from env.
func cleanLocale(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "LANG=") && !strings.HasPrefix(e, "LANGUAGE=") && !strings.HasPrefix(e, "LC_") {
			out = append(out, e)
		}
	}
	return out
}
