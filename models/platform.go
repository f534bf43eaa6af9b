package models

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Platform is an operating system and processor architecture, named as Go
// names them (GOOS and GOARCH): "windows/amd64", "darwin/arm64".
type Platform struct {
	OS, Arch string
}

// Host is the platform this program was built for.
func Host() Platform { return Platform{runtime.GOOS, runtime.GOARCH} }

// String returns "os/arch".
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ParsePlatform reads "os/arch", as String writes it.
func ParsePlatform(s string) (Platform, error) {
	os, arch, ok := strings.Cut(s, "/")
	if !ok || os == "" || arch == "" || strings.Contains(arch, "/") {
		return Platform{}, fmt.Errorf("models: platform %q is not OS/ARCH (e.g. windows/amd64)", s)
	}
	return Platform{os, arch}, nil
}

// LibraryNames returns the file-name patterns (as filepath.Match reads
// them) of an ONNX Runtime shared library on goos, the most specific first:
// a fully versioned name is preferred to the links that point at it.
func LibraryNames(goos string) []string {
	switch goos {
	case "windows":
		return []string{"onnxruntime.dll"}
	case "darwin":
		return []string{"libonnxruntime.*.*.*.dylib", "libonnxruntime.*.dylib", "libonnxruntime.dylib"}
	default:
		return []string{"libonnxruntime.so.*.*.*", "libonnxruntime.so.*", "libonnxruntime.so"}
	}
}

// LibraryKind is how people call a shared library on goos, for messages:
// "libonnxruntime.so", "libonnxruntime.dylib" or "onnxruntime.dll".
func LibraryKind(goos string) string {
	n := LibraryNames(goos)
	return n[len(n)-1]
}

// Layout says where a packaged Cutout keeps its ONNX Runtime and its
// models, as folders relative to the folder of its executable.
type Layout struct {
	Library string // the runtime's files
	Models  string // model files, verified against the manifest on first use
}

// BundleLayout returns the layout of a packaged Cutout on goos:
//
//	linux, BSDs  bin/cutout, lib/cutout/, share/cutout/models/ (any prefix: /usr/local, ~/.local, the unpacked archive)
//	windows      Cutout.exe with the DLLs beside it (Windows looks for DLLs there), models\
//	darwin       Cutout.app/Contents/MacOS/cutout, Contents/Frameworks/, Contents/Resources/models/
func BundleLayout(goos string) Layout {
	switch goos {
	case "windows":
		return Layout{Library: ".", Models: "models"}
	case "darwin":
		return Layout{Library: filepath.Join("..", "Frameworks"), Models: filepath.Join("..", "Resources", "models")}
	default:
		return Layout{Library: filepath.Join("..", "lib", "cutout"), Models: filepath.Join("..", "share", "cutout", "models")}
	}
}

// LibraryDirs returns the folders, relative to the executable's folder,
// in which a runtime library is looked for on goos: the executable's own
// folder, then the bundle's library folder.
func LibraryDirs(goos string) []string {
	dirs := []string{"."}
	if l := BundleLayout(goos).Library; l != "." {
		dirs = append(dirs, l)
	}
	return dirs
}

// ExecutableDir returns the folder of the running executable, with links
// resolved, or "" when it cannot be found.
func ExecutableDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	return filepath.Dir(exe)
}
