package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
)

// Preference keys. Values persist through fyne.Preferences, keyed by the
// application ID.
const (
	prefModel           = "model"
	prefDevice          = "device"
	prefOverlayColour   = "overlay.rgb"
	prefOverlayOpacity  = "overlay.opacity"
	prefBackground      = "background.rgb"
	prefBackgroundImage = "background.image"
	prefBrushSize       = "brush.size"
	prefBrushHardness   = "brush.hardness"
	prefBrushSpread     = "brush.spread"
	prefEdgeSmooth      = "edge.smooth"
	prefBand            = "edge.band"
	prefEdgeContrast    = "edge.contrast"
	prefEdgeShift       = "edge.shift"
	prefEdgeFeather     = "edge.feather"
	prefDecontaminate   = "edge.decontaminate"
	prefOpenFolder      = "folder.open"
	prefExportFolder    = "folder.export"
	prefRecent          = "recent"
	prefWindowSize      = "window.size"
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

// prefColour reads an opaque colour stored as 0xRRGGBB.
func prefColour(p fyne.Preferences, key string, def color.NRGBA) color.NRGBA {
	v := p.IntWithFallback(key, int(def.R)<<16|int(def.G)<<8|int(def.B))
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// setPrefColour stores c as 0xRRGGBB.
func setPrefColour(p fyne.Preferences, key string, c color.NRGBA) {
	p.SetInt(key, int(c.R)<<16|int(c.G)<<8|int(c.B))
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
