package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"cutout/refine"
	"cutout/refine/imagefile"
	"cutout/refine/stroke"
)

// editOp describes one edit well enough to replay it: the recovery
// session stores the list of applied ops next to the trimap they start
// from. Points are in source pixels.
type editOp struct {
	Kind     string       `json:"kind"` // "stroke", "keep", "drop" or "reset"
	Label    uint8        `json:"label,omitempty"`
	Radius   float64      `json:"radius,omitempty"`
	Hardness float64      `json:"hardness,omitempty"`
	Points   [][2]float64 `json:"points,omitempty"`
	// Runs is the region a keep or drop selected (see stroke.Runs); picks
	// stored without it select again from the model's matte.
	Runs []int32 `json:"runs,omitempty"`
	// Grow says a stroke spread over the region it was painted in
	// (stroke.Scene.Grow); Unsure says a pick's region is one the model
	// was half-sure of (stroke.ApplyUnsure).
	Grow   bool `json:"grow,omitempty"`
	Unsure bool `json:"unsure,omitempty"`
}

// Edit kinds.
const (
	opStroke = "stroke"
	opKeep   = "keep"
	opDrop   = "drop"
	opReset  = "reset"
	opInvert = "invert"
)

// applyOp replays op on tri. auto is the automatic trimap (reset returns
// to it), model the model's matte (picks stored without their region
// select from it) and scene what a stroke that spreads reads. It returns
// the changed region.
func applyOp(tri *refine.Trimap, model []uint8, auto *refine.Trimap, scene func() *stroke.Scene, op editOp, rec *tileRecorder) image.Rectangle {
	switch op.Kind {
	case opStroke:
		if op.Grow {
			return growStroke(tri, scene(), op, rec)
		}
		br := brush{Radius: op.Radius, Hardness: op.Hardness, Label: op.Label}
		var dirty image.Rectangle
		for i, p := range op.Points {
			a := p
			if i > 0 {
				a = op.Points[i-1]
			}
			dirty = dirty.Union(paintSegment(tri, vec{a[0], a[1]}, vec{p[0], p[1]}, br, rec))
		}
		return dirty
	case opKeep, opDrop:
		runs := op.Runs
		if runs == nil && len(op.Points) > 0 {
			runs, _ = pickRuns(tri, labelAlpha(tri, model), int(op.Points[0][0]), int(op.Points[0][1]))
		}
		if runs == nil {
			return image.Rectangle{}
		}
		if op.Unsure {
			return applyUnsure(tri, runs, op.Kind == opKeep, rec)
		}
		return applyRegion(tri, runs, op.Kind == opKeep, rec)
	case opReset:
		rec.saveAll()
		copy(tri.Pix, auto.Pix)
		return image.Rect(0, 0, tri.W, tri.H)
	case opInvert:
		rec.saveAll()
		invertLabels(tri.Pix)
		return image.Rect(0, 0, tri.W, tri.H)
	}
	return image.Rectangle{}
}

// sessionFile is the stored edit list of one photo.
type sessionFile struct {
	Version int      `json:"version"`
	Source  string   `json:"source"`         // the photo's file name
	Path    string   `json:"path,omitempty"` // the photo's absolute path
	Owner   int      `json:"pid,omitempty"`  // the process editing it
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Ops     []editOp `json:"ops"`
	// Export is the photo's last export, if any.
	Export *sessionExport `json:"export,omitempty"`
}

// sessionExport records where and how a photo was last exported, and
// whether that export holds its edits as saved (Current).
type sessionExport struct {
	Path    string     `json:"path"`
	Kind    ExportKind `json:"kind"`
	Crop    bool       `json:"crop,omitempty"`
	Margin  int        `json:"margin"`
	Current bool       `json:"current,omitempty"`
}

// savedSession is a session found on disk.
type savedSession struct {
	hash string
	file sessionFile
}

// workspace is the list of photos an editor has open, in filmstrip
// order, so that a crash can be recovered with the whole filmstrip.
type workspace struct {
	Owner   int      `json:"pid"`
	Paths   []string `json:"paths"`
	Current string   `json:"current,omitempty"`
}

const (
	sessionVersion = 1
	sessionEdits   = "edits.json"
	sessionBase    = "base.png"
)

// sessionStore keeps crash-recovery sessions under dir/<sha256 of the
// source file>/: base.png (the trimap the edits start from, grey labels)
// and edits.json (the applied edits). Every file is written to a temporary
// name and renamed, so a killed process leaves either the old or the new
// file. Safe for concurrent use.
type sessionStore struct {
	dir string
	mu  sync.Mutex
}

func (s *sessionStore) path(hash, name string) string { return filepath.Join(s.dir, hash, name) }

// save writes the base trimap (when writeBase) and the edit list.
func (s *sessionStore) save(hash string, base *refine.Trimap, writeBase bool, f sessionFile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Join(s.dir, hash), 0o755); err != nil {
		return fmt.Errorf("ui: save session: %w", err)
	}
	if writeBase {
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		g := &image.Gray{Pix: base.Pix, Stride: base.W, Rect: image.Rect(0, 0, base.W, base.H)}
		if err := enc.Encode(&buf, g); err != nil {
			return fmt.Errorf("ui: save session base: %w", err)
		}
		if err := writeFileAtomic(s.path(hash, sessionBase), buf.Bytes()); err != nil {
			return err
		}
	}
	f.Version = sessionVersion
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("ui: save session edits: %w", err)
	}
	return writeFileAtomic(s.path(hash, sessionEdits), data)
}

// load reads a session. It returns os.ErrNotExist (wrapped) when there is
// none, and an error when the files are damaged or do not fit w×h.
func (s *sessionStore) load(hash string, w, h int) (*refine.Trimap, sessionFile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f sessionFile
	data, err := os.ReadFile(s.path(hash, sessionEdits))
	if err != nil {
		return nil, f, fmt.Errorf("ui: load session: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, f, fmt.Errorf("ui: load session edits: %w", err)
	}
	if f.Version != sessionVersion || f.Width != w || f.Height != h {
		return nil, f, fmt.Errorf("ui: load session: made for a %dx%d photo (version %d)", f.Width, f.Height, f.Version)
	}
	bf, err := os.Open(s.path(hash, sessionBase))
	if err != nil {
		return nil, f, fmt.Errorf("ui: load session base: %w", err)
	}
	defer bf.Close()
	img, err := png.Decode(bf)
	if err != nil {
		return nil, f, fmt.Errorf("ui: load session base: %w", err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Rect.Dx() != w || g.Rect.Dy() != h {
		return nil, f, errors.New("ui: load session base: not a trimap of the photo's size")
	}
	tri := refine.NewTrimap(w, h)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			tri.Pix[y*w+x] = refine.Label(v)
		}
	}
	return tri, f, nil
}

// list returns every session on disk with its edit list (sessions that
// cannot be read are skipped: damaged ones are reported when their photo
// is opened).
func (s *sessionStore) list() []savedSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil
	}
	var out []savedSession
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		data, err := os.ReadFile(s.path(e.Name(), sessionEdits))
		var f sessionFile
		if err != nil || json.Unmarshal(data, &f) != nil || f.Version != sessionVersion {
			continue
		}
		out = append(out, savedSession{hash: e.Name(), file: f})
	}
	return out
}

// workspacePath is where the process pid keeps its workspace.
func (s *sessionStore) workspacePath(pid int) string {
	return filepath.Join(s.dir, fmt.Sprintf("workspace-%d.json", pid))
}

// saveWorkspace writes ws atomically.
func (s *sessionStore) saveWorkspace(ws workspace) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("ui: save workspace: %w", err)
	}
	data, err := json.Marshal(ws)
	if err != nil {
		return fmt.Errorf("ui: save workspace: %w", err)
	}
	return writeFileAtomic(s.workspacePath(ws.Owner), data)
}

// workspaces returns the workspaces on disk.
func (s *sessionStore) workspaces() []workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	names, _ := filepath.Glob(filepath.Join(s.dir, "workspace-*.json"))
	var out []workspace
	for _, n := range names {
		var ws workspace
		if data, err := os.ReadFile(n); err == nil && json.Unmarshal(data, &ws) == nil && ws.Owner != 0 {
			out = append(out, ws)
		}
	}
	return out
}

// removeWorkspace deletes the workspace of process pid.
func (s *sessionStore) removeWorkspace(pid int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.workspacePath(pid)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("ui: remove workspace: %w", err)
	}
	return nil
}

// remove deletes a photo's session.
func (s *sessionStore) remove(hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(s.dir, hash)); err != nil {
		return fmt.Errorf("ui: remove session: %w", err)
	}
	return nil
}

// processAlive reports whether process pid is running (signal 0 is
// delivered to it).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path (imagefile.WriteFile), so readers see the old or the new file.
func writeFileAtomic(path string, data []byte) error {
	return imagefile.WriteFile(path, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
