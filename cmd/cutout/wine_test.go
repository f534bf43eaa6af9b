package main

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// mingwCC is the C compiler that builds Cutout for Windows (make windows).
const mingwCC = "x86_64-w64-mingw32-gcc"

// winPath is path as a Windows program under wine sees it (drive Z: is /).
func winPath(path string) string { return `Z:` + strings.ReplaceAll(path, "/", `\`) }

// TestWindowsUnderWine builds the command-line tool for Windows, packs it
// as the Windows package does (cutout.exe, onnxruntime.dll, DirectML.dll,
// models\), and cuts out the sample portrait with it under wine, in a fresh
// wine prefix with nothing in its cache: --device auto must try DirectML,
// say why it cannot be used (wine has no DirectX 12 GPU) and run on the
// CPU, and the cutout must match the Linux build's.
func TestWindowsUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for Windows and starts wine")
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the Windows build is cross-compiled from linux/amd64")
	}
	for _, tool := range []string{"wine", "wineboot", mingwCC} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make test installs wine and mingw-w64)", tool)
		}
	}
	dir := t.TempDir()
	app := filepath.Join(dir, "Cutout")
	exe := filepath.Join(app, "cutout.exe")
	build := exec.Command("go", "build", "-tags", "nogui", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC="+mingwCC)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build for Windows: %v\n%s", err, out)
	}
	if log, code := cutout(t, "fetch", "--platform", "windows/amd64", "--model", "medium", "--bundle", app); code != 0 {
		t.Fatalf("bundle the Windows runtime: exit %d\n%s", code, log)
	}
	shim := filepath.Join(dir, "bcryptprimitives.dll")
	if out, err := exec.Command(mingwCC, "-O2", "-shared", "-o", shim, filepath.Join("testdata", "wine", "processprng.c"), "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("build the ProcessPrng stand-in: %v\n%s", err, out)
	}

	prefix := filepath.Join(dir, "prefix")
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "CUTOUT_CACHE", "ONNXRUNTIME_SHARED_LIBRARY_PATH", "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES":
			continue
		}
		env = append(env, kv)
	}
	// No display, no Mono or Gecko installers: a quiet prefix in seconds.
	env = append(env, "WINEPREFIX="+prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Under the load of the other packages' tests, wineboot can time out
	// waiting for its boot event and leave the prefix half made ("could
	// not load kernel32.dll, status c0000135", seen on a fresh machine
	// where the same test alone passed): the prefix is made again once,
	// after stopping the wine server, before the test fails.
	for try := 1; ; try++ {
		boot := exec.CommandContext(ctx, "wineboot", "-i")
		boot.Env = env
		out, err := boot.CombinedOutput()
		if err == nil {
			break
		}
		if try == 2 {
			t.Fatalf("wineboot: %v\n%s", err, out)
		}
		t.Logf("wineboot: %v (making the prefix again)\n%s", err, out)
		kill := exec.CommandContext(ctx, "wineserver", "-k")
		kill.Env = env
		kill.Run() // no server may be running: its error says nothing
		if err := os.RemoveAll(prefix); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, shim, filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll"))

	out := filepath.Join(dir, "out")
	run := exec.CommandContext(ctx, "wine", exe, "remove", "--device", "auto", "-o", winPath(out), winPath(sample(t)))
	run.Env = env
	var log bytes.Buffer
	run.Stdout, run.Stderr = &log, &log
	err := run.Run()
	t.Log(log.String())
	if err != nil {
		t.Fatalf("cutout.exe under wine: %v", err)
	}
	for _, want := range []string{
		"model medium (fp32) on CPU (CUDA not used: no NVIDIA driver found; DirectML not used: ",
		"ONNX Runtime 1.30.0",
		"1 ok, 0 failed",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// The fp32 form was derived into the prefix's own cache (%LocalAppData%).
	if m, _ := filepath.Glob(filepath.Join(prefix, "drive_c", "users", "*", "AppData", "Local", "cutout", "models", "isnet-medium-fp32.onnx")); len(m) != 1 {
		t.Errorf("fp32 form in the prefix's cache: %q", m)
	}

	lin := t.TempDir()
	if log, code := cutout(t, "remove", "--cpu", "-o", lin, sample(t)); code != 0 {
		t.Fatalf("Linux build: exit %d\n%s", code, log)
	}
	win := decodePNG(t, filepath.Join(out, "astronaut.png")).(*image.NRGBA)
	ref := decodePNG(t, filepath.Join(lin, "astronaut.png")).(*image.NRGBA)
	if win.Rect != ref.Rect {
		t.Fatalf("Windows cutout %v, Linux %v", win.Rect, ref.Rect)
	}
	// The two runtimes are the same ONNX Runtime release built by different
	// compilers; their cutouts of the sample came out identical, and a
	// rounding difference of up to 2 in a few pixels' alpha is allowed.
	var sum, worst int
	for i := 3; i < len(win.Pix); i += 4 {
		d := int(win.Pix[i]) - int(ref.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
		worst = max(worst, d)
	}
	mean := float64(sum) / float64(len(win.Pix)/4)
	t.Logf("alpha against the Linux build: mean difference %.4f, largest %d (of 255)", mean, worst)
	if mean > 0.05 || worst > 2 {
		t.Errorf("Windows cutout differs from the Linux one: mean alpha difference %.4f, largest %d", mean, worst)
	}
}
