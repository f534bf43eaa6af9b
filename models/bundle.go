package models

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Bundle copies what a packaged Cutout for platform p carries into exeDir,
// the folder its executable goes in, laid out as BundleLayout(p.OS) says:
// every file of p's "cpu" runtime, and the models called names (nil means
// the default model). Each comes from the cache, where Fetch puts it, and
// is written atomically with its SHA-256 checked. No ".verified" stamps are
// written, so the packaged Cutout hashes each file once on first use. The
// fp32 forms are not carried: a packaged Cutout derives them into the
// user's cache on first use. Progress lines go to logw (nil discards them).
func (m *Manifest) Bundle(exeDir string, p Platform, names []string, logw io.Writer) error {
	if logw == nil {
		logw = io.Discard
	}
	r, err := m.RuntimeFor("cpu", p)
	if err != nil {
		return err
	}
	layout := BundleLayout(p.OS)
	for _, f := range r.Files {
		src := filepath.Join(m.RuntimeDir(r), f.File)
		dst := filepath.Join(exeDir, layout.Library, f.File)
		if err := copyChecked(src, dst, f.SHA256); err != nil {
			return fmt.Errorf("models: bundle runtime %s for %s: %w; %s", f.File, p, err, FetchHint)
		}
		fmt.Fprintf(logw, "bundle  runtime %s (%s)\n", f.File, dst)
	}
	if names == nil {
		names = []string{""}
	}
	for _, n := range names {
		x, err := m.Model(n)
		if err != nil {
			return err
		}
		dst := filepath.Join(exeDir, layout.Models, x.File)
		if err := copyChecked(m.ModelPath(x), dst, x.SHA256); err != nil {
			return fmt.Errorf("models: bundle model %q: %w; %s", x.Name, err, FetchHint)
		}
		fmt.Fprintf(logw, "bundle  model %s (%s)\n", x.Name, dst)
	}
	return nil
}

// copyChecked copies src to dst, which must come out with SHA-256 sum.
func copyChecked(src, dst, sum string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	return writeChecked(dst, sum, func(w io.Writer) error {
		_, err := io.Copy(w, f)
		return err
	})
}
