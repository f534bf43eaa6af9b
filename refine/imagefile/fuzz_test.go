package imagefile_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"strings"
	"testing"

	"cutout/refine/imagefile"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must return an image
// consistent with its Info or an error with the package prefix, and never
// panic or hang. The pixel limit is lowered so that a fuzzed header cannot
// make a worker allocate gigabytes. Seeds are the hostile-input corpus and
// EXIF-tagged images.
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 60s ./refine/imagefile
func FuzzDecode(f *testing.F) {
	for _, c := range corpus(f) {
		if len(c.data) < 1<<16 {
			f.Add(c.data)
		}
	}
	small := encodeJPEG(f, pattern(16, 8, false), 80)
	for o := 1; o <= 8; o++ {
		f.Add(jpegWithExif(small, o, binary.BigEndian))
	}
	f.Add(pngWithChunk(encodeStdPNG(f, pattern(8, 4, true)), "eXIf", exifTIFF(6, binary.LittleEndian)))
	f.Add(webpWithExif(f, readTestdata(f, "pattern-lossless.webp"), 5))

	opt := &imagefile.DecodeOptions{MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, info, err := imagefile.Decode(bytes.NewReader(data), opt)
		if err != nil {
			if img != nil {
				t.Fatalf("image returned with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "imagefile: decode: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		b := img.Bounds()
		if b.Min != (image.Point{}) || b.Dx() != info.Width || b.Dy() != info.Height || b.Empty() {
			t.Fatalf("bounds %v, info %+v", b, info)
		}
		if len(img.Pix) != 4*b.Dx()*b.Dy() || img.Stride != 4*b.Dx() {
			t.Fatalf("%d bytes with stride %d for %v", len(img.Pix), img.Stride, b)
		}
		if int64(b.Dx())*int64(b.Dy()) > opt.MaxPixels {
			t.Fatalf("decoded %v despite the limit of %d pixels", b, opt.MaxPixels)
		}
		if info.Orientation < 1 || info.Orientation > 8 || info.Format == "" || info.ColorModel == "" {
			t.Fatalf("info %+v", info)
		}
	})
}

// FuzzEncodePNG encodes arbitrary pixels with every row filter and checks that image/png decodes exactly what EncodePNG promises.
//
//	go test -run '^$' -fuzz FuzzEncodePNG -fuzztime 60s ./refine/imagefile
func FuzzEncodePNG(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x00\xff\x10\x20\x30\x40\x50\x60\x00"), uint16(3), uint8(0), false, uint8(0))
	f.Add(bytes.Repeat([]byte{0, 0, 0, 0, 9, 9, 9, 255}, 300), uint16(40), uint8(5), false, uint8(1))
	f.Add(bytes.Repeat([]byte{7, 7, 7, 7, 7, 200}, 100), uint16(17), uint8(3), true, uint8(2))
	f.Add(noise(64, 64, 1).Pix, uint16(64), uint8(0), false, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, width uint16, filter uint8, gray bool, level uint8) {
		w := 1 + int(width)%512
		bpp := 4
		if gray {
			bpp = 1
		}
		h := len(data) / (w * bpp)
		if h == 0 {
			return
		}
		pix := append([]byte{}, data[:w*h*bpp]...)
		var src image.Image
		if gray {
			src = &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
		} else {
			src = &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
		}
		var buf bytes.Buffer
		if err := imagefile.EncodePNGFilter(&buf, src, int(filter%6)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pix, data[:w*h*bpp]) {
			t.Fatal("EncodePNG modified its input")
		}
		dec, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("image/png rejects the output: %v", err)
		}
		switch d := dec.(type) {
		case *image.Gray:
			if !gray || !bytes.Equal(d.Pix, pix) {
				t.Fatal("grey round trip differs")
			}
		case *image.NRGBA:
			want := masked(src.(*image.NRGBA))
			if gray || !bytes.Equal(d.Pix, want.Pix) {
				t.Fatal("RGBA round trip differs")
			}
		default:
			t.Fatalf("decoded as %T", dec)
		}
	})
}
