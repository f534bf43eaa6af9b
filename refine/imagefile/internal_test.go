package imagefile

import (
	"bytes"
	"encoding/binary"
	"hash/adler32"
	"math/rand"
	"testing"
)

func TestAdler32Combine(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 100, 65520, 65521, 65522, 200000, 5552 * 3} {
		data := make([]byte, n)
		r.Read(data)
		if n > 100 {
			for i := 0; i < n/2; i++ {
				data[i] = 0xff // long runs of large bytes stress the modular sums
			}
		}
		for _, cut := range []int{0, n / 3, n / 2, n} {
			a, b := data[:cut], data[cut:]
			got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), int64(len(b)))
			if want := adler32.Checksum(data); got != want {
				t.Errorf("n=%d cut=%d: combined %08x, want %08x", n, cut, got, want)
			}
		}
	}
	// Many pieces, combined in order, as writePNG does.
	data := make([]byte, 1<<20)
	r.Read(data)
	sum := uint32(1)
	for p := data; len(p) > 0; {
		k := min(len(p), 1+r.Intn(70000))
		sum = adler32Combine(sum, adler32.Checksum(p[:k]), int64(k))
		p = p[k:]
	}
	if want := adler32.Checksum(data); sum != want {
		t.Errorf("piecewise %08x, want %08x", sum, want)
	}
}

func TestZlibHeader(t *testing.T) {
	h := zlibHeader()
	if h[0] != 0x78 || (uint(h[0])<<8|uint(h[1]))%31 != 0 || h[1]&0x20 != 0 || h[1]>>6 != 0 {
		t.Errorf("invalid zlib header % x", h)
	}
}

// TestFilters checks every filter against the PNG specification's
// definitions, written out literally, on rows whose small value range
// makes the Paeth predictor's ties frequent.
func TestFilters(t *testing.T) {
	paethRef := func(a, b, c int) int {
		p := a + b - c
		pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
		if pa <= pb && pa <= pc {
			return a
		} else if pb <= pc {
			return b
		}
		return c
	}
	r := rand.New(rand.NewSource(1))
	for _, bpp := range []int{1, 4} {
		for _, span := range []int{3, 256} {
			for _, n := range []int{bpp, 5 * bpp, 4000} {
				cur, prev, d := make([]uint8, n), make([]uint8, n), make([]uint8, n)
				for i := range cur {
					cur[i], prev[i] = uint8(r.Intn(span)), uint8(r.Intn(span))
					if span == 3 {
						cur[i], prev[i] = cur[i]*127, prev[i]*127 // 0, 127, 254
					}
				}
				at := func(row []uint8, i int) int {
					if i < 0 {
						return 0
					}
					return int(row[i])
				}
				for ft, ref := range map[int]func(i int) int{
					ftNone:    func(i int) int { return 0 },
					ftSub:     func(i int) int { return at(cur, i-bpp) },
					ftUp:      func(i int) int { return at(prev, i) },
					ftAverage: func(i int) int { return (at(cur, i-bpp) + at(prev, i)) / 2 },
					ftPaeth:   func(i int) int { return paethRef(at(cur, i-bpp), at(prev, i), at(prev, i-bpp)) },
				} {
					applyFilter(ft, d, cur, prev, bpp)
					for i := range d {
						if want := uint8(int(cur[i]) - ref(i)); d[i] != want {
							t.Fatalf("bpp %d span %d n %d filter %d: byte %d = %d, want %d", bpp, span, n, ft, i, d[i], want)
						}
					}
				}
			}
		}
	}
}

// TestPaeth4Exhaustive checks the Paeth filter for 4-byte pixels against
// the byte-at-a-time one on every (left, up, upper-left) triple. Pixels
// come in pairs: the first of a pair sets left and upper left for the
// second, so each pair carries one free triple per channel.
func TestPaeth4Exhaustive(t *testing.T) {
	const pairs = 1021
	cur, prev := make([]uint8, 8*pairs), make([]uint8, 8*pairs)
	got, want := make([]uint8, len(cur)), make([]uint8, len(cur))
	triple := 0
	for triple < 1<<24 {
		for p := 0; p < pairs; p++ {
			for ch := 0; ch < 4; ch++ {
				v := triple % (1 << 24)
				a, b, c := uint8(v), uint8(v>>8), uint8(v>>16)
				i := 8*p + ch
				cur[i], prev[i] = a, c         // first pixel: left and upper left
				cur[i+4], prev[i+4] = a^b^c, b // second: the byte and up
				triple++
			}
		}
		filterPaeth4(got, cur, prev)
		filterPaethBytes(want, cur, prev, 4)
		if string(got) != string(want) {
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("byte %d (a %d b %d c %d x %d): got %d, want %d",
						i, cur[max(i-4, 0)], prev[i], prev[max(i-4, 0)], cur[i], got[i], want[i])
				}
			}
		}
	}
}

// TestChooseFilter checks that the sampled choice picks the filter that
// is clearly best on rows built for each one.
func TestChooseFilter(t *testing.T) {
	const n = 4 * 1000
	r := rand.New(rand.NewSource(2))
	scratch := make([]uint8, n)
	for _, want := range []int{ftSub, ftUp, ftAverage, ftPaeth} {
		// Build a row that the wanted filter predicts exactly, except for
		// a random first pixel, above a random row: the other filters
		// then leave noise.
		cur, prev := make([]uint8, n), make([]uint8, n)
		r.Read(prev)
		r.Read(cur[:4])
		for i := 4; i < n; i++ {
			cur[i] = uint8(r.Intn(256))
			// Residual of byte i under the wanted filter, given the bytes
			// before it; subtracting it makes the residual zero.
			applyFilter(want, scratch[:i+1], cur[:i+1], prev[:i+1], 4)
			cur[i] -= scratch[i]
		}
		applyFilter(want, scratch, cur, prev, 4)
		if !bytes.Equal(scratch[4:], make([]uint8, n-4)) {
			t.Fatalf("filter %d: test row not exactly predicted", want)
		}
		// Paeth also predicts an Up row exactly (its left and upper-left
		// neighbours are then equal); the tie goes to the cheaper Up.
		if got := chooseFilter(cur, prev, scratch, 4); got != want {
			t.Errorf("chose filter %d for a row that filter %d predicts exactly", got, want)
		}
	}
}

// TestOrientationOf covers metadata layouts that the decode tests do not
// build: LONG values, an XMP APP1 before the Exif one, fill bytes, and
// assorted damage, which must all yield a value in 1..8 without panicking.
func TestOrientationOf(t *testing.T) {
	tiffLE := func(o int, typ uint16) []byte {
		b := make([]byte, 8+2+12+4)
		copy(b, "II*\x00")
		binary.LittleEndian.PutUint32(b[4:], 8)
		binary.LittleEndian.PutUint16(b[8:], 1)
		binary.LittleEndian.PutUint16(b[10:], tagOrientation)
		binary.LittleEndian.PutUint16(b[12:], typ)
		binary.LittleEndian.PutUint32(b[14:], 1)
		binary.LittleEndian.PutUint32(b[18:], uint32(o))
		return b
	}
	seg := func(marker byte, payload []byte) []byte {
		s := []byte{0xff, marker, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(2+len(payload)))
		return append(s, payload...)
	}
	jpeg := func(parts ...[]byte) []byte {
		out := []byte{0xff, 0xd8}
		for _, p := range parts {
			out = append(out, p...)
		}
		return append(out, 0xff, 0xda, 0, 2)
	}
	exif := func(t []byte) []byte { return append([]byte("Exif\x00\x00"), t...) }
	xmp := seg(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
	huge := tiffLE(6, 3)
	binary.LittleEndian.PutUint16(huge[8:], 0xffff) // entry count far past the end

	cases := map[string]struct {
		format string
		data   []byte
		want   int
	}{
		"jpeg SHORT":            {"jpeg", jpeg(seg(0xe1, exif(tiffLE(6, 3)))), 6},
		"jpeg LONG":             {"jpeg", jpeg(seg(0xe1, exif(tiffLE(8, 4)))), 8},
		"jpeg after XMP":        {"jpeg", jpeg(xmp, seg(0xe1, exif(tiffLE(3, 3)))), 3},
		"jpeg fill bytes":       {"jpeg", jpeg([]byte{0xff, 0xff}, seg(0xe1, exif(tiffLE(5, 3)))), 5},
		"jpeg wrong type":       {"jpeg", jpeg(seg(0xe1, exif(tiffLE(6, 7)))), 1},
		"jpeg zero":             {"jpeg", jpeg(seg(0xe1, exif(tiffLE(0, 3)))), 1},
		"jpeg huge LONG":        {"jpeg", jpeg(seg(0xe1, exif(tiffLE(1<<30, 4)))), 1},
		"jpeg entry count":      {"jpeg", jpeg(seg(0xe1, exif(huge))), 6},
		"jpeg cut segment":      {"jpeg", jpeg(seg(0xe1, exif(tiffLE(6, 3))))[:20], 1},
		"jpeg bad length":       {"jpeg", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 1, 0, 0}, 1},
		"jpeg no SOI":           {"jpeg", []byte("not a jpeg at all"), 1},
		"jpeg exif after scan":  {"jpeg", append(jpeg(), seg(0xe1, exif(tiffLE(6, 3)))...), 1},
		"png garbage":           {"png", []byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xffeXIf"), 1},
		"webp odd chunk":        {"webp", []byte("RIFF\x00\x00\x00\x00WEBPJUNK\x01\x00\x00\x00x\x00EXIF\x1a\x00\x00\x00" + string(tiffLE(7, 3))), 7},
		"webp truncated EXIF":   {"webp", []byte("RIFF\x00\x00\x00\x00WEBPEXIF\xff\x00\x00\x00II*\x00"), 1},
		"tiff offset past end":  {"tiff", []byte("II*\x00\xff\xff\xff\x7f"), 1},
		"tiff big endian short": {"tiff", []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x04\x00\x00"), 4},
		"gif has none":          {"gif", []byte("GIF89a"), 1},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := orientationOf(bytes.NewReader(c.data), int64(len(c.data)), c.format); got != c.want {
				t.Errorf("orientation %d, want %d", got, c.want)
			}
		})
	}
}
