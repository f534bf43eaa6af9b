package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	in := []string{"a/x.jpg", "b/x.png", filepath.Join(dir, "y.png"), "c/z.tiff"}
	jobs := plan(in, dir, true, false)
	want := []string{"x.png", "x-2.png", "y-2.png", "z.png"}
	for i, j := range jobs {
		if filepath.Base(j.Output) != want[i] {
			t.Errorf("%s → %s, want %s", j.Input, j.Output, want[i])
		}
		if j.Mask == "" || j.Trimap != "" {
			t.Errorf("%s: mask %q trimap %q", j.Input, j.Mask, j.Trimap)
		}
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "b.PNG", "a.mask.png", "c.trimap.png", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	files, errs := expand([]string{dir, filepath.Join(dir, "notes.txt"), filepath.Join(dir, "missing.jpg")})
	if len(files) != 3 || filepath.Base(files[0]) != "a.jpg" || filepath.Base(files[1]) != "b.PNG" || filepath.Base(files[2]) != "notes.txt" {
		t.Errorf("files %v", files)
	}
	if len(errs) != 1 {
		t.Errorf("errors %v, want one for the missing file", errs)
	}
}
