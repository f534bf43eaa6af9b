package inference

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"cutout/models"
)

// LibraryEnv is the environment variable that may name the ONNX Runtime
// shared library to load.
const LibraryEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

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
	gpu          bool
}

// candidates lists the libraries to try, in order: the explicit option,
// $ONNXRUNTIME_SHARED_LIBRARY_PATH, a library beside the executable, then
// the cache (the CUDA build first when a GPU may be used).
func candidates(opt Options, wantGPU bool) []candidate {
	var cs []candidate
	if opt.LibraryPath != "" {
		cs = append(cs, candidate{opt.LibraryPath, "--ort-lib", false})
		return cs // an explicit choice is never second-guessed
	}
	if p := os.Getenv(LibraryEnv); p != "" {
		cs = append(cs, candidate{p, "$" + LibraryEnv, false})
	}
	if exe, err := os.Executable(); err == nil {
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), "libonnxruntime.so*"))
		// Prefer the fully versioned name (libonnxruntime.so.1.30.0) over links.
		sort.Slice(matches, func(i, j int) bool { return len(matches[i]) > len(matches[j]) })
		for _, p := range matches {
			cs = append(cs, candidate{p, "beside the executable", false})
		}
	}
	if m, err := models.Load(); err == nil {
		if wantGPU {
			if r, err := m.Runtime("gpu"); err == nil {
				cs = append(cs, candidate{m.LibraryPath(r), "cache (CUDA build)", true})
			}
		}
		if r, err := m.Runtime("cpu"); err == nil {
			cs = append(cs, candidate{m.LibraryPath(r), "cache", false})
		}
	}
	return cs
}

// initRuntime loads the first candidate library that works and creates the
// environment. It is a no-op once the environment exists.
func initRuntime(opt Options, wantGPU bool) error {
	env.Lock()
	defer env.Unlock()
	if env.shut {
		return ErrShutdown
	}
	if env.ready {
		return nil
	}
	var tried []string
	for _, c := range candidates(opt, wantGPU) {
		if _, err := os.Stat(c.path); err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s): not found", c.path, c.source))
			continue
		}
		if c.gpu {
			// The CUDA build needs every provider file; verify them.
			m, err := models.Load()
			if err == nil {
				if _, err = m.LocateRuntime("gpu"); err != nil {
					tried = append(tried, fmt.Sprintf("%s (%s): %v", c.path, c.source, err))
					continue
				}
			}
		}
		ort.SetSharedLibraryPath(c.path)
		if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s): %v", c.path, c.source, err))
			continue
		}
		env.ready, env.library, env.version, env.gpuBuild = true, c.path, ort.GetVersion(), c.gpu
		return nil
	}
	if len(tried) == 0 {
		tried = append(tried, "no candidate paths")
	}
	return fmt.Errorf("%w; tried:\n  %s\n%s, or point --ort-lib or $%s at a libonnxruntime.so (version 1.24 or newer)",
		ErrNoRuntime, strings.Join(tried, "\n  "), strings.ToUpper(models.FetchHint[:1])+models.FetchHint[1:], LibraryEnv)
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
