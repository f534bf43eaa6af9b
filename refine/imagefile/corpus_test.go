package imagefile_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"cutout/refine/imagefile"
)

// corpusCase is one hostile or unusual input. Exactly one of err and check
// is set: err is the error the decode must wrap, check inspects a
// successful decode.
type corpusCase struct {
	name  string // file name used for DecodeFile; also the subtest name
	data  []byte
	err   error
	check func(t *testing.T, img *image.NRGBA, info imagefile.Info)
}

// errAny accepts any error: for corrupt inputs whose exact message comes
// from a third-party decoder.
var errAny = errors.New("any error")

// corpus builds the hostile-input corpus. Everything is generated here
// except the WebP and ImageMagick JPEG samples in testdata, which Go cannot
// encode.
func corpus(t testing.TB) []corpusCase {
	pat := pattern(24, 16, false)
	patJPEG := encodeJPEG(t, pat, 95)
	patPNG := encodeStdPNG(t, pat)
	noisePNG := encodeStdPNG(t, noise(64, 64, 1))
	onePNG := encodeStdPNG(t, image.NewNRGBA(image.Rect(0, 0, 1, 1)))

	wide := image.NewNRGBA(image.Rect(0, 0, 65535, 1))
	for x := 0; x < 65535; x++ {
		wide.Pix[4*x], wide.Pix[4*x+3] = uint8(x), 255
	}

	n64 := image.NewNRGBA64(image.Rect(0, 0, 7, 5))
	for i := range n64.Pix {
		n64.Pix[i] = uint8(i * 37)
	}

	pal := image.NewPaletted(image.Rect(0, 0, 4, 2), color.Palette{
		color.NRGBA{0, 0, 0, 0}, color.NRGBA{255, 0, 0, 128}, color.NRGBA{0, 255, 0, 255}, color.NRGBA{10, 20, 30, 40},
	})
	copy(pal.Pix, []uint8{0, 1, 2, 3, 3, 2, 1, 0})

	var anim bytes.Buffer
	frame := func(c uint8) *image.Paletted {
		f := image.NewPaletted(image.Rect(0, 0, 6, 4), palette.Plan9)
		for i := range f.Pix {
			f.Pix[i] = c
		}
		return f
	}
	first, second := frame(10), frame(200)
	if err := gif.EncodeAll(&anim, &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}

	// A GIF whose only frame covers the middle of a larger screen.
	var offset bytes.Buffer
	inner := image.NewPaletted(image.Rect(2, 1, 5, 3), color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}})
	inner.Pix[1] = 1
	if err := gif.EncodeAll(&offset, &gif.GIF{Image: []*image.Paletted{inner}, Delay: []int{0},
		Config: image.Config{Width: 7, Height: 4, ColorModel: inner.Palette}}); err != nil {
		t.Fatal(err)
	}

	var tif16, bmpBuf bytes.Buffer
	if err := tiff.Encode(&tif16, n64, nil); err != nil {
		t.Fatal(err)
	}
	if err := bmp.Encode(&bmpBuf, pat); err != nil {
		t.Fatal(err)
	}

	grey := image.NewGray(image.Rect(0, 0, 16, 8))
	for i := range grey.Pix {
		grey.Pix[i] = uint8(i * 2)
	}

	// CMYK quadrants (full ink = 255): red, green, blue, white. Adobe
	// stores them inverted (255 = no ink).
	quadCMYK := [4][4]uint8{{0, 255, 255, 0}, {255, 0, 255, 0}, {255, 255, 0, 0}, {0, 0, 0, 0}}
	cmyk := fourComponentJPEG(t, planes4(32, 32, func(x, y int) [4]uint8 {
		c := quadCMYK[(y/16)*2+x/16]
		return [4]uint8{255 - c[0], 255 - c[1], 255 - c[2], 255 - c[3]}
	}), 0, 95)

	// YCCK, as libjpeg writes it (jccolor.c cmyk_ycck_convert): the YCbCr
	// transform of the ink amounts C, M, Y (255 − R, G, B here), and K
	// inverted like Adobe CMYK: no ink on the left half, full black on the
	// right.
	ycck := fourComponentJPEG(t, planes4(32, 16, func(x, y int) [4]uint8 {
		c := pattern(32, 16, false).NRGBAAt(x, y)
		yy, cb, cr := color.RGBToYCbCr(255-c.R, 255-c.G, 255-c.B)
		k := uint8(255)
		if x >= 16 {
			k = 0
		}
		return [4]uint8{yy, cb, cr, k}
	}), 2, 95)

	quads := func(want [4]color.NRGBA, tol int) func(*testing.T, *image.NRGBA, imagefile.Info) {
		return func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			for i, w := range want {
				x, y := 8+16*(i%2), 8+16*(i/2)
				if got := img.NRGBAAt(x, y); !nearColor(got, w, tol) {
					t.Errorf("quadrant %d at (%d,%d) = %v, want %v ±%d", i, x, y, got, w, tol)
				}
			}
		}
	}
	red, green, blue, white := color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 255, 0, 255}, color.NRGBA{0, 0, 255, 255}, color.NRGBA{255, 255, 255, 255}

	junkExif := jpegWithExif(patJPEG, 6, binary.BigEndian)
	binary.BigEndian.PutUint32(junkExif[2+4+6+4:], 0xfffffff0) // IFD0 offset far past the end

	badCRC := append([]byte{}, patPNG...)
	badCRC[len(badCRC)-13]++ // last byte of the IDAT CRC

	cases := []corpusCase{
		{name: "empty.jpg", data: nil, err: io.ErrUnexpectedEOF},
		{name: "truncated.jpg", data: patJPEG[:len(patJPEG)/2], err: io.ErrUnexpectedEOF},
		{name: "soi-only.jpg", data: patJPEG[:2], err: io.ErrUnexpectedEOF},
		{name: "truncated.png", data: noisePNG[:len(noisePNG)/2], err: errAny}, // "png: invalid format: not enough pixel data"
		{name: "short-idat.png", data: patPNG[:len(patPNG)-30], err: errAny},
		{name: "signature-only.png", data: patPNG[:8], err: io.ErrUnexpectedEOF},
		{name: "bad-crc.png", data: badCRC, err: errAny},
		{name: "text.jpg", data: []byte("this is not an image\n"), err: imagefile.ErrUnsupportedFormat},
		{name: "binary junk.png", data: bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 100), err: imagefile.ErrUnsupportedFormat},
		{name: "huge-100000x100000.png", data: patchPNGSize(onePNG, 100000, 100000), err: imagefile.ErrTooLarge},
		{name: "huge-65535x65535.jpg", data: patchJPEGSize(t, patJPEG, 65535, 65535), err: imagefile.ErrTooLarge},
		{name: "zero-width.jpg", data: patchJPEGSize(t, patJPEG, 0, 16), err: errAny},
		{name: "png-named.jpg", data: patPNG, check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.Format != "png" {
				t.Errorf("format %q, want png", info.Format)
			}
			exact(t, img, pat)
		}},
		{name: "1x1.png", data: onePNG, check: size(1, 1)},
		{name: "65535x1.png", data: encodeStdPNG(t, wide), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			exact(t, img, wide)
		}},
		{name: "1x65535.jpg", data: encodeJPEG(t, image.NewGray(image.Rect(0, 0, 1, 65535)), 75), check: size(1, 65535)},
		{name: "16bit-alpha.png", data: encodeStdPNG(t, n64), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.ColorModel != "NRGBA64" {
				t.Errorf("colour model %q, want NRGBA64", info.ColorModel)
			}
			exact(t, img, highBytes(n64))
		}},
		{name: "16bit-alpha.tiff", data: tif16.Bytes(), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			exact(t, img, highBytes(n64))
		}},
		{name: "paletted-trns.png", data: encodeStdPNG(t, pal), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.ColorModel != "Paletted" {
				t.Errorf("colour model %q, want Paletted", info.ColorModel)
			}
			exact(t, img, imagefile.ToNRGBA(pal))
		}},
		{name: "grey-alpha.png", data: greyAlphaPNG(t, 5, 3), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			for i := 0; i < 15; i++ {
				g, a := uint8(i*17), uint8(255-i*10)
				want := []uint8{g, g, g, a}
				if !bytes.Equal(img.Pix[4*i:4*i+4], want) {
					t.Fatalf("pixel %d = %v, want %v", i, img.Pix[4*i:4*i+4], want)
				}
			}
		}},
		{name: "grey.jpg", data: encodeJPEG(t, grey, 100), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.ColorModel != "Gray" {
				t.Errorf("colour model %q, want Gray", info.ColorModel)
			}
			if d := maxDiff(img, imagefile.ToNRGBA(grey)); d > 2 {
				t.Errorf("max difference %d from the source, want ≤ 2 at quality 100", d)
			}
		}},
		{name: "animated.gif", data: anim.Bytes(), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			exact(t, img, imagefile.ToNRGBA(first))
		}},
		{name: "frame-offset.gif", data: offset.Bytes(), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			want := image.NewNRGBA(image.Rect(0, 0, 7, 4))
			for y := 1; y < 3; y++ {
				for x := 2; x < 5; x++ {
					want.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
				}
			}
			want.SetNRGBA(3, 1, color.NRGBA{0, 0, 255, 255})
			exact(t, img, want)
		}},
		{name: "pattern.bmp", data: bmpBuf.Bytes(), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			exact(t, img, pat)
		}},
		{name: "adobe-cmyk.jpg", data: cmyk, check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.ColorModel != "CMYK" {
				t.Errorf("colour model %q, want CMYK", info.ColorModel)
			}
			quads([4]color.NRGBA{red, green, blue, white}, 8)(t, img, info)
		}},
		{name: "ycck.jpg", data: ycck, check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			left, right := img.NRGBAAt(4, 4), img.NRGBAAt(24, 4)
			if want := pattern(32, 16, false).NRGBAAt(4, 4); !nearColor(left, want, 10) {
				t.Errorf("no-ink half at (4,4) = %v, want %v ±10", left, want)
			}
			if !nearColor(right, color.NRGBA{0, 0, 0, 255}, 10) {
				t.Errorf("full-black half at (24,4) = %v, want black", right)
			}
		}},
		{name: "imagemagick-ycck.jpg", data: readTestdata(t, "quad-cmyk-imagemagick.jpg"), check: quads([4]color.NRGBA{red, green, blue, white}, 12)},
		{name: "lossless.webp", data: readTestdata(t, "pattern-lossless.webp"), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			exact(t, img, pat)
		}},
		{name: "lossy.webp", data: readTestdata(t, "pattern-lossy.webp"), check: near(pat, 40)},
		{name: "lossy-alpha.webp", data: readTestdata(t, "pattern-alpha-lossy.webp"), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if !strings.HasPrefix(info.ColorModel, "NYCbCrA") {
				t.Errorf("colour model %q, want NYCbCrA", info.ColorModel)
			}
			near(pattern(24, 16, true), 40)(t, img, info)
		}},
		{name: "corrupt-exif.jpg", data: junkExif, check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.Orientation != 1 || info.Width != 24 {
				t.Errorf("orientation %d, width %d; want malformed EXIF ignored (1, 24)", info.Orientation, info.Width)
			}
		}},
		{name: "orientation-9.jpg", data: jpegWithExif(patJPEG, 9, binary.LittleEndian), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.Orientation != 1 {
				t.Errorf("orientation %d, want out-of-range value ignored (1)", info.Orientation)
			}
		}},
		{name: "orientation-6.jpg", data: jpegWithExif(patJPEG, 6, binary.BigEndian), check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
			if info.Orientation != 6 || info.Width != 16 || info.Height != 24 {
				t.Errorf("info %+v, want orientation 6 and 16x24", info)
			}
		}},
	}
	// JPEGs with every chroma subsampling Go decodes, written by
	// ImageMagick (libjpeg-turbo) at quality 95 from pattern(24, 16).
	for _, r := range []string{"4:4:4", "4:2:2", "4:4:0", "4:1:1", "4:1:0"} {
		model := "YCbCr " + r
		cases = append(cases, corpusCase{
			name: "subsampling-" + strings.ReplaceAll(r, ":", "") + ".jpg",
			data: readTestdata(t, "pattern-"+strings.ReplaceAll(r, ":", "")+".jpg"),
			check: func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
				if info.ColorModel != model {
					t.Errorf("colour model %q, want %q", info.ColorModel, model)
				}
				near(pat, subsamplingTol)(t, img, info)
			},
		})
	}
	return cases
}

// subsamplingTol bounds the error of the ImageMagick subsampling samples
// against the pattern they were made from: 4 measured for 4:4:4, up to 45
// for 4:2:2 and 4:4:0, whose chroma is interpolated between samples as
// libjpeg-turbo does (which decodes these files as far from the pattern,
// 43 and 45, at its hard blue edge, and within 3 of Decode). Misplaced
// chroma would be off by over 100 there.
const subsamplingTol = 48

// TestCorpus decodes every corpus input from memory and from a file and
// checks that each gives its expected image or one clear error.
func TestCorpus(t *testing.T) {
	dir := t.TempDir()
	for _, c := range corpus(t) {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			img, info, err := imagefile.Decode(bytes.NewReader(c.data), nil)
			checkCase(t, c, img, info, err, "imagefile: decode: ")
			img, info, err = imagefile.DecodeFile(path, nil)
			checkCase(t, c, img, info, err, `imagefile: decode "`+path+`": `)
			// A plain reader without Len exercises the growing buffer.
			img, info, err = imagefile.Decode(io.MultiReader(bytes.NewReader(c.data)), nil)
			checkCase(t, c, img, info, err, "imagefile: decode: ")

		})
	}
}

func checkCase(t *testing.T, c corpusCase, img *image.NRGBA, info imagefile.Info, err error, prefix string) {
	t.Helper()
	if c.err != nil {
		if err == nil {
			t.Fatalf("decode succeeded (%+v); want an error", info)
		}
		if img != nil {
			t.Errorf("decode returned an image along with error %v", err)
		}
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("error %q lacks prefix %q", err, prefix)
		}
		if c.err != errAny && !errors.Is(err, c.err) {
			t.Errorf("error %q does not wrap %q", err, c.err)
		}
		return
	}
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	b := img.Bounds()
	if b.Min != (image.Point{}) || b.Dx() != info.Width || b.Dy() != info.Height || img.Stride != 4*b.Dx() {
		t.Fatalf("image bounds %v stride %d, info %dx%d", b, img.Stride, info.Width, info.Height)
	}
	if info.Orientation < 1 || info.Orientation > 8 {
		t.Errorf("orientation %d out of range", info.Orientation)
	}
	c.check(t, img, info)
}

func size(w, h int) func(*testing.T, *image.NRGBA, imagefile.Info) {
	return func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
		if info.Width != w || info.Height != h {
			t.Errorf("size %dx%d, want %dx%d", info.Width, info.Height, w, h)
		}
	}
}

// exact fails unless got and want hold the same pixels.
func exact(t *testing.T, got, want *image.NRGBA) {
	t.Helper()
	if d := maxDiff(got, want); d != 0 {
		t.Errorf("images differ: max channel difference %d (sizes %v, %v)", d, got.Rect.Size(), want.Rect.Size())
	}
}

// near returns a check that the image is within tol per channel of want
// (for lossy formats).
func near(want *image.NRGBA, tol int) func(*testing.T, *image.NRGBA, imagefile.Info) {
	return func(t *testing.T, img *image.NRGBA, info imagefile.Info) {
		t.Helper()
		if d := maxDiff(img, want); d > tol {
			t.Errorf("max channel difference %d, want ≤ %d", d, tol)
		}
	}
}

// nearColor reports whether two colours are within tol per channel.
func nearColor(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// highBytes returns the high byte of every channel of a 16-bit image.
func highBytes(m *image.NRGBA64) *image.NRGBA {
	out := image.NewNRGBA(m.Rect)
	for i := range out.Pix {
		out.Pix[i] = m.Pix[2*i]
	}
	return out
}

// greyAlphaPNG hand-writes a PNG of colour type 4 (grey + alpha), which
// image/png never writes: pixel i has grey 17·i and alpha 255 − 10·i.
func greyAlphaPNG(t testing.TB, w, h int) []byte {
	var raw bytes.Buffer
	for y := 0; y < h; y++ {
		raw.WriteByte(0) // filter None
		for x := 0; x < w; x++ {
			i := y*w + x
			raw.Write([]byte{uint8(i * 17), uint8(255 - i*10)})
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 4
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}
