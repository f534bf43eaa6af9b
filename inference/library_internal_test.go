package inference

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutout/models"
)

// TestCheckLibraryFile: the runtime library passes; the same bytes cut
// short are refused from their headers before any loader maps them;
// files that are not ELF are left to the loader.
func TestCheckLibraryFile(t *testing.T) {
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := m.LocateRuntime("cpu")
	if err != nil {
		t.Skipf("no runtime in the cache (make assets installs it): %v", err)
	}
	b, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\x7fELF") {
		t.Skip("this platform's runtime is not an ELF library")
	}
	if err := checkLibraryFile(lib); err != nil {
		t.Fatalf("the intact library: %v", err)
	}
	dir := t.TempDir()
	for name, n := range map[string]int{"cut in half": len(b) / 2, "header only": 64, "just the magic": 4} {
		p := filepath.Join(dir, "lib.so")
		if err := os.WriteFile(p, b[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		err := checkLibraryFile(p)
		if err == nil || !strings.HasPrefix(err.Error(), "damaged library") {
			t.Errorf("%s: %v, want a damaged library", name, err)
		}
	}
	other := filepath.Join(dir, "other.dll")
	os.WriteFile(other, []byte("MZ not ELF"), 0o644)
	if err := checkLibraryFile(other); err != nil {
		t.Errorf("a file that is not ELF: %v", err)
	}
}
