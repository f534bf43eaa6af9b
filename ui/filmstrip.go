package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// filmstrip is the row of opened photos under the canvas (hidden for a
// single photo): each with its thumbnail, name and state (opening,
// queued, finding the subject, ready, edited, exported, failed); a click
// shows the photo.
type filmstrip struct {
	host   stripHost
	box    *fyne.Container
	scroll *container.Scroll
	items  map[*document]*stripItem
}

// stripItem is one photo of the filmstrip.
type stripItem struct {
	btn   *button // the item's background: tap and highlight
	thumb *fyne.Container
	name  *canvas.Text
	state *canvas.Text
}

// stripHost is what the filmstrip needs of the editor.
type stripHost interface {
	photos() []*document // the opened photos, in order
	current() *document  // the photo shown (nil: none)
	show(d *document)
	newButton(label string, icon fyne.Resource, tip string, tapped func()) *button
	relayout() // the strip was shown or hidden
}

func newFilmstrip(host stripHost) *filmstrip {
	f := &filmstrip{host: host, box: container.NewHBox(), items: map[*document]*stripItem{}}
	f.scroll = container.NewHScroll(f.box)
	f.scroll.Hide()
	return f
}

// rebuild lays out one item per open photo.
func (f *filmstrip) rebuild() {
	f.box.RemoveAll()
	f.items = map[*document]*stripItem{}
	docs := f.host.photos()
	for i, d := range docs {
		it := &stripItem{
			btn:   f.host.newButton("", nil, d.path, func() { f.host.show(d) }),
			thumb: container.NewGridWrap(fyne.NewSize(thumbSide/2, thumbSide/2)),
			name:  canvas.NewText(fmt.Sprintf("%d. %s", i+1, d.name), theme.Color(theme.ColorNameForeground)),
			state: canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
		}
		it.state.TextSize = theme.CaptionTextSize()
		text := container.NewVBox(it.name, it.state)
		body := container.NewPadded(container.NewHBox(it.thumb, text))
		f.items[d] = it
		f.box.Add(container.NewStack(it.btn, body))
		f.refresh(d)
	}
	if len(docs) > 1 {
		f.scroll.Show()
	} else {
		f.scroll.Hide()
	}
	f.host.relayout()
}

// refresh redraws d's item: thumbnail, state and highlight.
func (f *filmstrip) refresh(d *document) {
	it := f.items[d]
	if it == nil {
		return
	}
	var thumb fyne.CanvasObject = widget.NewIcon(theme.FileImageIcon())
	if d.thumb != nil {
		img := canvas.NewImageFromImage(d.thumb)
		img.FillMode = canvas.ImageFillContain
		thumb = img
	}
	it.thumb.Objects = []fyne.CanvasObject{thumb}
	it.thumb.Refresh()
	it.state.Text = d.stateText()
	it.state.Color = theme.Color(theme.ColorNamePlaceHolder)
	if d.state == docFailed {
		it.state.Color = color.NRGBA{R: 0xe0, G: 0x40, B: 0x40, A: 0xff}
	}
	it.state.Refresh()
	it.btn.Importance = widget.LowImportance
	if d == f.host.current() {
		it.btn.Importance = widget.HighImportance
	}
	it.btn.Refresh()
}

// refreshAll redraws every item (the current photo changed).
func (f *filmstrip) refreshAll() {
	for _, d := range f.host.photos() {
		f.refresh(d)
	}
}
