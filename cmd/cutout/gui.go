//go:build !nogui

package main

import (
	"cutout/inference"
	"cutout/ui"
)

// runGUI opens the editor on files (the sample portrait when there are
// none) and returns when its window is closed, after the ONNX Runtime has
// been shut down.
func runGUI(files []string, cfg guiConfig) error {
	ui.Run(files, ui.DefaultDeps(ui.SegmenterOptions{
		Model:       cfg.Model,
		Device:      cfg.Device,
		Threads:     cfg.Threads,
		LibraryPath: cfg.LibraryPath,
	}))
	return inference.Shutdown()
}
