//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestInterrupted: Ctrl+C or SIGTERM in the middle of a batch stops it
// with what a person needs to know: "interrupted by ... after N of M
// photos", the N photos' outputs whole, no FAIL line for the photos it
// did not get to, no temporary file left, and the exit status a shell
// gives a process the signal stopped (130, 143).
func TestInterrupted(t *testing.T) {
	for _, c := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGINT, "SIGINT (Ctrl+C)", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			const photos = 5
			for i := 1; i <= photos; i++ {
				photo(fmt.Sprintf("in/p%d.jpg", i))(t, dir)
			}
			cmd := exec.Command(bin, "remove", "--cpu", "--mask", "-o", "out", "in")
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			pipe, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var stdout []string
			sc := bufio.NewScanner(pipe)
			for sc.Scan() {
				stdout = append(stdout, sc.Text())
				if len(stdout) == 1 { // the first photo is done
					if err := cmd.Process.Signal(c.sig); err != nil {
						t.Fatal(err)
					}
				}
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != c.code {
				t.Errorf("exit %v, want %d", err, c.code)
			}
			if !strings.Contains(stdout[0], " ok ") {
				t.Fatalf("first line %q", stdout[0])
			}
			last := normal(stdout[len(stdout)-1], "")
			m := regexp.MustCompile(`^interrupted by ` + regexp.QuoteMeta(c.name) + ` after ([0-9]) of 5 photos: ([0-9]) ok, 0 failed, 0 skipped, in T on CPU, peak memory M$`).FindStringSubmatch(last)
			if m == nil || m[1] != m[2] || m[1] == "0" || m[1] == "5" {
				t.Fatalf("summary %q, want interrupted by %s after N of 5 photos: N ok, 0 failed (0 < N < 5)", last, c.name)
			}
			if strings.Contains(stderr.String(), "FAIL") {
				t.Errorf("FAIL lines for photos not done:\n%s", stderr.String())
			}
			ents, err := os.ReadDir(filepath.Join(dir, "out"))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			if want := 2 * int(m[1][0]-'0'); len(names) != want {
				t.Errorf("out holds %q, want the cutout and matte of %s photos", names, m[1])
			}
		})
	}
}

// TestStdoutClosed: cutout remove ... | head -1: when the reader of its
// output goes away, the batch still writes every photo, says once on
// stderr that its lines go nowhere, gives its summary there, and exits 0
// (it ended, silently, with SIGPIPE, status 141).
func TestStdoutClosed(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"in/p1.jpg", "in/p2.jpg", "in/p3.jpg"} {
		photo(n)(t, dir)
	}
	cutoutPNG("out/p1.png")(t, dir) // an earlier cutout
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "remove", "--cpu", "-o", "out", "in")
	cmd.Dir, cmd.Stdout = dir, pw
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	// head -1: the skip line comes while planning, before any photo.
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want 0\n%s", err, stderr.String())
	}
	if want := "skip in/p1.jpg: out/p1.png exists (use --force to replace it)\n"; first != want {
		t.Errorf("first line %q, want %q", first, want)
	}
	want := []string{
		"cutout: model M",
		"cutout: the standard output was closed (broken pipe): the run goes on without printing its lines there",
		"2 ok, 0 failed, 1 skipped, in T on CPU, peak memory M",
	}
	if got := strings.TrimSuffix(normal(stderr.String(), ""), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for _, n := range []string{"p2.png", "p3.png"} {
		if _, err := os.Stat(filepath.Join(dir, "out", n)); err != nil {
			t.Errorf("%s not written: %v", n, err)
		}
	}
}
