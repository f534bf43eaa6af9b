//go:build uiscript

package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
)

// scriptEnv names the environment variable that points the editor at an
// edit script: a JSON file whose edits are applied to the first photo once
// it is segmented, and which names a report file the editor keeps up to
// date. End-to-end tests drive the real binary with it (strokes without a
// pointer, then kill -9 and reopen to check crash recovery). Only builds
// with the uiscript tag have it, which the tests use; the shipped editor
// reads no such variable.
const scriptEnv = "CUTOUT_UI_SCRIPT"

func init() {
	startScript = func(e *Editor) {
		s, err := loadScript()
		if err != nil {
			fyne.LogError("", err)
			return
		}
		s.install(e)
	}
}

// script is a parsed edit script.
type script struct {
	// AcceptRestore, when set, answers the restore prompt without showing it.
	AcceptRestore *bool `json:"acceptRestore,omitempty"`
	// Steps are edits (as stored in recovery sessions) applied in order.
	Steps []editOp `json:"steps,omitempty"`
	// View, if set, is the view mode (as ViewMode.String names it) to
	// switch to once the steps are applied.
	View string `json:"view,omitempty"`
	// Report is the path of the JSON state file to write.
	Report string `json:"report"`
	// Quit, when set, quits (as File ▸ Quit does) once the first photo is
	// refined.
	Quit bool `json:"quit,omitempty"`

	offered bool
	applied bool
}

// scriptReport is the state the report file holds.
type scriptReport struct {
	Photo          string `json:"photo"`
	Width          int    `json:"width"`
	Height         int    `json:"height"`
	Device         string `json:"device"`
	Segmented      bool   `json:"segmented"`
	RestoreOffered bool   `json:"restoreOffered"`
	Edits          int    `json:"edits"`
	Saved          bool   `json:"saved"`
	Refined        bool   `json:"refined"`
	View           string `json:"view"`
	TrimapSHA256   string `json:"trimapSHA256"`
	// Erase is where the Erase tool button lies in the window (x, y,
	// width, height), for tests that point at it.
	Erase [4]float32 `json:"erase"`
}

// loadScript reads the script named by $CUTOUT_UI_SCRIPT, if any.
func loadScript() (*script, error) {
	path := os.Getenv(scriptEnv)
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ui: edit script: %w", err)
	}
	s := &script{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("ui: edit script %s: %w", filepath.Base(path), err)
	}
	return s, nil
}

// install hooks the script into the editor.
func (s *script) install(e *Editor) {
	if s == nil {
		return
	}
	e.events = events{
		segmented: func(d *document) { s.segmented(e, d) },
		saved:     func(d *document) { s.report(e, d) },
		refined: func(d *document) {
			s.report(e, d)
			if s.Quit && d.fresh(e.edge) {
				e.requestQuit()
			}
		},
	}
	if s.AcceptRestore != nil {
		e.prompts.restore = func(_ *document, _ int, answer func(bool)) {
			s.offered = true
			answer(*s.AcceptRestore)
		}
		e.prompts.recover = func(_ *crashed, answer func(bool)) {
			s.offered = true
			answer(*s.AcceptRestore)
		}
	}
}

// segmented applies the steps to the first segmented photo.
func (s *script) segmented(e *Editor, d *document) {
	if !s.applied && d.editable() {
		s.applied = true
		for m := ViewMode(0); m < viewModeCount; m++ {
			if m.String() == s.View {
				e.setViewMode(m)
			}
		}
		for _, op := range s.Steps {
			rec := newTileRecorder(d.ly.tri)
			e.commit(d, rec, op, applyOp(d.ly.tri, d.ly.model, d.auto, e.sceneOf(d), op, rec))
		}
	}
	s.report(e, d)
}

// report writes the editor's state for d to the report file.
func (s *script) report(e *Editor, d *document) {
	if s.Report == "" {
		return
	}
	r := scriptReport{
		Photo: d.name, Width: d.w, Height: d.h, Device: e.device,
		Segmented: d.editable(), RestoreOffered: s.offered,
		Edits: len(d.hist.undo), Saved: d.savedRev == d.rev && d.savedRev > 0,
		Refined: d.fresh(e.edge), View: e.style.mode.String(),
	}
	if b := e.ctl.tools[ToolBackground]; b != nil {
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		r.Erase = [4]float32{p.X, p.Y, b.Size().Width, b.Size().Height}
	}
	if d.ly.tri != nil {
		sum := sha256.Sum256(d.ly.tri.Pix)
		r.TrimapSHA256 = hex.EncodeToString(sum[:])
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		err = writeFileAtomic(s.Report, data)
	}
	if err != nil {
		fyne.LogError("edit script report", err)
	}
}
