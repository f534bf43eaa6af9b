package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	for in, want := range map[string]Platform{"windows/amd64": {"windows", "amd64"}, "darwin/arm64": {"darwin", "arm64"}} {
		if p, err := ParsePlatform(in); err != nil || p != want || p.String() != in {
			t.Errorf("%q: %v, %v", in, p, err)
		}
	}
	for _, bad := range []string{"", "windows", "/amd64", "linux/", "linux/amd64/v3"} {
		if _, err := ParsePlatform(bad); err == nil || !strings.Contains(err.Error(), "OS/ARCH") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestBundleLayout: where a packaged Cutout keeps its runtime and models on
// each desktop, and the library names searched there.
func TestBundleLayout(t *testing.T) {
	cases := map[string]struct {
		layout Layout
		dirs   []string
		kind   string
		match  []string // file names LibraryNames must match
		miss   []string // and must not
	}{
		"linux": {Layout{"../lib/cutout", "../share/cutout/models"}, []string{".", "../lib/cutout"}, "libonnxruntime.so",
			[]string{"libonnxruntime.so.1.30.0", "libonnxruntime.so.1", "libonnxruntime.so"}, []string{"libonnxruntime_providers_cuda.so", ".libonnxruntime.so.1.30.0.verified"}},
		"windows": {Layout{".", "models"}, []string{"."}, "onnxruntime.dll",
			[]string{"onnxruntime.dll"}, []string{"DirectML.dll", "onnxruntime_binding.node"}},
		"darwin": {Layout{"../Frameworks", "../Resources/models"}, []string{".", "../Frameworks"}, "libonnxruntime.dylib",
			[]string{"libonnxruntime.1.30.0.dylib", "libonnxruntime.1.dylib", "libonnxruntime.dylib"}, []string{"libonnxruntime.so.1"}},
		"freebsd": {Layout{"../lib/cutout", "../share/cutout/models"}, []string{".", "../lib/cutout"}, "libonnxruntime.so", nil, nil},
	}
	for goos, c := range cases {
		t.Run(goos, func(t *testing.T) {
			l := BundleLayout(goos)
			if filepath.ToSlash(l.Library) != c.layout.Library || filepath.ToSlash(l.Models) != c.layout.Models {
				t.Errorf("layout %+v, want %+v", l, c.layout)
			}
			var dirs []string
			for _, d := range LibraryDirs(goos) {
				dirs = append(dirs, filepath.ToSlash(d))
			}
			if !slices.Equal(dirs, c.dirs) {
				t.Errorf("library folders %q, want %q", dirs, c.dirs)
			}
			if k := LibraryKind(goos); k != c.kind {
				t.Errorf("library kind %q, want %q", k, c.kind)
			}
			matches := func(name string) bool {
				for _, pat := range LibraryNames(goos) {
					if ok, _ := filepath.Match(pat, name); ok {
						return true
					}
				}
				return false
			}
			for _, n := range c.match {
				if !matches(n) {
					t.Errorf("%s is not searched for", n)
				}
			}
			for _, n := range c.miss {
				if matches(n) {
					t.Errorf("%s is taken for the runtime library", n)
				}
			}
		})
	}
}

// TestManifestPlatforms: every desktop has a runtime whose library is one
// of its files and whose name the library search looks for, each in a
// cache folder of its own.
func TestManifestPlatforms(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := []Platform{{"linux", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}, {"windows", "arm64"}, {"darwin", "arm64"}}
	if got := m.Platforms("cpu"); !slices.Equal(got, want) {
		t.Fatalf("cpu runtimes for %v, want %v", got, want)
	}
	dirs := map[string]bool{}
	for _, r := range m.Runtimes {
		if dirs[r.Dir] {
			t.Errorf("cache folder %s used twice", r.Dir)
		}
		dirs[r.Dir] = true
		ok := false
		for _, pat := range LibraryNames(r.GOOS) {
			if m, _ := filepath.Match(pat, r.Library); m {
				ok = true
			}
		}
		if !ok || r.Description == "" {
			t.Errorf("%s %s/%s: library %s is not searched for on %s, or no description", r.Name, r.GOOS, r.GOARCH, r.Library, r.GOOS)
		}
	}
	w, err := m.RuntimeFor("cpu", Platform{"windows", "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range w.Files {
		files = append(files, f.File)
	}
	if !slices.Equal(files, []string{"onnxruntime.dll", "DirectML.dll"}) {
		t.Errorf("windows/amd64 files %q: DirectML.dll must come with onnxruntime.dll", files)
	}
	if _, err := m.RuntimeFor("gpu", Platform{"windows", "amd64"}); err == nil || !strings.Contains(err.Error(), "windows/amd64") {
		t.Errorf("an unlisted build: %v", err)
	}
}

// TestRuntimesMatchTarball installs the runtime of every platform the
// manifest lists into an empty cache with npm pack, as "cutout fetch
// --all-platforms" does, so each file's SHA-256 is checked against the real
// package; then a manifest with one sum changed must be refused.
func TestRuntimesMatchTarball(t *testing.T) {
	if testing.Short() {
		t.Skip("unpacks 110 MB of npm packages")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed (make deps installs it)")
	}
	t.Setenv("CUTOUT_CACHE", t.TempDir())
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	plats := m.Platforms("cpu")
	if err := m.Fetch(context.Background(), &FetchOptions{Models: []string{}, Platforms: plats}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range plats {
		r, _ := m.RuntimeFor("cpu", p)
		for _, f := range r.Files {
			path := filepath.Join(m.RuntimeDir(r), f.File)
			got, err := FileSHA256(path)
			if err != nil || got != f.SHA256 {
				t.Errorf("%s %s: sha256 %s, %v", p, f.File, got, err)
			}
			n++
		}
	}
	if n < 7 {
		t.Errorf("only %d runtime files", n)
	}

	t.Setenv("CUTOUT_CACHE", t.TempDir())
	bad, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := bad.RuntimeFor("cpu", Platform{"darwin", "arm64"})
	r.Files[0].SHA256 = strings.Repeat("0", 64)
	err = bad.Fetch(context.Background(), &FetchOptions{Models: []string{}, Platforms: []Platform{{"darwin", "arm64"}}})
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("a wrong sum in the manifest: %v, want ErrChecksum", err)
	}
	if _, err := os.Stat(filepath.Join(bad.RuntimeDir(r), r.Files[0].File)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file that failed its check was kept: %v", err)
	}
}

// bundleManifest is tinyManifest with a runtime of two files for this
// platform and one for another, cached in m.Dir.
func bundleManifest(t *testing.T) *Manifest {
	t.Helper()
	m, _ := tinyManifest(t)
	m.Dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(m.Dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.ModelPath(&m.Models[0]), testModel(false), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Models[0].Default = true
	file := func(r *Runtime, name, content string) {
		s := sha256.Sum256([]byte(content))
		r.Files = append(r.Files, RuntimeFile{File: name, SHA256: hex.EncodeToString(s[:])})
		if err := os.MkdirAll(m.RuntimeDir(r), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(m.RuntimeDir(r), name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	host := Runtime{Name: "cpu", GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Dir: "rt-host", Library: "libort.test"}
	file(&host, "libort.test", "the library")
	file(&host, "helper.test", "a file it loads")
	other := Runtime{Name: "cpu", GOOS: "windows", GOARCH: "arm64", Dir: "rt-win", Library: "onnxruntime.dll"}
	if runtime.GOOS == "windows" {
		other.GOOS = "linux"
	}
	file(&other, "onnxruntime.dll", "another library")
	m.Runtimes = []Runtime{host, other}
	return m
}

// TestBundle: a packaged Cutout gets the runtime of its platform and the
// default model in its layout, with no stamps, so it checks each on first
// use, and finds and verifies them there without the cache.
func TestBundle(t *testing.T) {
	m := bundleManifest(t)
	root := t.TempDir()
	exe := filepath.Join(root, "bin")
	other := m.Runtimes[1]
	if err := m.Bundle(exe, Platform{other.GOOS, other.GOARCH}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(exe, BundleLayout(other.GOOS).Library, "onnxruntime.dll")); err != nil {
		t.Errorf("other platform's library not bundled: %v", err)
	}
	if err := m.Bundle(exe, Host(), nil, nil); err != nil {
		t.Fatal(err)
	}
	layout := BundleLayout(runtime.GOOS)
	for _, p := range []string{
		filepath.Join(exe, layout.Library, "libort.test"),
		filepath.Join(exe, layout.Library, "helper.test"),
		filepath.Join(exe, layout.Models, "tiny.onnx"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("not bundled: %v", err)
		}
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".verified") || strings.HasPrefix(d.Name(), ".tmp-")) {
			t.Errorf("left in the bundle: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// The packaged program: its own folder, an empty cache.
	t.Setenv("CUTOUT_CACHE", t.TempDir())
	app := *m
	app.Exe, app.Dir = exe, os.Getenv("CUTOUT_CACHE")
	p, err := app.LocateModel("")
	if err != nil || p != filepath.Join(exe, layout.Models, "tiny.onnx") {
		t.Fatalf("bundled model: %s, %v", p, err)
	}
	lib := filepath.Join(exe, layout.Library, "libort.test")
	if err := app.CheckLibrary(lib); err != nil {
		t.Fatalf("bundled library: %v", err)
	}
	if err := os.WriteFile(filepath.Join(exe, layout.Library, "helper.test"), []byte("a file it loadz"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := app.CheckLibrary(lib); !errors.Is(err, ErrChecksum) {
		t.Fatalf("damaged file beside the library: %v", err)
	}
	if err := app.CheckLibrary(filepath.Join(exe, "libsomething-else.so")); err != nil {
		t.Fatalf("a library the manifest does not list: %v", err)
	}
	if err := os.WriteFile(p, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := app.LocateModel(""); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "make assets") {
		t.Fatalf("damaged bundled model: %v", err)
	}
}

// TestStampInCache: a file whose folder takes no stamp (a system-wide
// install) is stamped in the cache instead, so it is hashed only once.
func TestStampInCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("CUTOUT_CACHE", cache)
	dir := t.TempDir()
	p := filepath.Join(dir, "model.onnx")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	const sum = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" // sha256("hello")
	// A folder where the stamp would go makes it unwritable, even for root.
	if err := os.Mkdir(stampPath(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Verify(p, sum); err != nil {
		t.Fatal(err)
	}
	stamps, _ := filepath.Glob(filepath.Join(cache, "verified", "*-model.onnx"))
	if len(stamps) != 1 {
		t.Fatalf("stamps in the cache: %q", stamps)
	}
	// Same size and time, other bytes: the stamp is trusted, not re-hashed.
	fi, _ := os.Stat(p)
	if err := os.WriteFile(p, []byte("jello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := Verify(p, sum); err != nil {
		t.Fatalf("the stamp in the cache was not used: %v", err)
	}
}
