package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyManifest is a manifest with one model, the fp16 test model, whose
// fp32 form is the hand-written wide test model, cached in a fresh folder.
func tinyManifest(t *testing.T) (*Manifest, *Model) {
	t.Helper()
	sum := func(b []byte) string {
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	fp16, fp32 := testModel(false), testModel(true)
	m := &Manifest{Dir: t.TempDir(), Models: []Model{{
		Name: "tiny", File: "tiny.onnx", Size: int64(len(fp16)), SHA256: sum(fp16),
		FP32: &Derived{File: "tiny-fp32.onnx", Size: int64(len(fp32)), SHA256: sum(fp32)},
	}}}
	return m, &m.Models[0]
}

// TestLocateFP32: a cache holding only the fp16 file (an older install)
// gets its fp32 form on first use, with one line saying so; later calls
// use the verified file silently, and a damaged one is derived again.
func TestLocateFP32(t *testing.T) {
	m, x := tinyManifest(t)
	if _, err := m.LocateFP32("tiny", nil); err == nil || !strings.Contains(err.Error(), "make assets") {
		t.Fatalf("no fp16 file: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(m.Dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.ModelPath(x), testModel(false), 0o644); err != nil {
		t.Fatal(err)
	}
	want := testModel(true)
	check := func(step string, wantLog bool) {
		t.Helper()
		var log bytes.Buffer
		p, err := m.LocateFP32("tiny", &log)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if p != m.FP32Path(x) {
			t.Fatalf("%s: path %s, want %s", step, p, m.FP32Path(x))
		}
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: fp32 file differs from the expected model (%v)", step, err)
		}
		if said := strings.Contains(log.String(), "widen   model tiny to fp32"); said != wantLog || strings.Count(log.String(), "\n") > 1 {
			t.Fatalf("%s: log %q", step, log.String())
		}
	}
	check("first use", true)
	if _, err := os.Stat(stampPath(m.FP32Path(x))); err != nil {
		t.Fatalf("no .verified stamp: %v", err)
	}
	check("second use", false)
	if err := os.WriteFile(m.FP32Path(x), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("damaged", true)
	ents, _ := os.ReadDir(filepath.Join(m.Dir, "models"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestLocateFP32Mismatch: a derived file that does not match the manifest
// is refused and not left in the cache.
func TestLocateFP32Mismatch(t *testing.T) {
	m, x := tinyManifest(t)
	x.FP32.SHA256 = strings.Repeat("0", 64)
	if err := os.MkdirAll(filepath.Join(m.Dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.ModelPath(x), testModel(false), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.LocateFP32("tiny", nil); !errors.Is(err, ErrChecksum) {
		t.Fatalf("got %v, want ErrChecksum", err)
	}
	if _, err := os.Stat(m.FP32Path(x)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("mismatching file installed: %v", err)
	}
}

// TestLocateFP32Plain: a model without an fp32 form is its own file.
func TestLocateFP32Plain(t *testing.T) {
	m, x := tinyManifest(t)
	x.FP32 = nil
	if err := os.MkdirAll(filepath.Join(m.Dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.ModelPath(x), testModel(false), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := m.LocateFP32("tiny", nil); err != nil || p != m.ModelPath(x) {
		t.Fatalf("got %s, %v; want %s", p, err, m.ModelPath(x))
	}
	if m.FP32Path(x) != "" {
		t.Fatalf("FP32Path of a model without fp32 form: %q", m.FP32Path(x))
	}
}

// TestFetchDerivesFP32: with the fp16 file in the cache, Fetch derives the
// missing fp32 form without npm.
func TestFetchDerivesFP32(t *testing.T) {
	m, x := tinyManifest(t)
	if err := os.MkdirAll(filepath.Join(m.Dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.ModelPath(x), testModel(false), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	err := m.Fetch(context.Background(), &FetchOptions{Runtimes: []string{}, Log: &log, NPM: "npm-must-not-be-called"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(m.FP32Path(x), x.FP32.SHA256); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "ok      model tiny fp32") {
		t.Fatalf("log %q", log.String())
	}
}
