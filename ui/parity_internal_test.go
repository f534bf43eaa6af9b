package ui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutout/assets/evalset"
)

// TestAutomaticExportMatchesCommandLine opens photos in the editor with the
// real model, exports the untouched automatic cutout, and checks that the
// file is byte for byte what `cutout remove` writes for the same photo:
// the editor and the command line run the same chain and compositor. The
// photos are the bundled sample and, where the developer sets are beside
// the repository, a close-up portrait, a people photo and a hair matte.
func TestAutomaticExportMatchesCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model in two processes: skipped with -short")
	}
	photos := []string{samplePhoto(t)}
	if dir := evalset.Dir(); dir != "" {
		people := filepath.Join(filepath.Dir(dir), "people", "hsd-252.jpg")
		photos = append(photos, filepath.Join(dir, "celebamaskhq-demo0.jpg"), people, filepath.Join(dir, "am-gt03.png"))
	} else {
		t.Log("developer evaluation sets absent: comparing on the bundled sample only")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "cutout")
	build := exec.Command("go", "build", "-tags", "nogui", "-o", bin, "../cmd/cutout")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the command line: %v\n%s", err, out)
	}
	cli := filepath.Join(tmp, "cli")
	args := append([]string{"remove", "--cpu", "-q", "--sequential", "-o", cli}, photos...)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("cutout remove: %v\n%s", err, out)
	}

	e, q := newTestEditor(t, realDeps(t))
	for _, p := range photos {
		name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		d := openAndSegment(t, e, q, p)
		path := filepath.Join(tmp, name+".editor.png")
		var done bool
		var werr error
		e.exportDoc(d, path, exportOptions{Kind: ExportCutout}, false, func(err error) { done, werr = true, err })
		q.waitFor(t, "export of "+name, 2*time.Minute, func() bool { return done })
		if werr != nil {
			t.Fatalf("%s: export: %v", name, werr)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(cli, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the editor's automatic export (%d bytes) differs from cutout remove's (%d bytes)", name, len(got), len(want))
		}
	}
}
