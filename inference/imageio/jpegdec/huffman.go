package jpegdec

import "encoding/binary"

// lutBits is the lookahead of the Huffman tables: codes up to this long,
// the vast majority in practice, decode with one table load.
const lutBits = 9

// huffTable is a decoding table for one DHT table (T.81 annex C and F.2.2.3).
type huffTable struct {
	// lut maps the next lutBits bits to symbol<<8 | code length, or 0
	// when the code is longer than lutBits.
	lut [1 << lutBits]uint16
	// fast, for AC tables, maps the next lutBits bits to a whole
	// run/size symbol and its extra bits when both fit:
	// coefficient<<16 | run<<8 | total length; 0 when they do not.
	fast [1 << lutBits]int32
	// maxCode[l] is the largest code of length l, or -1; valOff[l] + code
	// indexes vals for a code of length l (T.81 F.2.2.3).
	maxCode [17]int32
	valOff  [17]int32
	vals    [256]uint8
}

// processDHT reads Huffman tables (T.81 B.2.4.2).
func (d *decoder) processDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return malformed("DHT has wrong length")
		}
		tc, th := seg[0]>>4, seg[0]&0x0f
		if tc > 1 {
			return malformed("bad Tc value")
		}
		if th > 3 || d.baseline && th > 1 {
			return malformed("bad Th value")
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(seg[l])
			total += counts[l]
		}
		if total == 0 || total > 256 {
			return malformed("Huffman table with %d codes", total)
		}
		if len(seg) < 17+total {
			return malformed("DHT has wrong length")
		}
		h := new(huffTable)
		if err := h.build(&counts, seg[17:17+total], tc == 1); err != nil {
			return err
		}
		d.huff[tc][th] = h
		seg = seg[17+total:]
	}
	return nil
}

// build derives the canonical codes of T.81 annex C from the code counts
// per length and fills the tables. ac selects the AC fast table.
func (h *huffTable) build(counts *[17]int, vals []uint8, ac bool) error {
	copy(h.vals[:], vals)
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		n := counts[l]
		h.valOff[l] = int32(k - code)
		h.maxCode[l] = int32(code + n - 1)
		if n == 0 {
			h.maxCode[l] = -1
		}
		if code+n > 1<<l {
			return malformed("Huffman code lengths overflow the code space")
		}
		for i := 0; i < n; i++ {
			if l <= lutBits {
				// Every lutBits-bit string that starts with this code.
				shift := lutBits - l
				base := code << shift
				for j := 0; j < 1<<shift; j++ {
					h.lut[base+j] = uint16(vals[k])<<8 | uint16(l)
				}
			}
			code++
			k++
		}
		code <<= 1
	}
	if ac {
		h.buildFast()
	}
	return nil
}

// buildFast fills h.fast from h.lut for run/size symbols whose code and
// extra bits together fit in lutBits.
func (h *huffTable) buildFast() {
	for i, e := range h.lut {
		l := uint(e & 0xff)
		if l == 0 {
			continue
		}
		sym := e >> 8
		run, size := uint(sym>>4), uint(sym&0x0f)
		if size == 0 || l+size > lutBits {
			continue
		}
		bits := uint32(i) >> (lutBits - l - size) & (1<<size - 1)
		v := extend(bits, size)
		h.fast[i] = v<<16 | int32(run)<<8 | int32(l+size)
	}
}

// extend turns the size-bit magnitude category value v into a signed
// coefficient (T.81 F.2.2.1, EXTEND).
func extend(v uint32, size uint) int32 {
	x := int32(v)
	if x < 1<<(size-1) {
		x += -1<<size + 1
	}
	return x
}

// unzig maps zigzag order to natural (row-major) order (T.81 figure A.6).
var unzig = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// bits is the entropy decoder's bit buffer. It is passed and returned by
// value so that the hot loop keeps it in registers.
//
// acc holds n bits, most significant first; its other bits are zero.
// Once the entropy data reaches a marker (or the end of the input), pos
// stays on the marker's 0xff and zero bytes are appended instead; pad
// counts those bits. Consuming any of them (n < pad) means the data was
// cut short.
type bits struct {
	acc uint64
	n   uint
	pad uint
	pos int
}

// fill tops the buffer up to at least 57 bits, undoing byte stuffing
// ("ff 00" is a data byte 0xff).
func fill(data []byte, b bits) bits {
	if b.pad == 0 && b.pos+8 <= len(data) {
		// Fast path: eight bytes none of which is 0xff.
		x := binary.BigEndian.Uint64(data[b.pos:])
		if y := ^x; (y-0x0101010101010101)&^y&0x8080808080808080 == 0 {
			k := (64 - b.n) >> 3
			b.acc |= x >> b.n
			b.n += 8 * k
			b.pos += int(k)
			b.acc &^= ^uint64(0) >> b.n // drop the bytes not taken
			return b
		}
	}
	for b.n <= 56 {
		var c byte
		switch {
		case b.pad > 0 || b.pos >= len(data):
			b.pad += 8
		case data[b.pos] != 0xff:
			c = data[b.pos]
			b.pos++
		case b.pos+1 < len(data) && data[b.pos+1] == 0:
			c = 0xff
			b.pos += 2
		default: // a marker
			b.pad += 8
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
	return b
}

// decodeSlow decodes a code longer than lutBits from the top of acc,
// returning its symbol and length, or length 0 for an invalid code.
func (h *huffTable) decodeSlow(acc uint64) (sym uint8, l uint) {
	code := int32(acc >> 48)
	for l = lutBits + 1; l <= 16; l++ {
		if c := code >> (16 - l); c <= h.maxCode[l] {
			return h.vals[uint8(c+h.valOff[l])], l
		}
	}
	return 0, 0
}
