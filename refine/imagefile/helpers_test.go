package imagefile_test

import (
	"cutout/assets/evalset"
	"math"

	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// pattern returns a w×h image whose every orientation is distinguishable:
// red grows left to right, green top to bottom, and the top-left quadrant
// has full blue. With alpha, opacity grows left to right from 96 to 255.
// The small WebP files in testdata were made from pattern(24, 16, ...).
func pattern(w, h int, alpha bool) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), 64, 255}
			if x < w/2 && y < h/2 {
				c.B = 255
			}
			if alpha {
				c.A = uint8(96 + x*159/max(w-1, 1))
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// noise returns a w×h image of random colour and alpha from seed, with
// about a third of the pixels fully transparent.
func noise(w, h int, seed int64) *image.NRGBA {
	r := rand.New(rand.NewSource(seed))
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	r.Read(m.Pix)
	for i := 3; i < len(m.Pix); i += 4 {
		if m.Pix[i]%3 == 0 {
			m.Pix[i] = 0
		}
	}
	return m
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeStdPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exifTIFF returns a TIFF structure (as stored in EXIF blobs) whose IFD0
// holds an ImageWidth tag and then the orientation tag.
func exifTIFF(orientation int, bo binary.ByteOrder) []byte {
	b := make([]byte, 8+2+2*12+4)
	if bo == binary.LittleEndian {
		copy(b, "II*\x00")
	} else {
		copy(b, "MM\x00*")
	}
	bo.PutUint32(b[4:], 8)
	bo.PutUint16(b[8:], 2)
	e := b[10:]
	bo.PutUint16(e[0:], 0x0100) // ImageWidth, LONG, 1
	bo.PutUint16(e[2:], 4)
	bo.PutUint32(e[4:], 1)
	bo.PutUint32(e[8:], 640)
	e = e[12:]
	bo.PutUint16(e[0:], 0x0112) // Orientation, SHORT, 1
	bo.PutUint16(e[2:], 3)
	bo.PutUint32(e[4:], 1)
	bo.PutUint16(e[8:], uint16(orientation))
	return b
}

// jpegWithExif inserts an APP1 Exif segment carrying orientation right
// after the SOI marker of a JPEG.
func jpegWithExif(j []byte, orientation int, bo binary.ByteOrder) []byte {
	payload := append([]byte("Exif\x00\x00"), exifTIFF(orientation, bo)...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// pngChunk encodes one PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithChunk inserts a chunk right after the IHDR chunk of a PNG.
func pngWithChunk(p []byte, typ string, data []byte) []byte {
	const afterIHDR = 8 + 12 + 13
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, pngChunk(typ, data)...)
	return append(out, p[afterIHDR:]...)
}

// patchPNGSize rewrites the dimensions declared in a PNG's IHDR.
func patchPNGSize(p []byte, w, h uint32) []byte {
	out := append([]byte{}, p...)
	binary.BigEndian.PutUint32(out[16:], w)
	binary.BigEndian.PutUint32(out[20:], h)
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

// patchJPEGSize rewrites the dimensions declared in a JPEG's SOF marker.
func patchJPEGSize(t testing.TB, j []byte, w, h uint16) []byte {
	t.Helper()
	out := append([]byte{}, j...)
	for i := 2; i+9 < len(out); {
		if out[i] != 0xff {
			t.Fatal("patchJPEGSize: lost marker sync")
		}
		m := out[i+1]
		if m == 0xc0 || m == 0xc1 || m == 0xc2 {
			binary.BigEndian.PutUint16(out[i+5:], h)
			binary.BigEndian.PutUint16(out[i+7:], w)
			return out
		}
		i += 2 + int(binary.BigEndian.Uint16(out[i+2:]))
	}
	t.Fatal("patchJPEGSize: no SOF marker")
	return nil
}

// webpWithExif returns a WebP file in the extended (VP8X) format with an
// EXIF chunk carrying orientation appended after the image data.
func webpWithExif(t testing.TB, wp []byte, orientation int) []byte {
	t.Helper()
	if string(wp[:4]) != "RIFF" || string(wp[8:12]) != "WEBP" {
		t.Fatal("webpWithExif: not a WebP file")
	}
	body := append([]byte{}, wp[12:]...)
	switch string(body[:4]) {
	case "VP8X":
		body[8] |= 0x08 // EXIF present
	case "VP8L", "VP8 ":
		w, h := webpSize(t, body)
		x := make([]byte, 18)
		copy(x, "VP8X")
		binary.LittleEndian.PutUint32(x[4:], 10)
		x[8] = 0x08
		putUint24(x[12:], uint32(w-1))
		putUint24(x[15:], uint32(h-1))
		body = append(x, body...)
	default:
		t.Fatalf("webpWithExif: unexpected chunk %q", body[:4])
	}
	exif := exifTIFF(orientation, binary.LittleEndian)
	ch := make([]byte, 8, 8+len(exif)+1)
	copy(ch, "EXIF")
	binary.LittleEndian.PutUint32(ch[4:], uint32(len(exif)))
	ch = append(ch, exif...)
	if len(exif)%2 == 1 {
		ch = append(ch, 0)
	}
	body = append(body, ch...)
	out := make([]byte, 12, 12+len(body))
	copy(out, "RIFF")
	binary.LittleEndian.PutUint32(out[4:], uint32(4+len(body)))
	copy(out[8:], "WEBP")
	return append(out, body...)
}

// webpSize reads the canvas size from a simple-format VP8L or VP8 chunk.
func webpSize(t testing.TB, chunk []byte) (w, h int) {
	t.Helper()
	d := chunk[8:]
	switch string(chunk[:4]) {
	case "VP8L":
		bits := binary.LittleEndian.Uint32(d[1:])
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1
	case "VP8 ":
		return int(binary.LittleEndian.Uint16(d[6:]) & 0x3fff), int(binary.LittleEndian.Uint16(d[8:]) & 0x3fff)
	}
	t.Fatalf("webpSize: unexpected chunk %q", chunk[:4])
	return 0, 0
}

func putUint24(b []byte, v uint32) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }

// tiffWithOrientation adds an orientation tag to a TIFF file made by
// golang.org/x/image/tiff: it appends a copy of IFD0 with the extra entry
// and points the header at it. Entries pointing at data stay valid because
// no data moves.
func tiffWithOrientation(t testing.TB, tf []byte, orientation int) []byte {
	t.Helper()
	var bo interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	if string(tf[:2]) == "MM" {
		bo = binary.BigEndian
	}
	ifd := int(bo.Uint32(tf[4:]))
	n := int(bo.Uint16(tf[ifd:]))
	var ents [][]byte
	for i := 0; i < n; i++ {
		ents = append(ents, tf[ifd+2+12*i:ifd+14+12*i])
	}
	e := make([]byte, 12)
	bo.PutUint16(e[0:], 0x0112)
	bo.PutUint16(e[2:], 3)
	bo.PutUint32(e[4:], 1)
	bo.PutUint16(e[8:], uint16(orientation))
	// Keep entries sorted by tag, as TIFF requires.
	at := len(ents)
	for i, x := range ents {
		if bo.Uint16(x) > 0x0112 {
			at = i
			break
		}
	}
	ents = append(ents[:at], append([][]byte{e}, ents[at:]...)...)

	out := append([]byte{}, tf...)
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	newIFD := len(out)
	out = bo.AppendUint16(out, uint16(len(ents)))
	for _, x := range ents {
		out = append(out, x...)
	}
	out = bo.AppendUint32(out, 0)
	bo.PutUint32(out[4:], uint32(newIFD))
	return out
}

// fourComponentJPEG builds a baseline JPEG with four full-resolution
// components (CMYK when transform is 0, YCCK when it is 2) and an Adobe
// APP14 marker, as Photoshop writes them. image/jpeg cannot encode four
// components, so each plane is encoded as a greyscale JPEG at the same
// quality (hence with the same tables) and its entropy-coded data becomes
// one non-interleaved scan of the four-component frame.
func fourComponentJPEG(t testing.TB, planes [4]*image.Gray, transform byte, quality int) []byte {
	t.Helper()
	type segment struct {
		marker byte
		data   []byte
	}
	var dqt, dht []segment
	var scans [4][]byte
	b := planes[0].Bounds()
	for c, p := range planes {
		j := encodeJPEG(t, p, quality)
		for i := 2; i < len(j); {
			m := j[i+1]
			n := int(binary.BigEndian.Uint16(j[i+2:]))
			seg := segment{m, j[i+4 : i+2+n]}
			if m == 0xda {
				scans[c] = j[i+2+n : len(j)-2] // up to EOI
				break
			}
			if c == 0 && m == 0xdb {
				dqt = append(dqt, seg)
			}
			if c == 0 && m == 0xc4 {
				dht = append(dht, seg)
			}
			i += 2 + n
		}
	}
	var out bytes.Buffer
	put := func(marker byte, data []byte) {
		out.Write([]byte{0xff, marker})
		binary.Write(&out, binary.BigEndian, uint16(2+len(data)))
		out.Write(data)
	}
	out.Write([]byte{0xff, 0xd8})
	put(0xee, append([]byte("Adobe"), 0, 100, 0, 0, 0, 0, transform))
	for _, s := range dqt {
		put(s.marker, s.data)
	}
	sof := []byte{8, byte(b.Dy() >> 8), byte(b.Dy()), byte(b.Dx() >> 8), byte(b.Dx()), 4}
	for c := 0; c < 4; c++ {
		sof = append(sof, byte(c+1), 0x11, 0)
	}
	put(0xc0, sof)
	for _, s := range dht {
		put(s.marker, s.data)
	}
	for c := 0; c < 4; c++ {
		put(0xda, []byte{1, byte(c + 1), 0x00, 0, 63, 0})
		out.Write(scans[c])
	}
	out.Write([]byte{0xff, 0xd9})
	return out.Bytes()
}

// planes4 splits a w×h image into four grey planes computed by f.
func planes4(w, h int, f func(x, y int) [4]uint8) [4]*image.Gray {
	var p [4]*image.Gray
	for c := range p {
		p[c] = image.NewGray(image.Rect(0, 0, w, h))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := f(x, y)
			for c := range p {
				p[c].Pix[y*w+x] = v[c]
			}
		}
	}
	return p
}

// readTestdata returns a file from this package's testdata directory.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// maxDiff returns the largest per-channel difference between two NRGBA
// images of the same size, or 256 when the sizes differ.
func maxDiff(a, b *image.NRGBA) int {
	if a.Rect.Size() != b.Rect.Size() {
		return 256
	}
	w, h := a.Rect.Dx(), a.Rect.Dy()
	d := 0
	for y := 0; y < h; y++ {
		ra := a.Pix[a.PixOffset(a.Rect.Min.X, a.Rect.Min.Y+y):][:4*w]
		rb := b.Pix[b.PixOffset(b.Rect.Min.X, b.Rect.Min.Y+y):][:4*w]
		for i := range ra {
			v := int(ra[i]) - int(rb[i])
			if v < 0 {
				v = -v
			}
			d = max(d, v)
		}
	}
	return d
}

func portraitsDir(t testing.TB) string { return evalset.Portraits(t) }

// meanDiff returns the mean absolute difference per colour channel
// between two NRGBA images of the same size, or 256 when the sizes differ.
func meanDiff(a, b *image.NRGBA) float64 {
	if a.Rect.Size() != b.Rect.Size() {
		return 256
	}
	var sum, n float64
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			p, q := a.Pix[y*a.Stride+x*4:], b.Pix[y*b.Stride+x*4:]
			for c := 0; c < 3; c++ {
				sum += math.Abs(float64(p[c]) - float64(q[c]))
				n++
			}
		}
	}
	return sum / n
}
