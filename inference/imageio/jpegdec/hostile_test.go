package jpegdec_test

import (
	"bytes"
	"errors"
	"math/rand"
	"runtime"
	"testing"
	"time"

	"cutout/inference/imageio/jpegdec"
)

// hostileInputs are valid files that the hostile tests damage: one from
// image/jpeg's encoder large enough for the multi-core path, and
// restart-interval files from libjpeg-turbo.
func hostileInputs(t *testing.T) map[string][]byte {
	return map[string][]byte{
		"go 4:2:0":      encode(t, pattern(320, 240, 5), 80),
		"go grey":       encode(t, grayPattern(61, 29, 6), 90),
		"restart 4:2:0": readFixture(t, "restart-420-every3.jpg"),
		"restart rows":  readFixture(t, "restart-420-rows-320x240.jpg"),
	}
}

// checkDecoded checks the contract on a decode of damaged input: an error
// and no image, or an image of the size the returned Info gives.
func checkDecoded(t *testing.T, data []byte) error {
	t.Helper()
	img, info, err := jpegdec.Decode(data)
	if err != nil {
		if img != nil {
			t.Fatal("image returned with an error")
		}
		if !errors.Is(err, jpegdec.ErrMalformed) && !errors.Is(err, jpegdec.ErrUnsupported) {
			t.Fatalf("error %v wraps neither ErrMalformed nor ErrUnsupported", err)
		}
		return err
	}
	if img.Rect.Dx() != info.Width || img.Rect.Dy() != info.Height || img.Rect.Min.X != 0 || img.Rect.Min.Y != 0 {
		t.Fatalf("image bounds %v, info %dx%d", img.Rect, info.Width, info.Height)
	}
	return nil
}

// TestTruncated cuts every input at many offsets: each cut before EOI is
// an error.
func TestTruncated(t *testing.T) {
	for name, data := range hostileInputs(t) {
		t.Run(name, func(t *testing.T) {
			cuts := 300
			if testing.Short() {
				cuts = 60
			}
			step := max(1, len(data)/cuts)
			for n := 0; n < len(data)-1; n += step {
				if checkDecoded(t, data[:n]) == nil {
					t.Fatalf("cut at %d of %d bytes: no error", n, len(data))
				}
			}
		})
	}
}

// TestByteFlips damages inputs at seeded random places: no panic, no
// hang, an error or a well-formed image.
func TestByteFlips(t *testing.T) {
	rounds := 400
	if testing.Short() {
		rounds = 60
	}
	for name, data := range hostileInputs(t) {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewSource(int64(len(data))))
			buf := make([]byte, len(data))
			failed := 0
			for range rounds {
				copy(buf, data)
				for range 1 + r.Intn(4) {
					i := r.Intn(len(buf))
					switch r.Intn(3) {
					case 0:
						buf[i] ^= 1 << r.Intn(8)
					case 1:
						buf[i] = 0xff
					default:
						buf[i] = byte(r.Intn(256))
					}
				}
				if checkDecoded(t, buf) != nil {
					failed++
				}
			}
			t.Logf("%d of %d damaged files refused", failed, rounds)
		})
	}
}

// segment builds a marker segment with its length field.
func segment(marker byte, payload ...byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xff, marker, byte(n >> 8), byte(n)}, payload...)
}

// insertAfterSOI returns data with extra inserted right after SOI.
func insertAfterSOI(data, extra []byte) []byte {
	return append(append(append([]byte{}, data[:2]...), extra...), data[2:]...)
}

// entropyStart returns the offset of the first scan's entropy data.
func entropyStart(t *testing.T, data []byte) int {
	i := bytes.Index(data, []byte{0xff, 0xda})
	if i < 0 {
		t.Fatal("no SOS")
	}
	return i + 2 + (int(data[i+2])<<8 | int(data[i+3]))
}

func TestHostileSegments(t *testing.T) {
	good := encode(t, pattern(40, 24, 9), 75)
	start := entropyStart(t, good)
	withAt := func(at int, insert ...byte) []byte {
		return append(append(append([]byte{}, good[:at]...), insert...), good[at:]...)
	}
	sofAt := bytes.Index(good, []byte{0xff, 0xc0})
	huge := append([]byte{}, good...)
	huge[sofAt+5], huge[sofAt+6], huge[sofAt+7], huge[sofAt+8] = 0xff, 0xff, 0xff, 0xff
	hugeGrey := encode(t, grayPattern(8, 8, 1), 50)
	sof := bytes.Index(hugeGrey, []byte{0xff, 0xc0})
	hugeGrey[sof+5], hugeGrey[sof+6], hugeGrey[sof+7], hugeGrey[sof+8] = 0xff, 0xff, 0xff, 0xff

	for name, tc := range map[string]struct {
		data []byte
		ok   bool
	}{
		"empty":                    {nil, false},
		"SOI only":                 {[]byte{0xff, 0xd8}, false},
		"no SOI":                   {good[2:], false},
		"empty comment":            {insertAfterSOI(good, segment(0xfe)), true},
		"empty APP1":               {insertAfterSOI(good, segment(0xe1)), true},
		"segment length 0":         {insertAfterSOI(good, []byte{0xff, 0xfe, 0, 0}), false},
		"segment length 1":         {insertAfterSOI(good, []byte{0xff, 0xfe, 0, 1}), false},
		"segment past the end":     {append([]byte{0xff, 0xd8}, 0xff, 0xfe, 0xff, 0xff, 1, 2), false},
		"empty DQT":                {insertAfterSOI(good, segment(0xdb)), true},
		"empty DHT":                {insertAfterSOI(good, segment(0xc4)), true},
		"short DHT":                {insertAfterSOI(good, segment(0xc4, 0x00, 1, 2)), false},
		"DHT overfull code space":  {insertAfterSOI(good, segment(0xc4, append([]byte{0x00, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 2, 3)...)), false},
		"DHT without codes":        {insertAfterSOI(good, segment(0xc4, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), false},
		"DHT bad class":            {insertAfterSOI(good, segment(0xc4, append([]byte{0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0)...)), false},
		"DQT bad precision":        {insertAfterSOI(good, segment(0xdb, append([]byte{0x20}, make([]byte, 64)...)...)), false},
		"DRI wrong length":         {insertAfterSOI(good, segment(0xdd, 0)), false},
		"huge frame, tiny body":    {huge, false},
		"huge grey, tiny body":     {hugeGrey, false},
		"EOI inside entropy data":  {withAt(start+40, 0xff, 0xd9), false},
		"RST without DRI":          {withAt(start+40, 0xff, 0xd0), false},
		"SOS inside entropy data":  {withAt(start+10, 0xff, 0xda), false},
		"entropy data cut to zero": {append(append([]byte{}, good[:start]...), 0xff, 0xd9), false},
		"no EOI":                   {good[:len(good)-2], false},
		"junk after EOI":           {append(append([]byte{}, good...), 1, 2, 3), true},
		"two SOFs":                 {insertAfterSOI(good, good[sofAt:sofAt+2+int(good[sofAt+3])]), false},
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			t0 := time.Now()
			err := checkDecoded(t, tc.data)
			el := time.Since(t0)
			runtime.ReadMemStats(&after)
			if tc.ok && err != nil {
				t.Errorf("error %v, want a decoded image", err)
			}
			if !tc.ok && err == nil {
				t.Error("no error")
			}
			// The inputs are at most a few kB: nothing should allocate
			// more than a small image.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("allocated %d bytes", alloc)
			}
			if el > time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}
