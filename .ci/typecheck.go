// Command typecheck type-checks Go packages for a platform whose C
// toolchain is not at hand, such as macOS from Linux:
//
//	go run .ci/typecheck.go -os darwin -arch arm64 -tags nogui ./cmd/...
//
// "GOOS=darwin go vet" needs cgo, and cgo needs Apple's SDK (runtime/cgo
// includes its headers), while CGO_ENABLED=0 drops onnxruntime_go, which has
// no files without cgo. So this lists the packages and their files for the
// platform with cgo on ("go list -deps", which runs no C compiler) and
// type-checks every one of them from source with go/types, treating the
// names cgo would provide (C.xxx) as unknown, and any use of a value of such
// an unknown type as unchecked. Everything else is checked as
// the compiler would: the Go code behind darwin build tags, its calls into
// onnxruntime_go and the standard library for that platform. Errors are
// reported for the module's own packages; it exits 1 when there are any.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// listed is the part of "go list -json" output this needs.
type listed struct {
	ImportPath string
	Dir        string
	Module     *struct{ Main bool }
	GoFiles    []string
	CgoFiles   []string
	ImportMap  map[string]string
	Error      *struct{ Err string }
}

func main() {
	goos := flag.String("os", "darwin", "GOOS to check for")
	goarch := flag.String("arch", "arm64", "GOARCH to check for")
	tags := flag.String("tags", "", "build tags, comma-separated")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/typecheck.go [-os OS] [-arch ARCH] [-tags T] PACKAGES...")
		os.Exit(2)
	}
	n, err := check(*goos, *goarch, *tags, flag.Args(), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "typecheck:", err)
		os.Exit(1)
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "typecheck: %d errors for %s/%s\n", n, *goos, *goarch)
		os.Exit(1)
	}
}

// check type-checks patterns and their dependencies for goos/goarch, prints
// the errors in the main module's packages to w and returns their number.
func check(goos, goarch, tags string, patterns []string, w io.Writer) (int, error) {
	args := append([]string{"list", "-e", "-deps", "-json", "-tags", tags}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=1", "GOFLAGS=-mod=mod")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	fset := token.NewFileSet()
	done := map[string]*types.Package{"unsafe": types.Unsafe}
	sizes := types.SizesFor("gc", goarch)
	errs, pkgs, own := 0, 0, 0
	dec := json.NewDecoder(&out)
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return errs, fmt.Errorf("go list output: %w", err)
		}
		if p.ImportPath == "unsafe" {
			continue
		}
		mine := p.Module != nil && p.Module.Main
		if p.Error != nil && mine {
			fmt.Fprintf(w, "%s: %s\n", p.ImportPath, p.Error.Err)
			errs++
		}
		var files []*ast.File
		for _, name := range append(p.GoFiles, p.CgoFiles...) {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				return errs, err
			}
			files = append(files, f)
		}
		conf := types.Config{
			FakeImportC: true,
			Sizes:       sizes,
			Importer: importerFunc(func(path string) (*types.Package, error) {
				if m, ok := p.ImportMap[path]; ok {
					path = m
				}
				if pkg := done[path]; pkg != nil {
					return pkg, nil
				}
				return nil, fmt.Errorf("%s is not among the listed dependencies", path)
			}),
			Error: func(err error) {
				// A value whose type comes from C is invalid here; what
				// is done with it is not checked, and not reported.
				if mine && !strings.Contains(err.Error(), "invalid type") {
					fmt.Fprintln(w, err)
					errs++
				}
			},
		}
		pkg, _ := conf.Check(p.ImportPath, fset, files, nil)
		done[p.ImportPath] = pkg
		pkgs++
		if mine {
			own++
		}
	}
	fmt.Fprintf(w, "typecheck: %d packages for %s/%s (%d of this module), %d errors\n", pkgs, goos, goarch, own, errs)
	return errs, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
