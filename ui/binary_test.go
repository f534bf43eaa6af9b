package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cutout/models"
)

// These tests start the real editor binary under Xvfb and drive it with an
// edit script (scriptEnv, in builds with the uiscript tag): strokes
// without a pointer, a report file to follow its state, kill -9 to crash
// it. The binary is built with that tag; the shipped one is not.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// editorBinary builds cmd/cutout once per test run (or the ui package's
// development entry point when the command is not in this tree).
func editorBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the editor binary; skipped with -short")
	}
	buildOnce.Do(func() {
		root := repoRoot(t)
		dir, err := os.MkdirTemp("", "cutout-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "cutout")
		const pkg = "./cmd/cutout"
		cmd := exec.Command("go", "build", "-tags", "migrated_fynedo uiscript", "-o", binPath, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian: xvfb, imagemagick); no display server for the smoke test", tool)
		}
	}
}

// testCache is a fresh CUTOUT_CACHE holding links to the installed model
// and runtime, so sessions and the sample land in a temporary folder.
func testCache(t *testing.T) string {
	t.Helper()
	real, err := models.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		t.Fatalf("the model cache is needed (run `make assets`): %v", err)
	}
	dir := t.TempDir()
	for _, e := range entries {
		if e.Name() == "sessions" || e.Name() == "sample" {
			continue
		}
		if err := os.Symlink(filepath.Join(real, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// app is a running editor under its own Xvfb server.
type editorProc struct {
	pid     int
	display string
	xauth   string
	cmd     *exec.Cmd
	log     string
	exited  chan struct{} // closed when the process has ended
}

type procReport struct {
	Photo          string     `json:"photo"`
	Device         string     `json:"device"`
	Segmented      bool       `json:"segmented"`
	RestoreOffered bool       `json:"restoreOffered"`
	Edits          int        `json:"edits"`
	Saved          bool       `json:"saved"`
	Refined        bool       `json:"refined"`
	TrimapSHA256   string     `json:"trimapSHA256"`
	Erase          [4]float32 `json:"erase"`
}

// startApp runs the binary on photo under xvfb-run with the given edit
// script; the wrapper shell records the display, its authority file and
// the editor's PID (the shell execs the editor, so the PID is the editor's).
func startApp(t *testing.T, bin, cache, photo string, script map[string]any) *editorProc {
	t.Helper()
	dir := t.TempDir()
	scriptPath := filepath.Join(dir, "script.json")
	data, err := json.Marshal(script)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scriptPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	info := filepath.Join(dir, "info")
	logPath := filepath.Join(dir, "editor.log")
	wrapper := `echo "$$ $DISPLAY $XAUTHORITY" > "$INFO"; exec "$@"`
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1400x900x24", "sh", "-c", wrapper, "sh", bin, photo)
	cmd.Env = append(os.Environ(),
		"CUTOUT_CACHE="+cache,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"INFO="+info,
		"CUTOUT_UI_SCRIPT="+scriptPath,
		"LANG=C.UTF-8",
	)
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := &editorProc{cmd: cmd, log: logPath}
	done := make(chan struct{})
	a.exited = done
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	t.Cleanup(func() {
		if a.pid > 0 {
			_ = syscall.Kill(a.pid, syscall.SIGKILL)
		}
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	waitUntil(t, a, "the editor to start", time.Minute, func() bool {
		b, err := os.ReadFile(info)
		f := strings.Fields(string(b))
		if err != nil || len(f) < 2 {
			return false
		}
		a.pid, _ = strconv.Atoi(f[0])
		a.display = f[1]
		if len(f) > 2 {
			a.xauth = f[2]
		}
		return a.pid > 0
	})
	return a
}

func waitUntil(t *testing.T, a *editorProc, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(end) {
			log, _ := os.ReadFile(a.log)
			t.Fatalf("timed out after %v waiting for %s; editor log:\n%s", timeout, what, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readReport(path string) (procReport, bool) {
	var r procReport
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &r) != nil {
		return r, false
	}
	return r, true
}

func TestCrashRecoveryAfterKill9(t *testing.T) {
	requireTools(t, "xvfb-run")
	bin := editorBinary(t)
	cache := testCache(t)
	photo := samplePhoto(t)
	dir := t.TempDir()

	// First run: one background stroke across the face and a foreground
	// stroke that spreads over the region it was painted in, then kill -9
	// once the session is saved.
	r1 := filepath.Join(dir, "report1.json")
	stroke := map[string]any{"kind": "stroke", "label": 0, "radius": 20, "hardness": 1,
		"points": [][2]float64{{180, 200}, {260, 230}, {340, 200}}}
	spread := map[string]any{"kind": "stroke", "label": 255, "radius": 12, "hardness": 0.8,
		"points": [][2]float64{{60, 60}, {90, 70}}, "grow": true}
	a1 := startApp(t, bin, cache, photo, map[string]any{"report": r1, "steps": []any{stroke, spread}})
	var rep1 procReport
	waitUntil(t, a1, "the strokes to be saved", 2*time.Minute, func() bool {
		var ok bool
		rep1, ok = readReport(r1)
		return ok && rep1.Edits == 2 && rep1.Saved
	})
	sum, err := fileSHA256(photo)
	if err != nil {
		t.Fatal(err)
	}
	edits := filepath.Join(cache, "sessions", sum, "edits.json")
	if _, err := os.Stat(edits); err != nil {
		t.Fatalf("no session at sessions/<sha256 of the photo>: %v", err)
	}
	if err := syscall.Kill(a1.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a1.pid = 0

	// Second run: the editor offers to restore (the script accepts) and
	// ends up with the same trimap and two undoable edits.
	r2 := filepath.Join(dir, "report2.json")
	a2 := startApp(t, bin, cache, photo, map[string]any{"report": r2, "acceptRestore": true})
	var rep2 procReport
	waitUntil(t, a2, "the restored session", 2*time.Minute, func() bool {
		var ok bool
		rep2, ok = readReport(r2)
		return ok && rep2.Segmented && rep2.Edits > 0
	})
	if !rep2.RestoreOffered {
		t.Error("reopening after kill -9 did not offer to restore the edits")
	}
	if rep2.TrimapSHA256 != rep1.TrimapSHA256 {
		t.Errorf("restored trimap %s differs from the one before the crash %s", rep2.TrimapSHA256, rep1.TrimapSHA256)
	}
	if rep2.Edits != 2 {
		t.Errorf("restored %d undo steps, want 2", rep2.Edits)
	}
}

// TestQuitIsClean quits the editor as File ▸ Quit does, with nothing to
// export: it exits at once, successfully, and logs nothing about its
// preferences (Fyne 2.7.1 may read them while rewriting them on exit:
// "Preferences load error: EOF"; see Editor.quit).
func TestQuitIsClean(t *testing.T) {
	requireTools(t, "xvfb-run")
	bin := editorBinary(t)
	cache := testCache(t)
	rp := filepath.Join(t.TempDir(), "report.json")
	a := startApp(t, bin, cache, samplePhoto(t), map[string]any{"report": rp, "quit": true})
	select {
	case <-a.exited:
	case <-time.After(3 * time.Minute):
		log, _ := os.ReadFile(a.log)
		t.Fatalf("the editor did not quit; log:\n%s", log)
	}
	a.pid = 0
	if code := a.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	log, _ := os.ReadFile(a.log)
	if strings.Contains(string(log), "Preferences") {
		t.Errorf("quitting logged about the preferences:\n%s", log)
	}
}

func TestSmokeScreenshotShowsOverlay(t *testing.T) {
	requireTools(t, "xvfb-run", "import")
	bin := editorBinary(t)
	cache := testCache(t)
	photo := samplePhoto(t)
	rp := filepath.Join(t.TempDir(), "report.json")
	a := startApp(t, bin, cache, photo, map[string]any{"report": rp})
	waitUntil(t, a, "the overlay", 2*time.Minute, func() bool {
		r, ok := readReport(rp)
		return ok && r.Segmented && r.Refined
	})
	time.Sleep(time.Second) // let the last frame reach the screen
	shot := filepath.Join(t.TempDir(), "screen.png")
	cmd := exec.Command("import", "-display", a.display, "-window", "root", shot)
	cmd.Env = append(os.Environ(), "XAUTHORITY="+a.xauth)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	if d := os.Getenv("CUTOUT_UI_SHOTS"); d != "" {
		if b, err := os.ReadFile(shot); err == nil {
			_ = os.WriteFile(filepath.Join(d, "smoke.png"), b, 0o644)
		}
	}
	img := readPNGFile(t, shot)
	colours, tinted, total := map[[3]uint8]bool{}, 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			c := [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8)}
			colours[c] = true
			total++
			// The default overlay (#e01b5a at 55%) over the light studio
			// backdrop: strong red, weak green, medium blue.
			if c[0] > 170 && c[1] < 150 && c[2] > 100 && int(c[0])-int(c[1]) > 70 {
				tinted++
			}
		}
	}
	if len(colours) < 500 {
		t.Errorf("screenshot has %d colours: blank or nearly so", len(colours))
	}
	if frac := float64(tinted) / float64(total); frac < 0.05 {
		t.Errorf("overlay colour covers %.1f%% of the screen, want ≥ 5%%", 100*frac)
	}
}

// screenshot captures a's screen.
func (a *editorProc) screenshot(t *testing.T) image.Image {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "screen.png")
	cmd := exec.Command("import", "-display", a.display, "-window", "root", shot)
	cmd.Env = append(os.Environ(), "XAUTHORITY="+a.xauth)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	return readPNGFile(t, shot)
}

// pointAt moves the pointer of a's display to (x, y) with xdotool, as a
// person's mouse does: the X server sends the motion to the window.
func (a *editorProc) pointAt(t *testing.T, x, y int) {
	t.Helper()
	cmd := exec.Command("xdotool", "mousemove", strconv.Itoa(x), strconv.Itoa(y))
	cmd.Env = append(os.Environ(), "DISPLAY="+a.display, "XAUTHORITY="+a.xauth)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
}

// TestTooltipShowsOnScreen rests the pointer on the Erase button through
// the X server and looks at the screen: under the button, the tooltip
// (light text on a dark box) must be drawn.
func TestTooltipShowsOnScreen(t *testing.T) {
	requireTools(t, "xvfb-run", "import", "xdotool")
	bin := editorBinary(t)
	rp := filepath.Join(t.TempDir(), "report.json")
	a := startApp(t, bin, testCache(t), samplePhoto(t), map[string]any{"report": rp})
	var r procReport
	waitUntil(t, a, "the photo", 2*time.Minute, func() bool {
		var ok bool
		r, ok = readReport(rp)
		return ok && r.Segmented && r.Erase[2] > 0
	})
	bx, by, bw, bh := int(r.Erase[0]), int(r.Erase[1]), int(r.Erase[2]), int(r.Erase[3])
	a.pointAt(t, bx+bw+400, by+300) // over the photo
	time.Sleep(time.Second)
	before := a.screenshot(t)
	a.pointAt(t, bx+bw/2, by+bh/2)
	a.pointAt(t, bx+bw/2+2, by+bh/2) // a person's pointer moves on a little
	time.Sleep(2 * time.Second)      // tooltipDelay and a frame
	after := a.screenshot(t)
	if d := os.Getenv("CUTOUT_UI_SHOTS"); d != "" {
		writePNGFile(t, filepath.Join(d, "tooltip-before.png"), before)
		writePNGFile(t, filepath.Join(d, "tooltip-after.png"), after)
	}
	// The band under the button: light text drawn where there was none.
	changed, light := 0, 0
	for y := by + bh + 2; y < by+bh+22; y++ {
		for x := bx; x < bx+300; x++ {
			r0, g0, b0, _ := before.At(x, y).RGBA()
			r1, g1, b1, _ := after.At(x, y).RGBA()
			if diff := absDiff(r0, r1) + absDiff(g0, g1) + absDiff(b0, b1); diff > 3*16<<8 {
				changed++
			}
			if r1>>8 > 200 && g1>>8 > 200 && b1>>8 > 200 && !(r0>>8 > 200 && g0>>8 > 200 && b0>>8 > 200) {
				light++
			}
		}
	}
	if changed < 1000 || light < 50 {
		t.Fatalf("no tooltip on screen under the Erase button: %d pixels changed, %d new light pixels (want ≥ 1000 and ≥ 50)", changed, light)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
