package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
)

// Preference keys. Values persist through fyne.Preferences, keyed by the
// application ID.
const (
	prefModel          = "model"
	prefDevice         = "device"
	prefOverlayColour  = "overlay.colour"
	prefOverlayOpacity = "overlay.opacity"
	prefBackground     = "background.colour"
	prefBrushSize      = "brush.size"
	prefBrushHardness  = "brush.hardness"
	prefLastFolder     = "folder.last"
	prefRecent         = "recent"
)

// maxRecent is how many recent files the File menu lists.
const maxRecent = 10

// Defaults for the preferences above.
var (
	defaultOverlay    = color.NRGBA{R: 0xe0, G: 0x1b, B: 0x5a, A: 0xff}
	defaultBackground = color.NRGBA{R: 0x3a, G: 0x7b, B: 0xd5, A: 0xff}
)

const (
	defaultOpacity   = 0.55
	defaultBrushSize = 40.0
	defaultHardness  = 0.8
	minBrushSize     = 1.0
	maxBrushSize     = 1500.0
)

// hexColour formats c as #rrggbb.
func hexColour(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}

// parseHexColour reads #rrggbb; ok is false for anything else.
func parseHexColour(s string) (color.NRGBA, bool) {
	var r, g, b uint8
	if len(s) != 7 || !strings.HasPrefix(s, "#") {
		return color.NRGBA{}, false
	}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return color.NRGBA{}, false
	}
	return color.NRGBA{R: r, G: g, B: b, A: 0xff}, true
}

func prefColour(p fyne.Preferences, key string, def color.NRGBA) color.NRGBA {
	if c, ok := parseHexColour(p.String(key)); ok {
		return c
	}
	return def
}

// addRecent puts path first in the recent list, without duplicates.
func addRecent(p fyne.Preferences, path string) []string {
	list := []string{path}
	for _, r := range p.StringList(prefRecent) {
		if r != path && len(list) < maxRecent {
			list = append(list, r)
		}
	}
	p.SetStringList(prefRecent, list)
	return list
}
