package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"cutout/models"
)

// cacheCopy makes a cache folder in dir with copies of the runtime
// library and, when named, model files of the real cache (the CPU
// runtime of this machine), each checked by a stamp as a verified file
// is, and returns the folder, the manifest and the copied library.
func cacheCopy(t *testing.T, dir string, modelFiles ...string) (string, *models.Manifest, string) {
	t.Helper()
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Runtime("cpu")
	if err != nil {
		t.Skip(err)
	}
	if _, err := m.LocateRuntime("cpu"); err != nil {
		t.Skipf("no runtime in the cache (make assets installs it): %v", err)
	}
	cache := filepath.Join(dir, "cache")
	copyTo := func(src, dst, sum string) {
		os.MkdirAll(filepath.Dir(dst), 0o755)
		copyFile(t, src, dst)
		if err := models.Verify(dst, sum); err != nil { // writes the stamp
			t.Fatal(err)
		}
	}
	dst := filepath.Join(cache, r.Dir, r.Library)
	for _, f := range r.Files {
		copyTo(filepath.Join(m.RuntimeDir(r), f.File), filepath.Join(cache, r.Dir, f.File), f.SHA256)
	}
	for _, name := range modelFiles {
		for _, x := range m.Models {
			if x.File == name {
				src, err := m.LocateModel(x.Name)
				if err != nil {
					t.Skipf("model %s is not in the cache: %v", x.Name, err)
				}
				copyTo(src, filepath.Join(cache, "models", name), x.SHA256)
			}
			if x.FP32 != nil && x.FP32.File == name {
				src, err := m.LocateFP32(x.Name, nil)
				if err != nil {
					t.Skipf("the fp32 form of model %s is not in the cache: %v", x.Name, err)
				}
				copyTo(src, filepath.Join(cache, "models", name), x.FP32.SHA256)
			}
		}
	}
	return cache, m, dst
}

// damage overwrites n bytes at off of the file at path with 0x5a and
// restores its modification time, so the file keeps its size and time
// and its stamp goes on vouching for it: damage a disk or a copy can do.
func damage(t *testing.T, path string, off int64, n int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\x5a", n)), off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(path, time.Now(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedRuntime: a runtime library cut short, or damaged with its
// size and time kept, is refused with what to run instead of crashing the
// process as loading it would; so is one cut short given with --ort-lib,
// which the manifest does not vouch for.
func TestDamagedRuntime(t *testing.T) {
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	cache, m, lib := cacheCopy(t, dir)
	r, _ := m.Runtime("cpu")
	sum := r.Files[0].SHA256
	env := []string{"CUTOUT_CACHE=" + cache, "ONNXRUNTIME_SHARED_LIBRARY_PATH="}
	fi, _ := os.Stat(lib)

	damage(t, lib, fi.Size()/2, 64)
	got, _ := models.FileSHA256(lib)
	res := cutoutIn(t, dir, env, "remove", "--cpu", "-o", "out", "a.jpg")
	wantRun(t, res, dir, 1, nil, []string{
		"cutout: inference: no ONNX Runtime library could be loaded; tried:",
		"  DIR/cache/" + r.Dir + "/" + r.Library + " (cache): models: ONNX Runtime " + r.ORTVersion + ": models: checksum mismatch: DIR/cache/" + r.Dir + "/" + r.Library + " has sha256 " + got + ", want " + sum,
		`Run "make assets" in the Cutout source folder (or "cutout fetch"), or point --ort-lib or $ONNXRUNTIME_SHARED_LIBRARY_PATH at the ONNX Runtime library (` + models.LibraryKind(runtime.GOOS) + `, version 1.24 or newer)`,
	})

	// Cut short: its headers already say so.
	if err := os.Truncate(lib, fi.Size()/3); err != nil {
		t.Fatal(err)
	}
	res = cutoutIn(t, dir, env, "remove", "--cpu", "-o", "out", "a.jpg")
	if res.code != 1 || !strings.Contains(res.stderr, lib+" (cache): damaged library") || !strings.Contains(res.stderr, `Run "make assets"`) {
		t.Errorf("a truncated library: exit %d:\n%s", res.code, res.stderr)
	}

	// Given by path, outside the manifest's reach: its headers show it
	// is cut short.
	res = cutoutIn(t, dir, []string{"ONNXRUNTIME_SHARED_LIBRARY_PATH="}, "remove", "--cpu", "--ort-lib", lib, "-o", "out", "a.jpg")
	if res.code != 1 || !strings.Contains(res.stderr, lib+" (--ort-lib): damaged library") {
		t.Errorf("a truncated --ort-lib: exit %d:\n%s", res.code, res.stderr)
	}
	wantFiles(t, filepath.Join(dir, "out"), nil) // made, and empty

}

// TestDamagedModel: a model file damaged with its size and time kept
// passes its stamp, and ONNX Runtime cannot parse it; the error then says
// the file is damaged and what to run, and the file's stamp is gone, so
// the next run (and "cutout fetch") knows it without loading it. Both
// forms are covered: the small model's file and the medium model's fp32
// form, which the CPU runs.
func TestDamagedModel(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the models (260 MB)")
	}
	dir := t.TempDir()
	photo("a.jpg")(t, dir)
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		model string
		files []string // the cache's model files, the damaged one last
	}{
		{"small", []string{"isnet-small.onnx"}},
		{"medium", []string{"isnet-medium.onnx", "isnet-medium-fp32.onnx"}},
	} {
		t.Run(c.model, func(t *testing.T) {
			cache, _, lib := cacheCopy(t, t.TempDir(), c.files...)
			x, _ := m.Model(c.model)
			sum := x.SHA256
			if x.FP32 != nil {
				sum = x.FP32.SHA256
			}
			name := c.files[len(c.files)-1]
			p := filepath.Join(cache, "models", name)
			damage(t, p, 0, 16) // the protobuf's first fields
			got, _ := models.FileSHA256(p)
			env := []string{"CUTOUT_CACHE=" + cache, "ONNXRUNTIME_SHARED_LIBRARY_PATH=" + lib}
			res := cutoutIn(t, dir, env, "remove", "--cpu", "--model", c.model, "-o", "out", "a.jpg")
			hint := "the file is damaged (models: checksum mismatch: " + p + " has sha256 " + got + ", want " + sum + `): run "make assets" in the Cutout source folder (or "cutout fetch")`
			if res.code != 1 || !strings.Contains(res.stderr, "Protobuf parsing failed") || !strings.HasSuffix(strings.TrimSpace(res.stderr), hint) {
				t.Errorf("exit %d, stderr:\n%s\nwant it to end with:\n%s", res.code, res.stderr, hint)
			}
			if _, err := os.Stat(filepath.Join(cache, "models", "."+name+".verified")); err == nil {
				t.Error("the damaged file keeps its stamp")
			}
			if c.model != "small" {
				return // the fp32 form is derived again from the fp16 file on the next run
			}
			res = cutoutIn(t, dir, env, "remove", "--cpu", "--model", c.model, "-o", "out", "a.jpg")
			if res.code != 1 || !strings.Contains(res.stderr, "checksum mismatch: "+p) || strings.Contains(res.stderr, "Protobuf") {
				t.Errorf("second run: exit %d, stderr:\n%s", res.code, res.stderr)
			}
		})
	}
}
