package main

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutout/models"
)

// TestCUDAMatchesCPU runs the sample through the model on CUDA and on the
// CPU, each in its own process as a user would, and compares the mattes:
// the fp16 model on the GPU must segment like the fp32 model on the CPU.
// It needs an NVIDIA driver and the CUDA build of ONNX Runtime (make gpu),
// with CUDA 13 and cuDNN 9 on the library path.
func TestCUDAMatchesCPU(t *testing.T) {
	if _, err := os.Stat("/proc/driver/nvidia/version"); err != nil {
		t.Skip("no NVIDIA driver on this machine, so CUDA cannot run here")
	}
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LocateRuntime("gpu"); err != nil {
		t.Skipf("the CUDA build of ONNX Runtime is not installed: %v", err)
	}
	mattes := map[string]*image.Gray{}
	for _, dev := range []string{"gpu", "cpu"} {
		dir := t.TempDir()
		out, code := cutout(t, "remove", "--"+dev, "--no-refine", "--mask", "--timings", "-o", dir, sample(t))
		t.Logf("%s:\n%s", dev, out)
		if code != 0 {
			t.Fatalf("--%s: exit %d", dev, code)
		}
		if want := map[string]string{"gpu": "on CUDA", "cpu": "on CPU"}[dev]; !strings.Contains(out, want) {
			t.Fatalf("--%s did not run %s", dev, want)
		}
		g, ok := decodePNG(t, filepath.Join(dir, "astronaut.mask.png")).(*image.Gray)
		if !ok {
			t.Fatalf("--%s: the matte is not grey", dev)
		}
		mattes[dev] = g
	}
	gpu, cpu := mattes["gpu"], mattes["cpu"]
	var sum, inter, union int
	for i := range gpu.Pix {
		a, b := int(gpu.Pix[i]), int(cpu.Pix[i])
		sum += max(a-b, b-a)
		if a >= 128 && b >= 128 {
			inter++
		}
		if a >= 128 || b >= 128 {
			union++
		}
	}
	mean := float64(sum) / float64(len(gpu.Pix))
	iou := float64(inter) / float64(union)
	t.Logf("CUDA against CPU: mean |difference| %.3f/255, IoU %.5f", mean, iou)
	if mean > 1 || iou < 0.995 {
		t.Errorf("CUDA's matte differs from the CPU's: mean |difference| %.3f/255 (at most 1), IoU %.5f (at least 0.995)", mean, iou)
	}
}
