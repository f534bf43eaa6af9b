package imagefile

import (
	"bytes"
	"encoding/binary"
	"io"
)

// tagOrientation is the TIFF/EXIF tag holding the orientation (1..8).
const tagOrientation = 0x0112

// maxMetadataScan bounds how many chunks or segments the orientation
// readers walk, so a file made of millions of empty chunks cannot stall
// them.
const maxMetadataScan = 1 << 16

// orientationOf returns the EXIF orientation (1..8) stored in the image
// held by r (size bytes long) in the given format, as named by
// image.DecodeConfig. Missing, malformed or out-of-range metadata yields 1:
// orientation is a display hint, and a broken hint must not make a
// decodable image fail to load.
func orientationOf(r io.ReaderAt, size int64, format string) int {
	var o int
	switch format {
	case "jpeg":
		o = jpegOrientation(r, size)
	case "png":
		o = pngOrientation(r, size)
	case "webp":
		o = webpOrientation(r, size)
	case "tiff":
		o = tiffOrientation(io.NewSectionReader(r, 0, size))
	case "heic", "avif":
		o, _ = heifOrientation(r, size)
	}
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

// jpegOrientation walks the JPEG marker segments up to the first scan and
// reads the orientation from the first APP1 segment that holds Exif data.
func jpegOrientation(r io.ReaderAt, size int64) int {
	var hdr [4]byte
	if _, err := r.ReadAt(hdr[:2], 0); err != nil || hdr[0] != 0xff || hdr[1] != 0xd8 {
		return 0
	}
	off := int64(2)
	for i := 0; i < maxMetadataScan && off+4 <= size; i++ {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return 0
		}
		if hdr[0] != 0xff {
			return 0
		}
		marker := hdr[1]
		switch {
		case marker == 0xff: // fill byte before a marker
			off++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd7: // standalone markers
			off += 2
			continue
		case marker == 0xda || marker == 0xd9: // start of scan, end of image
			return 0
		}
		n := int64(binary.BigEndian.Uint16(hdr[2:]))
		if n < 2 {
			return 0
		}
		if marker == 0xe1 && n >= 2+6+8 {
			var id [6]byte
			if _, err := r.ReadAt(id[:], off+4); err == nil && string(id[:]) == "Exif\x00\x00" {
				if o := tiffOrientation(io.NewSectionReader(r, off+10, n-8)); o != 0 {
					return o
				}
			}
		}
		off += 2 + n
	}
	return 0
}

// pngOrientation reads the orientation from the eXIf chunk, if any.
func pngOrientation(r io.ReaderAt, size int64) int {
	var sig [8]byte
	if _, err := r.ReadAt(sig[:], 0); err != nil || string(sig[:]) != "\x89PNG\r\n\x1a\n" {
		return 0
	}
	var hdr [8]byte
	off := int64(8)
	for i := 0; i < maxMetadataScan && off+8 <= size; i++ {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return 0
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:])
		switch typ {
		case "eXIf":
			return exifBlobOrientation(io.NewSectionReader(r, off+8, n))
		case "IEND":
			return 0
		}
		off += 12 + n
	}
	return 0
}

// webpOrientation reads the orientation from the EXIF chunk of an extended
// (VP8X) WebP file.
func webpOrientation(r io.ReaderAt, size int64) int {
	var hdr [12]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil || string(hdr[:4]) != "RIFF" || string(hdr[8:]) != "WEBP" {
		return 0
	}
	off := int64(12)
	var ch [8]byte
	for i := 0; i < maxMetadataScan && off+8 <= size; i++ {
		if _, err := r.ReadAt(ch[:], off); err != nil {
			return 0
		}
		n := int64(binary.LittleEndian.Uint32(ch[4:]))
		if string(ch[:4]) == "EXIF" {
			return exifBlobOrientation(io.NewSectionReader(r, off+8, n))
		}
		off += 8 + n + n&1 // chunks are padded to an even length
	}
	return 0
}

// exifBlobOrientation reads a raw EXIF blob as stored in PNG and WebP
// chunks: a TIFF structure, sometimes preceded by the JPEG-style
// "Exif\0\0" identifier that some writers keep.
func exifBlobOrientation(s *io.SectionReader) int {
	var id [6]byte
	if _, err := s.ReadAt(id[:], 0); err == nil && string(id[:]) == "Exif\x00\x00" {
		s = io.NewSectionReader(s, 6, s.Size()-6)
	}
	return tiffOrientation(s)
}

// tiffOrientation reads tag 0x0112 from IFD0 of the TIFF structure in s,
// returning 0 when it is absent or malformed.
func tiffOrientation(s *io.SectionReader) int {
	var hdr [8]byte
	if _, err := s.ReadAt(hdr[:], 0); err != nil {
		return 0
	}
	var bo binary.ByteOrder
	switch {
	case bytes.Equal(hdr[:4], []byte("II*\x00")):
		bo = binary.LittleEndian
	case bytes.Equal(hdr[:4], []byte("MM\x00*")):
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(bo.Uint32(hdr[4:]))
	var cnt [2]byte
	if _, err := s.ReadAt(cnt[:], ifd); err != nil {
		return 0
	}
	n := int64(bo.Uint16(cnt[:]))
	if ifd+2+12*n > s.Size() {
		n = (s.Size() - ifd - 2) / 12
	}
	if n <= 0 {
		return 0
	}
	ents := make([]byte, 12*n)
	if _, err := s.ReadAt(ents, ifd+2); err != nil {
		return 0
	}
	for e := ents; len(e) >= 12; e = e[12:] {
		if bo.Uint16(e[:2]) != tagOrientation {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the first two bytes of
		// the value field. Some writers use LONG (4).
		switch bo.Uint16(e[2:4]) {
		case 3:
			return int(bo.Uint16(e[8:10]))
		case 4:
			if v := bo.Uint32(e[8:12]); v <= 8 {
				return int(v)
			}
		}
		return 0
	}
	return 0
}
