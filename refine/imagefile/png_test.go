package imagefile_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"cutout/refine/imagefile"
)

// masked returns what EncodePNG must store for img: its pixels with the
// colour of fully transparent ones set to 0.
func masked(img *image.NRGBA) *image.NRGBA {
	out := imagefile.ToNRGBA(img)
	for i := 0; i < len(out.Pix); i += 4 {
		if out.Pix[i+3] == 0 {
			out.Pix[i], out.Pix[i+1], out.Pix[i+2] = 0, 0, 0
		}
	}
	return out
}

// checkPNGStructure parses a PNG independently of image/png: it verifies
// every chunk CRC, the chunk order, and that the concatenated IDAT data
// is one zlib stream whose Adler-32 matches and whose length is what the
// header implies. It returns the number of IDAT chunks.
func checkPNGStructure(t *testing.T, data []byte) int {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("missing PNG signature")
	}
	var idat bytes.Buffer
	var w, h, bpp int
	nIDAT := 0
	var types []string
	for p := data[8:]; len(p) > 0; {
		if len(p) < 12 {
			t.Fatalf("%d trailing bytes", len(p))
		}
		n := int(binary.BigEndian.Uint32(p))
		typ := string(p[4:8])
		body := p[8 : 8+n]
		if crc := binary.BigEndian.Uint32(p[8+n:]); crc != crc32.ChecksumIEEE(p[4:8+n]) {
			t.Fatalf("chunk %s: bad CRC", typ)
		}
		types = append(types, typ)
		switch typ {
		case "IHDR":
			w, h = int(binary.BigEndian.Uint32(body)), int(binary.BigEndian.Uint32(body[4:]))
			bpp = map[byte]int{0: 1, 6: 4}[body[9]]
			if body[8] != 8 || bpp == 0 || body[10] != 0 || body[11] != 0 || body[12] != 0 {
				t.Fatalf("unexpected IHDR %v", body)
			}
		case "IDAT":
			idat.Write(body)
			nIDAT++
		}
		p = p[12+n:]
	}
	if types[0] != "IHDR" || types[len(types)-1] != "IEND" || nIDAT == 0 {
		t.Fatalf("chunk order %v", types)
	}
	zr, err := zlib.NewReader(&idat)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr) // verifies the Adler-32 at the end
	if err != nil {
		t.Fatalf("zlib stream: %v", err)
	}
	if want := h * (1 + w*bpp); len(raw) != want {
		t.Fatalf("%d filtered bytes, want %d", len(raw), want)
	}
	for y := 0; y < h; y++ {
		if f := raw[y*(1+w*bpp)]; f > 4 {
			t.Fatalf("row %d: filter type %d", y, f)
		}
	}
	return nIDAT
}

func encode(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := imagefile.EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeStd(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/png rejects the output: %v", err)
	}
	return img
}

func TestEncodePNGRoundTrip(t *testing.T) {
	sizes := []image.Point{{1, 1}, {1, 300}, {300, 1}, {33, 17}, {700, 900}}
	filters := map[string]int{"auto": 0, "none": 1, "sub": 2, "up": 3, "average": 4, "paeth": 5}
	for _, sz := range sizes {
		src := noise(sz.X, sz.Y, int64(sz.X*sz.Y))
		// Smooth content too, where Paeth and Average win and runs matter.
		smooth := pattern(sz.X, sz.Y, true)
		for fname, f := range filters {
			{
				t.Run(fmt.Sprintf("%dx%d/%s", sz.X, sz.Y, fname), func(t *testing.T) {
					for _, img := range []*image.NRGBA{src, smooth} {
						before := append([]uint8{}, img.Pix...)
						var buf bytes.Buffer
						if err := imagefile.EncodePNGFilter(&buf, img, f); err != nil {
							t.Fatal(err)
						}
						data := buf.Bytes()
						strips := checkPNGStructure(t, data)
						got, ok := decodeStd(t, data).(*image.NRGBA)
						if !ok {
							t.Fatalf("decoded as %T, want *image.NRGBA (colour type 6)", got)
						}
						exact(t, got, masked(img))
						if !bytes.Equal(img.Pix, before) {
							t.Fatal("EncodePNG modified the caller's image")
						}
						if raw := sz.Y * (1 + 4*sz.X); raw > 2<<20 && strips < 2 {
							t.Errorf("%d bytes of image data in %d IDAT strip(s); want several", raw, strips)
						}
					}
				})
			}
		}
	}
}

func TestEncodePNGGray(t *testing.T) {
	for _, sz := range []image.Point{{1, 1}, {129, 65}, {1500, 1500}} {
		g := image.NewGray(image.Rect(0, 0, sz.X, sz.Y))
		for i := range g.Pix {
			g.Pix[i] = uint8(i*7 + i/sz.X)
		}
		data := encode(t, g)
		checkPNGStructure(t, data)
		got, ok := decodeStd(t, data).(*image.Gray)
		if !ok {
			t.Fatalf("%v: decoded as %T, want *image.Gray (colour type 0)", sz, got)
		}
		if !bytes.Equal(got.Pix, g.Pix) {
			t.Errorf("%v: grey pixels differ after round trip", sz)
		}
	}
}

func TestEncodePNGSubImage(t *testing.T) {
	big := noise(64, 48, 5)
	sub := big.SubImage(image.Rect(7, 3, 50, 40)).(*image.NRGBA)
	got := decodeStd(t, encode(t, sub)).(*image.NRGBA)
	exact(t, got, masked(sub))

	g := image.NewGray(image.Rect(0, 0, 30, 20))
	for i := range g.Pix {
		g.Pix[i] = uint8(i)
	}
	gs := g.SubImage(image.Rect(5, 5, 25, 15)).(*image.Gray)
	gg := decodeStd(t, encode(t, gs)).(*image.Gray)
	for y := 0; y < 10; y++ {
		if !bytes.Equal(gg.Pix[y*20:y*20+20], g.Pix[(y+5)*30+5:(y+5)*30+25]) {
			t.Fatalf("grey sub-image row %d differs", y)
		}
	}
}

// TestEncodePNGOtherTypes checks that premultiplied and other images are
// converted to straight alpha first.
func TestEncodePNGOtherTypes(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 3, 1))
	copy(rgba.Pix, []uint8{100, 50, 0, 200, 9, 9, 9, 0, 255, 255, 255, 255})
	got := decodeStd(t, encode(t, rgba)).(*image.NRGBA)
	exact(t, got, masked(imagefile.ToNRGBA(rgba)))
}

func TestEncodePNGDeterministic(t *testing.T) {
	img := noise(800, 1200, 9) // several strips
	a := encode(t, img)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b := encode(t, img)
	if !bytes.Equal(a, b) {
		t.Error("output depends on GOMAXPROCS")
	}
}

func TestEncodePNGErrors(t *testing.T) {
	cases := map[string]struct {
		w   io.Writer
		img image.Image
	}{
		"empty NRGBA":    {io.Discard, image.NewNRGBA(image.Rect(0, 0, 0, 5))},
		"empty Gray":     {io.Discard, image.NewGray(image.Rect(2, 2, 2, 2))},
		"empty RGBA":     {io.Discard, image.NewRGBA(image.Rect(0, 0, 5, 0))},
		"failing writer": {&failWriter{n: 100}, noise(300, 300, 1)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := imagefile.EncodePNG(c.w, c.img)
			if err == nil {
				t.Fatal("no error")
			}
			if !bytes.HasPrefix([]byte(err.Error()), []byte("imagefile: encode png: ")) {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if fw, ok := c.w.(*failWriter); ok && !errors.Is(err, errDiskFull) {
				t.Errorf("error %q does not wrap the writer's error (wrote %d)", err, fw.written)
			}
		})
	}
}

// errDiskFull stands in for a write error such as ENOSPC.
var errDiskFull = errors.New("simulated disk full")

// failWriter accepts n bytes, then fails every write with errDiskFull.
type failWriter struct {
	n, written int
}

func (f *failWriter) Write(p []byte) (int, error) {
	if f.written+len(p) > f.n {
		k := f.n - f.written
		f.written = f.n
		return k, errDiskFull
	}
	f.written += len(p)
	return len(p), nil
}

// TestEncodePNGPortraits round-trips the shared portraits as cutouts with
// a synthetic alpha (transparent left third, soft ramp, opaque rest).
func TestEncodePNGPortraits(t *testing.T) {
	dir := portraitsDir(t)
	for _, name := range []string{"am-gt03.png", "cihp-0032190.jpg"} {
		t.Run(name, func(t *testing.T) {
			img, _, err := imagefile.DecodeFile(dir+"/"+name, nil)
			if err != nil {
				t.Fatal(err)
			}
			cutout := withRampAlpha(img)
			data := encode(t, cutout)
			checkPNGStructure(t, data)
			exact(t, decodeStd(t, data).(*image.NRGBA), masked(cutout))
		})
	}
}

// withRampAlpha returns img with alpha 0 on the left third, a linear ramp
// on the middle third and 255 on the right third.
func withRampAlpha(img *image.NRGBA) *image.NRGBA {
	out := imagefile.ToNRGBA(img)
	w := out.Rect.Dx()
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < w; x++ {
			a := 255
			switch {
			case x < w/3:
				a = 0
			case x < 2*w/3:
				a = (x - w/3) * 255 / max(w/3, 1)
			}
			out.Pix[y*out.Stride+4*x+3] = uint8(a)
		}
	}
	return out
}

// TestWholeByCutout: a PNG Cutout wrote is whole; the same cut short (a
// kill, a full disk), an empty file, another program's PNG are not.
func TestWholeByCutout(t *testing.T) {
	dir := t.TempDir()
	var ours bytes.Buffer
	if err := imagefile.EncodePNG(&ours, pattern(40, 30, true)); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		data []byte
		want bool
	}{
		"whole":       {ours.Bytes(), true},
		"cut short":   {ours.Bytes()[:ours.Len()-5], false},
		"empty":       {nil, false},
		"another PNG": {encodeStdPNG(t, pattern(40, 30, true)), false},
	}
	for name, c := range cases {
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := imagefile.WholeByCutout(p); got != c.want {
			t.Errorf("%s: WholeByCutout = %v, want %v", name, got, c.want)
		}
	}
}

// TestSource: the Source text EncodePNGSource writes is read back whole,
// the PNG stays Cutout's and decodes; a PNG without one has none.
func TestSource(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{"with": "cutout of IMG 1 é.jpg, 123 bytes", "without": ""}
	for name, source := range cases {
		var b bytes.Buffer
		if err := imagefile.EncodePNGSource(&b, pattern(8, 6, true), source); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := imagefile.Source(p); got != source {
			t.Errorf("%s: Source = %q, want %q", name, got, source)
		}
		if !imagefile.WholeByCutout(p) {
			t.Errorf("%s: not a whole PNG of Cutout's", name)
		}
		if _, err := png.Decode(bytes.NewReader(b.Bytes())); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
