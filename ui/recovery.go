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

	"cutout/inference/imageio"
	"cutout/refine"
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
}

// Edit kinds.
const (
	opStroke = "stroke"
	opKeep   = "keep"
	opDrop   = "drop"
	opReset  = "reset"
)

// applyOp replays op on tri. model is the model's matte (picks follow
// it) and auto the automatic trimap (reset returns to it). It returns the
// changed region.
func applyOp(tri *refine.Trimap, model *refine.Matte, auto *refine.Trimap, op editOp, rec *tileRecorder) image.Rectangle {
	switch op.Kind {
	case opStroke:
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
		if len(op.Points) == 0 {
			return image.Rectangle{}
		}
		r, _ := applyPick(tri, model, int(op.Points[0][0]), int(op.Points[0][1]), op.Kind == opKeep, rec)
		return r
	case opReset:
		rec.saveAll()
		copy(tri.Pix, auto.Pix)
		return image.Rect(0, 0, tri.W, tri.H)
	}
	return image.Rectangle{}
}

// sessionFile is the stored edit list of one photo.
type sessionFile struct {
	Version int      `json:"version"`
	Source  string   `json:"source"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Ops     []editOp `json:"ops"`
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

// cacheDir returns Cutout's cache folder: $CUTOUT_CACHE, or cutout in
// the user cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv("CUTOUT_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("ui: cache folder: %w", err)
	}
	return filepath.Join(d, "cutout"), nil
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

// remove deletes a photo's session.
func (s *sessionStore) remove(hash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.RemoveAll(filepath.Join(s.dir, hash)); err != nil {
		return fmt.Errorf("ui: remove session: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path (imageio.WriteFile), so readers see the old or the new file.
func writeFileAtomic(path string, data []byte) error {
	return imageio.WriteFile(path, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
