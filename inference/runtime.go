package inference

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"cutout/models"
)

// LibraryEnv is the environment variable that may name the ONNX Runtime
// shared library to load.
const LibraryEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

// telemetryEnv is the environment variable that keeps ONNX Runtime's
// telemetry from starting when the environment is created (see
// initRuntime): nothing is written to the user's folders, nothing is
// queued for upload.
const telemetryEnv = "ORT_DISABLE_TELEMETRY"

// ErrNoRuntime reports that no ONNX Runtime library could be loaded.
var ErrNoRuntime = errors.New("inference: no ONNX Runtime library could be loaded")

// ErrShutdown reports use of the runtime after Shutdown.
var ErrShutdown = errors.New("inference: the ONNX Runtime was shut down")

// env is the process-wide ONNX Runtime environment. ONNX Runtime allows one
// environment per process and advises against re-creating it, so it is
// created once, by the first Open, and destroyed only by Shutdown.
var env struct {
	sync.Mutex
	ready    bool
	shut     bool
	library  string // path loaded
	version  string // reported by the library
	gpuBuild bool   // the library is the CUDA-capable build from the cache
	sessions int
}

// RuntimeInfo describes the loaded ONNX Runtime.
type RuntimeInfo struct {
	Library string // path of the shared library
	Version string // e.g. "1.30.0"
}

// Runtime returns the loaded runtime, or false before the first Open.
func Runtime() (RuntimeInfo, bool) {
	env.Lock()
	defer env.Unlock()
	return RuntimeInfo{Library: env.library, Version: env.version}, env.ready
}

// candidate is a library path and where it came from, for error reports.
type candidate struct {
	path, source string
	gpu          bool // the CUDA build from the cache
	bundled      bool // found beside the executable: checked against the manifest
	cached       bool // the CPU build from the cache: checked against the manifest
}

// searchEnv is what the library search reads from the machine, gathered
// in one place so the search can be tested for any platform.
type searchEnv struct {
	platform models.Platform
	envPath  string           // $ONNXRUNTIME_SHARED_LIBRARY_PATH
	exeDir   string           // folder of the executable; "" if unknown
	manifest *models.Manifest // nil if it could not be loaded
	noCache  error            // why not, when it could not
}

// hostSearchEnv reads the search environment of this process.
func hostSearchEnv() searchEnv {
	e := searchEnv{platform: models.Host(), envPath: os.Getenv(LibraryEnv), exeDir: models.ExecutableDir()}
	if m, err := models.Load(); err == nil {
		e.manifest = m
	} else {
		e.noCache = err
	}
	return e
}

// candidates lists the libraries to try, in order: the explicit option,
// $ONNXRUNTIME_SHARED_LIBRARY_PATH, a library in the executable's folder
// or a packaged Cutout's library folder (models.LibraryDirs, with the
// platform's file names, models.LibraryNames), then the platform's folder
// in the cache (the CUDA build first when CUDA is wanted).
func (e searchEnv) candidates(opt Options, wantCUDA bool) []candidate {
	var cs []candidate
	if opt.LibraryPath != "" {
		cs = append(cs, candidate{path: opt.LibraryPath, source: "--ort-lib"})
		return cs // an explicit choice is never second-guessed
	}
	if e.envPath != "" {
		cs = append(cs, candidate{path: e.envPath, source: "$" + LibraryEnv})
	}
	if e.exeDir != "" {
		seen := map[string]bool{}
		for _, d := range models.LibraryDirs(e.platform.OS) {
			source := "beside the executable"
			if d != "." {
				source = "in " + filepath.ToSlash(d) + " from the executable"
			}
			// Names are tried most specific first: libonnxruntime.so.1.30.0
			// before the links that point at it.
			for _, pat := range models.LibraryNames(e.platform.OS) {
				matches, _ := filepath.Glob(filepath.Join(e.exeDir, d, pat))
				sort.Strings(matches)
				for _, p := range matches {
					if !seen[p] {
						seen[p] = true
						cs = append(cs, candidate{path: p, source: source, bundled: true})
					}
				}
			}
		}
	}
	if m := e.manifest; m != nil {
		if wantCUDA {
			if r, err := m.RuntimeFor("gpu", e.platform); err == nil {
				cs = append(cs, candidate{path: m.LibraryPath(r), source: "cache (CUDA build)", gpu: true})
			}
		}
		if r, err := m.RuntimeFor("cpu", e.platform); err == nil {
			cs = append(cs, candidate{path: m.LibraryPath(r), source: "cache", cached: true})
		}
	}
	return cs
}

// initRuntime loads the first candidate library that works and creates the
// environment. It is a no-op once the environment exists.
func initRuntime(opt Options, wantCUDA bool) error {
	env.Lock()
	defer env.Unlock()
	if env.shut {
		return ErrShutdown
	}
	if env.ready {
		return nil
	}
	var tried []string
	se := hostSearchEnv()
	for _, c := range se.candidates(opt, wantCUDA) {
		if _, err := os.Stat(c.path); err != nil {
			why := "not found"
			var pe *fs.PathError
			if !errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe) {
				why = pe.Err.Error() // permission denied, not a directory, ...
			}
			tried = append(tried, fmt.Sprintf("%s (%s): %s", c.path, c.source, why))
			continue
		}
		if err := checkLibraryFile(c.path); err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s): %v", c.path, c.source, err))
			continue
		}
		if m := se.manifest; m != nil && (c.gpu || c.bundled || c.cached) {
			// Loading a damaged library crashes the process, so the
			// manifest's runtimes are verified first (the library itself
			// in full, see models.Manifest.CheckLibrary); the CUDA build
			// needs every provider file too.
			var err error
			if c.gpu {
				_, err = m.LocateRuntime("gpu")
			} else {
				err = m.CheckLibrary(c.path)
			}
			if err != nil {
				tried = append(tried, fmt.Sprintf("%s (%s): %v", c.path, c.source, err))
				continue
			}
		}
		if err := prepareLibrary(c.path); err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s): %v", c.path, c.source, err))
			continue
		}
		ort.SetSharedLibraryPath(c.path)
		// The runtime starts its telemetry (a device id and a queue of
		// events kept in the user's cache folder for upload) while it
		// creates the environment, before any call could stop it: the
		// variable it reads stops it first. A value of the user's is
		// overridden: Cutout promises to work offline.
		if err := os.Setenv(telemetryEnv, "1"); err != nil {
			return fmt.Errorf("inference: turn telemetry off: %w", err)
		}
		if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s): %v%s", c.path, c.source, err, loadHint))
			continue
		}
		// The runtime's own switch too, for the events of its sessions
		// (and ETW on Windows).
		if err := ort.DisableTelemetry(); err != nil {
			ort.DestroyEnvironment()
			return fmt.Errorf("inference: turn telemetry off: %w", err)
		}
		env.ready, env.library, env.version, env.gpuBuild = true, c.path, ort.GetVersion(), c.gpu
		return nil
	}
	if se.noCache != nil {
		tried = append(tried, fmt.Sprintf("the cache: %v", se.noCache))
	}
	return fmt.Errorf("%w; tried:\n  %s\n%s, or point --ort-lib or $%s at the ONNX Runtime library (%s, version 1.24 or newer)",
		ErrNoRuntime, strings.Join(tried, "\n  "), strings.ToUpper(models.FetchHint[:1])+models.FetchHint[1:], LibraryEnv, models.LibraryKind(runtime.GOOS))
}

// Shutdown destroys the ONNX Runtime environment. Call it once at exit,
// after every Session is closed; later Opens fail with ErrShutdown.
func Shutdown() error {
	env.Lock()
	defer env.Unlock()
	if !env.ready {
		env.shut = true
		return nil
	}
	if env.sessions > 0 {
		return fmt.Errorf("inference: Shutdown with %d sessions still open", env.sessions)
	}
	env.ready, env.shut = false, true
	if err := ort.DestroyEnvironment(); err != nil {
		return fmt.Errorf("inference: destroy environment: %w", err)
	}
	return nil
}
