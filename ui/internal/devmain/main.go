// Command devmain starts the Cutout editor without the command-line front
// end, for developing and testing the ui package on its own:
//
//	go run ./ui/internal/devmain [FILE...]
package main

import (
	"flag"
	"fmt"
	"os"

	"cutout/inference"
	"cutout/ui"
)

func main() {
	var opt ui.SegmenterOptions
	flag.StringVar(&opt.Model, "model", "", "segmentation model: medium or small")
	flag.StringVar(&opt.Device, "device", "", "auto, cpu or gpu")
	flag.StringVar(&opt.LibraryPath, "ort-lib", "", "ONNX Runtime shared library")
	flag.IntVar(&opt.Threads, "threads", 0, "ONNX Runtime threads (0: one per CPU)")
	flag.Parse()
	ui.Run(flag.Args(), ui.DefaultDeps(opt))
	if err := inference.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
