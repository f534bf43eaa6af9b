package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/disintegration/imaging"

	"cutout/refine"
	"cutout/refine/stroke"
)

// docState says how far a photo has come from its file to a mask the
// person can edit.
type docState int

const (
	// docQueued: opened, waiting to be decoded.
	docQueued docState = iota
	// docDecoding: its file is being decoded (thumbnail, size, hash).
	docDecoding
	// docWaiting: decoded, waiting in the model's queue.
	docWaiting
	// docSegmenting: the model is running on it.
	docSegmenting
	// docReady: it has a mask to edit.
	docReady
	// docFailed: it could not be opened or segmented; document.err says why.
	docFailed
)

// document is one photo in the filmstrip. Everything it holds belongs to
// the UI goroutine; workers get clones or buffers that are never written
// again.
type document struct {
	path string
	name string
	hash string // sha256 of the file's bytes, hex; keys the recovery session

	state docState
	err   error
	w, h  int
	thumb *image.NRGBA // filmstrip thumbnail, kept while the photo is open
	// model is the model's matte, 8-bit, w·h values; kept while the photo
	// is open, so showing it again does not run the model again.
	model []uint8

	// Held only while the photo is live (photo != nil, see photos.go).
	photo *loadedPhoto
	ly    layers
	guide *refine.Guide // the automatic guide from the model's matte
	// guideInv is the guide of the inverted mask (invert.go), made when
	// first needed.
	guideInv *refine.Guide
	// guideBand is the band the guide was made with (Refiner.Guide).
	guideBand float64
	auto      *refine.Trimap // the trimap edits start from (the guide's, or a recovered one); "reset" returns to it
	// scenes are what strokes that spread and picks read of the photo,
	// for the mask as it is and inverted (see scene); made when needed.
	scenes [2]*stroke.Scene
	hist   history
	// ops are the applied edits of a photo whose pixels were released,
	// replayed when it is loaded again.
	ops []editOp
	// restore is a crashed session to replay, without asking, once the
	// photo has a mask (nil: none).
	restore *savedSession

	// rev counts changes to the trimap; savedRev is the revision written
	// to the recovery session, exportedRev the one last exported (-1:
	// never).
	rev, savedRev, exportedRev int
	// exportedTo is the file of the last export, exportedOpt its options
	// (Ctrl+S exports there again).
	exportedTo  string
	exportedOpt exportOptions
	baseSaved   bool // the session's base trimap is on disk
	// savedExported says the recovery session records the current
	// revision as exported.
	savedExported bool
	// changed bounds the labels edited since matting last started on the
	// photo, and full says the whole photo must be solved again (see
	// edited and incremental.go).
	changed image.Rectangle
	full    bool
}

func newDocument(path string) *document {
	return &document{path: path, name: filepath.Base(path), exportedRev: -1}
}

// editable reports whether the photo's mask is loaded and can be edited.
func (d *document) editable() bool { return d.ly.tri != nil }

// live reports whether the photo's pixels are held.
func (d *document) live() bool { return d.photo != nil }

// edits lists the edits applied to the automatic trimap, in order.
func (d *document) edits() []editOp {
	if d.editable() {
		return d.hist.ops()
	}
	return d.ops
}

// unexported reports whether the photo has edits made since it was last
// exported (or ever, when it never was).
func (d *document) unexported() bool {
	return len(d.edits()) > 0 && d.rev != d.exportedRev
}

// fresh reports whether the refined result matches the current trimap and
// the given edge settings, so it can be exported as it is.
func (d *document) fresh(edge edgeSettings) bool {
	r := d.ly.res
	return r != nil && r.rev == d.rev && r.edge == edge
}

// stateText is the photo's state in a few words, for the filmstrip.
func (d *document) stateText() string {
	switch d.state {
	case docQueued, docDecoding:
		return "Opening…"
	case docWaiting:
		return "Queued"
	case docSegmenting:
		return "Finding the subject…"
	case docFailed:
		return "Could not open"
	}
	switch {
	case d.unexported():
		return "Edited"
	case d.exportedRev >= 0:
		return "Exported"
	}
	return "Ready"
}

// loadedPhoto is the result of decoding a file off the UI goroutine.
type loadedPhoto struct {
	img   *image.NRGBA
	prx   *image.NRGBA // display proxy, pw×ph
	thumb *image.NRGBA // filmstrip thumbnail (long side thumbSide)
	pw    int
	ph    int
	ps    float64
	hash  string
}

// thumbSide is the long side of filmstrip thumbnails, in pixels.
const thumbSide = 96

// loadPhoto decodes path with decode, hashes the file and builds the
// display proxy and the thumbnail. It runs on a worker goroutine.
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
	return &loadedPhoto{img: img, prx: prx, thumb: imaging.Resize(prx, tw, th, imaging.Box), pw: pw, ph: ph, ps: ps, hash: sum}, nil
}

// hashFile returns the hex sha256 of a file's contents.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("ui: read %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("ui: read %s: %w", filepath.Base(path), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// setPhoto installs decoded pixels.
func (d *document) setPhoto(p *loadedPhoto) {
	d.photo = p
	d.hash = p.hash
	d.thumb = p.thumb
	d.w, d.h = p.img.Rect.Dx(), p.img.Rect.Dy()
	d.ly = layers{w: d.w, h: d.h, src: p.img, srcP: p.prx, pw: p.pw, ph: p.ph, ps: p.ps}
}

// setMask starts editing from the automatic guide g, computed from the
// model's matte (d.model), with an empty history. It needs the pixels.
func (d *document) setMask(g *refine.Guide) {
	d.guide, d.guideInv, d.auto = g, nil, g.Trimap.Clone()
	d.scenes = [2]*stroke.Scene{}
	d.ly.model, d.ly.modelP = d.model, proxy8(d.model, d.w, d.h, d.ly.pw, d.ly.ph)
	d.ly.tri = g.Trimap.Clone()
	d.ly.res = nil
	d.hist = history{}
}

// unload releases the pixels of a photo that is not shown, keeping its
// edit list to replay and the model's matte.
func (d *document) unload() {
	if d.photo == nil {
		return
	}
	if d.editable() {
		d.ops = d.hist.ops()
	}
	d.photo, d.guide, d.guideInv, d.auto = nil, nil, nil, nil
	d.scenes = [2]*stroke.Scene{}
	d.ly = layers{}
	d.hist = history{}
}
