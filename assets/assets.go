package assets

import (
	_ "embed" // for go:embed

	"fyne.io/fyne/v2"
)

//go:generate go run ./internal/iconGen -o icon.png

//go:embed icon.png
var iconPNG []byte

//go:embed sample/astronaut.png
var samplePNG []byte

// Icon is the application icon (512×512 PNG).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// SampleName is the file name of the bundled sample portrait.
const SampleName = "astronaut.png"

// SamplePNG returns the bundled sample portrait, PNG-encoded. The slice is
// shared: callers must not modify it.
func SamplePNG() []byte { return samplePNG }
