package imagefile_test

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"cutout/refine/imagefile"
	"cutout/refine/imagefile/locktest"
)

// TestWriteFiles: a group is written all together or not at all; a
// failure at any step leaves every destination as it was and no
// temporary file behind.
func TestWriteFiles(t *testing.T) {
	long := strings.Repeat("n", 300) + ".png" // over the usual 255-byte limit of a name
	cases := map[string]struct {
		overwrite bool
		existing  map[string]string // files there before
		names     []string          // the group's destinations
		fail      int               // index whose Write fails; -1 for none
		wantErr   error
		wantCalls int // Write callbacks that must have run
	}{
		"all new": {names: []string{"a.png", "a.mask.png", "a.trimap.png"}, fail: -1, wantCalls: 3},
		"replace": {overwrite: true, existing: map[string]string{"a.png": "old a", "a.mask.png": "old mask"},
			names: []string{"a.png", "a.mask.png"}, fail: -1, wantCalls: 2},
		"one exists": {existing: map[string]string{"a.mask.png": "old mask"},
			names: []string{"a.png", "a.mask.png"}, fail: -1, wantErr: imagefile.ErrExists},
		"last write fails": {names: []string{"a.png", "a.mask.png"}, fail: 1, wantErr: errDiskFull, wantCalls: 2},
		"last write fails, replacing": {overwrite: true, existing: map[string]string{"a.png": "old a", "a.mask.png": "old mask"},
			names: []string{"a.png", "a.mask.png"}, fail: 1, wantErr: errDiskFull, wantCalls: 2},
		"a directory in the way": {overwrite: true, names: []string{"a.png", "dir.png"}, fail: -1, wantErr: imagefile.ErrNotRegular},
		"name too long": {overwrite: true, existing: map[string]string{"a.png": "old a"},
			names: []string{"a.png", long}, fail: -1, wantErr: syscall.ENAMETOOLONG},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if name == "name too long" && runtime.GOOS == "windows" {
				t.Skip("Windows limits paths, not names")
			}
			dir := t.TempDir()
			var before []string
			for n, content := range c.existing {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Mkdir(filepath.Join(dir, "dir.png"), 0o755); err != nil {
				t.Fatal(err)
			}
			before = listDir(t, dir)
			calls := 0
			var files []imagefile.File
			for i, n := range c.names {
				files = append(files, imagefile.File{Path: filepath.Join(dir, n), Write: func(w io.Writer) error {
					calls++
					if i == c.fail {
						w.Write(make([]byte, 1<<16))
						return errDiskFull
					}
					_, err := io.WriteString(w, "new "+n)
					return err
				}})
			}
			err := imagefile.WriteFiles(files, c.overwrite)
			if calls != c.wantCalls {
				t.Errorf("%d Write calls, want %d", calls, c.wantCalls)
			}
			if c.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range c.names {
					wantContent(t, filepath.Join(dir, n), "new "+n)
					if fi, _ := os.Stat(filepath.Join(dir, n)); runtime.GOOS != "windows" && c.existing[n] != "" && fi.Mode().Perm() != 0o600 {
						t.Errorf("%s: mode %v, want the replaced file's 0600", n, fi.Mode().Perm())
					}
				}
				want := append([]string{}, before...)
				for _, n := range c.names {
					if c.existing[n] == "" {
						want = append(want, n)
					}
				}
				onlyFiles(t, dir, sorted(want)...)
				return
			}
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			t.Log(err)
			for n, content := range c.existing {
				wantContent(t, filepath.Join(dir, n), content)
			}
			onlyFiles(t, dir, before...)
		})
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestCleanTemp: the temporary files of a process that is gone are
// removed (a kept copy of a replaced file whose file is missing is put
// back); those of a running process, this one's, and every other file
// stay.
func TestCleanTemp(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		t.Skip("processes cannot be probed here")
	}
	// A process that has exited and been waited for: its ID is free.
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := strconv.Itoa(gone.Process.Pid)
	live := strconv.Itoa(os.Getppid()) // the go command or shell running this test
	self := strconv.Itoa(os.Getpid())
	dir := t.TempDir()
	files := map[string]string{
		"a.png":                            "cutout",
		".a.png." + dead + "-123.tmp":      "half-written",
		".a.png." + dead + "-124-old.tmp":  "copy of a.png",
		".b.png." + dead + "-125-old.tmp":  "the only copy of b.png",
		".c.png." + live + "-126.tmp":      "being written elsewhere",
		".d.png." + self + "-127.tmp":      "being written here",
		".notes.tmp":                       "the user's",
		".e.png.x-128.tmp":                 "not ours",
		".f.png." + dead + "-129.tmp.keep": "not ours",
	}
	for n, content := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Their writers hold them (on Unix by a lock, see TestCleanTempByLock).
	locktest.Hold(t, filepath.Join(dir, ".c.png."+live+"-126.tmp"))
	locktest.Hold(t, filepath.Join(dir, ".d.png."+self+"-127.tmp"))
	done, err := imagefile.CleanTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := sorted([]string{".a.png." + dead + "-123.tmp", ".a.png." + dead + "-124-old.tmp", ".b.png." + dead + "-125-old.tmp"})
	if strings.Join(sorted(done), "|") != strings.Join(want, "|") {
		t.Errorf("cleaned %q, want %q", done, want)
	}
	wantContent(t, filepath.Join(dir, "a.png"), "cutout")
	wantContent(t, filepath.Join(dir, "b.png"), "the only copy of b.png")
	onlyFiles(t, dir, sorted([]string{".c.png." + live + "-126.tmp", ".d.png." + self + "-127.tmp", ".e.png.x-128.tmp",
		".f.png." + dead + "-129.tmp.keep", ".notes.tmp", "a.png", "b.png"})...)

	if _, err := imagefile.CleanTemp(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v, want not-exist", err)
	}
}

// TestWriteFilesTempNames: the temporary files WriteFiles makes are the
// ones CleanTemp recognises, named for this process.
func TestWriteFilesTempNames(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	err := imagefile.WriteFile(filepath.Join(dir, "x.png"), false, func(w io.Writer) error {
		seen = listDir(t, dir)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !strings.HasPrefix(seen[0], ".x.png."+strconv.Itoa(os.Getpid())+"-") || !strings.HasSuffix(seen[0], ".tmp") {
		t.Fatalf("temporary files %q, want one .x.png.%d-N.tmp", seen, os.Getpid())
	}
}

// TestMadeByCutout: EncodePNG's files are recognised; other PNGs, other
// formats, short and missing files are not.
func TestMadeByCutout(t *testing.T) {
	dir := t.TempDir()
	img := noise(8, 8, 1)
	var ours, theirs bytes.Buffer
	if err := imagefile.EncodePNG(&ours, img); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&theirs, img); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data []byte
		want bool
	}{
		"ours.png":      {ours.Bytes(), true},
		"theirs.png":    {theirs.Bytes(), false},
		"photo.jpg":     {encodeJPEG(t, img, 90), false},
		"truncated.png": {ours.Bytes()[:40], false},
		"empty.png":     {nil, false},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := imagefile.MadeByCutout(p); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
	if imagefile.MadeByCutout(filepath.Join(dir, "missing.png")) {
		t.Error("a missing file counts as Cutout's")
	}
	// The marker is a valid chunk: the standard decoder reads the file.
	if _, err := png.Decode(bytes.NewReader(ours.Bytes())); err != nil {
		t.Fatal(err)
	}
}
