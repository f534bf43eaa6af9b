package models

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifest(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	def, err := m.Model("")
	if err != nil || def.Name != "medium" {
		t.Fatalf("default model: %v, %v", def, err)
	}
	if def.FP32 == nil {
		t.Error("the default model (fp16 weights) has no fp32 form for the CPU")
	}
	for _, x := range m.Models {
		if len(x.SHA256) != 64 || x.Size <= 0 || x.Input.Width != 1024 || x.Input.Scale == 0 || x.Output == "" {
			t.Errorf("model %s: incomplete manifest entry %+v", x.Name, x)
		}
		if d := x.FP32; d != nil && (len(d.SHA256) != 64 || d.Size <= x.Size || d.File == "" || d.File == x.File || d.From == "") {
			t.Errorf("model %s: incomplete fp32 entry %+v", x.Name, d)
		}
	}
	for _, r := range m.Runtimes {
		found := false
		for _, f := range r.Files {
			if len(f.SHA256) != 64 || f.Package == "" || f.Version == "" || f.Path == "" {
				t.Errorf("runtime %s: incomplete file %+v", r.Name, f)
			}
			found = found || f.File == r.Library
		}
		if !found {
			t.Errorf("runtime %s: library %s is not one of its files", r.Name, r.Library)
		}
	}
	if _, err := m.Model("huge"); err == nil || !strings.Contains(err.Error(), "medium") {
		t.Errorf("unknown model error should list known models: %v", err)
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv("CUTOUT_CACHE", "/some/where")
	if d, _ := CacheDir(); d != "/some/where" {
		t.Fatalf("CUTOUT_CACHE ignored: %s", d)
	}
	t.Setenv("CUTOUT_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if d, _ := CacheDir(); d != "/xdg/cutout" {
		t.Fatalf("XDG_CACHE_HOME ignored: %s", d)
	}
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.bin")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	const sum = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" // sha256("hello")
	if err := Verify(p, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stampPath(p)); err != nil {
		t.Fatalf("no stamp after a good check: %v", err)
	}
	// Changing the file (size and time) invalidates the stamp.
	if err := os.WriteFile(p, []byte("hellO!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Verify(p, sum); !errors.Is(err, ErrChecksum) {
		t.Fatalf("damaged file: got %v, want ErrChecksum", err)
	}
	if err := Verify(filepath.Join(dir, "none"), sum); !errors.Is(err, ErrMissing) {
		t.Fatalf("missing file: got %v, want ErrMissing", err)
	}
}

// TestLocateSaysWhatToRun: with an empty cache, every lookup names the
// command that installs the assets.
func TestLocateSaysWhatToRun(t *testing.T) {
	t.Setenv("CUTOUT_CACHE", t.TempDir())
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LocateModel("medium"); err == nil || !strings.Contains(err.Error(), "make assets") {
		t.Fatalf("missing model: %v", err)
	}
	if _, err := m.LocateRuntime("cpu"); err == nil || !strings.Contains(err.Error(), "make assets") {
		t.Fatalf("missing runtime: %v", err)
	}
	if _, err := m.LocateRuntime("gpu"); err == nil || !strings.Contains(err.Error(), "make gpu") {
		t.Fatalf("missing GPU runtime: %v", err)
	}
}

// TestFetchWithoutNPM: no npm on the machine is a clear error naming the fix.
func TestFetchWithoutNPM(t *testing.T) {
	t.Setenv("CUTOUT_CACHE", t.TempDir())
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	err = m.Fetch(context.Background(), &FetchOptions{Models: []string{"small"}, NPM: "npm-not-installed-here"})
	if err == nil || !strings.Contains(err.Error(), "install Node.js and npm") || !strings.Contains(err.Error(), "make assets") {
		t.Fatalf("got %v", err)
	}
}

// TestFetchFromCache: with the real cache already filled (make assets),
// Fetch verifies, at most derives a missing fp32 form, and never calls npm.
func TestFetchFromCache(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LocateModel("medium"); err != nil {
		t.Skipf("assets not installed (%v)", err)
	}
	if err := m.Fetch(context.Background(), &FetchOptions{Models: []string{"medium", "small"}, NPM: "npm-must-not-be-called"}); err != nil {
		t.Fatalf("warm cache still wanted npm: %v", err)
	}
}
