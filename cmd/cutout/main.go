// Command cutout turns portraits into full-resolution cutouts, offline.
//
//	cutout [flags] [FILE...]          open the editor on these photos (or on none)
//	cutout remove [flags] FILE|DIR... write cutouts of the given photos
//	cutout fetch [--gpu] [--platform OS/ARCH | --all-platforms] [--bundle DIR]
//	                                  install the model and the ONNX Runtime
//	cutout version [--licences]       print versions, the runtime and the device,
//	                                  or the third-party licences
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"cutout/cmd/cutout/internal/plainlocale"
	"cutout/inference"
	"cutout/models"
	"cutout/refine/imagefile"
)

// version is the application version; FyneApp.toml carries the same.
const version = "0.1.0"

// guiConfig is what the editor needs from the command line.
type guiConfig struct {
	Model, Device, LibraryPath string
	Threads                    int
}

func main() {
	tuneMalloc()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "remove", "fetch", "version", "help", "-h", "-help", "--help":
			// No window: the programs these commands start (npm) get
			// the environment as it was.
			plainlocale.Restore()
		}
		switch args[0] {
		case "remove":
			return runRemove(args[1:], stdout, stderr)
		case "fetch":
			return runFetch(args[1:], stdout, stderr)
		case "version":
			return runVersion(args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			usage(stdout)
			return 0
		}
	}
	if len(args) > 0 && unknownCommand(args[0]) {
		fmt.Fprintf(stderr, "cutout: unknown command %s: the commands are remove, fetch, version and help (a photo to open must be an image file)\n", strconv.Quote(args[0]))
		return 2
	}
	fs := flag.NewFlagSet("cutout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	var ef engineFlags
	ef.register(fs)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if err := ef.check(); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 2
	}
	dev, _ := ef.resolveDevice()
	cfg := guiConfig{Model: ef.model, Device: dev, LibraryPath: ef.lib, Threads: ef.threads}
	if err := runGUI(files, cfg); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 1
	}
	return 0
}

// unknownCommand reports whether arg, the first argument, is neither a
// flag nor a photo for the editor: no such file, no image file's name.
func unknownCommand(arg string) bool {
	if strings.HasPrefix(arg, "-") || imagefile.IsImageFile(arg) {
		return false
	}
	_, err := os.Stat(arg)
	return err != nil
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (cutout remove a.jpg -o out b.jpg); every argument
// after "--" is positional (cutout remove -- -a.jpg -b.jpg).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if endOfFlags(fs, args[:len(args)-len(rest)]) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// endOfFlags reports whether fs.Parse stopped at "--", the last of the
// arguments it consumed, rather than taking "--" as a flag's value
// (-o --).
func endOfFlags(fs *flag.FlagSet, consumed []string) bool {
	n := len(consumed)
	if n == 0 || consumed[n-1] != "--" {
		return false
	}
	if n == 1 {
		return true
	}
	prev := strings.TrimLeft(consumed[n-2], "-")
	if !strings.HasPrefix(consumed[n-2], "-") || strings.Contains(prev, "=") {
		return true
	}
	f := fs.Lookup(prev)
	if f == nil {
		return true
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// engineFlags are the flags every command shares: model, device, runtime.
type engineFlags struct {
	model, device, lib string
	threads            int
	cpu, gpu           bool
}

func (e *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.model, "model", "medium", "segmentation model: medium (best; fp16 weights, run in fp32 on the CPU) or small (uint8)")
	fs.StringVar(&e.device, "device", "auto", "auto (a GPU when one answers: CUDA, DirectML on Windows, CoreML on macOS; else the CPU), cpu or gpu")
	fs.BoolVar(&e.cpu, "cpu", false, "run on the CPU (same as --device cpu)")
	fs.BoolVar(&e.gpu, "gpu", false, "require a GPU (same as --device gpu)")
	fs.StringVar(&e.lib, "ort-lib", "", "ONNX Runtime shared library to load (default: $ONNXRUNTIME_SHARED_LIBRARY_PATH, beside the executable, then the cache)")
	fs.IntVar(&e.threads, "threads", 0, fmt.Sprintf("model threads, 0 to %d (0: one per CPU)", runtime.NumCPU()))
}

// check refuses flag values that cannot work, with the valid range,
// before anything is made or loaded.
func (e *engineFlags) check() error {
	dev, err := e.resolveDevice()
	if err != nil {
		return err
	}
	switch strings.ToLower(dev) {
	case inference.DeviceAuto, inference.DeviceCPU, inference.DeviceGPU:
	default:
		return fmt.Errorf("--device %s is not a device: want auto, cpu or gpu", quoteName(dev))
	}
	names, err := models.ModelNames()
	if err != nil {
		return err
	}
	if !slices.Contains(names, e.model) {
		return fmt.Errorf("--model %s is not a model of Cutout: want %s", quoteName(e.model), strings.Join(names, " or "))
	}
	if n := runtime.NumCPU(); e.threads < 0 || e.threads > n {
		return fmt.Errorf("--threads %d is out of range: want 0 (one per CPU) to %d (the CPUs of this machine)", e.threads, n)
	}
	return nil
}

// open parses the device flags and opens a model session; the returned
// function closes it and shuts the runtime down. On failure it prints the
// error and returns the exit code to use.
func (e *engineFlags) open(stderr io.Writer, keepMemory bool) (*inference.Session, func(), int) {
	if err := e.check(); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return nil, nil, 2
	}
	dev, _ := e.resolveDevice()
	sess, err := inference.Open(inference.Options{Model: e.model, Device: dev, Threads: e.threads, LibraryPath: e.lib, KeepMemory: keepMemory})
	if err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return nil, nil, 1
	}
	return sess, func() {
		if err := sess.Close(); err != nil {
			fmt.Fprintln(stderr, "cutout:", err)
		}
		if err := inference.Shutdown(); err != nil {
			fmt.Fprintln(stderr, "cutout:", err)
		}
	}, 0
}

// resolveDevice folds --cpu and --gpu into the device name.
func (e *engineFlags) resolveDevice() (string, error) {
	switch {
	case e.cpu && e.gpu:
		return "", fmt.Errorf("--cpu and --gpu exclude each other")
	case e.cpu:
		return "cpu", nil
	case e.gpu:
		return "gpu", nil
	}
	return e.device, nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Cutout turns portraits into clean, full-resolution cutouts, offline.

Usage:
  cutout [flags] [FILE...]           open the editor on these photos (or on none)
  cutout remove [flags] FILE|DIR...  write NAME.png cutouts of photos (see cutout remove -h)
  cutout fetch [--gpu]               install the segmentation model and the ONNX Runtime (see cutout fetch -h)
  cutout version [--licences]        print versions, the runtime and the device in use (or third-party licences)

Common flags:
  --model medium|small   segmentation model (default medium)
  --cpu, --gpu           force the device (default: a GPU when one answers, else the CPU)
  --ort-lib PATH         ONNX Runtime shared library to load
  --threads N            model threads (default: one per CPU)
`)
}
