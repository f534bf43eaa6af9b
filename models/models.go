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

// Runtime is one ONNX Runtime build of the manifest.
type Runtime struct {
	Name       string        `json:"name"` // "cpu" or "gpu"
	GOOS       string        `json:"goos"`
	GOARCH     string        `json:"goarch"`
	ORTVersion string        `json:"ortVersion"`
	Dir        string        `json:"dir"`     // folder in the cache
	Library    string        `json:"library"` // file to load, one of Files
	Files      []RuntimeFile `json:"files"`
}

// Manifest lists every asset. It is read from the embedded manifest.json.
type Manifest struct {
	Models   []Model   `json:"models"`
	Runtimes []Runtime `json:"runtimes"`
	// Dir is the cache folder the manifest's assets live in.
	Dir string `json:"-"`
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
	return &m, nil
}

// CacheDir returns the folder assets are cached in: $CUTOUT_CACHE if set,
// else the user cache folder ($XDG_CACHE_HOME or ~/.cache) + "/cutout".
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
func (m *Manifest) Runtime(name string) (*Runtime, error) {
	for i := range m.Runtimes {
		r := &m.Runtimes[i]
		if r.Name == name && r.GOOS == runtime.GOOS && r.GOARCH == runtime.GOARCH {
			return r, nil
		}
	}
	return nil, fmt.Errorf("models: no %s ONNX Runtime build is listed for %s/%s", name, runtime.GOOS, runtime.GOARCH)
}

// ModelPath is where model x lives in the cache.
func (m *Manifest) ModelPath(x *Model) string { return filepath.Join(m.Dir, "models", x.File) }

// RuntimeDir is the cache folder of runtime r.
func (m *Manifest) RuntimeDir(r *Runtime) string { return filepath.Join(m.Dir, r.Dir) }

// LibraryPath is the shared library of runtime r to load.
func (m *Manifest) LibraryPath(r *Runtime) string { return filepath.Join(m.RuntimeDir(r), r.Library) }

// LocateModel returns the cached, verified file of the model called name.
// A missing or damaged file is an error that names the command to run.
func (m *Manifest) LocateModel(name string) (string, error) {
	x, err := m.Model(name)
	if err != nil {
		return "", err
	}
	p := m.ModelPath(x)
	if err := Verify(p, x.SHA256); err != nil {
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
		if err := Verify(filepath.Join(m.RuntimeDir(r), f.File), f.SHA256); err != nil {
			hint := FetchHint
			if name == "gpu" {
				hint = `run "make gpu" in the Cutout source folder (or "cutout fetch --gpu")`
			}
			return "", fmt.Errorf("models: ONNX Runtime (%s): %w; %s", name, err, hint)
		}
	}
	return m.LibraryPath(r), nil
}

// stamp records that a file's checksum was verified, keyed by its size and
// modification time, so later starts can skip hashing it.
func stampPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".verified")
}

func stampFor(fi os.FileInfo, sum string) string {
	return sum + " " + strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10) + "\n"
}

// Verify checks that path exists and has SHA-256 sum (lower-case hex). When a
// stamp written by an earlier successful check still matches the file's size
// and modification time, the file is not hashed again.
func Verify(path, sum string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrMissing, path)
	}
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	if b, err := os.ReadFile(stampPath(path)); err == nil && string(b) == stampFor(fi, sum) {
		return nil
	}
	got, err := FileSHA256(path)
	if err != nil {
		return err
	}
	if got != sum {
		return fmt.Errorf("%w: %s has sha256 %s, want %s", ErrChecksum, path, got, sum)
	}
	// A stamp that cannot be written only costs a re-hash next time.
	_ = os.WriteFile(stampPath(path), []byte(stampFor(fi, sum)), 0o644)
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
