package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// colourSwatches are the colours the colour sheet offers: a photo
// studio's backdrops and greys first, then strong colours.
var colourSwatches = []color.NRGBA{
	{0xff, 0xff, 0xff, 0xff}, {0xf2, 0xf2, 0xf2, 0xff}, {0xc8, 0xc8, 0xc8, 0xff}, {0x80, 0x80, 0x80, 0xff},
	{0x40, 0x40, 0x40, 0xff}, {0x00, 0x00, 0x00, 0xff}, {0x3a, 0x7b, 0xd5, 0xff}, {0x9c, 0xc9, 0xf0, 0xff},
	{0x2e, 0x8b, 0x57, 0xff}, {0x00, 0xb1, 0x40, 0xff}, {0xe0, 0x1b, 0x5a, 0xff}, {0xd9, 0x3b, 0x2b, 0xff},
	{0xf5, 0xa6, 0x23, 0xff}, {0xf8, 0xe0, 0x8e, 0xff}, {0xe8, 0xd5, 0xc4, 0xff}, {0x7b, 0x4f, 0xa0, 0xff},
}

// colourButton is a swatch that can be clicked.
type colourButton struct {
	widget.BaseWidget
	col   color.NRGBA
	rect  *canvas.Rectangle
	onTap func(color.NRGBA)
}

func newColourButton(c color.NRGBA, tapped func(color.NRGBA)) *colourButton {
	b := &colourButton{col: c, onTap: tapped, rect: canvas.NewRectangle(c)}
	b.rect.StrokeColor = color.NRGBA{A: 0x60}
	b.rect.StrokeWidth = 1
	b.rect.CornerRadius = 4
	b.rect.SetMinSize(fyne.NewSize(32, 32))
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer is part of fyne.Widget.
func (b *colourButton) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.rect) }

// Tapped is part of fyne.Tappable: it hands the colour on.
func (b *colourButton) Tapped(*fyne.PointEvent) { b.onTap(b.col) }

// set shows colour c.
func (b *colourButton) set(c color.NRGBA) {
	b.col = c
	b.rect.FillColor = c
	b.rect.Refresh()
}

// pickColour asks for a colour: a click on a swatch or a typed hex code
// chooses it (the preview shows it), Choose or Enter confirms, Cancel or
// Escape keeps cur. done runs only on Choose.
func (e *Editor) pickColour(title string, cur color.NRGBA, done func(color.NRGBA)) {
	chosen := cur
	preview := canvas.NewRectangle(cur)
	preview.SetMinSize(fyne.NewSize(64, 32))
	preview.CornerRadius = 4
	hex := e.newSheetEntry()
	hex.SetText(hexColour(cur))
	choose := func(c color.NRGBA) {
		chosen = c
		preview.FillColor = c
		preview.Refresh()
		if hexColour(c) != strings.ToLower(hex.Text) {
			hex.SetText(hexColour(c))
		}
	}
	hex.OnChanged = func(s string) {
		if c, ok := parseHexColour(s); ok {
			choose(c)
		}
	}
	grid := container.NewGridWrap(fyne.NewSize(32, 32))
	for _, c := range colourSwatches {
		grid.Add(newColourButton(c, choose))
	}
	form := container.NewVBox(
		container.NewGridWrap(fyne.NewSize(8*32+7*4, 2*32+4), grid),
		container.NewBorder(nil, nil, preview, nil, hex),
	)
	var dlg *dialog.ConfirmDialog
	dlg = dialog.NewCustomConfirm(title, "Choose", "Cancel", form, func(ok bool) {
		if ok {
			done(chosen)
		}
	}, e.win)
	e.showSheet(dlg, dlg.Confirm)
}

// hexColour writes c as #rrggbb.
func hexColour(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// parseHexColour reads #rrggbb (the # is optional) as an opaque colour.
func parseHexColour(s string) (color.NRGBA, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	var c color.NRGBA
	if len(s) != 6 {
		return c, false
	}
	if _, err := fmt.Sscanf(s, "%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
		return c, false
	}
	c.A = 0xff
	return c, true
}
