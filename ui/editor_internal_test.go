package ui

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"cutout/inference/imageio"
	"cutout/refine"
)

// openAndSegment opens path through the drop handler and waits for the
// real model's matte and the first refine.
func openAndSegment(t *testing.T, e *Editor, q *uiQueue, path string) *document {
	t.Helper()
	e.handleDrop([]fyne.URI{storage.NewFileURI(path)})
	if e.cur == nil || e.cur.path != path {
		t.Fatalf("drop did not open %s", path)
	}
	d := e.cur
	q.waitFor(t, "segmentation", 2*time.Minute, func() bool { return d.segmented() || d.loadErr != nil })
	if d.loadErr != nil {
		t.Fatalf("open %s: %v", path, d.loadErr)
	}
	q.waitFor(t, "the first refine", 2*time.Minute, func() bool { return d.refinedAt == d.version })
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
			t = clampF(((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l, 0, 1)
		}
		best = math.Min(best, math.Hypot(p.X-a.X-t*dx, p.Y-a.Y-t*dy))
	}
	return best
}

func TestEditorOpenBrushUndoExport(t *testing.T) {
	e, q := newTestEditor(t, realDeps(t))
	path := samplePhoto(t)
	d := openAndSegment(t, e, q, path)
	if d.ly.w != 512 || d.ly.h != 512 {
		t.Fatalf("photo is %dx%d, want 512x512", d.ly.w, d.ly.h)
	}
	// The model finds the astronaut: the centre of her face is foreground
	// and the top-left corner (flag and sky) is background.
	if got := d.model.At(256, 200); got < 0.9 {
		t.Errorf("model alpha on the face = %.2f, want ≥ 0.9", got)
	}
	if got := d.model.At(10, 10); got > 0.1 {
		t.Errorf("model alpha in the corner = %.2f, want ≤ 0.1", got)
	}
	if e.device == "" {
		t.Error("the device is not shown")
	}

	t.Run("brush changes only the pixels under the stroke", func(t *testing.T) {
		e.setTool(ToolBackground)
		e.hardness = 1
		e.setBrushSize(30)
		before := d.ly.tri.Clone()
		// Across the face, fast: three long segments.
		pts := dragPath(e, []fyne.Position{{X: 300, Y: 200}, {X: 420, Y: 240}, {X: 520, Y: 200}, {X: 560, Y: 330}})
		r := e.brushSize / 2
		changed, under := 0, 0
		for y := 0; y < d.ly.h; y++ {
			for x := 0; x < d.ly.w; x++ {
				i := y*d.ly.w + x
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
		e.undo()
		if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("undo did not restore the exact trimap")
		}
		e.redo()
		if bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("redo did not re-apply the stroke")
		}
	})

	t.Run("export matches the refined matte", func(t *testing.T) {
		q.waitFor(t, "refine after the stroke", 2*time.Minute, func() bool { return d.refinedAt == d.version })
		want := effectiveMatte(&d.ly)
		out := filepath.Join(t.TempDir(), "cutout.png")
		var done bool
		var werr error
		e.exportTo(d, out, exportOptions{Kind: ExportCutout}, false, func(err error) { done, werr = true, err })
		q.waitFor(t, "export", time.Minute, func() bool { return done })
		if werr != nil {
			t.Fatal(werr)
		}
		img := readPNGFile(t, out)
		if img.Bounds().Dx() != d.ly.w || img.Bounds().Dy() != d.ly.h {
			t.Fatalf("export is %v, want source size %dx%d", img.Bounds(), d.ly.w, d.ly.h)
		}
		nrgba, ok := img.(*image.NRGBA)
		if !ok {
			t.Fatalf("export decodes as %T, want straight-alpha NRGBA", img)
		}
		for i, a := range want.Pix {
			if got := nrgba.Pix[4*i+3]; got != unit8(a) {
				t.Fatalf("alpha at pixel %d is %d, refined matte says %d", i, got, unit8(a))
			}
		}
		// Writing again without overwrite is refused.
		e.exportTo(d, out, exportOptions{Kind: ExportMatte}, false, func(err error) { done, werr = true, err })
		done = false
		q.waitFor(t, "second export", time.Minute, func() bool { return done })
		if !errors.Is(werr, imageio.ErrExists) {
			t.Fatalf("export over an existing file without overwrite: err = %v, want an exists error", werr)
		}
		closeDialogs(e)
	})

	t.Run("pick drops a region in one click", func(t *testing.T) {
		e.setTool(ToolDrop)
		before := d.ly.tri.Clone()
		// Click on the suit: the whole connected subject goes.
		const sx, sy = 200, 420
		if d.ly.tri.Pix[sy*512+sx] != refine.Foreground {
			t.Fatalf("the suit at (%d,%d) is not foreground in the trimap", sx, sy)
		}
		p := e.canvas.r.sourceToView(image.Rect(sx, sy, sx+1, sy+1))
		e.canvas.Tapped(&fyne.PointEvent{Position: fyne.NewPos(
			float32((float64(p.Min.X+p.Max.X)/2)/e.canvas.pxPerDp), float32((float64(p.Min.Y+p.Max.Y)/2)/e.canvas.pxPerDp))})
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
		e.undo()
		if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
			t.Fatal("undo of the pick did not restore the trimap")
		}
	})
}

// closeDialogs dismisses error dialogs the test provoked.
func closeDialogs(e *Editor) {
	for _, o := range e.win.Canvas().Overlays().List() {
		e.win.Canvas().Overlays().Remove(o)
	}
}

func TestViewModesGolden(t *testing.T) {
	d := synthDoc(120, 90)
	// Paint a foreground stroke so the trimap view shows an edit too.
	paintSegment(d.ly.tri, vec{10, 10}, vec{40, 20}, brush{Radius: 5, Hardness: 1, Label: refine.Foreground}, nil)
	for m := ViewMode(0); m < viewModeCount; m++ {
		t.Run(m.String(), func(t *testing.T) {
			r := renderer{ly: &d.ly, style: viewStyle{
				mode: m, overlay: defaultOverlay, opacity: defaultOpacity,
				background: color.NRGBA{R: 0x3a, G: 0x7b, B: 0xd5, A: 0xff},
			}}
			r.resize(160, 100)
			// Fit: 120×90 into 160×100 is zoom 10/9, centred horizontally.
			z := 100.0 / 90
			r.setView(z, (120-160/z)/2, 0)
			r.renderAll()
			// Integer compositing: exact on every platform, but allow 1
			// level for float rounding of the matte in unit8.
			assertGolden(t, "view/"+fileName(m)+".png", r.buf, 1)
		})
	}
}

func fileName(m ViewMode) string {
	return [...]string{"overlay", "trimap", "matte", "checkerboard", "black", "white", "colour", "original"}[m]
}
