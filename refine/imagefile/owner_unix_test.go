//go:build unix

package imagefile_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"cutout/refine/imagefile"
)

// holderEnv names the file a re-run of this test binary holds locked
// (TestHoldTempChild).
const holderEnv = "IMAGEFILE_HOLD_TEMP"

// TestHoldTempChild is the child half of TestCleanTempByLock: another
// process, as in another container, holding a temporary file.
func TestHoldTempChild(t *testing.T) {
	path := os.Getenv(holderEnv)
	if path == "" {
		t.Skip("helper process for TestCleanTempByLock")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent is done
}

// TestCleanTempByLock: whose a temporary file is goes by the lock its
// writer holds, not by the process ID in its name, which another
// container's process table gave: a file held by a live writer in
// another process stays although no process here has its ID, and a file
// nobody holds goes although a live process here has its ID.
func TestCleanTempByLock(t *testing.T) {
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := strconv.Itoa(gone.Process.Pid)
	live := strconv.Itoa(os.Getppid())
	dir := t.TempDir()
	held := ".a.png." + dead + "-1.tmp"   // a live writer elsewhere, with a pid unknown here
	orphan := ".b.png." + live + "-2.tmp" // a killed writer elsewhere, whose pid is in use here
	for _, n := range []string{held, orphan} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("half-written"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	child := exec.Command(os.Args[0], "-test.run=^TestHoldTempChild$")
	child.Env = append(os.Environ(), holderEnv+"="+filepath.Join(dir, held))
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "held\n" {
		t.Fatalf("the holder did not start: %q, %v", line, err)
	}
	done, err := imagefile.CleanTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0] != orphan {
		t.Errorf("cleaned %q, want only %q", done, orphan)
	}
	onlyFiles(t, dir, held)
}

// TestWriterHoldsTemp: while WriteFiles writes, its temporary file is
// held: CleanTemp run then (from another process, in real life) leaves
// it, and the write goes through.
func TestWriterHoldsTemp(t *testing.T) {
	dir := t.TempDir()
	var cleaned []string
	err := imagefile.WriteFile(filepath.Join(dir, "a.png"), false, func(w io.Writer) error {
		var err error
		cleaned, err = imagefile.CleanTemp(dir)
		if err != nil {
			return err
		}
		_, err = w.Write([]byte("content"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cleaned) > 0 {
		t.Errorf("CleanTemp removed %q while it was being written", cleaned)
	}
	wantContent(t, filepath.Join(dir, "a.png"), "content")
	onlyFiles(t, dir, "a.png")
}
