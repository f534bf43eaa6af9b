package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"cutout/assets/evalset"
	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
	"cutout/refine/stroke"
)

// openSession opens the real model once per test binary.
func openSession(t *testing.T) *inference.Session {
	t.Helper()
	sessOnce.Do(func() { sess, sessErr = inference.Open(inference.Options{Device: inference.DeviceCPU}) })
	if sessErr != nil {
		t.Fatal(sessErr)
	}
	return sess
}

// TestDropUnsureRegionKeepsFace: on celebamaskhq-demo0 the model keeps
// the roses beside the face at half its confidence, and they touch the
// hair; the automatic cutout shows them as a ghost (a mean alpha of 7.2%
// right of the face), and the connected part of the shown alpha under a
// click on them holds the face. One Drop click on the roses removes them
// and keeps the face: the roses' mean alpha falls below a third of what
// it was (7.2% -> 0.5%), the face keeps 99.9% of its alpha, and the IoU
// does not fall (0.9454 -> 0.9477: the hair beside the roses stays).
func TestDropUnsureRegionKeepsFace(t *testing.T) {
	dir := evalset.Portraits(t)
	img, _, err := imagefile.DecodeFile(filepath.Join(dir, "celebamaskhq-demo0.jpg"), nil)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := loadGrey(filepath.Join(dir, "celebamaskhq-demo0.mask.png"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	raw, err := (&cachedSegmenter{sess: openSession(t), model: "medium"}).Segment(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	inc, _, err := refine.NewIncremental(ctx, img, refine.Input{Matte: raw}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, h := truth.W, truth.H
	// The roses: the reference's background right of 80% of the width.
	// The face: the reference's foreground in the middle third.
	// kept is the mean alpha of each (the roses show as a ghost).
	kept := func(a *refine.Matte) (roses, face float64) {
		var nr, nf int
		for y := range h {
			for x := range w {
				i := y*w + x
				switch {
				case x > w*8/10 && truth.Pix[i] < 0.5:
					nr++
					roses += float64(a.Pix[i])
				case x > w/3 && x < 2*w/3 && y > h/3 && y < 2*h/3 && truth.Pix[i] >= 0.5:
					nf++
					face += float64(a.Pix[i])
				}
			}
		}
		return roses / float64(nr), face / float64(nf)
	}
	roses0, face0 := kept(inc.Alpha())
	iou0 := iou(inc.Alpha(), truth)
	if roses0 < 0.05 || face0 < 0.999 {
		t.Fatalf("the automatic cutout keeps %.1f%% of the roses and %.1f%% of the face: not the case this test is about", 100*roses0, 100*face0)
	}
	// The connected part of the shown alpha under the click, which Drop
	// took before, holds the face.
	shown := func(i int) uint8 { return uint8(inc.Alpha().Pix[i]*255 + 0.5) }
	old, ok := stroke.PickRuns(inc.Trimap(), shown, w*9/10, h*6/10)
	if !ok || !inRuns(old, w/2, h/2) {
		t.Fatalf("the connected pick under the click does not hold the face (ok %v): not the case this test is about", ok)
	}
	scene := stroke.NewScene(img, raw, nil)
	runs, ok := scene.PickUnsure(w*9/10, h*6/10)
	if !ok {
		t.Fatal("a click on the roses found no region the model was unsure of")
	}
	tri := inc.Trimap().Clone()
	changed := stroke.ApplyUnsure(tri, runs, false)
	if _, err := inc.Update(ctx, tri, changed); err != nil {
		t.Fatal(err)
	}
	roses, face := kept(inc.Alpha())
	v := iou(inc.Alpha(), truth)
	t.Logf("roses kept %.1f%% -> %.1f%%, face kept %.2f%% -> %.2f%%, IoU %.4f -> %.4f", 100*roses0, 100*roses, 100*face0, 100*face, iou0, v)
	if roses > roses0/3 {
		t.Errorf("after the Drop the cutout keeps %.1f%% of the roses (%.1f%% before)", 100*roses, 100*roses0)
	}
	if face < 0.999 {
		t.Errorf("after the Drop the cutout keeps %.2f%% of the face", 100*face)
	}
	if v < iou0 {
		t.Errorf("IoU %.4f after the Drop, %.4f before", v, iou0)
	}
}

// inRuns reports whether (x, y) is in the runs (see stroke.Runs).
func inRuns(runs []int32, x, y int) bool {
	for k := 0; k+2 < len(runs); k += 3 {
		if int(runs[k]) == y && int(runs[k+1]) <= x && x < int(runs[k+2]) {
			return true
		}
	}
	return false
}

// TestStrokesTable: the strokes benchmark on a photo prints the header,
// a row with every column, and the MEAN and MEDIAN rows, and runs the
// same twice; the second run, with -dump, also draws the photo beside
// its clicks and errors.
func TestStrokesTable(t *testing.T) {
	dir := evalset.Portraits(t)
	openSession(t)
	dump := t.TempDir()
	var first string
	for run := range 2 {
		args := []string{"-run", "celebamaskhq-demo0", dir}
		if run == 1 {
			args = append([]string{"-dump", dump}, args...)
		}
		var out, errb bytes.Buffer
		if code := runStrokes(args, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "name\tiou0\tnoc90\tnoc95\tms\t") ||
			!strings.HasPrefix(lines[1], "celebamaskhq-demo0\t") || !strings.HasPrefix(lines[2], "MEAN\t") || !strings.HasPrefix(lines[3], "MEDIAN\t") {
			t.Fatalf("table:\n%s", out.String())
		}
		cols := len(strings.Split(lines[0], "\t"))
		for _, l := range lines[1:] {
			if n := len(strings.Split(l, "\t")); n != cols {
				t.Fatalf("row %q has %d columns, the header %d", l, n, cols)
			}
		}
		// The times differ between runs; the scores must not.
		scores := stripTimes(lines)
		if first == "" {
			first = scores
		} else if scores != first {
			t.Fatalf("two runs differ:\n%s\n%s", first, scores)
		}
	}
	photo, _, err := imagefile.DecodeFile(filepath.Join(dir, "celebamaskhq-demo0.jpg"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pic, _, err := imagefile.DecodeFile(filepath.Join(dump, "celebamaskhq-demo0.strokes.png"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w, h := photo.Rect.Dx(), photo.Rect.Dy()
	if pic.Rect.Dx() != 2*w || pic.Rect.Dy() != h {
		t.Fatalf("picture %v, want %dx%d", pic.Rect, 2*w, h)
	}
	var clicks, errs int
	for y := range h {
		if !bytes.Equal(pic.Pix[y*pic.Stride:y*pic.Stride+4*w], photo.Pix[y*photo.Stride:y*photo.Stride+4*w]) {
			t.Fatalf("row %d of the picture's left half is not the photo's", y)
		}
		for x := w; x < 2*w; x++ {
			switch c := pic.Pix[y*pic.Stride+4*x:]; {
			case c[0] == 255 && c[1] == 255 && c[2] == 0, c[0] == 255 && c[1] == 0 && c[2] == 255:
				clicks++
			case c[0] == 255 && c[1] == 0 && c[2] == 0, c[0] == 0 && c[1] == 80 && c[2] == 255:
				errs++
			}
		}
	}
	// One click (a 3×3 mark) takes the roses away; what remains wrong is
	// the outline, a few per cent of the photo.
	if clicks != 9 || errs == 0 || errs > w*h/20 {
		t.Errorf("picture: %d click pixels (want one 3×3 mark), %d error pixels of %d", clicks, errs, w*h)
	}
}

// stripTimes drops the ms columns of a strokes table.
func stripTimes(lines []string) string {
	head := strings.Split(lines[0], "\t")
	var out []string
	for _, l := range lines {
		var keep []string
		for i, c := range strings.Split(l, "\t") {
			if !strings.HasSuffix(head[i], "ms") {
				keep = append(keep, c)
			}
		}
		out = append(out, strings.Join(keep, "\t"))
	}
	return strings.Join(out, "\n")
}

// TestStrokesDoNotLeak: no click of the simulated user with the default
// tools lowers the IoU by more than 0.002 on hsd-241, a crowd in which
// the model holds the subject at 0.8-0.96 and the people beside it a
// little less, nor on hsd-063, whose reference leaves out patches of the
// subject's dark shirt that the model holds at its ceiling. A background
// stroke spreading up to where the model was sure of the subject (0.95)
// lost 0.046 in one step on hsd-241: a click on the head of a man behind
// the subject's shoulder spread into the subject's coat, of the same dark
// colour. A graph cut on the photo's colours that did not keep what the
// model holds at its ceiling took the whole shirt on hsd-063 (0.55) and
// the man behind a click between two people's legs on hsd-241 (0.135).
func TestStrokesDoNotLeak(t *testing.T) {
	for _, name := range []string{"hsd-241", "hsd-063"} {
		rows := peopleStrokes(t, name)
		if d := rows[0].worstDrop; d > 0.002 {
			t.Errorf("%s: a click with the default tools lowered the IoU by %.4f (at most 0.002)", name, d)
		}
		if d := rows[1].worstDrop; d > 0.002 {
			t.Errorf("%s: a click with the plain brush lowered the IoU by %.4f (at most 0.002)", name, d)
		}
	}
}

// TestStrokesRemoveWhatTheModelKept: on hsd-168 the model keeps a bin
// beside a child, surely (0.8-0.99, and its second look on the crop
// around both, inference.Zoom, holds it at 0.99) and larger than
// the child; the default tools bring the IoU to 0.90 within three clicks
// (the graph cut takes the bin's body, then its lid: five while the
// colours of the earlier click on the body outweighed the lid's own in
// the stroke's colour model), the plain brush does not within ten. No click loses
// more than 0.005: the later foreground clicks on the child's trousers
// do not run along the band the clicks on the bin left at its foot, in
// the trousers' colour (one lost 0.023 before the band blocked them).
func TestStrokesRemoveWhatTheModelKept(t *testing.T) {
	rows := peopleStrokes(t, "hsd-168")
	if n := rows[0].noc90; n > 3 {
		t.Errorf("the default tools took %d clicks to IoU 0.90 (at most 3; 11: not in ten)", n)
	}
	if d := rows[0].worstDrop; d > 0.005 {
		t.Errorf("a click with the default tools lowered the IoU by %.4f (at most 0.005)", d)
	}
	if n := rows[1].noc90; n <= strokeSteps {
		t.Errorf("the plain brush reached IoU 0.90 in %d clicks: the photo no longer tests the cut", n)
	}
}

// TestStrokesFillWhatTheModelMissed: on hsd-034 the model misses the
// subject's dark jacket against dark foliage, holding it at 0.002-0.1
// where it holds the foliage at its floor; the default tools bring the
// IoU to 0.95 within two clicks (the graph cut takes the jacket) and
// lower it at no step by more than 0.002; the plain brush does not reach
// 0.95 within ten.
func TestStrokesFillWhatTheModelMissed(t *testing.T) {
	rows := peopleStrokes(t, "hsd-034")
	if n := rows[0].noc95; n > 2 {
		t.Errorf("the default tools took %d clicks to IoU 0.95 (at most 2; 11: not in ten)", n)
	}
	if d := rows[0].worstDrop; d > 0.002 {
		t.Errorf("a click with the default tools lowered the IoU by %.4f (at most 0.002)", d)
	}
	if n := rows[1].noc95; n <= strokeSteps {
		t.Errorf("the plain brush reached IoU 0.95 in %d clicks: the photo no longer tests the cut", n)
	}
}

// peopleStrokes runs the simulated user on the people photo name with
// the default tools and with the plain brush.
func peopleStrokes(t *testing.T, name string) [2]strokeRow {
	t.Helper()
	dir := filepath.Join(filepath.Dir(evalset.Portraits(t)), "people")
	s := sample{set: "people", name: name, photo: filepath.Join(dir, name+".jpg"), mask: filepath.Join(dir, name+".mask.png")}
	rows, err := s.strokes(context.Background(), &cachedSegmenter{sess: openSession(t), model: "medium"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
