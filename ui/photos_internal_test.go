package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"cutout/assets"
	"cutout/refine"
)

// photoFiles writes n different photos (widths 200, 210, …) and returns
// their paths.
func photoFiles(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for i := 0; i < n; i++ {
		w := 200 + 10*i
		img := image.NewNRGBA(image.Rect(0, 0, w, 150))
		for y := 0; y < 150; y++ {
			for x := 0; x < w; x++ {
				v := uint8(60)
				if (x-w/2)*(x-w/2)+(y-75)*(y-75) < 50*50 {
					v = 220 // a bright disc the fake model finds
				}
				img.SetNRGBA(x, y, color.NRGBA{R: v, G: v / 2, B: uint8(i * 40), A: 255})
			}
		}
		p := filepath.Join(dir, string(rune('a'+i))+".png")
		writePNGFile(t, p, img)
		out = append(out, p)
	}
	return out
}

// gatedSegmenter is fakeSegmenter, one photo at a time when the test
// says so; it reports the width of each photo it starts on.
type gatedSegmenter struct {
	fakeSegmenter
	started chan int
	next    chan struct{}
}

func (g *gatedSegmenter) Segment(ctx context.Context, img *image.NRGBA) (*refine.Matte, error) {
	g.started <- img.Rect.Dx()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-g.next:
	}
	return g.fakeSegmenter.Segment(ctx, img)
}

func TestOpeningSeveralPhotos(t *testing.T) {
	g := &gatedSegmenter{started: make(chan int, 8), next: make(chan struct{})}
	deps := fakeDeps(nil)
	deps.OpenSegmenter = func(SegmenterOptions) (Segmenter, error) { return g, nil }
	e, q := newTestEditor(t, deps)
	paths := photoFiles(t, 4)
	e.Open(paths)
	q.waitFor(t, "every thumbnail", 20*time.Second, func() bool {
		for _, d := range e.docs {
			if d.thumb == nil {
				return false
			}
		}
		return true
	})
	var order []int
	order = append(order, <-g.started)
	if s := e.strip.items[e.docs[0]].state.Text; s != "Finding the subject…" {
		t.Errorf("the first photo's state reads %q", s)
	}
	if s := e.strip.items[e.docs[3]].state.Text; s != "Queued" {
		t.Errorf("the last photo's state reads %q", s)
	}
	// Turning to the third photo puts it next in the model's queue.
	press(e, fyne.KeyPageDown, 0, 0)
	press(e, fyne.KeyPageDown, 0, 0)
	if e.cur != e.docs[2] {
		t.Fatal("Page Down did not step through the filmstrip")
	}
	for len(order) < 4 {
		g.next <- struct{}{}
		q.waitFor(t, "the next model run", 20*time.Second, func() bool {
			select {
			case w := <-g.started:
				order = append(order, w)
				return true
			default:
				return false
			}
		})
	}
	g.next <- struct{}{}
	if want := []int{200, 220, 210, 230}; !equalInts(order, want) {
		t.Fatalf("the model ran on widths %v, want %v (the shown photo first)", order, want)
	}
	q.waitFor(t, "every mask", 20*time.Second, func() bool {
		for _, d := range e.docs {
			if d.state != docReady {
				return false
			}
		}
		return true
	})
	for _, d := range e.docs {
		if s := e.strip.items[d].state.Text; s != "Ready" {
			t.Errorf("%s: the filmstrip says %q", d.name, s)
		}
	}
	live := 0
	for _, d := range e.docs {
		if d.live() {
			live++
		}
	}
	if live > liveDocs {
		t.Errorf("%d photos hold their pixels, want at most %d", live, liveDocs)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReleasedPhotoKeepsItsEdits(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	paths := photoFiles(t, liveDocs+2)
	e.Open(paths)
	first := e.cur
	q.waitFor(t, "the first photo", 20*time.Second, func() bool { return first.editable() })
	e.setTool(ToolBackground)
	e.setHardness(1)
	dragPath(e, []fyne.Position{{X: 300, Y: 300}, {X: 400, Y: 330}})
	edited := first.ly.tri.Clone()
	for range e.docs[1:] {
		press(e, fyne.KeyPageDown, 0, 0)
		d := e.cur
		q.waitFor(t, "the next photo", 20*time.Second, func() bool { return d.editable() })
	}
	if first.live() {
		t.Fatal("the first photo still holds its pixels")
	}
	press(e, fyne.KeyPageDown, 0, 0) // wraps to the first photo, which reloads with its edit
	if e.cur != first {
		t.Fatal("stepping past the last photo did not wrap to the first")
	}
	q.waitFor(t, "the first photo again", 20*time.Second, func() bool { return first.editable() })
	if !bytes.Equal(first.ly.tri.Pix, edited.Pix) || len(first.hist.undo) != 1 {
		t.Fatalf("the stroke on a released photo was lost (undo steps %d)", len(first.hist.undo))
	}
	if first.stateText() != "Edited" {
		t.Fatalf("the filmstrip says %q", first.stateText())
	}
}

func TestStrokeCancelsRefine(t *testing.T) {
	ref := newGatedRefiner()
	e, q := newTestEditor(t, fakeDeps(ref))
	d := synthDoc(120, 90)
	showDoc(e, d)
	e.refineNow()
	<-ref.started
	// A stroke cancels the running solve, and a debounced one follows.
	e.setTool(ToolForeground)
	dragPath(e, []fyne.Position{{X: 50, Y: 50}, {X: 80, Y: 60}})
	q.waitFor(t, "the debounced refine", 10*time.Second, func() bool {
		select {
		case <-ref.started:
			return true
		default:
			return false
		}
	})
	if d.fresh(e.edge) {
		t.Fatal("a cancelled run was taken as the result")
	}
	ref.next <- struct{}{}
	q.waitFor(t, "the refine result", 10*time.Second, func() bool { return d.fresh(e.edge) })
}

// prefixed finds error text still carrying a package prefix.
var prefixed = regexp.MustCompile(`(?i)\b(ui|imageio|inference|refine|pipeline):`)

func TestErrorsReadForPeople(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.jpg")
	if err := os.WriteFile(bad, []byte("not a jpeg at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := samplePhoto(t)
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("bad file and non-image", func(t *testing.T) {
		e, q := newTestEditor(t, fakeDeps(nil))
		e.handleDrop([]fyne.URI{storage.NewFileURI(bad), storage.NewFileURI(text), storage.NewFileURI(good)})
		if len(e.docs) != 2 {
			t.Fatalf("%d photos queued, want 2 (the text file is skipped)", len(e.docs))
		}
		msg := overlayTexts(e)
		if !strings.Contains(msg, "notes.txt") || prefixed.MatchString(msg) {
			t.Fatalf("skipping a non-image says:\n%s", msg)
		}
		closeDialogs(e)
		d := e.docs[0]
		q.waitFor(t, "the broken file to fail", 20*time.Second, func() bool { return d.err != nil })
		msg = overlayTexts(e)
		if !strings.Contains(msg, "broken.jpg") || !strings.Contains(msg, "not a photo Cutout can open") || prefixed.MatchString(msg) {
			t.Fatalf("a broken file says:\n%s", msg)
		}
		if s := e.strip.items[d].state.Text; s != "Could not open" {
			t.Errorf("the filmstrip says %q", s)
		}
		closeDialogs(e)
		// The editor still works: step to the good photo.
		press(e, fyne.KeyPageDown, 0, 0)
		g := e.cur
		q.waitFor(t, "the good photo", 20*time.Second, func() bool { return g.editable() })
	})
	t.Run("missing model", func(t *testing.T) {
		deps := fakeDeps(nil)
		deps.OpenSegmenter = func(SegmenterOptions) (Segmenter, error) {
			return nil, errorString("inference: model not installed; run make assets")
		}
		e, q := newTestEditor(t, deps)
		e.Open([]string{good})
		d := e.cur
		q.waitFor(t, "the model error", 20*time.Second, func() bool { return d.err != nil })
		msg := overlayTexts(e)
		if !strings.Contains(msg, "Model not installed") || prefixed.MatchString(msg) {
			t.Fatalf("a missing model says:\n%s", msg)
		}
	})
	t.Run("wrapped layers", func(t *testing.T) {
		for in, want := range map[string]string{
			`ui: export: imageio: write "/x/y.png": no space`:            "No space.",
			`imageio: decode "a.jpg": imageio: unsupported image format`: "Unsupported image format.",
			"refine: the solver broke down":                              "The solver broke down.",
		} {
			if got := message(errorString(in)); got != want {
				t.Errorf("message(%q) = %q, want %q", in, got, want)
			}
		}
	})
}

type errorString string

func (e errorString) Error() string { return string(e) }

// deadPID returns the ID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a process to get a dead PID: %v", err)
	}
	return cmd.Process.Pid
}

// crashAs makes the sessions and workspace of e look like those of
// process pid, and stops e without removing them, as a crash does.
func crashAs(t *testing.T, e *Editor, pid int) {
	t.Helper()
	e.stopWorkers()
	store := e.saves.store
	for _, s := range store.list() {
		f := s.file
		f.Owner = pid
		base, _, err := store.load(s.hash, f.Width, f.Height)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.save(s.hash, base, false, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, ws := range store.workspaces() {
		if err := store.removeWorkspace(ws.Owner); err != nil {
			t.Fatal(err)
		}
		ws.Owner = pid
		if err := store.saveWorkspace(ws); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecoveryOffersEveryCrashedPhotoAtStart(t *testing.T) {
	cache := t.TempDir()
	deps := fakeDeps(nil)
	deps.CacheDir = cache
	e1, q1 := newTestEditor(t, deps)
	paths := photoFiles(t, 3)
	e1.Open(paths)
	want := map[string][]byte{}
	for _, i := range []int{0, 2} {
		e1.show(e1.docs[i])
		d := e1.docs[i]
		q1.waitFor(t, "a mask", 20*time.Second, func() bool { return d.editable() })
		e1.setTool(ToolBackground)
		dragPath(e1, []fyne.Position{{X: 100, Y: 100}, {X: 400, Y: 300}})
		q1.waitFor(t, "the session", 20*time.Second, func() bool { return d.savedRev == d.rev })
		want[d.path] = append([]byte(nil), d.ly.tri.Pix...)
	}
	q1.drain(50 * time.Millisecond) // the workspace write
	e1.saveWorkspace()
	q1.drain(50 * time.Millisecond)
	crashAs(t, e1, deadPID(t))

	e2, q2 := newTestEditor(t, deps)
	e2.Start(nil)
	msg := overlayTexts(e2)
	for _, i := range []int{0, 2} {
		if !strings.Contains(msg, filepath.Base(paths[i])) {
			t.Fatalf("the start does not offer %s; it says:\n%s", filepath.Base(paths[i]), msg)
		}
	}
	tapButton(t, e2, "Restore")
	if len(e2.docs) != 3 {
		t.Fatalf("the filmstrip has %d photos, want the 3 that were open", len(e2.docs))
	}
	for i, d := range e2.docs {
		if d.path != paths[i] {
			t.Fatalf("filmstrip photo %d is %s, want %s", i, d.path, paths[i])
		}
	}
	for _, i := range []int{0, 2} {
		e2.show(e2.docs[i])
		d := e2.docs[i]
		q2.waitFor(t, "the restored photo", 20*time.Second, func() bool { return d.editable() && len(d.hist.undo) > 0 })
		if !bytes.Equal(d.ly.tri.Pix, want[d.path]) {
			t.Fatalf("%s: the restored trimap differs from the one before the crash", d.name)
		}
		if len(e2.win.Canvas().Overlays().List()) != 0 {
			t.Fatalf("restoring asked again:\n%s", overlayTexts(e2))
		}
	}
}

func TestRecoveryDiscardRemovesTheSessions(t *testing.T) {
	cache := t.TempDir()
	deps := fakeDeps(nil)
	deps.CacheDir = cache
	e1, q1 := newTestEditor(t, deps)
	_, dir := editedSample(t, e1, q1)
	crashAs(t, e1, deadPID(t))
	e2, _ := newTestEditor(t, deps)
	e2.Start(nil)
	tapButton(t, e2, "Discard")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("Discard left the crashed session")
	}
	if len(e2.docs) != 1 || e2.docs[0].name != assets.SampleName {
		t.Fatal("after Discard the editor did not start as usual, on the sample portrait")
	}
}

// TestStartWithoutFilesOpensTheSample: `cutout` with no file opens the
// bundled sample portrait, ready to edit.
func TestStartWithoutFilesOpensTheSample(t *testing.T) {
	e, q := newTestEditor(t, fakeDeps(nil))
	e.Start(nil)
	if len(e.docs) != 1 || e.docs[0].name != assets.SampleName {
		t.Fatalf("the start opened %d photos, want the sample", len(e.docs))
	}
	d := e.docs[0]
	q.waitFor(t, "the sample's mask", 20*time.Second, func() bool { return d.editable() })
	if e.ctl.hint.Visible() {
		t.Error("the drop hint shows over the sample")
	}
}

// TestFailedOpenSaysSoOnTheCanvas: a photo that cannot be opened leaves
// no blank canvas: the canvas says which file and why, and undo, redo,
// reset and export are disabled. After a good photo is shown, they follow
// its state.
func TestFailedOpenSaysSoOnTheCanvas(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "broken.jpg")
	if err := os.WriteFile(bad, []byte("not a jpeg at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, q := newTestEditor(t, fakeDeps(nil))
	e.handleDrop([]fyne.URI{storage.NewFileURI(bad)})
	d := e.cur
	q.waitFor(t, "the broken file to fail", 20*time.Second, func() bool { return d.err != nil })
	closeDialogs(e)
	c := e.ctl
	if !c.hint.Visible() || !strings.Contains(c.hintTitle.Text, "broken.jpg") || !strings.Contains(c.hintBody.Text, "not a photo Cutout can open") {
		t.Fatalf("the canvas says %q / %q (shown: %v)", c.hintTitle.Text, c.hintBody.Text, c.hint.Visible())
	}
	for name, b := range map[string]*button{"undo": c.undo, "redo": c.redo, "reset": c.reset, "export": c.exportBar} {
		if !b.Disabled() {
			t.Errorf("%s looks enabled over a photo that could not be opened", name)
		}
	}
	e.Open([]string{samplePhoto(t)})
	g := e.cur
	q.waitFor(t, "the good photo's mask", 20*time.Second, func() bool { return g.editable() })
	e.canvas.ensureBuffer()
	if c.hint.Visible() {
		t.Fatal("the hint stays over a photo that opened")
	}
	if !c.undo.Disabled() || c.exportBar.Disabled() {
		t.Fatal("before any edit undo should be disabled and export enabled")
	}
	e.setTool(ToolBackground)
	x, y := foregroundSpot(t, g.ly.tri, 10)
	dragPath(e, []fyne.Position{viewPos(e, x-10, y), viewPos(e, x+10, y)})
	if c.undo.Disabled() || !c.redo.Disabled() {
		t.Fatal("after a stroke undo should be enabled and redo disabled")
	}
	press(e, fyne.KeyZ, fyne.KeyModifierControl, 0)
	if !c.undo.Disabled() || c.redo.Disabled() {
		t.Fatal("after undoing the only edit undo should be disabled and redo enabled")
	}
}

// TestRestoreShowsTheLastPhotoFirstAndKeepsItsExports: after Restore the
// photo shown before the crash is the first the model sees, and a photo
// exported before the crash is still exported (Ctrl+S goes where it
// went; quitting does not ask about it).
func TestRestoreShowsTheLastPhotoFirstAndKeepsItsExports(t *testing.T) {
	cache := t.TempDir()
	deps := fakeDeps(nil)
	deps.CacheDir = cache
	e1, q1 := newTestEditor(t, deps)
	paths := photoFiles(t, 3)
	out := t.TempDir()
	e1.app.Preferences().SetString(prefExportFolder, out)
	e1.Open(paths)
	for _, i := range []int{0, 2} {
		e1.show(e1.docs[i])
		d := e1.docs[i]
		q1.waitFor(t, "a mask", 20*time.Second, func() bool { return d.editable() })
		e1.canvas.ensureBuffer()
		e1.setTool(ToolBackground)
		x, y := foregroundSpot(t, d.ly.tri, 8)
		dragPath(e1, []fyne.Position{viewPos(e1, x-8, y), viewPos(e1, x+8, y)})
		if i == 0 {
			press(e1, fyne.KeyE, fyne.KeyModifierControl, 0)
			press(e1, fyne.KeyReturn, 0, 0)
			q1.waitFor(t, "the export", 20*time.Second, func() bool { return d.exportedRev == d.rev })
		}
		q1.waitFor(t, "the session", 20*time.Second, func() bool { return d.savedRev == d.rev && d.savedExported == (i == 0) })
	}
	e1.saveWorkspace()
	q1.drain(50 * time.Millisecond)
	crashAs(t, e1, deadPID(t))

	model := &gatedSegmenter{started: make(chan int, 8), next: make(chan struct{}, 8)}
	deps.OpenSegmenter = func(SegmenterOptions) (Segmenter, error) { return model, nil }
	e2, q2 := newTestEditor(t, deps)
	e2.Start(nil)
	tapButton(t, e2, "Restore")
	if e2.cur == nil || e2.cur.path != paths[2] {
		t.Fatal("Restore does not show the photo shown before the crash")
	}
	var first int
	q2.waitFor(t, "the first model run", 20*time.Second, func() bool {
		select {
		case first = <-model.started:
			return true
		default:
			return false
		}
	})
	if first != 220 {
		t.Fatalf("the model ran first on the %d px wide photo, not on the one shown (220 px)", first)
	}
	for range 3 {
		model.next <- struct{}{}
	}
	go func() {
		for range model.started {
		}
	}()
	d0, d2 := e2.docs[0], e2.docs[2]
	q2.waitFor(t, "the shown photo restored", 20*time.Second, func() bool { return d2.editable() && len(d2.hist.undo) > 0 })
	e2.show(d0)
	q2.waitFor(t, "the exported photo restored", 20*time.Second, func() bool { return d0.editable() && len(d0.hist.undo) > 0 })
	if d0.unexported() || d0.exportedTo != filepath.Join(out, "a.png") {
		t.Fatalf("the export before the crash is forgotten (unexported %v, last export %q)", d0.unexported(), d0.exportedTo)
	}
	press(e2, fyne.KeyQ, fyne.KeyModifierControl, 0)
	msg := overlayTexts(e2)
	if !strings.Contains(msg, "c.png") || strings.Contains(msg, "a.png") {
		t.Fatalf("the quit prompt lists:\n%s", msg)
	}
	closeDialogs(e2)
}
