package jpegdec

import (
	"errors"
	"fmt"
	"image"
	"io"
)

// ErrUnsupported reports a valid JPEG that this package does not decode:
// progressive, lossless, arithmetic-coded, 12-bit, CMYK, YCCK or RGB
// files, unusual sampling factors, DNL, and images coded in several scans.
// Callers decode such files with image/jpeg instead.
var ErrUnsupported = errors.New("jpegdec: unsupported JPEG")

// ErrMalformed reports input that is not a well-formed JPEG, or whose
// entropy-coded data ends or goes wrong before the last block. image/jpeg
// may still decode some of these files: it is more lenient, so callers
// fall back to it on this error too.
var ErrMalformed = errors.New("jpegdec: malformed JPEG")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// errEOF reports input that ends inside a segment or before EOI.
var errEOF = fmt.Errorf("%w: %w", ErrMalformed, io.ErrUnexpectedEOF)

// Info describes how a decoded JPEG was stored.
type Info struct {
	// Width and Height are the frame's size in pixels.
	Width, Height int
	// Components is 1 for greyscale and 3 for YCbCr.
	Components int
	// Ratio is the chroma subsampling of a YCbCr image, as image/jpeg
	// reports it through image.YCbCr.SubsampleRatio. It is
	// image.YCbCrSubsampleRatio444 for greyscale images, where it has no
	// meaning.
	Ratio image.YCbCrSubsampleRatio
	// RestartInterval is the number of MCUs between restart markers, 0
	// when the file has none.
	RestartInterval int
}

// Marker codes (ITU T.81 table B.1).
const (
	markerSOF0 = 0xc0 // baseline sequential, Huffman
	markerSOF1 = 0xc1 // extended sequential, Huffman
	markerSOF2 = 0xc2 // progressive, Huffman
	markerDHT  = 0xc4
	markerDAC  = 0xcc // arithmetic coding conditioning
	markerRST0 = 0xd0
	markerRST7 = 0xd7
	markerSOI  = 0xd8
	markerEOI  = 0xd9
	markerSOS  = 0xda
	markerDQT  = 0xdb
	markerDNL  = 0xdc
	markerDRI  = 0xdd
	markerAPP0 = 0xe0
	markerAPPE = 0xee // Adobe
	markerAPPF = 0xef
	markerCOM  = 0xfe
)

// component is one frame component (T.81 B.2.2).
type component struct {
	id   uint8
	h, v int   // sampling factors
	tq   uint8 // quantisation table selector
}

// decoder holds what the segments before and after the scan define.
type decoder struct {
	data []byte
	pos  int

	width, height int
	nComp         int // 0 until SOF
	baseline      bool
	comp          [3]component
	quant         [4][64]int32 // zigzag order, as stored in DQT
	huff          [2][4]*huffTable
	ri            int

	jfif           bool
	adobe          bool
	adobeTransform uint8

	ratio          image.YCbCrSubsampleRatio
	hRatio, vRatio int
	hShift, vShift uint
}

// Decode decodes a baseline or extended sequential Huffman JPEG held
// entirely in data into an opaque *image.NRGBA at the origin.
//
// Any error means "decode this file with image/jpeg instead": errors wrap
// ErrUnsupported for valid files outside the supported subset and
// ErrMalformed for everything else. Decode never panics on hostile input
// and allocates, besides the W×H×4 output, O(width) working memory; it
// refuses, before allocating the output, entropy data too short to code
// the frame's blocks at 2 bits each, so tiny files cannot claim huge
// frames. Callers still bound W×H as they do for any decoder.
//
// Decode is safe for concurrent use. It uses up to GOMAXPROCS goroutines.
func Decode(data []byte) (img *image.NRGBA, info Info, err error) {
	d := &decoder{data: data}
	img, err = d.decode()
	if err != nil {
		return nil, Info{}, err
	}
	info = Info{Width: d.width, Height: d.height, Components: d.nComp, Ratio: d.ratio, RestartInterval: d.ri}
	return img, info, nil
}

func (d *decoder) decode() (img *image.NRGBA, err error) {
	// Scan decoding runs on this goroutine and on workers that recover
	// their own panics; this turns one on this goroutine into an error.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, malformed("decoder panic: %v", p)
		}
	}()
	if len(d.data) < 2 || d.data[0] != 0xff || d.data[1] != markerSOI {
		return nil, malformed("missing SOI marker")
	}
	d.pos = 2
	for {
		marker, err := d.nextMarker()
		if err != nil {
			return nil, err
		}
		if marker == markerEOI {
			if img == nil {
				return nil, malformed("missing SOS marker")
			}
			if d.isRGB() {
				return nil, unsupported("RGB colour transform")
			}
			return img, nil
		}
		if markerRST0 <= marker && marker <= markerRST7 {
			continue // a stray restart marker between segments is harmless
		}
		seg, err := d.segment()
		if err != nil {
			return nil, err
		}
		switch {
		case marker == markerSOF0 || marker == markerSOF1:
			err = d.processSOF(seg, marker == markerSOF0)
		case marker == markerSOF2:
			err = unsupported("progressive")
		case marker == markerDHT:
			err = d.processDHT(seg)
		case marker == markerDAC:
			err = unsupported("arithmetic coding")
		case marker > 0xc0 && marker <= 0xcf && marker != 0xc8: // SOF3, SOF5-7, SOF9-15
			err = unsupported("frame type SOF%d", marker-markerSOF0)
		case marker == markerDQT:
			err = d.processDQT(seg)
		case marker == markerDRI:
			err = d.processDRI(seg)
		case marker == markerDNL:
			err = unsupported("DNL marker")
		case marker == markerSOS:
			if img != nil {
				return nil, unsupported("multiple scans")
			}
			img, err = d.processSOS(seg)
		case marker == markerAPP0:
			d.processAPP0(seg)
		case marker == markerAPPE:
			d.processAPP14(seg)
		case marker >= markerAPP0 && marker <= markerAPPF || marker == markerCOM:
			// Metadata: ignored.
		case marker < 0xc0:
			err = malformed("unknown marker %#02x", marker)
		default:
			err = unsupported("marker %#02x", marker)
		}
		if err != nil {
			return nil, err
		}
	}
}

// nextMarker skips to the next marker, as image/jpeg does: bytes other
// than 0xff, stuffed "ff 00" pairs and fill bytes before a marker are
// ignored. It returns the marker code with d.pos just past it.
func (d *decoder) nextMarker() (byte, error) {
	for {
		if d.pos+1 >= len(d.data) {
			return 0, errEOF
		}
		if d.data[d.pos] != 0xff {
			d.pos++
			continue
		}
		switch m := d.data[d.pos+1]; m {
		case 0x00:
			d.pos += 2
		case 0xff:
			d.pos++
		default:
			d.pos += 2
			return m, nil
		}
	}
}

// segment returns the payload of the segment whose length field is at
// d.pos and moves past it.
func (d *decoder) segment() ([]byte, error) {
	if d.pos+2 > len(d.data) {
		return nil, errEOF
	}
	n := int(d.data[d.pos])<<8 | int(d.data[d.pos+1])
	if n < 2 {
		return nil, malformed("short segment length")
	}
	if d.pos+n > len(d.data) {
		return nil, errEOF
	}
	seg := d.data[d.pos+2 : d.pos+n]
	d.pos += n
	return seg, nil
}

// processSOF reads a frame header (T.81 B.2.2).
func (d *decoder) processSOF(seg []byte, baseline bool) error {
	if d.nComp != 0 {
		return malformed("multiple SOF markers")
	}
	switch len(seg) {
	case 6 + 3*1, 6 + 3*3:
	default:
		return unsupported("%d-byte frame header (components other than 1 or 3)", len(seg))
	}
	if seg[0] != 8 {
		return unsupported("%d-bit precision", seg[0])
	}
	d.height = int(seg[1])<<8 | int(seg[2])
	d.width = int(seg[3])<<8 | int(seg[4])
	n := int(seg[5])
	if 6+3*n != len(seg) {
		return malformed("SOF has wrong length")
	}
	if d.height == 0 {
		return unsupported("height defined by DNL")
	}
	if d.width == 0 {
		return malformed("zero width")
	}
	for i := 0; i < n; i++ {
		c := &d.comp[i]
		c.id, c.tq = seg[6+3*i], seg[8+3*i]
		for j := 0; j < i; j++ {
			if d.comp[j].id == c.id {
				return malformed("repeated component identifier")
			}
		}
		if c.tq > 3 {
			return malformed("bad Tq value")
		}
		c.h, c.v = int(seg[7+3*i]>>4), int(seg[7+3*i]&0x0f)
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return malformed("bad sampling factors")
		}
	}
	if n == 1 {
		// A single component is never interleaved: its MCU is one block
		// whatever its nominal sampling factors (T.81 A.2).
		d.comp[0].h, d.comp[0].v = 1, 1
	} else if err := d.checkSampling(); err != nil {
		return err
	}
	d.nComp, d.baseline = n, baseline
	return nil
}

// checkSampling accepts the YCbCr sampling factors that image/jpeg
// accepts: luma h in {1, 2, 4} and v in {1, 2}, both chroma components
// alike and dividing luma's.
func (d *decoder) checkSampling() error {
	y, cb, cr := d.comp[0], d.comp[1], d.comp[2]
	if y.h == 3 || y.v > 2 || cb.h != cr.h || cb.v != cr.v || y.h%cb.h != 0 || y.v%cb.v != 0 {
		return unsupported("sampling factors %dx%d, %dx%d, %dx%d", y.h, y.v, cb.h, cb.v, cr.h, cr.v)
	}
	d.hRatio, d.vRatio = y.h/cb.h, y.v/cb.v
	switch d.hRatio<<4 | d.vRatio {
	case 0x11:
		d.ratio = image.YCbCrSubsampleRatio444
	case 0x12:
		d.ratio = image.YCbCrSubsampleRatio440
	case 0x21:
		d.ratio = image.YCbCrSubsampleRatio422
	case 0x22:
		d.ratio = image.YCbCrSubsampleRatio420
	case 0x41:
		d.ratio = image.YCbCrSubsampleRatio411
	case 0x42:
		d.ratio = image.YCbCrSubsampleRatio410
	default:
		return unsupported("chroma ratio %d:%d", d.hRatio, d.vRatio)
	}
	d.hShift, d.vShift = log2(d.hRatio), log2(d.vRatio)
	return nil
}

// log2 returns the base-2 logarithm of 1, 2 or 4.
func log2(x int) uint {
	switch x {
	case 2:
		return 1
	case 4:
		return 2
	}
	return 0
}

// processDQT reads quantisation tables (T.81 B.2.4.1), 8- or 16-bit.
func (d *decoder) processDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&0x0f
		seg = seg[1:]
		if tq > 3 {
			return malformed("bad Tq value")
		}
		q := &d.quant[tq]
		switch pq {
		case 0:
			if len(seg) < 64 {
				return malformed("DQT has wrong length")
			}
			for i := range q {
				q[i] = int32(seg[i])
			}
			seg = seg[64:]
		case 1:
			if len(seg) < 128 {
				return malformed("DQT has wrong length")
			}
			for i := range q {
				q[i] = int32(seg[2*i])<<8 | int32(seg[2*i+1])
			}
			seg = seg[128:]
		default:
			return malformed("bad Pq value")
		}
	}
	return nil
}

// processDRI reads the restart interval (T.81 B.2.4.4).
func (d *decoder) processDRI(seg []byte) error {
	if len(seg) != 2 {
		return malformed("DRI has wrong length")
	}
	d.ri = int(seg[0])<<8 | int(seg[1])
	return nil
}

// processAPP0 notes a JFIF header, which means YCbCr.
func (d *decoder) processAPP0(seg []byte) {
	if len(seg) >= 5 && string(seg[:5]) == "JFIF\x00" {
		d.jfif = true
	}
}

// processAPP14 notes Adobe's colour transform flag.
func (d *decoder) processAPP14(seg []byte) {
	if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
		d.adobe, d.adobeTransform = true, seg[11]
	}
}

// isRGB reports whether image/jpeg would treat the three components as
// RGB rather than YCbCr: no JFIF header and either Adobe transform 0 or
// component identifiers 'R', 'G', 'B'.
func (d *decoder) isRGB() bool {
	if d.nComp != 3 || d.jfif {
		return false
	}
	if d.adobe && d.adobeTransform == 0 {
		return true
	}
	return d.comp[0].id == 'R' && d.comp[1].id == 'G' && d.comp[2].id == 'B'
}
