package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"cutout/refine"
	"cutout/refine/imagefile"
)

// openAndSegment opens path through the drop handler and waits for the
// real model's matte and the first refinement.
func openAndSegment(t *testing.T, e *Editor, q *uiQueue, path string) *document {
	t.Helper()
	e.handleDrop([]fyne.URI{storage.NewFileURI(path)})
	if e.cur == nil || e.cur.path != path {
		t.Fatalf("drop did not open %s", path)
	}
	d := e.cur
	q.waitFor(t, "segmentation", 2*time.Minute, func() bool { return d.editable() || d.err != nil })
	if d.err != nil {
		t.Fatalf("open %s: %v", path, d.err)
	}
	q.waitFor(t, "the first refine", 2*time.Minute, func() bool { return d.fresh(e.edge) })
	return d
}

// dragPath sends a multi-segment drag through the canvas (test.Drag only
// delivers one segment) and returns the source points it visited.
func dragPath(e *Editor, pts []fyne.Position) []vec {
	c := e.canvas
	c.ensureBuffer()
	var src []vec
	for i := 1; i < len(pts); i++ {
		d := pts[i].Subtract(pts[i-1])
		if i == 1 {
			src = append(src, c.toSource(pts[0]))
		}
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pts[i]}, Dragged: fyne.Delta{DX: d.X, DY: d.Y}})
		src = append(src, c.toSource(pts[i]))
	}
	c.DragEnd()
	return src
}

// distToPath is the distance from p to the polyline through pts.
func distToPath(p vec, pts []vec) float64 {
	best := math.Inf(1)
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		dx, dy := b.X-a.X, b.Y-a.Y
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = min(max(((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l, 0), 1)
		}
		best = math.Min(best, math.Hypot(p.X-a.X-t*dx, p.Y-a.Y-t*dy))
	}
	return best
}

// viewPos is the canvas position showing source pixel (x, y).
func viewPos(e *Editor, x, y int) fyne.Position {
	p := e.canvas.r.sourceToView(image.Rect(x, y, x+1, y+1))
	return fyne.NewPos(float32(float64(p.Min.X+p.Max.X)/2/e.canvas.pxPerDp), float32(float64(p.Min.Y+p.Max.Y)/2/e.canvas.pxPerDp))
}

func TestEditorOpenBrushUndoExport(t *testing.T) {
	e, q := newTestEditor(t, realDeps(t))
	path := samplePhoto(t)
	d := openAndSegment(t, e, q, path)
	if d.w != 512 || d.h != 512 {
		t.Fatalf("photo is %dx%d, want 512x512", d.w, d.h)
	}
	// The model finds the astronaut: the centre of her face is foreground
	// and the top-left corner (flag and sky) is background.
	if got := d.model[200*512+256]; got < 230 {
		t.Errorf("model alpha on the face = %d, want ≥ 230", got)
	}
	if got := d.model[10*512+10]; got > 25 {
		t.Errorf("model alpha in the corner = %d, want ≤ 25", got)
	}
	if e.device == "" {
		t.Error("the device is not shown")
	}

	t.Run("brush changes only the pixels under the stroke", func(t *testing.T) {
		e.setTool(ToolBackground)
		e.setHardness(1)
		e.setBrushSize(30)
		before := d.ly.tri.Clone()
		// Across the face, fast: three long segments, with Shift held:
		// the plain brush, which does not spread.
		shift := &fyne.KeyEvent{Name: desktop.KeyShiftLeft}
		keyDown(e, shift)
		pts := dragPath(e, []fyne.Position{{X: 300, Y: 200}, {X: 420, Y: 240}, {X: 520, Y: 200}, {X: 560, Y: 330}})
		keyUp(e, shift)
		r := e.tools.size / 2
		changed, under := 0, 0
		for y := 0; y < d.h; y++ {
			for x := 0; x < d.w; x++ {
				i := y*d.w + x
				dist := distToPath(vec{float64(x) + 0.5, float64(y) + 0.5}, pts)
				switch {
				case dist <= r-0.01:
					under++
					if d.ly.tri.Pix[i] != refine.Background {
						t.Fatalf("pixel (%d,%d) under the stroke is %d, want background", x, y, d.ly.tri.Pix[i])
					}
				case dist > r+0.01:
					if d.ly.tri.Pix[i] != before.Pix[i] {
						t.Fatalf("pixel (%d,%d) %.1f px from the stroke changed", x, y, dist)
					}
				}
				if d.ly.tri.Pix[i] != before.Pix[i] {
					changed++
				}
			}
		}
		if under < 1000 || changed == 0 {
			t.Fatalf("stroke covered %d pixels and changed %d; want a real stroke", under, changed)
		}
		if len(d.hist.undo) != 1 {
			t.Fatalf("undo stack has %d edits, want 1 per stroke", len(d.hist.undo))
		}
		press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
		if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("Ctrl+Z did not restore the exact trimap")
		}
		press(e, fyne.KeyZ, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
		if bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("Ctrl+Shift+Z did not re-apply the stroke")
		}
	})

	t.Run("export matches the refined matte", func(t *testing.T) {
		q.waitFor(t, "refine after the stroke", 2*time.Minute, func() bool { return d.fresh(e.edge) })
		want := d.ly.res.alpha
		out := filepath.Join(t.TempDir(), "cutout.png")
		var done bool
		var werr error
		e.exportDoc(d, out, exportOptions{Kind: ExportCutout}, false, func(err error) { done, werr = true, err })
		q.waitFor(t, "export", time.Minute, func() bool { return done })
		if werr != nil {
			t.Fatal(werr)
		}
		img := readPNGFile(t, out)
		if img.Bounds().Dx() != d.w || img.Bounds().Dy() != d.h {
			t.Fatalf("export is %v, want source size %dx%d", img.Bounds(), d.w, d.h)
		}
		nrgba, ok := img.(*image.NRGBA)
		if !ok {
			t.Fatalf("export decodes as %T, want straight-alpha NRGBA", img)
		}
		for i, a := range want {
			if got := nrgba.Pix[4*i+3]; got != a {
				t.Fatalf("alpha at pixel %d is %d, the refined result says %d", i, got, a)
			}
		}
		// Writing again without overwrite is refused.
		done = false
		e.exportDoc(d, out, exportOptions{Kind: ExportMatte}, false, func(err error) { done, werr = true, err })
		q.waitFor(t, "second export", time.Minute, func() bool { return done })
		if !errors.Is(werr, imagefile.ErrExists) {
			t.Fatalf("export over an existing file without overwrite: err = %v, want an exists error", werr)
		}
		closeDialogs(e)
	})

	t.Run("pick drops a region in one click", func(t *testing.T) {
		e.resetMask() // the stroke above cut the face in two
		q.waitFor(t, "refine after the reset", 2*time.Minute, func() bool { return d.fresh(e.edge) })
		e.setTool(ToolDrop)
		before := d.ly.tri.Clone()
		// Click on the suit: the whole connected subject goes.
		const sx, sy = 200, 420
		if d.ly.tri.Pix[sy*512+sx] != refine.Foreground {
			t.Fatalf("the suit at (%d,%d) is not foreground in the trimap", sx, sy)
		}
		test.TapAt(e.canvas, viewPos(e, sx, sy))
		if got := d.ly.tri.Pix[sy*512+sx]; got != refine.Background {
			t.Fatalf("suit pixel after drop = %d, want background", got)
		}
		fg := 0
		for _, v := range d.ly.tri.Pix {
			if v == refine.Foreground {
				fg++
			}
		}
		if fg > 512*512/100 {
			t.Errorf("%d foreground pixels remain after dropping the subject", fg)
		}
		press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
		if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("undo of the pick did not restore the trimap")
		}
	})
}

// closeDialogs dismisses the dialogs a test provoked.
func closeDialogs(e *Editor) {
	for _, o := range e.win.Canvas().Overlays().List() {
		e.win.Canvas().Overlays().Remove(o)
	}
}

// TestExportWhileRefiningWritesTheCurrentMatte: right after painting
// foreground over a removed area, while the refinement of that edit is
// still to come, the person exports through the export sheet (Ctrl+E,
// Export). The file must hold the matte and colours refined for the
// trimap as it is then, those a refinement of that trimap gives,
// and not the previous refinement's (which leaves the stroke with
// smeared colours and transparent lines).
func TestExportWhileRefiningWritesTheCurrentMatte(t *testing.T) {
	deps := realDeps(t)
	e, q := newTestEditor(t, deps)
	d := openAndSegment(t, e, q, samplePhoto(t))
	e.setHardness(1)
	e.setBrushSize(60)
	// Remove the face, let it refine, then paint it back with a soft
	// brush (its rim becomes the unknown band) and export at once.
	e.setTool(ToolBackground)
	dragPath(e, []fyne.Position{{X: 330, Y: 230}, {X: 480, Y: 230}})
	q.waitFor(t, "the refinement of the removal", 2*time.Minute, func() bool { return d.fresh(e.edge) })
	e.setTool(ToolForeground)
	e.setHardness(0.5)
	dragPath(e, []fyne.Position{{X: 330, Y: 230}, {X: 480, Y: 230}})
	if d.fresh(e.edge) {
		t.Fatal("the stroke left the result fresh: nothing to race against")
	}
	out := filepath.Join(t.TempDir(), "out", "face.png")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	press(e, fyne.KeyE, fyne.KeyModifierControl, 0)
	typeInto(t, e, targetEntry(t, e), out)
	tapButton(t, e, "Export")
	q.waitFor(t, "the export", 2*time.Minute, func() bool { return strings.HasPrefix(e.status.text.Text, "Exported") })

	// What a refinement of the final trimap gives, computed here.
	tri := d.ly.tri.Clone()
	in := refine.Input{Matte: d.guide.Prior, Trimap: tri, Guide: d.guide}
	res, err := deps.Refiner.Refine(context.Background(), d.ly.src, in, func(RefineProgress) {})
	if err != nil {
		t.Fatal(err)
	}
	want := finish(refineJob{tri: tri, guide: d.guide, edge: e.edge, img: d.ly.src, imgP: d.ly.srcP, pw: d.ly.pw, ph: d.ly.ph},
		solved{matte: res.Alpha, fg: res.Foreground, fgP: res.Foreground})
	got, ok := readPNGFile(t, out).(*image.NRGBA)
	if !ok {
		t.Fatal("the export is not an RGBA PNG")
	}
	// The editor's refinement updated the last solve where the stroke
	// reached (incremental.go), so it is a full solve's within 2/255, and
	// colours within 4 levels where the alpha is over half, on all but 1%
	// of the pixels: a soft stroke's new unknown band moves a full
	// solve's alpha by a few levels far from it (0.4% of the pixels
	// here). The previous refinement's matte differs on the 9000 pixels
	// of the stroke.
	bad := 0
	for i, a := range want.alpha {
		px := got.Pix[4*i : 4*i+4]
		c := want.colour.Pix[4*i : 4*i+3]
		if abs(int(px[3])-int(a)) > 2 || (a > 128 && (abs(int(px[0])-int(c[0])) > 4 || abs(int(px[1])-int(c[1])) > 4 || abs(int(px[2])-int(c[2])) > 4)) {
			bad++
		}
	}
	if bad > len(want.alpha)/100 {
		t.Fatalf("%d pixels of the export differ from the refinement of the trimap it was made from", bad)
	}
}

// targetEntry is the export sheet's "Save as" field.
func targetEntry(t *testing.T, e *Editor) *sheetEntry {
	t.Helper()
	for _, en := range overlayEntries(e) {
		if strings.HasSuffix(en.Text, ".png") || filepath.IsAbs(en.Text) {
			return en
		}
	}
	t.Fatalf("no export path field; the dialogs show:\n%s", overlayTexts(e))
	return nil
}

// typeInto replaces an entry's text by typing, as a person does: focus,
// select all (Ctrl+A), type.
func typeInto(t *testing.T, e *Editor, en *sheetEntry, text string) {
	t.Helper()
	e.win.Canvas().Focus(en)
	en.TypedShortcut(&fyne.ShortcutSelectAll{})
	test.Type(en, text)
	if en.Text != text {
		t.Fatalf("typed %q, the field holds %q", text, en.Text)
	}
}

func TestViewModesGolden(t *testing.T) {
	d := goldenDoc()
	for m := ViewMode(0); m < viewModeCount; m++ {
		t.Run(m.String(), func(t *testing.T) {
			r := goldenRenderer(d, viewStyle{mode: m})
			// Integer compositing is exact on every platform; the cutout
			// views go through the float compositor: allow 1 level.
			assertGolden(t, "view/"+fileName(m)+".png", r.buf, 1)
		})
	}
}

// TestSplitViewGolden: the before/after split at 40% of the width, the
// original left of the divider and the cutout on white right of it.
func TestSplitViewGolden(t *testing.T) {
	r := goldenRenderer(goldenDoc(), viewStyle{mode: ViewWhite, split: true, splitAt: 0.4})
	assertGolden(t, "view/split.png", r.buf, 1)
	// Left of the divider is the photo itself.
	x := r.splitX()
	for _, vx := range []int{20, x - 4} {
		sx, sy := r.colSrc[vx], r.rowSrc[50]
		if sx < 0 {
			continue
		}
		o := int(sy)*r.ly.src.Stride + int(sx)*4
		if !bytes.Equal(r.buf.Pix[50*r.buf.Stride+vx*4:][:3], r.ly.src.Pix[o:o+3]) {
			t.Fatalf("column %d left of the divider is not the original", vx)
		}
	}
}

// goldenDoc is the synthetic photo of the golden images, with a refined
// result: the model's matte, softened, and a foreground stroke painted
// after it (so the views show an edit the result has not caught up with).
func goldenDoc() *document {
	d := synthDoc(120, 90)
	job := refineJob{tri: d.ly.tri.Clone(), img: d.ly.src, imgP: d.ly.srcP, pw: d.ly.pw, ph: d.ly.ph, edge: edgeSettings{Feather: 1.5}}
	d.ly.res = finish(job, solved{matte: matteFrom8(d.model, d.w, d.h)})
	paintSegment(d.ly.tri, vec{10, 10}, vec{40, 20}, brush{Radius: 5, Hardness: 1, Label: refine.Foreground}, nil)
	return d
}

func goldenRenderer(d *document, st viewStyle) *renderer {
	st.overlay, st.opacity, st.colour = defaultOverlay, defaultOpacity, color.NRGBA{R: 0x3a, G: 0x7b, B: 0xd5, A: 0xff}
	r := &renderer{ly: &d.ly, style: st}
	r.resize(160, 100)
	// Fit: 120×90 into 160×100 is zoom 10/9, centred horizontally.
	z := 100.0 / 90
	r.setView(z, (120-160/z)/2, 0)
	r.renderAll()
	return r
}

func fileName(m ViewMode) string {
	return [...]string{"overlay", "trimap", "matte", "checkerboard", "black", "white", "background", "original"}[m]
}
