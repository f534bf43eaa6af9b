package inference

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cutout/models"
)

// goPlatforms lists every GOOS/GOARCH pair the Go toolchain knows.
func goPlatforms(t *testing.T) []models.Platform {
	t.Helper()
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	var ps []models.Platform
	for _, line := range strings.Fields(string(out)) {
		p, err := models.ParsePlatform(line)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 20 {
		t.Fatalf("go tool dist list gave %d platforms", len(ps))
	}
	return ps
}

// TestPlanDevices: for every platform, which execution providers each
// device setting tries, in which order, and what the fallback note says
// about those it skips.
func TestPlanDevices(t *testing.T) {
	// What auto tries on each OS with an NVIDIA driver installed; every
	// other OS has the CPU only.
	accel := map[string][]string{
		"linux":   {"CUDA"},
		"windows": {"CUDA", "DirectML"},
		"darwin":  {"CoreML"},
	}
	const noDriver = "CUDA not used: no NVIDIA driver found"
	for _, p := range goPlatforms(t) {
		t.Run(p.String(), func(t *testing.T) {
			want := accel[p.OS]
			for _, nvidia := range []bool{false, true} {
				h := hostHints{nvidia: nvidia}
				cpu, err := planDevices(DeviceCPU, p.OS, h)
				if err != nil || len(cpu.try) != 0 || !cpu.cpu || len(cpu.skipped) != 0 {
					t.Errorf("cpu, nvidia=%v: %+v, %v", nvidia, cpu, err)
				}

				auto, err := planDevices(DeviceAuto, p.OS, h)
				if err != nil || !auto.cpu {
					t.Fatalf("auto, nvidia=%v: %+v, %v", nvidia, auto, err)
				}
				wantTry, wantSkip := want, []string(nil)
				if !nvidia && slices.Contains(want, "CUDA") {
					wantTry, wantSkip = want[1:], []string{noDriver}
				}
				if !slices.Equal(auto.try, wantTry) || !slices.Equal(auto.skipped, wantSkip) {
					t.Errorf("auto, nvidia=%v: tries %q skipping %q, want %q skipping %q", nvidia, auto.try, auto.skipped, wantTry, wantSkip)
				}
				if auto.cuda() != slices.Contains(wantTry, "CUDA") {
					t.Errorf("auto, nvidia=%v: looks for the CUDA build: %v", nvidia, auto.cuda())
				}

				gpu, err := planDevices(DeviceGPU, p.OS, h)
				if len(want) == 0 {
					if err == nil || !strings.Contains(err.Error(), "--cpu") {
						t.Errorf("gpu with no GPU provider on %s: %+v, %v", p.OS, gpu, err)
					}
					continue
				}
				// A required GPU tries every provider, driver or not.
				if err != nil || gpu.cpu || !slices.Equal(gpu.try, want) || !strings.Contains(gpu.hint, "--cpu") {
					t.Errorf("gpu, nvidia=%v: %+v, %v", nvidia, gpu, err)
				}
			}
		})
	}
	if _, err := planDevices("tpu", "linux", hostHints{}); err == nil || !strings.Contains(err.Error(), "auto, cpu or gpu") {
		t.Errorf("unknown device: %v", err)
	}
}

// TestFallbackNote: the note a user sees when providers fail, as Open
// builds it, with failures as the providers report them.
func TestFallbackNote(t *testing.T) {
	// DirectML under a system without a DirectX 12 GPU (seen under wine).
	dmlErr := errors.New(`DirectML provider: N:\_work\1\s\onnxruntime\core\providers\dml\dml_provider_factory.cc(512)\onnxruntime.dll!000000018068CBD0: (caller: 000000018068CF0A) Exception(1) tid(f0) 887A0004` + "\nmore")
	cudaErr := errors.New("CUDA warm-up run: CUDA failure 100: no CUDA-capable device is detected\ndetails")
	cases := map[string]struct {
		goos, device string
		nvidia       bool
		fail         map[string]error // providers that fail, and how
		want, note   string
	}{
		"linux, no driver": {
			goos: "linux", device: DeviceAuto,
			want: "", note: "CUDA not used: no NVIDIA driver found",
		},
		"linux, CUDA works": {
			goos: "linux", device: DeviceAuto, nvidia: true,
			want: "CUDA", note: "",
		},
		"linux, driver but no device": {
			goos: "linux", device: DeviceAuto, nvidia: true, fail: map[string]error{"CUDA": cudaErr},
			want: "", note: "CUDA not used: CUDA warm-up run: CUDA failure 100: no CUDA-capable device is detected",
		},
		"linux, CUDA libraries missing": {
			goos: "linux", device: DeviceAuto, nvidia: true,
			fail: map[string]error{"CUDA": errors.New("CUDA provider options: /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /c/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory")},
			want: "", note: "CUDA not used: CUDA provider options: Failed to load library /c/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory",
		},
		"windows, DirectML works": {
			goos: "windows", device: DeviceAuto,
			want: "DirectML", note: "CUDA not used: no NVIDIA driver found",
		},
		"windows, no DirectX 12 GPU": {
			goos: "windows", device: DeviceAuto, fail: map[string]error{"DirectML": dmlErr},
			want: "", note: "CUDA not used: no NVIDIA driver found; DirectML not used: no DirectX 12 GPU answered (DXGI_ERROR_UNSUPPORTED), 0x887A0004",
		},
		"windows, NVIDIA with the DirectML build": {
			goos: "windows", device: DeviceAuto, nvidia: true,
			fail: map[string]error{"CUDA": errors.New("CUDA provider options: CUDA execution provider is not enabled in this build")},
			want: "DirectML", note: "CUDA not used: CUDA provider options: CUDA execution provider is not enabled in this build",
		},
		"windows, unknown DirectML error": {
			goos: "windows", device: DeviceGPU, fail: map[string]error{"CUDA": cudaErr, "DirectML": errors.New("DirectML provider: tid(1) 80070057")},
			want: "", note: "CUDA not used: CUDA warm-up run: CUDA failure 100: no CUDA-capable device is detected; DirectML not used: DirectML failed with error 0x80070057",
		},
		"macOS, CoreML works": {
			goos: "darwin", device: DeviceAuto,
			want: "CoreML", note: "",
		},
		"macOS, library without CoreML": {
			goos: "darwin", device: DeviceAuto,
			fail: map[string]error{"CoreML": errors.New("CoreML provider: Your platform or onnxruntime library does not support CoreML")},
			want: "", note: "CoreML not used: CoreML provider: Your platform or onnxruntime library does not support CoreML",
		},
		"cpu asked for": {
			goos: "windows", device: DeviceCPU, nvidia: true,
			want: "", note: "",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			plan, err := planDevices(c.device, c.goos, hostHints{nvidia: c.nvidia})
			if err != nil {
				t.Fatal(err)
			}
			var tried []string
			got, notes := plan.choose(func(d string) error {
				tried = append(tried, d)
				return c.fail[d]
			})
			if got != c.want || fallbackNote(notes) != c.note {
				t.Errorf("got %q, note %q; want %q, note %q", got, fallbackNote(notes), c.want, c.note)
			}
			if got != "" && tried[len(tried)-1] != got {
				t.Errorf("tried %q after the one that works", tried)
			}
		})
	}
}

// TestUsesFP32: the CPU and CoreML run the fp32 form, the GPUs that compute
// in fp16 natively the file as shipped.
func TestUsesFP32(t *testing.T) {
	for d, want := range map[string]bool{deviceCPU: true, deviceCoreML: true, deviceCUDA: false, deviceDirectML: false} {
		if usesFP32(d) != want {
			t.Errorf("usesFP32(%s) = %v", d, !want)
		}
	}
}

// TestNvidiaMarkers: where an NVIDIA driver shows itself on each OS.
func TestNvidiaMarkers(t *testing.T) {
	if got := nvidiaMarkers("linux", ""); !slices.Equal(got, []string{"/proc/driver/nvidia/version", "/dev/nvidiactl"}) {
		t.Errorf("linux: %q", got)
	}
	if got := nvidiaMarkers("windows", "D:/Win"); !slices.Equal(got, []string{filepath.Join("D:/Win", "System32", "nvcuda.dll")}) {
		t.Errorf("windows: %q", got)
	}
	if got := nvidiaMarkers("darwin", ""); got != nil {
		t.Errorf("darwin: %q", got)
	}
}

// TestLibrarySearch: for every platform, the runtime library files the
// search finds beside the executable and in a packaged Cutout's library
// folder, their order, and the platform's folder in the cache.
func TestLibrarySearch(t *testing.T) {
	// The cache folder and library of each platform the manifest lists.
	cached := map[string]string{
		"linux/amd64":   "ort-cpu-1.30.0/libonnxruntime.so.1.30.0",
		"linux/arm64":   "ort-cpu-1.30.0-linux-arm64/libonnxruntime.so.1.30.0",
		"windows/amd64": "ort-cpu-1.30.0-windows-amd64/onnxruntime.dll",
		"windows/arm64": "ort-cpu-1.30.0-windows-arm64/onnxruntime.dll",
		"darwin/arm64":  "ort-cpu-1.30.0-darwin-arm64/libonnxruntime.1.30.0.dylib",
	}
	// Files a packaged Cutout carries, relative to the executable's folder,
	// in the order the search must try them, and a file it must not take.
	bundled := map[string]struct {
		files []string
		not   string
	}{
		"linux":   {[]string{"../lib/cutout/libonnxruntime.so.1.30.0", "../lib/cutout/libonnxruntime.so.1", "../lib/cutout/libonnxruntime.so"}, "../lib/cutout/libonnxruntime_providers_shared.so"},
		"windows": {[]string{"onnxruntime.dll"}, "DirectML.dll"},
		"darwin":  {[]string{"../Frameworks/libonnxruntime.1.30.0.dylib", "../Frameworks/libonnxruntime.1.dylib"}, "../Frameworks/libonnxruntime_binding.node"},
	}
	man, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range goPlatforms(t) {
		t.Run(p.String(), func(t *testing.T) {
			root := t.TempDir()
			exeDir := filepath.Join(root, "app", "bin")
			b, ok := bundled[p.OS]
			if !ok {
				b = bundled["linux"] // every other system names libraries as Linux does
			}
			for _, f := range append(b.files, b.not) {
				touch(t, filepath.Join(exeDir, f))
			}
			m := *man
			m.Dir = filepath.Join(root, "cache")
			e := searchEnv{platform: p, envPath: "/env/lib", exeDir: exeDir, manifest: &m}

			var got []string
			for _, c := range e.candidates(Options{}, false) {
				got = append(got, c.path)
			}
			want := []string{"/env/lib"}
			for _, f := range b.files {
				want = append(want, filepath.Join(exeDir, f))
			}
			if lib, ok := cached[p.String()]; ok {
				want = append(want, filepath.Join(m.Dir, lib))
			}
			if !slices.Equal(got, want) {
				t.Errorf("search order\n got  %q\n want %q", got, want)
			}

			// The CUDA build comes first from the cache where one is listed.
			cs := e.candidates(Options{}, true)
			last := cs[len(cs)-1]
			if p.String() == "linux/amd64" {
				if g := cs[len(cs)-2]; !g.gpu || g.path != filepath.Join(m.Dir, "ort-gpu-1.29.0", "libonnxruntime.so") {
					t.Errorf("CUDA build: %+v", g)
				}
			} else if last.gpu {
				t.Errorf("a CUDA build for %s: %+v", p, last)
			}

			// An explicit library is the only candidate.
			if cs := e.candidates(Options{LibraryPath: "/x/lib"}, true); len(cs) != 1 || cs[0].path != "/x/lib" {
				t.Errorf("--ort-lib: %+v", cs)
			}
		})
	}
}

func touch(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}
