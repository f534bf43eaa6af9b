package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutout/inference"
	"cutout/models"
)

// editorCaseEnv tells a re-run test binary to open the editor's
// segmenter on the photo it names (TestPrivacyEditorChild).
const editorCaseEnv = "CUTOUT_PRIVACY_EDITOR"

// TestNothingWrittenOutside: the command line and the editor's segmenter,
// each a fresh process with a scratch home, XDG folders, temporary folder
// and working folder, write nothing but the outputs asked for and Cutout's
// own cache: no telemetry of ONNX Runtime (a device id and a queue of
// events under the user's cache folder), no file in the working folder.
func TestNothingWrittenOutside(t *testing.T) {
	if os.Getenv(editorCaseEnv) != "" {
		t.Skip("running as the editor's segmenter")
	}
	cache, err := models.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	// scratch makes the folders of a fresh user and the environment
	// pointing at them; Cutout's cache stays where it is.
	scratch := func(t *testing.T) (string, []string) {
		root := t.TempDir()
		env := []string{"PATH=" + os.Getenv("PATH"), "CUTOUT_CACHE=" + cache}
		if lib := os.Getenv(inference.LibraryEnv); lib != "" {
			env = append(env, inference.LibraryEnv+"="+lib)
		}
		for _, v := range []string{"HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TMPDIR", "work"} {
			d := filepath.Join(root, strings.ToLower(v))
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			if v != "work" {
				env = append(env, v+"="+d)
			}
		}
		return root, env
	}
	// written lists the files under root, but for those in allowed.
	written := func(t *testing.T, root string, allowed ...string) []string {
		var got []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Error(err)
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			for _, a := range allowed {
				if rel == a {
					return nil
				}
			}
			if !d.IsDir() {
				got = append(got, rel)
			}
			return nil
		})
		return got
	}

	t.Run("cutout remove and version", func(t *testing.T) {
		root, env := scratch(t)
		work := filepath.Join(root, "work")
		copyFile(t, sample(t), filepath.Join(work, "portrait.png"))
		for _, args := range [][]string{
			{"remove", "--cpu", "--mask", "-o", "out", "portrait.png"},
			{"version", "--cpu"},
		} {
			r := runProgram(t, bin, work, env, args...)
			if r.code != 0 {
				t.Fatalf("cutout %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
			}
		}
		if got := written(t, root, "work/portrait.png", "work/out/portrait.png", "work/out/portrait.mask.png"); len(got) > 0 {
			t.Errorf("the command line wrote files outside its outputs and Cutout's cache: %q", got)
		}
	})

	t.Run("the editor's segmenter", func(t *testing.T) {
		if !hasEditor {
			t.Skip("this build has no editor (-tags nogui)")
		}
		root, env := scratch(t)
		r := runProgram(t, os.Args[0], filepath.Join(root, "work"), append(env, editorCaseEnv+"="+sample(t), binEnv+"="+bin),
			"-test.run=^TestPrivacyEditorChild$", "-test.v", "-test.count=1")
		if r.code != 0 || !strings.Contains(r.stdout, "--- PASS: TestPrivacyEditorChild") {
			t.Fatalf("the editor's segmenter failed (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
		}
		if got := written(t, root); len(got) > 0 {
			t.Errorf("the editor's segmenter wrote files outside Cutout's cache: %q", got)
		}
	})
}
