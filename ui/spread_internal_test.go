package ui

import (
	"bytes"
	"encoding/json"
	"image"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"cutout/assets/evalset"
	"cutout/refine"
	"cutout/refine/imagefile"
)

// suit is where suitDoc's missed region lies.
var suit = image.Rect(60, 50, 160, 150)

// suitDoc is a 300×200 photo whose model missed a flat dark region (a
// suit): the model is half-sure there (0.5) and sure of the background
// elsewhere, and the automatic trimap leaves it all background.
func suitDoc() *document { return suitDocAt(0.5) }

// suitDocAt is suitDoc with the model holding the suit at v.
func suitDocAt(v float32) *document {
	const w, h = 300, 200
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	m := refine.NewMatte(w, h)
	for y := range h {
		for x := range w {
			o := y*img.Stride + 4*x
			if image.Pt(x, y).In(suit) {
				img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 30, 32, 40
				m.Pix[y*w+x] = v
			} else {
				img.Pix[o], img.Pix[o+1], img.Pix[o+2] = uint8(180+x%60), uint8(200-y%50), 220
			}
			img.Pix[o+3] = 255
		}
	}
	pw, ph, ps := proxySize(w, h)
	d := newDocument("suit.png")
	d.setPhoto(&loadedPhoto{img: img, prx: proxyNRGBA(img, pw, ph), pw: pw, ph: ph, ps: ps, hash: "suit"})
	d.model = quantize(m)
	d.state = docReady
	d.setMask(&refine.Guide{Trimap: refine.NewTrimap(w, h), Prior: m, Weight: refine.NewMatte(w, h)})
	return d
}

// suitEditor shows suitDoc in an editor with the foreground brush (B),
// hard, 10 px wide.
func suitEditor(t *testing.T) (*Editor, *document) { return suitEditorAt(t, 0.5) }

// suitEditorAt is suitEditor on suitDocAt(v).
func suitEditorAt(t *testing.T, v float32) (*Editor, *document) {
	e, _ := newTestEditor(t, Deps{})
	d := suitDocAt(v)
	showDoc(e, d)
	press(e, fyne.KeyB, 0, 'b')
	e.setHardness(1)
	e.setBrushSize(10)
	return e, d
}

// labelled counts the pixels of r with label l.
func labelled(tri *refine.Trimap, r image.Rectangle, l uint8) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if tri.Pix[y*tri.W+x] == l {
				n++
			}
		}
	}
	return n
}

// TestStrokeSpreadsOverItsRegion: one short foreground stroke on the
// suit the model missed fills the suit and nothing beyond it; with Shift
// held, or with Spread off, the brush paints only what it covers. Undo,
// redo and a replay of the stored edits (crash recovery) give the same
// labels.
func TestStrokeSpreadsOverItsRegion(t *testing.T) {
	e, d := suitEditor(t)
	before := d.ly.tri.Clone()
	area := suit.Dx() * suit.Dy()
	outside := func(tri *refine.Trimap) int { // changed pixels 3 px or more outside the suit
		n := 0
		for y := range tri.H {
			for x := range tri.W {
				if !image.Pt(x, y).In(suit.Inset(-3)) && tri.Pix[y*tri.W+x] != before.Pix[y*tri.W+x] {
					n++
				}
			}
		}
		return n
	}
	stroke := []image.Point{{100, 100}, {115, 100}}

	t.Run("Shift paints only what the brush covers", func(t *testing.T) {
		shift := &fyne.KeyEvent{Name: desktop.KeyShiftLeft}
		keyDown(e, shift)
		strokeThrough(e, stroke...)
		keyUp(e, shift)
		if n := labelled(d.ly.tri, suit, refine.Foreground); n == 0 || n > area/20 {
			t.Fatalf("the plain stroke labelled %d of the suit's %d pixels foreground", n, area)
		}
		press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	})
	t.Run("Spread off paints only what the brush covers", func(t *testing.T) {
		click(e, e.ctl.spread)
		if e.tools.spread {
			t.Fatal("a click left Spread on")
		}
		strokeThrough(e, stroke...)
		if n := labelled(d.ly.tri, suit, refine.Foreground); n == 0 || n > area/20 {
			t.Fatalf("the stroke labelled %d of the suit's %d pixels foreground", n, area)
		}
		press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
		click(e, e.ctl.spread)
	})
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("undo did not take the plain strokes back")
	}
	strokeThrough(e, stroke...)
	after := d.ly.tri.Clone()
	if n := labelled(after, suit, refine.Foreground); n < area*8/10 {
		t.Fatalf("the stroke spread over %d of the suit's %d pixels; want 80%%", n, area)
	}
	if n := outside(after); n > 0 {
		t.Fatalf("the stroke changed %d pixels beyond the suit", n)
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("Ctrl+Z did not take the spread stroke back")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl|fyne.KeyModifierShift, 0)
	if !bytes.Equal(d.ly.tri.Pix, after.Pix) {
		t.Fatal("Ctrl+Shift+Z did not give the spread stroke again")
	}
	// Crash recovery stores the edits as JSON and replays them on the
	// automatic trimap of the photo opened again.
	data, err := json.Marshal(d.edits())
	if err != nil {
		t.Fatal(err)
	}
	var ops []editOp
	if err := json.Unmarshal(data, &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || !ops[0].Grow {
		t.Fatalf("stored edits %s: want one stroke that spreads", data)
	}
	again := suitDoc()
	showDoc(e, again)
	e.replay(again, again.auto, ops)
	if !bytes.Equal(again.ly.tri.Pix, after.Pix) {
		t.Fatal("replaying the stored stroke gives other labels")
	}
}

// TestDropTakesTheRosesAlone: on celebamaskhq-demo0 the model keeps the
// roses beside the face at half its confidence, touching the hair. One
// Drop click on them removes the roses and keeps the face.
func TestDropTakesTheRosesAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model")
	}
	dir := evalset.Portraits(t)
	truth, _, err := imagefile.DecodeFile(filepath.Join(dir, "celebamaskhq-demo0.mask.png"), nil)
	if err != nil {
		t.Fatal(err)
	}
	e, q := newTestEditor(t, realDeps(t))
	d := openAndSegment(t, e, q, filepath.Join(dir, "celebamaskhq-demo0.jpg"))
	w, h := d.w, d.h
	if truth.Rect.Dx() != w || truth.Rect.Dy() != h {
		t.Fatalf("reference %v, photo %dx%d", truth.Rect, w, h)
	}
	// The roses: the reference's background right of 80% of the width;
	// the face: its foreground in the middle third. kept is the mean
	// alpha of each.
	kept := func() (roses, face float64) {
		var nr, nf int
		for y := range h {
			for x := range w {
				a := float64(d.ly.res.alpha[y*w+x]) / 255
				fg := truth.Pix[y*truth.Stride+4*x] >= 128
				switch {
				case x > w*8/10 && !fg:
					nr++
					roses += a
				case x > w/3 && x < 2*w/3 && y > h/3 && y < 2*h/3 && fg:
					nf++
					face += a
				}
			}
		}
		return roses / float64(nr), face / float64(nf)
	}
	roses0, face0 := kept()
	if roses0 < 0.05 || face0 < 0.999 {
		t.Fatalf("the automatic cutout keeps %.1f%% of the roses and %.1f%% of the face: not the case this test is about", 100*roses0, 100*face0)
	}
	press(e, fyne.KeyD, 0, 'd')
	e.canvas.ensureBuffer()
	test.TapAt(e.canvas, viewPos(e, w*9/10, h*6/10))
	if ops := d.edits(); len(ops) != 1 || !ops[0].Unsure {
		t.Fatalf("the click made edits %+v; want one drop of what the model was half-sure of", ops)
	}
	q.waitFor(t, "the drop's result", 2*time.Minute, func() bool { return d.fresh(e.edge) })
	roses, face := kept()
	t.Logf("roses kept %.1f%% -> %.1f%%, face %.2f%% -> %.2f%%", 100*roses0, 100*roses, 100*face0, 100*face)
	if roses > roses0/3 {
		t.Errorf("after the Drop the cutout keeps %.1f%% of the roses (%.1f%% before)", 100*roses, 100*roses0)
	}
	if face < 0.999 {
		t.Errorf("after the Drop the cutout keeps %.2f%% of the face", 100*face)
	}
}

// TestStrokeTakesWhatTheModelMissed: where the model was sure of the
// background and wrong (the suit at 0.03, the rest of the background at
// its floor), one short foreground stroke takes the whole suit, found by
// the graph cut on the photo's colours, and nothing beyond it; Ctrl+Z
// takes it back.
func TestStrokeTakesWhatTheModelMissed(t *testing.T) {
	e, d := suitEditorAt(t, 0.03)
	before := d.ly.tri.Clone()
	area := suit.Dx() * suit.Dy()
	strokeThrough(e, image.Pt(100, 100), image.Pt(115, 100))
	if n := labelled(d.ly.tri, suit, refine.Foreground); n < area*8/10 {
		t.Fatalf("the stroke took %d of the suit's %d pixels; want 80%%", n, area)
	}
	for y := range before.H {
		for x := range before.W {
			if i := y*before.W + x; !image.Pt(x, y).In(suit.Inset(-3)) && d.ly.tri.Pix[i] != before.Pix[i] {
				t.Fatalf("the stroke changed (%d, %d), beyond the suit", x, y)
			}
		}
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("Ctrl+Z did not take the stroke back")
	}
}

// TestStrokeSpreadsWhilePainting: a stroke that spreads shows its spread
// while the pointer still moves, before the release; the release gives
// the labels a whole stroke gives, and Ctrl+Z takes it all back.
func TestStrokeSpreadsWhilePainting(t *testing.T) {
	e, want := suitEditor(t)
	path := []image.Point{{100, 100}, {105, 100}, {110, 102}, {115, 100}}
	strokeThrough(e, path...)
	if n := labelled(want.ly.tri, suit, refine.Foreground); n < suit.Dx()*suit.Dy()*8/10 {
		t.Fatalf("the whole stroke spread over %d of the suit's %d pixels: not the case this test is about", n, suit.Dx()*suit.Dy())
	}

	d := suitDoc()
	showDoc(e, d)
	before := d.ly.tri.Clone()
	c := e.canvas
	c.ensureBuffer()
	brushArea := 0
	for i := 1; i < len(path); i++ {
		a, b := viewPos(e, path[i-1].X, path[i-1].Y), viewPos(e, path[i].X, path[i].Y)
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: b}, Dragged: fyne.Delta{DX: b.X - a.X, DY: b.Y - a.Y}})
		if i == 1 {
			// The first move: the brush covers a few hundred pixels of the
			// suit, its spread all of it.
			brushArea = 2 * 5 * (5 + path[1].X - path[0].X)
			if n := labelled(d.ly.tri, suit, refine.Foreground); n < suit.Dx()*suit.Dy()*8/10 {
				t.Fatalf("while painting, the stroke shows %d of the suit's %d pixels as foreground (the brush covers about %d); want its spread", n, suit.Dx()*suit.Dy(), brushArea)
			}
			if len(d.hist.undo) != 0 {
				t.Fatal("the stroke in progress is already an undo step")
			}
		}
		time.Sleep(20 * time.Millisecond) // a person's pace: the next move may spread again
	}
	c.DragEnd()
	if !bytes.Equal(d.ly.tri.Pix, want.ly.tri.Pix) {
		t.Fatal("released, the stroke gives other labels than the same stroke painted at once")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !bytes.Equal(d.ly.tri.Pix, before.Pix) {
		t.Fatal("Ctrl+Z did not take the stroke and its spread back")
	}
}
