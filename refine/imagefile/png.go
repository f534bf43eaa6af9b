package imagefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// stripBytes is the amount of filtered image data each parallel deflate
// strip covers. It depends only on the image, never on the machine, so
// the encoded bytes are reproducible.
const stripBytes = 1 << 20

// EncodePNG writes img to w as a non-interlaced PNG, marked as Cutout's
// by a tEXt chunk "Software: Cutout" (see MadeByCutout).
//
// *image.NRGBA, and any NRGBARower, is written as 8-bit RGBA (colour type
// 6) with straight alpha, and its colour is written as 0 wherever alpha is
// 0, so no hidden background survives. *image.Gray is written as 8-bit greyscale (colour
// type 0), the form mattes take. Any other image is first converted with
// ToNRGBA. img is never modified.
//
// Rows are filtered (see PNGFilter) and deflated in horizontal strips of
// about 1 MiB in parallel; each strip ends with a sync flush, so the strips
// concatenate into one zlib stream whose Adler-32 is combined from theirs.
// It returns an error for an empty image or when w fails; errors are
// prefixed "imagefile: encode png:". It is safe for concurrent use.
func EncodePNG(w io.Writer, img image.Image) error {
	return encodePNG(w, img, useAuto, "")
}

// EncodePNGSource is EncodePNG with an iTXt chunk "Source" holding source
// (UTF-8), which says what the image was made from; Source reads it back.
func EncodePNGSource(w io.Writer, img image.Image, source string) error {
	return encodePNG(w, img, useAuto, source)
}

// encodePNG is EncodePNG with a given row filter (tests try each) and
// source text ("" for none).
func encodePNG(w io.Writer, img image.Image, filter pngFilter, source string) error {

	var src pngSource
	switch m := img.(type) {
	case NRGBARower:
		b := m.Bounds()
		src = pngSource{rows: m, w: b.Dx(), h: b.Dy(), bpp: 4}
	case *image.NRGBA:
		src = pngSource{pix: m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], stride: m.Stride, w: m.Rect.Dx(), h: m.Rect.Dy(), bpp: 4}
	case *image.Gray:
		src = pngSource{pix: m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], stride: m.Stride, w: m.Rect.Dx(), h: m.Rect.Dy(), bpp: 1}
	default:
		if img.Bounds().Empty() {
			return errors.New("imagefile: encode png: empty image")
		}
		n := ToNRGBA(img)
		src = pngSource{pix: n.Pix, stride: n.Stride, w: n.Rect.Dx(), h: n.Rect.Dy(), bpp: 4}
	}
	if src.w <= 0 || src.h <= 0 {
		return errors.New("imagefile: encode png: empty image")
	}
	if int64(src.w) > 1<<31-1 || int64(src.h) > 1<<31-1 {
		return fmt.Errorf("imagefile: encode png: %dx%d is too large for PNG", src.w, src.h)
	}
	src.source = source
	if err := writePNG(w, &src, filter); err != nil {
		return fmt.Errorf("imagefile: encode png: %w", err)
	}
	return nil
}

// softwareText is the tEXt chunk every PNG EncodePNG writes carries,
// right after IHDR: the keyword "Software", a NUL and "Cutout".
const softwareText = "Software\x00Cutout"

// MadeByCutout reports whether the file at path is a PNG that EncodePNG
// wrote: it reads the first 56 bytes and looks for the tEXt chunk
// "Software: Cutout" right after the header. A file another program has
// rewritten, or that cannot be read, is not. It lets a batch tell its own
// earlier outputs from a user's photos of the same name.
func MadeByCutout(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	const at = 8 + 12 + 13 // signature, IHDR
	var b [at + 8 + len(softwareText)]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return false
	}
	return string(b[:8]) == "\x89PNG\r\n\x1a\n" && string(b[12:16]) == "IHDR" &&
		binary.BigEndian.Uint32(b[at:]) == uint32(len(softwareText)) &&
		string(b[at+4:at+8]) == "tEXt" && string(b[at+8:]) == softwareText
}

// SourceOf describes the photo at path, whose os.Stat is info, as the
// outputs made from it record it (after "cutout of ", "matte of " or
// "trimap of "): its name, size and modification time. That tells two
// photos of one name in different folders apart without reading either,
// and puts no folder of the user's into the outputs.
func SourceOf(path string, info os.FileInfo) string {
	return fmt.Sprintf("%s, %d bytes, modified %s", filepath.Base(path), info.Size(), info.ModTime().UTC().Format(time.RFC3339Nano))
}

// sourceKeyword starts the iTXt chunk of EncodePNGSource: the keyword,
// NUL, no compression (flag and method), no language tag, no translated
// keyword.
const sourceKeyword = "Source\x00\x00\x00\x00\x00"

// Source returns the text of the Source chunk EncodePNGSource wrote into
// the PNG at path, right after Cutout's mark, or "" when it has none (a
// file another program wrote, a PNG of an older Cutout).
func Source(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const at = 8 + 12 + 13 + 12 + len(softwareText) // signature, IHDR, the mark
	var b [at + 8 + 4096]byte
	n, _ := io.ReadFull(f, b[:])
	if n < at+8 || string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[at-len(softwareText)-4:at-4]) != softwareText {
		return ""
	}
	size := int(binary.BigEndian.Uint32(b[at:]))
	if string(b[at+4:at+8]) != "iTXt" || size > n-at-8 || size < len(sourceKeyword) || string(b[at+8:at+8+len(sourceKeyword)]) != sourceKeyword {
		return ""
	}
	return string(b[at+8+len(sourceKeyword) : at+8+size])
}

// WholeByCutout reports whether the file at path is a PNG that EncodePNG
// wrote (MadeByCutout) and that ends with its IEND chunk: whole, not cut
// short by a kill or a full disk. It reads the first 56 and the last 12
// bytes.
func WholeByCutout(path string) bool {
	if !MadeByCutout(path) {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < 12 {
		return false
	}
	var end [12]byte
	if _, err := f.ReadAt(end[:], fi.Size()-12); err != nil {
		return false
	}
	return string(end[:]) == iendChunk
}

// iendChunk is the last chunk of every PNG: length 0, "IEND", its CRC.
const iendChunk = "\x00\x00\x00\x00IEND\xaeB`\x82"

// NRGBARower is an image that writes its rows as straight (not
// premultiplied) 8-bit RGBA on demand. EncodePNG asks such an image for
// one row at a time, from several goroutines at once, instead of reading
// pixels, so that a composite need never be held in memory in full.
type NRGBARower interface {
	image.Image
	// NRGBARow writes row y, counted from Bounds().Min.Y, into dst, which
	// holds 4·Bounds().Dx() bytes. It must be safe for concurrent use.
	NRGBARow(y int, dst []uint8)
}

// pngSource is the pixel data to encode: h rows of w pixels of bpp bytes,
// either starting at pix[0] and stride bytes apart, or written by rows.
type pngSource struct {
	pix       []uint8
	stride    int
	rows      NRGBARower
	w, h, bpp int
	source    string // the Source text; "" for none
}

// read writes row y of the source into dst, zeroing the colour of fully
// transparent RGBA pixels (bpp 4).
func (s *pngSource) read(y int, dst []uint8) {
	if s.rows != nil {
		s.rows.NRGBARow(y, dst)
		maskRow(dst, dst, s.bpp)
		return
	}
	maskRow(dst, s.pix[y*s.stride:][:s.w*s.bpp], s.bpp)
}

// strip is one strip's share of the IDAT data.
type strip struct {
	out   *[]byte // deflate output, from bufPool
	crc   uint32  // CRC-32 of "IDAT", the zlib header for strip 0, and out
	adler uint32  // Adler-32 of the strip's filtered bytes
	n     int64   // number of filtered bytes
}

// writePNG encodes src with the given row filter.
func writePNG(w io.Writer, src *pngSource, filter pngFilter) error {
	rowBytes := 1 + src.w*src.bpp
	rowsPer := max(1, stripBytes/rowBytes)
	nStrips := (src.h + rowsPer - 1) / rowsPer
	strips := make([]strip, nStrips)
	zhdr := zlibHeader()

	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), nStrips) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc := getStripEncoder(rowBytes)
			defer encPool.Put(enc)
			for {
				i := int(next.Add(1) - 1)
				if i >= nStrips {
					return
				}
				y0 := i * rowsPer
				y1 := min(y0+rowsPer, src.h)
				var prefix []byte
				if i == 0 {
					prefix = zhdr[:]
				}
				strips[i] = enc.encode(src, y0, y1, filter, prefix, i == nStrips-1)
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, s := range strips {
			if s.out != nil {
				bufPool.Put(s.out)
			}
		}
	}()

	ew := &errWriter{w: w}
	ew.write([]byte("\x89PNG\r\n\x1a\n"))
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(src.w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(src.h))
	ihdr[8] = 8 // bit depth
	if src.bpp == 4 {
		ihdr[9] = 6 // colour type: RGBA
	} // else 0: greyscale
	// ihdr[10:13]: deflate, adaptive filtering, no interlace
	ew.chunk("IHDR", ihdr[:])
	ew.chunk("tEXt", []byte(softwareText))
	if src.source != "" {
		ew.chunk("iTXt", []byte(sourceKeyword+src.source))
	}

	adler := uint32(1)
	for i, s := range strips {
		adler = adler32Combine(adler, s.adler, s.n)
		payload := len(*s.out)
		crc := s.crc
		var tail [4]byte
		if i == 0 {
			payload += len(zhdr)
		}
		if i == nStrips-1 {
			binary.BigEndian.PutUint32(tail[:], adler)
			payload += len(tail)
			crc = crc32.Update(crc, crc32.IEEETable, tail[:])
		}
		var hdr [8]byte
		binary.BigEndian.PutUint32(hdr[:4], uint32(payload))
		copy(hdr[4:], "IDAT")
		ew.write(hdr[:])
		if i == 0 {
			ew.write(zhdr[:])
		}
		ew.write(*s.out)
		if i == nStrips-1 {
			ew.write(tail[:])
		}
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], crc)
		ew.write(c[:])
	}
	ew.chunk("IEND", nil)
	return ew.err
}

// zlibHeader returns the two-byte zlib header (RFC 1950) for a deflate
// stream with a 32 KiB window from the fastest kind of compressor.
func zlibHeader() [2]byte {
	const cmf = 0x78                                     // deflate, 32 KiB window
	var flg byte                                         // FLEVEL 0: fastest
	flg += byte((31 - (uint(cmf)<<8|uint(flg))%31) % 31) // FCHECK: (CMF·256 + FLG) mod 31 = 0
	return [2]byte{cmf, flg}
}

// adler32Combine returns the Adler-32 of A‖B from a = adler32(A),
// b = adler32(B) and n = len(B), as zlib's adler32_combine does:
// s1 = a1 + b1 − 1, s2 = a2 + b2 + n·a1 − n (all mod 65521).
func adler32Combine(a, b uint32, n int64) uint32 {
	const base = 65521
	rem := uint32(n % base)
	s1 := a & 0xffff
	s2 := rem * s1 % base
	s1 += b&0xffff + base - 1
	s2 += a>>16 + b>>16 + base - rem
	if s1 >= base {
		s1 -= base
	}
	if s1 >= base {
		s1 -= base
	}
	if s2 >= base<<1 {
		s2 -= base << 1
	}
	if s2 >= base {
		s2 -= base
	}
	return s1 | s2<<16
}

// errWriter writes PNG chunks and keeps the first error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

func (e *errWriter) chunk(typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.Update(crc32.ChecksumIEEE(hdr[4:]), crc32.IEEETable, data)
	e.write(hdr[:])
	e.write(data)
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], crc)
	e.write(c[:])
}

// stripEncoder holds one worker's reusable state: the compressor and row
// buffers.
type stripEncoder struct {
	rd runDeflater
	// prev and cur hold the previous and current rows after masking,
	// scratch serves filter choice, and raw collects the strip's filtered
	// rows, each after its filter type byte.
	prev, cur, scratch []uint8
	raw                []uint8
}

var (
	encPool = sync.Pool{New: func() any { return new(stripEncoder) }}
	bufPool = sync.Pool{New: func() any { return new([]byte) }}
)

func getStripEncoder(rowBytes int) *stripEncoder {
	e := encPool.Get().(*stripEncoder)
	if cap(e.cur) < rowBytes-1 {
		e.prev = make([]uint8, rowBytes-1)
		e.cur = make([]uint8, rowBytes-1)
		e.scratch = make([]uint8, rowBytes-1)
	}
	e.prev, e.cur, e.scratch = e.prev[:rowBytes-1], e.cur[:rowBytes-1], e.scratch[:rowBytes-1]
	return e
}

// encode filters and deflates rows [y0, y1) of src. prefix (the zlib
// header, for the first strip) only enters the CRC. The last strip ends
// the deflate stream; the others end with a sync flush, which leaves the
// stream byte-aligned and not final, so strips can be concatenated.
func (e *stripEncoder) encode(src *pngSource, y0, y1 int, filter pngFilter, prefix []byte, last bool) strip {
	rowBytes := 1 + len(e.cur)
	e.raw = slices.Grow(e.raw[:0], (y1-y0)*rowBytes)
	if y0 > 0 {
		src.read(y0-1, e.prev)
	} else {
		clear(e.prev)
	}
	for y := y0; y < y1; y++ {
		src.read(y, e.cur)
		n := len(e.raw)
		e.raw = e.raw[:n+rowBytes]
		filterRow(e.raw[n:], e.cur, e.prev, e.scratch, filter, src.bpp)
		e.prev, e.cur = e.cur, e.prev
	}

	out := bufPool.Get().(*[]byte)
	*out = e.rd.compress((*out)[:0], e.raw, last)
	crc := crc32.ChecksumIEEE([]byte("IDAT"))
	crc = crc32.Update(crc, crc32.IEEETable, prefix)
	crc = crc32.Update(crc, crc32.IEEETable, *out)
	return strip{out: out, crc: crc, adler: adler32.Checksum(e.raw), n: int64(len(e.raw))}
}

// maskRow copies one source row into dst, zeroing the colour of fully
// transparent RGBA pixels (bpp 4); grey rows (bpp 1) are copied as is.
// dst may be src.
func maskRow(dst, src []uint8, bpp int) {
	if bpp != 4 {
		copy(dst, src)
		return
	}
	for i := 0; i+3 < len(src); i += 4 {
		p := binary.LittleEndian.Uint32(src[i:])
		if p>>24 == 0 {
			p = 0
		}
		binary.LittleEndian.PutUint32(dst[i:], p)
	}
}
