package ui

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cutout/refine"
)

// The editor's helpers see it only through small interfaces; these tests
// drive each helper against a fake host that records what it was told.

// fakeEditor stands in for the editor: UI calls are queued for the test
// goroutine, and what the helpers report is recorded.
type fakeEditor struct {
	q        *uiQueue
	docs     []*document
	cur      *document
	edge     edgeSettings
	size     fyne.Size
	closed   bool
	shown    []*document
	layouts  int
	repaints int
	changes  []*document
	segs     []*segResult
	segErrs  []error
	device   string
	loading  int
	started  []*document
	progress []float64
	results  []error
}

func newFakeHost() *fakeEditor {
	return &fakeEditor{q: newUIQueue(), size: fyne.NewSize(400, 300)}
}

func (h *fakeEditor) post(fn func())             { h.q.post(fn) }
func (h *fakeEditor) shutDown() bool             { return h.closed }
func (h *fakeEditor) canvasSize() fyne.Size      { return h.size }
func (h *fakeEditor) photos() []*document        { return h.docs }
func (h *fakeEditor) current() *document         { return h.cur }
func (h *fakeEditor) show(d *document)           { h.shown = append(h.shown, d) }
func (h *fakeEditor) relayout()                  { h.layouts++ }
func (h *fakeEditor) repaint(fyne.CanvasObject)  { h.repaints++ }
func (h *fakeEditor) edgeSettings() edgeSettings { return h.edge }
func (h *fakeEditor) newButton(label string, icon fyne.Resource, tip string, tapped func()) *button {
	b := &button{tip: tip, tips: newTooltips(h)}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}
func (h *fakeEditor) segmenterOptions() SegmenterOptions { return SegmenterOptions{Model: "fake"} }
func (h *fakeEditor) guideBand() float64                 { return 0.02 }
func (h *fakeEditor) modelLoading()                      { h.loading++ }
func (h *fakeEditor) modelLoaded(device string)          { h.device = device }
func (h *fakeEditor) changed(d *document)                { h.changes = append(h.changes, d) }
func (h *fakeEditor) segmented(d *document, res *segResult, err error) {
	h.segs, h.segErrs = append(h.segs, res), append(h.segErrs, err)
}
func (h *fakeEditor) refineStarted(d *document) { h.started = append(h.started, d) }
func (h *fakeEditor) refineProgress(_ *document, _ int, p RefineProgress) {
	h.progress = append(h.progress, p.Fraction)
}
func (h *fakeEditor) refined(_ *document, err error) { h.results = append(h.results, err) }

var (
	_ stripHost  = (*fakeEditor)(nil)
	_ tipHost    = (*fakeEditor)(nil)
	_ segHost    = (*fakeEditor)(nil)
	_ refineHost = (*fakeEditor)(nil)
	_ stripHost  = (*Editor)(nil)
	_ tipHost    = (*Editor)(nil)
	_ segHost    = (*Editor)(nil)
	_ refineHost = (*Editor)(nil)
)

func TestFilmstripAgainstFake(t *testing.T) {
	test.NewTempApp(t)
	h := newFakeHost()
	a, b := synthDoc(40, 30), synthDoc(40, 30)
	a.name, b.name = "first.png", "second.png"
	h.docs, h.cur = []*document{a, b}, a
	f := newFilmstrip(h)
	test.NewTempWindow(t, f.scroll)
	f.rebuild()
	if !f.scroll.Visible() || h.layouts != 1 {
		t.Fatalf("two photos: strip shown %v, laid out %d times; want shown, once", f.scroll.Visible(), h.layouts)
	}
	if f.items[a].btn.Importance != widget.HighImportance || f.items[b].btn.Importance != widget.LowImportance {
		t.Fatal("the shown photo is not the highlighted one")
	}
	if got := f.items[b].name.Text; got != "2. second.png" {
		t.Fatalf("second item says %q", got)
	}
	test.Tap(f.items[b].btn)
	if len(h.shown) != 1 || h.shown[0] != b {
		t.Fatalf("a click on the second photo showed %v", h.shown)
	}
	h.docs = h.docs[:1]
	f.rebuild()
	if f.scroll.Visible() {
		t.Fatal("the strip stays for a single photo")
	}
}

func TestTooltipsAgainstFake(t *testing.T) {
	test.NewTempApp(t)
	h := newFakeHost()
	tips := newTooltips(h)
	obj := canvas.NewRectangle(nil)
	obj.Resize(fyne.NewSize(50, 20))
	obj.Move(fyne.NewPos(390, 10)) // near the right edge
	w := test.NewTempWindow(t, &fyne.Container{Objects: []fyne.CanvasObject{obj, tips.layer}})
	w.Resize(h.size)
	tips.show(obj, "A long tooltip text")
	if tips.shown() != "" {
		t.Fatal("the tooltip showed before its delay")
	}
	h.q.waitFor(t, "the tooltip", 5*time.Second, func() bool { return tips.shown() != "" })
	if h.repaints == 0 {
		t.Fatal("the tooltip was not repainted through the window")
	}
	if r := tips.bg.Position().X + tips.bg.Size().Width; r > h.size.Width {
		t.Fatalf("the tooltip ends at x=%v, outside the %v-wide window", r, h.size.Width)
	}
	tips.hide(obj)
	if tips.shown() != "" {
		t.Fatal("the tooltip stayed after hide")
	}
	h.closed = true
	tips.show(obj, "after closing")
	h.q.drain(2 * tooltipDelay)
	if tips.shown() != "" {
		t.Fatal("a tooltip showed in a closed window")
	}
}

func TestSegmenterAgainstFake(t *testing.T) {
	h := newFakeHost()
	model := &fakeSegmenter{}
	var opened []SegmenterOptions
	guides := 0
	s := newSegmenter(h, segDeps{
		open: func(o SegmenterOptions) (Segmenter, error) {
			opened = append(opened, o)
			return model, nil
		},
		decode: func(string) (*image.NRGBA, error) { return nil, errors.New("no file") },
		guide: func(img *image.NRGBA, m *refine.Matte, band float64) *refine.Guide {
			guides++
			if band != 0.02 {
				t.Errorf("the guide was asked for band %v, the host's is 0.02", band)
			}
			return refine.AutoGuide(img, m, nil)
		},
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.loop(ctx); close(done) }()
	d := synthDoc(64, 48)
	s.queue.add(d, true)
	if d.state != docSegmenting || len(h.changes) == 0 || h.changes[0] != d {
		t.Fatalf("a queued photo is %v, changes %v; want segmenting, reported", d.state, h.changes)
	}
	h.q.waitFor(t, "the result", 10*time.Second, func() bool { return len(h.segs) == 1 })
	res := h.segs[0]
	if h.segErrs[0] != nil || res == nil || res.guide == nil || guides != 1 {
		t.Fatalf("result %+v, error %v, guides %d; want the Refiner's guide", res, h.segErrs[0], guides)
	}
	if res.model[0] != 0 || res.model[63] != 255 || res.device != "CPU" || h.device != "CPU" || h.loading != 1 {
		t.Fatalf("matte corners %d/%d, device %q/%q, loading %d", res.model[0], res.model[63], res.device, h.device, h.loading)
	}
	if len(opened) != 1 || opened[0].Model != "fake" {
		t.Fatalf("the model was opened with %v", opened)
	}
	// A released photo is decoded again; its error is the photo's.
	s.queue.done(d)
	r := synthDoc(64, 48)
	r.photo = nil
	s.queue.add(r, true)
	h.q.waitFor(t, "the failure", 10*time.Second, func() bool { return len(h.segs) == 2 })
	if h.segErrs[1] == nil || h.segErrs[1].Error() != "no file" {
		t.Fatalf("a photo that cannot be decoded gave %v", h.segErrs[1])
	}
	stop()
	<-done
	if !model.closed {
		t.Fatal("the model was not closed when the worker stopped")
	}
}

func TestRefinerAgainstFake(t *testing.T) {
	h := newFakeHost()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ref := newGatedRefiner()
	r := newRefiner(ctx, h, ref)
	go r.loop()
	d := synthDoc(64, 48)
	h.cur = d
	var got []error
	r.whenFresh(d, func(err error) { got = append(got, err) })
	if len(h.started) != 1 || !r.running(d) {
		t.Fatal("waiting for a fresh result did not start a run")
	}
	<-ref.started
	ref.next <- struct{}{}
	h.q.waitFor(t, "the result", 10*time.Second, func() bool { return len(got) == 1 })
	if got[0] != nil || !d.fresh(h.edge) || len(h.results) != 1 || h.results[0] != nil {
		t.Fatalf("waiter got %v, fresh %v, refined %v", got, d.fresh(h.edge), h.results)
	}
	// New edge settings make the result stale; a cancelled run tells the
	// waiter nothing and the host it was cancelled.
	h.edge.Feather = 2
	r.whenFresh(d, func(err error) { got = append(got, err) })
	if !r.running(d) {
		t.Fatal("new edge settings started no run")
	}
	r.cancel()
	h.q.drain(50 * time.Millisecond)
	if len(got) != 1 {
		t.Fatalf("a cancelled run answered its waiter: %v", got)
	}
	// Another photo's run is not scheduled while it is not shown.
	other := synthDoc(64, 48)
	r.schedule(other, 0)
	h.q.drain(50 * time.Millisecond)
	if len(h.started) != 2 {
		t.Fatalf("runs started: %d; want 2 (the hidden photo's was not)", len(h.started))
	}
}
