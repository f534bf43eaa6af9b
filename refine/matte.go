package refine

import "fmt"

// Matte is a single-channel opacity map: Pix holds W*H values in [0,1],
// row-major with stride W. 0 is transparent (background), 1 is opaque
// (foreground). Mattes are not safe for concurrent mutation.
type Matte struct {
	W, H int
	Pix  []float32
}

// NewMatte returns a zeroed w×h matte. It panics if w or h is negative.
func NewMatte(w, h int) *Matte {
	if w < 0 || h < 0 {
		panic(fmt.Sprintf("refine: NewMatte: negative size %dx%d", w, h))
	}
	return &Matte{W: w, H: h, Pix: make([]float32, w*h)}
}

// Clone returns a deep copy of m.
func (m *Matte) Clone() *Matte {
	c := &Matte{W: m.W, H: m.H, Pix: make([]float32, len(m.Pix))}
	copy(c.Pix, m.Pix)
	return c
}

// At returns the value at (x, y). It is meant for tests and single lookups;
// loops over the whole matte index Pix directly.
func (m *Matte) At(x, y int) float32 { return m.Pix[y*m.W+x] }

// Trimap labels, as stored in Trimap.Pix and in trimap PNG files
// (black, grey, white).
const (
	// Background marks pixels known to be fully transparent (alpha 0).
	Background uint8 = 0
	// Unknown marks pixels whose alpha is to be solved for.
	Unknown uint8 = 128
	// Foreground marks pixels known to be fully opaque (alpha 1).
	Foreground uint8 = 255
)

// Trimap partitions an image into known background, known foreground and
// an unknown band. Pix holds W*H labels (Background, Unknown or Foreground),
// row-major with stride W. The editor's brushes write these same labels, so
// a user's stroke simply overwrites values here.
type Trimap struct {
	W, H int
	Pix  []uint8
}

// NewTrimap returns a w×h trimap filled with Unknown.
func NewTrimap(w, h int) *Trimap {
	if w < 0 || h < 0 {
		panic(fmt.Sprintf("refine: NewTrimap: negative size %dx%d", w, h))
	}
	t := &Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	for i := range t.Pix {
		t.Pix[i] = Unknown
	}
	return t
}

// Clone returns a deep copy of t.
func (t *Trimap) Clone() *Trimap {
	c := &Trimap{W: t.W, H: t.H, Pix: make([]uint8, len(t.Pix))}
	copy(c.Pix, t.Pix)
	return c
}

// Label quantises a grey level from a trimap file to a label: below 64 is
// Background, above 191 is Foreground, anything between is Unknown.
func Label(v uint8) uint8 {
	switch {
	case v < 64:
		return Background
	case v > 191:
		return Foreground
	default:
		return Unknown
	}
}
