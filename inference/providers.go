package inference

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	ort "github.com/yalue/onnxruntime_go"
)

// Names of the devices a Session may run on, as Session.Device reports them.
const (
	deviceCPU      = "CPU"
	deviceCUDA     = "CUDA"     // NVIDIA GPUs, with the CUDA build of ONNX Runtime (Linux, Windows)
	deviceDirectML = "DirectML" // any DirectX 12 GPU (Windows)
	deviceCoreML   = "CoreML"   // Apple GPU and Neural Engine (macOS)
)

// accelerators lists the execution providers other than the CPU that goos
// may have, in the order Open tries them.
func accelerators(goos string) []string {
	switch goos {
	case "linux":
		return []string{deviceCUDA}
	case "windows":
		return []string{deviceCUDA, deviceDirectML}
	case "darwin":
		return []string{deviceCoreML}
	}
	return nil
}

// nvidiaMarkers lists files whose presence shows an NVIDIA driver on goos;
// root is %SystemRoot% on Windows.
func nvidiaMarkers(goos, root string) []string {
	switch goos {
	case "linux":
		return []string{"/proc/driver/nvidia/version", "/dev/nvidiactl"}
	case "windows":
		if root == "" {
			root = `C:\Windows`
		}
		return []string{filepath.Join(root, "System32", "nvcuda.dll")}
	}
	return nil
}

// hostHints is what Open knows of the machine before loading anything.
type hostHints struct {
	nvidia bool // an NVIDIA driver is installed
}

// probeHost looks for the files nvidiaMarkers names.
func probeHost() hostHints {
	for _, p := range nvidiaMarkers(runtime.GOOS, os.Getenv("SystemRoot")) {
		if _, err := os.Stat(p); err == nil {
			return hostHints{nvidia: true}
		}
	}
	return hostHints{}
}

// devicePlan is what Open tries for a device setting on one platform.
type devicePlan struct {
	try     []string // accelerators to try, in order
	skipped []string // "CUDA not used: no NVIDIA driver found", for those not tried
	cpu     bool     // the CPU follows when none of try works
	hint    string   // what to do when a required GPU is unavailable
}

// cuda reports whether the plan tries CUDA, so the CUDA build of the
// runtime is looked for first.
func (p devicePlan) cuda() bool { return slices.Contains(p.try, deviceCUDA) }

// planDevices decides which execution providers Open tries for device
// (DeviceAuto, DeviceCPU or DeviceGPU) on goos, given what is known of the
// machine. auto tries every accelerator the platform may have, skipping
// CUDA where no NVIDIA driver is installed, then the CPU; gpu tries them
// all and fails when none works; cpu tries none.
func planDevices(device, goos string, h hostHints) (devicePlan, error) {
	var p devicePlan
	switch device {
	case DeviceCPU:
		p.cpu = true
		return p, nil
	case DeviceAuto, DeviceGPU:
	default:
		return p, fmt.Errorf("inference: unknown device %q (want auto, cpu or gpu)", device)
	}
	p.cpu = device == DeviceAuto
	p.hint = gpuHint(goos)
	for _, a := range accelerators(goos) {
		if a == deviceCUDA && !h.nvidia && device == DeviceAuto {
			p.skipped = append(p.skipped, notUsed(a, "no NVIDIA driver found"))
			continue
		}
		p.try = append(p.try, a)
	}
	if device == DeviceGPU && len(p.try) == 0 {
		return p, fmt.Errorf("inference: GPU requested, but ONNX Runtime has no GPU execution provider that Cutout can use on %s; use --cpu", goos)
	}
	return p, nil
}

// gpuHint is what a user can do when a required GPU is unavailable on goos.
func gpuHint(goos string) string {
	switch goos {
	case "linux":
		return `run "make gpu" on a machine with an NVIDIA driver, CUDA 13 and cuDNN 9, or use --cpu`
	case "windows":
		return "DirectML needs a DirectX 12 GPU and its current driver (CUDA needs the CUDA build of ONNX Runtime, given with --ort-lib); or use --cpu"
	case "darwin":
		return "CoreML needs macOS 14 or newer; or use --cpu"
	}
	return "use --cpu"
}

// choose tries the plan's accelerators in turn with create, which makes a
// session on one, and returns the first that works; "" when none does. The
// notes say why each accelerator skipped or tried before it is not used.
func (p devicePlan) choose(create func(device string) error) (string, []string) {
	notes := slices.Clone(p.skipped)
	for _, d := range p.try {
		err := create(d)
		if err == nil {
			return d, notes
		}
		notes = append(notes, notUsed(d, whyNot(d, err)))
	}
	return "", notes
}

// notUsed is the fallback note for an accelerator that is not used.
func notUsed(device, why string) string { return device + " not used: " + why }

// ortLocation finds the source location and status code that ONNX Runtime
// puts before the message of an error.
var ortLocation = regexp.MustCompile(`/\S+\.cc:\d+ .*?\[ONNXRuntimeError\] : \d+ : [A-Z_]+ : `)

// hresult finds a Windows error code (8 hex digits) at the end of a line.
var hresult = regexp.MustCompile(`\b(8[0-9A-Fa-f]{7})\s*$`)

// dxgiErrors names the DirectX errors DirectML reports when a machine has
// no usable GPU (winerror.h).
var dxgiErrors = map[string]string{
	"887A0004": "no DirectX 12 GPU answered (DXGI_ERROR_UNSUPPORTED)",
	"887A0005": "the GPU was removed or its driver restarted (DXGI_ERROR_DEVICE_REMOVED)",
	"887A0006": "the GPU stopped responding (DXGI_ERROR_DEVICE_HUNG)",
	"887A0007": "the GPU was reset (DXGI_ERROR_DEVICE_RESET)",
	"887A0020": "the GPU driver failed (DXGI_ERROR_DRIVER_INTERNAL_ERROR)",
}

// whyNot shortens a provider's error to one line for a fallback note.
// DirectML reports failures with the source location inside ONNX Runtime
// and an HRESULT; the note keeps the HRESULT, named where it is known.
func whyNot(device string, err error) string {
	msg := firstLine(err.Error())
	if device != deviceDirectML {
		// "CUDA provider options: /onnxruntime_src/...cc:1988 ... [ONNXRuntimeError] : 1 : FAIL : Failed to
		// load library ...": the source location says nothing to a user.
		if loc := ortLocation.FindStringIndex(msg); loc != nil {
			msg = msg[:loc[0]] + msg[loc[1]:]
		}
		return msg
	}
	m := hresult.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	code := strings.ToUpper(m[1])
	if name, ok := dxgiErrors[code]; ok {
		return name + ", 0x" + code
	}
	return "DirectML failed with error 0x" + code
}

// fallbackNote joins the notes of the accelerators not used.
func fallbackNote(notes []string) string { return strings.Join(notes, "; ") }

// usesFP32 reports whether device runs the fp32 form of a model with fp16
// weights. The CPU computes in fp32 anyway. CoreML gets the fp32 graph as
// well, so that any operator it does not take falls back to the CPU in the
// form the CPU runs fastest; CoreML itself picks the precision of each
// compute unit (the GPU and Neural Engine compute in fp16). CUDA and
// DirectML run the fp16 file, which GPUs run natively. The choices for
// DirectML and CoreML are not measured yet.
func usesFP32(device string) bool { return device == deviceCPU || device == deviceCoreML }

// appendProvider adds the execution provider of device to so.
func appendProvider(so *ort.SessionOptions, device string) error {
	switch device {
	case deviceCUDA:
		cuda, err := ort.NewCUDAProviderOptions()
		if err != nil {
			return fmt.Errorf("CUDA provider options: %w", err)
		}
		defer cuda.Destroy()
		if err := cuda.Update(map[string]string{"device_id": "0"}); err != nil {
			return fmt.Errorf("CUDA provider options: %w", err)
		}
		if err := so.AppendExecutionProviderCUDA(cuda); err != nil {
			return fmt.Errorf("CUDA provider: %w", err)
		}
		return nil
	case deviceDirectML:
		return appendDirectML(so)
	case deviceCoreML:
		return appendCoreML(so)
	}
	return nil
}

// errNoProvider reports an execution provider that this system lacks.
func errNoProvider(device string) error {
	return fmt.Errorf("%s execution provider: not on %s", device, runtime.GOOS)
}
