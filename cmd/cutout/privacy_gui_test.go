//go:build !nogui

package main

import (
	"context"
	"os"
	"testing"

	"cutout/inference"
	"cutout/ui"
)

// hasEditor says whether this build has the editor.
const hasEditor = true

// TestPrivacyEditorChild is the child half of TestNothingWrittenOutside:
// the segmenter the editor opens (ui.DefaultDeps, as runGUI wires it)
// segments the photo named by editorCaseEnv.
func TestPrivacyEditorChild(t *testing.T) {
	photo := os.Getenv(editorCaseEnv)
	if photo == "" {
		t.Skip("helper process for TestNothingWrittenOutside")
	}
	deps := ui.DefaultDeps(ui.SegmenterOptions{Device: inference.DeviceCPU})
	img, err := deps.Decode(photo)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := deps.OpenSegmenter(deps.Options)
	if err != nil {
		t.Fatal(err)
	}
	m, err := seg.Segment(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if m.W != img.Rect.Dx() || m.H != img.Rect.Dy() {
		t.Errorf("matte %dx%d for a %dx%d photo", m.W, m.H, img.Rect.Dx(), img.Rect.Dy())
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := inference.Shutdown(); err != nil {
		t.Fatal(err)
	}
}
