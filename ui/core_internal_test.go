package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"cutout/refine"
	"cutout/refine/stroke"
)

func TestHistoryUndoRedoTiles(t *testing.T) {
	tri := refine.NewTrimap(300, 200)
	orig := tri.Clone()
	rec := newTileRecorder(tri)
	r := paintSegment(tri, vec{10, 10}, vec{250, 150}, brush{Radius: 8, Hardness: 1, Label: refine.Foreground}, rec)
	e := rec.finish(editOp{Kind: opStroke})
	if e == nil {
		t.Fatal("a stroke that changed pixels made no edit")
	}
	if !e.bounds.In(image.Rect(0, 0, 300, 200)) || !r.In(e.bounds) {
		t.Fatalf("edit bounds %v do not cover the painted %v", e.bounds, r)
	}
	// Only tiles along the diagonal are saved, not the whole trimap.
	if n, all := len(e.tiles), 5*4; n >= all {
		t.Fatalf("saved %d of %d tiles for a diagonal stroke", n, all)
	}
	painted := tri.Clone()
	var h history
	h.push(e)
	if _, ok := h.undoInto(tri); !ok || !bytes.Equal(tri.Pix, orig.Pix) {
		t.Fatal("undo did not restore the original")
	}
	if _, ok := h.undoInto(tri); ok {
		t.Fatal("undo past the first edit reported a change")
	}
	if _, ok := h.redoInto(tri); !ok || !bytes.Equal(tri.Pix, painted.Pix) {
		t.Fatal("redo did not restore the stroke")
	}
	// No change, no edit.
	rec = newTileRecorder(tri)
	paintSegment(tri, vec{10, 10}, vec{250, 150}, brush{Radius: 8, Hardness: 1, Label: refine.Foreground}, rec)
	if rec.finish(editOp{}) != nil {
		t.Fatal("repainting the same stroke made an edit")
	}
}

func TestProxy(t *testing.T) {
	tests := map[string]struct {
		w, h, pw, ph int
	}{
		"small stays":   {w: 800, h: 600, pw: 800, ph: 600},
		"24 MP shrinks": {w: 6000, h: 4000, pw: 2048, ph: 1365},
		"portrait":      {w: 3000, h: 4500, pw: 1365, ph: 2048},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			pw, ph, s := proxySize(tc.w, tc.h)
			if pw != tc.pw || ph != tc.ph {
				t.Fatalf("proxySize(%d,%d) = %dx%d, want %dx%d", tc.w, tc.h, pw, ph, tc.pw, tc.ph)
			}
			if s > 1 || s <= 0 {
				t.Fatalf("scale %v out of (0,1]", s)
			}
		})
	}
	// Box filtering a 4×2 image to 2×1 averages 2×2 blocks: byte i of
	// the source is 8i, rows are 16 bytes apart.
	img := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 8)
	}
	p := proxyNRGBA(img, 2, 1)
	want := []uint8{
		(0 + 32 + 128 + 160) / 4, (8 + 40 + 136 + 168) / 4, (16 + 48 + 144 + 176) / 4, (24 + 56 + 152 + 184) / 4,
		(64 + 96 + 192 + 224) / 4, (72 + 104 + 200 + 232) / 4, (80 + 112 + 208 + 240) / 4, (88 + 120 + 216 + 248) / 4,
	}
	if !bytes.Equal(p.Pix, want) {
		t.Fatalf("proxy = %v, want %v", p.Pix, want)
	}
	if got := proxy8([]uint8{0, 255, 255, 255}, 2, 2, 1, 1); got[0] != 191 {
		t.Fatalf("matte proxy = %d, want 191 (mean 0.75)", got[0])
	}
}

func TestSessionStoreRoundTripAndReplay(t *testing.T) {
	d := synthDoc(200, 150)
	s := &sessionStore{dir: t.TempDir()}
	ops := []editOp{
		{Kind: opStroke, Label: refine.Background, Radius: 6, Hardness: 0.5, Points: [][2]float64{{20, 20}, {120, 60}, {180, 140}}},
		{Kind: opDrop, Points: [][2]float64{{100, 75}}},
		{Kind: opReset},
		{Kind: opStroke, Label: refine.Foreground, Radius: 3, Hardness: 1, Points: [][2]float64{{10, 140}}},
		{Kind: opStroke, Label: refine.Background, Radius: 5, Hardness: 0.8, Points: [][2]float64{{100, 70}, {110, 75}}, Grow: true},
	}
	scene := func() *stroke.Scene { return d.scene(false) }
	want := d.auto.Clone()
	for _, op := range ops {
		applyOp(want, d.model, d.auto, scene, op, newTileRecorder(want))
	}
	if bytes.Equal(want.Pix, d.auto.Pix) {
		t.Fatal("the edits changed nothing")
	}
	if err := s.save("abc", d.auto, true, sessionFile{Source: "x.png", Width: 200, Height: 150, Ops: ops}); err != nil {
		t.Fatal(err)
	}
	base, f, err := s.load("abc", 200, 150)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(base.Pix, d.auto.Pix) || len(f.Ops) != len(ops) {
		t.Fatal("session did not round-trip")
	}
	got := base.Clone()
	for _, op := range f.Ops {
		applyOp(got, d.model, base, func() *stroke.Scene { return stroke.NewScene(d.ly.src, matteFrom8(d.model, 200, 150), base) }, op, newTileRecorder(got))
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Fatal("replaying the stored edits gives another trimap")
	}
	if _, _, err := s.load("abc", 100, 100); err == nil {
		t.Fatal("a session for another size loaded")
	}
	if _, _, err := s.load("nope", 200, 150); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing session: err = %v, want not-exist", err)
	}
	if err := s.remove("abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "abc")); !os.IsNotExist(err) {
		t.Fatal("remove left the session")
	}
}

// fakeSegmenter segments by thresholding brightness.
type fakeSegmenter struct{ closed bool }

func (f *fakeSegmenter) Segment(_ context.Context, img *image.NRGBA) (*refine.Matte, error) {
	m := refine.NewMatte(img.Rect.Dx(), img.Rect.Dy())
	for i := range m.Pix {
		if img.Pix[4*i] > 128 {
			m.Pix[i] = 1
		}
	}
	return m, nil
}
func (f *fakeSegmenter) Device() string   { return "CPU" }
func (f *fakeSegmenter) Fallback() string { return "" }
func (f *fakeSegmenter) Close() error     { f.closed = true; return nil }

func TestExportCrop(t *testing.T) {
	d := synthDoc(200, 100)
	alpha := effectiveMatte(d.ly.tri, d.guide, matteFrom8(d.model, d.w, d.h))
	r, ok := subjectBounds(alpha, 0)
	if !ok {
		t.Fatal("no subject found")
	}
	// The synthetic subject is a disc of radius 100/3 + band/2 around (100, 50).
	if r.Min.X < 55 || r.Max.X > 145 || r.Dx() < 60 {
		t.Fatalf("subject bounds %v do not hug the disc", r)
	}
	tests := map[string]struct {
		opt  exportOptions
		want image.Rectangle
	}{
		"no crop":      {opt: exportOptions{Kind: ExportCutout}, want: image.Rect(0, 0, 200, 100)},
		"crop":         {opt: exportOptions{Kind: ExportMatte, Crop: true}, want: r},
		"crop margin":  {opt: exportOptions{Kind: ExportOverBackground, Crop: true, Margin: 5}, want: r.Inset(-5)},
		"margin clips": {opt: exportOptions{Kind: ExportCutout, Crop: true, Margin: 500}, want: image.Rect(0, 0, 200, 100)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img, err := buildExport(d.ly.src, alpha, refine.Backdrop{Color: color.NRGBA{R: 9, A: 255}}, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds().Size() != tc.want.Size() {
				t.Fatalf("export is %v, want the size of %v", img.Bounds(), tc.want)
			}
			_, _, _, a := img.At(img.Bounds().Min.X, img.Bounds().Min.Y).RGBA()
			if tc.opt.Kind == ExportOverBackground && a != 0xffff {
				t.Fatal("export over a colour is not opaque")
			}
		})
	}
	if _, err := buildExport(d.ly.src, refine.NewMatte(200, 100), refine.Backdrop{}, exportOptions{Crop: true}); err == nil {
		t.Fatal("cropping an empty matte did not fail")
	}
}

func TestRendererUsesProxyWhenZoomedOut(t *testing.T) {
	d := synthDoc(3000, 1500)
	if d.ly.pw != 2048 || d.ly.srcP == d.ly.src {
		t.Fatalf("no display proxy for a 3000 px photo (pw %d)", d.ly.pw)
	}
	// Mark the proxy so the renderer's choice of level is visible.
	for i := 0; i < len(d.ly.srcP.Pix); i += 4 {
		d.ly.srcP.Pix[i], d.ly.srcP.Pix[i+1], d.ly.srcP.Pix[i+2] = 1, 2, 3
	}
	tests := map[string]struct {
		zoom      float64
		wantProxy bool
	}{
		"fit":          {zoom: 0.1, wantProxy: true},
		"just below":   {zoom: 0.6, wantProxy: true},
		"100%":         {zoom: 1, wantProxy: false},
		"zoomed in 4x": {zoom: 4, wantProxy: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := renderer{ly: &d.ly, style: viewStyle{mode: ViewOriginal}}
			r.resize(64, 48)
			r.setView(tc.zoom, 100, 100)
			r.renderAll()
			px := r.buf.Pix[(24*r.buf.Stride + 32*4):]
			isProxy := px[0] == 1 && px[1] == 2 && px[2] == 3
			if isProxy != tc.wantProxy {
				t.Fatalf("zoom %v: proxy used = %v, want %v", tc.zoom, isProxy, tc.wantProxy)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
