package imagefile

import (
	"encoding/binary"
	"image"
	"io"

	_ "github.com/gen2brain/avif" // register AVIF (libavif and aom in WebAssembly, run by wazero: no cgo)
	"github.com/gen2brain/heic"   // register HEIC (libheif and libde265 in WebAssembly, run by wazero: no cgo)
)

func init() {
	// The decoders register their main brands (heic; avif, avis); these
	// are the other brands of single HEVC images and sequences that
	// phones and cameras write.
	for _, brand := range []string{"heix", "heim", "heis", "hevc", "hevx"} {
		image.RegisterFormat("heic", "????ftyp"+brand, heic.Decode, heic.DecodeConfig)
	}
}

// heifOrientation reads the orientation of a HEIF file (HEIC or AVIF)
// held by r, size bytes long: the transforms of its primary image (irot,
// imir: rotations and mirrors the container asks a reader to apply, in
// their order) as one EXIF orientation value, with container set; else,
// when the primary image has none, the orientation of its Exif item,
// which converters that do not turn it into irot and imir leave as the
// only one. It returns 1 for none and 0 for a file it cannot read.
func heifOrientation(r io.ReaderAt, size int64) (o int, container bool) {
	meta, ok := findBox(r, 0, size, "meta")
	if !ok {
		return 0, false
	}
	// meta is a full box: version and flags come before its children.
	start, end := meta.body+4, meta.end
	var primary uint32
	if b, ok := findBox(r, start, end, "pitm"); ok {
		primary, ok = readItemID(r, b.body)
		if !ok {
			return 0, false
		}
	}
	o = 1
	if iprp, ok := findBox(r, start, end, "iprp"); ok {
		var props []box
		if ipco, ok := findBox(r, iprp.body, iprp.end, "ipco"); ok {
			props = boxes(r, ipco.body, ipco.end)
		}
		if ipma, ok := findBox(r, iprp.body, iprp.end, "ipma"); ok {
			for _, i := range associations(r, ipma, primary) {
				if i < 1 || i > len(props) {
					continue
				}
				p := props[i-1]
				var v [1]byte
				if p.end <= p.body {
					continue
				}
				if _, err := r.ReadAt(v[:], p.body); err != nil {
					continue
				}
				switch p.typ {
				case "irot": // angle×90° counter-clockwise
					o, container = composeOrientation(o, [4]int{1, 8, 3, 6}[v[0]&3]), true
				case "imir": // axis 0: about the vertical axis (left and right swap); 1: about the horizontal one
					o, container = composeOrientation(o, [2]int{2, 4}[v[0]&1]), true
				}
			}
		}
	}
	if container {
		return o, true
	}
	if s, ok := exifItem(r, start, end); ok {
		return tiffOrientation(s), false
	}
	return 1, false
}

// box is an ISO base media file format box: its type, the offset of its
// body (after the header) and of its end.
type box struct {
	typ       string
	body, end int64
}

// boxes lists the boxes between off and end, stopping at the first
// malformed one or after maxMetadataScan.
func boxes(r io.ReaderAt, off, end int64) []box {
	var bs []box
	for i := 0; i < maxMetadataScan && off+8 <= end; i++ {
		var hdr [16]byte
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			break
		}
		n, body := int64(binary.BigEndian.Uint32(hdr[:4])), off+8
		switch n {
		case 0: // to the end
			n = end - off
		case 1: // 64-bit size
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return bs
			}
			n, body = int64(binary.BigEndian.Uint64(hdr[8:16])), off+16
		}
		if n < body-off || n > end-off {
			break
		}
		bs = append(bs, box{typ: string(hdr[4:8]), body: body, end: off + n})
		off += n
	}
	return bs
}

// findBox returns the first box of type typ between off and end.
func findBox(r io.ReaderAt, off, end int64, typ string) (box, bool) {
	for _, b := range boxes(r, off, end) {
		if b.typ == typ {
			return b, true
		}
	}
	return box{}, false
}

// readItemID reads the item ID of a pitm box whose body starts at off:
// 16 bits in version 0, 32 bits after.
func readItemID(r io.ReaderAt, off int64) (uint32, bool) {
	var b [8]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		if _, err := r.ReadAt(b[:6], off); err != nil {
			return 0, false
		}
	}
	if b[0] == 0 {
		return uint32(binary.BigEndian.Uint16(b[4:6])), true
	}
	return binary.BigEndian.Uint32(b[4:8]), true
}

// associations returns the property indexes (1-based, in ipco) that an
// ipma box associates with item, in order.
func associations(r io.ReaderAt, ipma box, item uint32) []int {
	sr := io.NewSectionReader(r, ipma.body, ipma.end-ipma.body)
	var vf [4]byte
	if _, err := io.ReadFull(sr, vf[:]); err != nil {
		return nil
	}
	version, wide := vf[0], vf[3]&1 != 0
	var count uint32
	if binary.Read(sr, binary.BigEndian, &count) != nil {
		return nil
	}
	for i := uint32(0); i < count && i < maxMetadataScan; i++ {
		var id uint32
		if version < 1 {
			var v uint16
			if binary.Read(sr, binary.BigEndian, &v) != nil {
				return nil
			}
			id = uint32(v)
		} else if binary.Read(sr, binary.BigEndian, &id) != nil {
			return nil
		}
		var n uint8
		if binary.Read(sr, binary.BigEndian, &n) != nil {
			return nil
		}
		var idx []int
		for k := 0; k < int(n); k++ {
			if wide {
				var v uint16
				if binary.Read(sr, binary.BigEndian, &v) != nil {
					return nil
				}
				idx = append(idx, int(v&0x7fff))
			} else {
				var v uint8
				if binary.Read(sr, binary.BigEndian, &v) != nil {
					return nil
				}
				idx = append(idx, int(v&0x7f))
			}
		}
		if id == item {
			return idx
		}
	}
	return nil
}

// exifItem returns the TIFF data of the first Exif item of a meta box
// whose children lie between start and end, found through iinf (its item
// ID) and iloc (where its one extent lies in the file).
func exifItem(r io.ReaderAt, start, end int64) (*io.SectionReader, bool) {
	iinf, ok := findBox(r, start, end, "iinf")
	if !ok {
		return nil, false
	}
	var v [1]byte
	if _, err := r.ReadAt(v[:], iinf.body); err != nil {
		return nil, false
	}
	entries := iinf.body + 6 // version, flags, 16-bit count
	if v[0] != 0 {
		entries += 2
	}
	var id uint32
	found := false
	for _, e := range boxes(r, entries, iinf.end) {
		var b [12]byte
		if e.typ != "infe" || e.end-e.body < 12 {
			continue
		}
		if _, err := r.ReadAt(b[:], e.body); err != nil {
			continue
		}
		switch b[0] { // version 2: 16-bit ID; 3: 32-bit ID
		case 2:
			if string(b[8:12]) == "Exif" {
				id, found = uint32(binary.BigEndian.Uint16(b[4:6])), true
			}
		case 3:
			if e.end-e.body >= 14 {
				var t [4]byte
				if _, err := r.ReadAt(t[:], e.body+10); err == nil && string(t[:]) == "Exif" {
					id, found = binary.BigEndian.Uint32(b[4:8]), true
				}
			}
		}
		if found {
			break
		}
	}
	if !found {
		return nil, false
	}
	off, length, ok := itemExtent(r, start, end, id)
	if !ok || length < 8 {
		return nil, false
	}
	// The item starts with the offset of the TIFF header after it.
	var hdr [4]byte
	if _, err := r.ReadAt(hdr[:], off); err != nil {
		return nil, false
	}
	skip := 4 + int64(binary.BigEndian.Uint32(hdr[:]))
	if skip >= length {
		return nil, false
	}
	return io.NewSectionReader(r, off+skip, length-skip), true
}

// itemExtent reads from the iloc box the file offset and length of item
// id, when it is stored in one extent of the file itself.
func itemExtent(r io.ReaderAt, start, end int64, id uint32) (off, length int64, ok bool) {
	iloc, ok := findBox(r, start, end, "iloc")
	if !ok {
		return 0, 0, false
	}
	sr := io.NewSectionReader(r, iloc.body, iloc.end-iloc.body)
	var h [6]byte
	if _, err := io.ReadFull(sr, h[:]); err != nil {
		return 0, 0, false
	}
	version := h[0]
	offSize, lenSize, baseSize, idxSize := int(h[4]>>4), int(h[4]&15), int(h[5]>>4), int(h[5]&15)
	if version == 0 {
		idxSize = 0
	}
	// readN reads an n-byte big-endian field; iloc's sizes are 0, 4 or 8
	// bytes, its fixed fields 2 or 4.
	readN := func(n int) (uint64, bool) {
		var b [8]byte
		if n != 0 && n != 2 && n != 4 && n != 8 {
			return 0, false
		}
		if _, err := io.ReadFull(sr, b[:n]); err != nil {
			return 0, false
		}
		var v uint64
		for _, c := range b[:n] {
			v = v<<8 | uint64(c)
		}
		return v, true
	}
	idSize := 2
	if version == 2 {
		idSize = 4
	}
	count, ok := readN(idSize)
	if !ok {
		return 0, 0, false
	}
	for i := uint64(0); i < count && i < maxMetadataScan; i++ {
		item, ok1 := readN(idSize)
		method := uint64(0)
		ok2 := true
		if version == 1 || version == 2 {
			method, ok2 = readN(2)
			method &= 15
		}
		_, ok3 := readN(2) // data reference index
		base, ok4 := readN(baseSize)
		extents, ok5 := readN(2)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			return 0, 0, false
		}
		for k := uint64(0); k < extents; k++ {
			if idxSize > 0 {
				if _, ok := readN(idxSize); !ok {
					return 0, 0, false
				}
			}
			o, ok1 := readN(offSize)
			l, ok2 := readN(lenSize)
			if !ok1 || !ok2 {
				return 0, 0, false
			}
			if uint32(item) == id && method == 0 && extents == 1 {
				return int64(base + o), int64(l), int64(base+o) >= 0 && int64(l) > 0
			}
		}
	}
	return 0, 0, false
}

// composeOrientation returns the EXIF orientation that does what first
// and then then do.
func composeOrientation(first, then int) int {
	probe := image.NewNRGBA(image.Rect(0, 0, 3, 2)) // no symmetry: each orientation gives another image
	for i := range probe.Pix {
		probe.Pix[i] = uint8(i)
	}
	got := Orient(Orient(probe, first), then)
	for o := 1; o <= 8; o++ {
		if w := Orient(probe, o); w.Rect == got.Rect && string(w.Pix) == string(got.Pix) {
			return o
		}
	}
	return 1
}
