package models

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
)

// FP32Path is where the fp32 form of model x lives in the cache, or "" when
// the manifest lists none for it.
func (m *Manifest) FP32Path(x *Model) string {
	if x.FP32 == nil {
		return ""
	}
	return filepath.Join(m.Dir, "models", x.FP32.File)
}

// LocateFP32 returns the verified fp32 form of the model called name (see
// Model.FP32), or the model's own file when it has no such form. A cache
// filled before fp32 forms existed, or a packaged Cutout, holds only the
// fp16 file: the fp32 form is then derived from it into the cache, once,
// with Widen, written atomically and
// verified against the manifest, and a line saying so goes to logw (nil
// discards it). A missing or damaged fp16 file is an error that names the
// command to run.
func (m *Manifest) LocateFP32(name string, logw io.Writer) (string, error) {
	x, err := m.Model(name)
	if err != nil {
		return "", err
	}
	if x.FP32 == nil {
		return m.LocateModel(x.Name)
	}
	if p, err := m.locate(x.FP32.File, x.FP32.SHA256); err == nil {
		return p, nil
	}
	p := m.FP32Path(x)
	src, err := m.LocateModel(x.Name)
	if err != nil {
		return "", err
	}
	if logw == nil {
		logw = io.Discard
	}
	fmt.Fprintf(logw, "widen   model %s to fp32, once (%s)\n", x.Name, p)
	if err := deriveFP32(src, p, x); err != nil {
		return "", err
	}
	return p, nil
}

// deriveFP32 widens the verified fp16 file src of model x into dst.
func deriveFP32(src, dst string, x *Model) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("models: fp32 form of model %q: %w", x.Name, err)
	}
	err = writeVerified(dst, x.FP32.SHA256, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if _, err := WidenTo(bw, b); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("models: fp32 form of model %q: %w", x.Name, err)
	}
	// The fp16 copy is garbage now; hand its pages back before the caller
	// (typically about to load the model) reaches its peak.
	debug.FreeOSMemory()
	return nil
}

// deriveFP32s makes sure every model of want that has an fp32 form has it
// in the cache, deriving it from the (already verified) model file.
func (m *Manifest) deriveFP32s(want []*Model, logw io.Writer) error {
	for _, x := range want {
		if x.FP32 == nil {
			continue
		}
		p := m.FP32Path(x)
		if Verify(p, x.FP32.SHA256) != nil {
			fmt.Fprintf(logw, "widen   model %s to fp32\n", x.Name)
			if err := deriveFP32(m.ModelPath(x), p, x); err != nil {
				return err
			}
		}
		fmt.Fprintf(logw, "ok      model %s fp32 (%s)\n", x.Name, p)
	}
	return nil
}
