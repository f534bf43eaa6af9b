package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"cutout/refine"
	"cutout/refine/parallel"
)

// document is one photo in the editor: its pixels, the model's matte, the
// trimap the user edits and its history. Fields are read and written on
// the UI goroutine only; workers get clones or immutable buffers.
type document struct {
	path string
	name string
	hash string // sha256 of the file's bytes, hex; keys the recovery session

	ly layers // what the canvas shows

	model  *refine.Matte // the model's matte; immutable once set
	modelP []uint8
	guide  *refine.Guide  // automatic guide from the model's matte; immutable
	auto   *refine.Trimap // the trimap edits start from: the guide's, or a restored one
	hist   history

	// version counts trimap changes; refinedAt is the version the current
	// refined matte was solved for (-1: none), savedAt the version last
	// written to the recovery session.
	version   int
	refinedAt int
	savedAt   int

	photo      *loadedPhoto // nil until decoded, or after unload
	thumb      *image.NRGBA // kept after unload
	loading    bool         // decoding or segmenting
	decoding   bool
	loadErr    error
	segmenting bool
	refining   bool
	baseSaved  bool // the session's base trimap is on disk

	// resumeOps are the edits of an unloaded photo, replayed when it is
	// segmented again.
	resumeOps []editOp
}

// loadedPhoto is the result of decoding a file off the UI goroutine.
type loadedPhoto struct {
	img *image.NRGBA
	prx *image.NRGBA
	// thumb is the filmstrip thumbnail (long side thumbSide).
	thumb *image.NRGBA
	pw    int
	ph    int
	ps    float64
	hash  string
}

// loadPhoto decodes path with decode, hashes the file and builds the
// display proxy. It runs on a worker goroutine.
func loadPhoto(path string, decode func(string) (*image.NRGBA, error)) (*loadedPhoto, error) {
	img, err := decode(path)
	if err != nil {
		return nil, err
	}
	sum, err := hashFile(path)
	if err != nil {
		return nil, err
	}
	pw, ph, ps := proxySize(img.Rect.Dx(), img.Rect.Dy())
	prx := proxyNRGBA(img, pw, ph)
	tw, th, _ := fitSize(pw, ph, thumbSide)
	return &loadedPhoto{img: img, prx: prx, thumb: proxyNRGBA(prx, tw, th), pw: pw, ph: ph, ps: ps, hash: sum}, nil
}

// hashFile returns the hex sha256 of a file's contents.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("ui: hash %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("ui: hash %s: %w", filepath.Base(path), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func newDocument(path string) *document {
	return &document{path: path, name: filepath.Base(path), refinedAt: -1, loading: true}
}

// thumbSide is the long side of filmstrip thumbnails, in pixels.
const thumbSide = 96

// setPhoto installs decoded pixels.
func (d *document) setPhoto(p *loadedPhoto) {
	d.hash = p.hash
	d.thumb = p.thumb
	d.ly = layers{w: p.img.Rect.Dx(), h: p.img.Rect.Dy(), src: p.img, srcP: p.prx, pw: p.pw, ph: p.ph, ps: p.ps}
}

// setSegmentation installs the model's matte and its automatic guide and
// starts editing from the guide's trimap, with an empty history.
func (d *document) setSegmentation(m *refine.Matte, mp []uint8, g *refine.Guide) {
	d.model, d.modelP, d.guide, d.auto = m, mp, g, g.Trimap.Clone()
	d.ly.matte, d.ly.matteP = m, mp
	d.ly.fg, d.ly.fgP = nil, nil
	d.ly.tri = g.Trimap.Clone()
	d.ly.guide = g
	d.hist = history{}
	d.version++
	d.refinedAt = -1
}

// unload releases the pixels of a photo that is not shown, keeping its
// edit list to replay.
func (d *document) unload() {
	if d.photo == nil {
		return
	}
	if d.ly.tri != nil {
		d.resumeOps = d.hist.ops()
	}
	d.photo, d.model, d.modelP, d.guide, d.auto = nil, nil, nil, nil, nil
	d.ly = layers{}
	d.hist = history{}
	d.loading, d.segmenting, d.refining = false, false, false
	d.refinedAt = -1
}

// segmented reports whether the document has a trimap to edit.
func (d *document) segmented() bool { return d.ly.tri != nil }

// bounds is the whole photo in source pixels.
func (d *document) bounds() image.Rectangle { return image.Rect(0, 0, d.ly.w, d.ly.h) }

// displayMatte returns the alpha the editor shows and exports: the
// trimap's known labels, and the current matte inside the unknown band.
func (d *document) displayMatte() *refine.Matte {
	return effectiveMatte(&d.ly)
}

// effectiveMatte combines the trimap and the matte of ly as the canvas
// shows them: known labels win (Foreground 1, Background 0), except where
// the automatic guide keeps the model's own edge; elsewhere the matte.
func effectiveMatte(ly *layers) *refine.Matte {
	tri, m := ly.tri, ly.matte
	out := refine.NewMatte(tri.W, tri.H)
	parallel.Rows(tri.H, func(y0, y1 int) {
		for i := y0 * tri.W; i < y1*tri.W; i++ {
			switch {
			case ly.keepsModel(i) || tri.Pix[i] == refine.Unknown:
				if m != nil {
					out.Pix[i] = m.Pix[i]
				}
			case tri.Pix[i] == refine.Foreground:
				out.Pix[i] = 1
			}
		}
	})
	return out
}
