package main

import (
	"os"
	"strings"
	"testing"

	"cutout/models"
)

// TestVersionLicences: cutout version --licences prints the licence of
// every third-party part the packages carry, with no runtime, model or
// cache needed (a fresh machine, an empty home), and exits 0.
func TestVersionLicences(t *testing.T) {
	home := t.TempDir()
	r := runProgram(t, bin, home, []string{"HOME=" + home, "CUTOUT_CACHE=" + home, "PATH=" + os.Getenv("PATH")}, "version", "--licences")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, n := range models.Notices() {
		if !strings.Contains(r.stdout, "\n"+n.Name+": "+n.Part+"\nLicence: "+n.Licence+"\n") {
			t.Errorf("no notice for %s", n.Name)
		}
	}
	for _, part := range []string{"ONNX Runtime", "DirectML", "ISNet", "libheif", "libavif"} {
		if !strings.Contains(r.stdout, part) {
			t.Errorf("%s is not named", part)
		}
	}
	if r := runProgram(t, bin, home, nil, "version", "--licences", "extra"); r.code != 2 {
		t.Errorf("an extra argument: exit %d, want 2", r.code)
	}
}
