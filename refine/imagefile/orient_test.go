package imagefile_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"testing"

	"golang.org/x/image/tiff"

	"cutout/refine/imagefile"
)

// exifSides gives, for each orientation, which side of the displayed
// image the stored image's 0th row and 0th column show, as the EXIF
// specification (CIPA DC-008, tag 0x0112) words it.
var exifSides = [9]struct{ row, col string }{
	1: {"top", "left"},
	2: {"top", "right"},
	3: {"bottom", "right"},
	4: {"bottom", "left"},
	5: {"left", "top"},
	6: {"right", "top"},
	7: {"right", "bottom"},
	8: {"left", "bottom"},
}

// stored returns the image a camera would store so that displaying it with
// orientation o shows view. It is written from exifSides, independently of
// the package's own transform table.
func stored(view *image.NRGBA, o int) *image.NRGBA {
	W, H := view.Rect.Dx(), view.Rect.Dy()
	s := exifSides[o]
	sw, sh := W, H
	if s.row == "left" || s.row == "right" {
		sw, sh = H, W
	}
	out := image.NewNRGBA(image.Rect(0, 0, sw, sh))
	for sy := 0; sy < sh; sy++ {
		for sx := 0; sx < sw; sx++ {
			vx, vy := -1, -1
			switch s.row { // stored row sy lies along this displayed side
			case "top":
				vy = sy
			case "bottom":
				vy = H - 1 - sy
			case "left":
				vx = sy
			case "right":
				vx = W - 1 - sy
			}
			switch s.col { // stored column sx lies along this displayed side
			case "left":
				vx = sx
			case "right":
				vx = W - 1 - sx
			case "top":
				vy = sx
			case "bottom":
				vy = H - 1 - sx
			}
			out.SetNRGBA(sx, sy, view.NRGBAAt(vx, vy))
		}
	}
	return out
}

func TestOrient(t *testing.T) {
	for _, sz := range []image.Point{{1, 1}, {5, 3}, {130, 67}} {
		view := noise(sz.X, sz.Y, int64(sz.X))
		for o := 1; o <= 8; o++ {
			t.Run(fmt.Sprintf("%dx%d/%d", sz.X, sz.Y, o), func(t *testing.T) {
				src := stored(view, o)
				before := append([]uint8{}, src.Pix...)
				got := imagefile.Orient(src, o)
				exact(t, got, view)
				if !bytes.Equal(src.Pix, before) {
					t.Error("Orient modified its input")
				}
				if o == 1 && got != src {
					t.Error("Orient(img, 1) should return img itself")
				}
			})
		}
	}
}

// TestOrientSubImage checks that an input whose origin is not (0, 0) and
// whose stride exceeds its width is handled.
func TestOrientSubImage(t *testing.T) {
	big := noise(40, 30, 7)
	sub := big.SubImage(image.Rect(3, 5, 20, 12)).(*image.NRGBA)
	for o := 2; o <= 8; o++ {
		got := imagefile.Orient(sub, o)
		back := imagefile.Orient(got, inverse[o])
		exact(t, back, imagefile.ToNRGBA(sub))
	}
}

// inverse maps each orientation to the one that undoes it.
var inverse = [9]int{0, 1, 2, 3, 4, 5, 8, 7, 6}

func TestOrientOutOfRange(t *testing.T) {
	img := noise(3, 2, 1)
	for _, o := range []int{-1, 0, 9, 1 << 20} {
		if got := imagefile.Orient(img, o); got != img {
			t.Errorf("Orient(img, %d) returned a new image; want img unchanged", o)
		}
	}
}

// TestDecodeOrientation stores the pattern as a camera would for each
// orientation, in each format that carries EXIF, and checks that decoding
// shows it upright.
func TestDecodeOrientation(t *testing.T) {
	view := pattern(48, 32, false)
	lossless := pattern(24, 16, false) // the size of the WebP sample
	webp := readTestdata(t, "pattern-lossless.webp")
	for o := 1; o <= 8; o++ {
		src := stored(view, o)
		var tb bytes.Buffer
		if err := tiff.Encode(&tb, src, nil); err != nil {
			t.Fatal(err)
		}
		jpegPlain := encodeJPEG(t, src, 95)
		cases := []struct {
			name string
			data []byte
			want *image.NRGBA
			tol  int
		}{
			{"jpeg-II", jpegWithExif(jpegPlain, o, binary.LittleEndian), view, jpegTol},
			{"jpeg-MM", jpegWithExif(jpegPlain, o, binary.BigEndian), view, jpegTol},
			{"png-eXIf", pngWithChunk(encodeStdPNG(t, src), "eXIf", exifTIFF(o, binary.BigEndian)), view, 0},
			{"png-eXIf-with-Exif-prefix", pngWithChunk(encodeStdPNG(t, src), "eXIf", append([]byte("Exif\x00\x00"), exifTIFF(o, binary.LittleEndian)...)), view, 0},
			{"tiff", tiffWithOrientation(t, tb.Bytes(), o), view, 0},
		}
		if o == 1 {
			// The WebP sample is stored upright; tagging it rotates it.
			for o2 := 1; o2 <= 8; o2++ {
				cases = append(cases, struct {
					name string
					data []byte
					want *image.NRGBA
					tol  int
				}{fmt.Sprintf("webp-EXIF-%d", o2), webpWithExif(t, webp, o2), imagefile.Orient(lossless, o2), 0})
			}
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%d/%s", o, c.name), func(t *testing.T) {
				img, info, err := imagefile.Decode(bytes.NewReader(c.data), nil)
				if err != nil {
					t.Fatal(err)
				}
				if info.Width != c.want.Rect.Dx() || info.Height != c.want.Rect.Dy() {
					t.Fatalf("info size %dx%d, want %v", info.Width, info.Height, c.want.Rect.Size())
				}
				if d := maxDiff(img, c.want); d > c.tol {
					t.Errorf("max channel difference %d from the upright pattern, want ≤ %d", d, c.tol)
				}
			})
		}
		if o != 1 {
			// The same JPEG with and without the tag must differ by exactly
			// the orientation transform.
			plain, _, err := imagefile.Decode(bytes.NewReader(jpegPlain), nil)
			if err != nil {
				t.Fatal(err)
			}
			tagged, info, err := imagefile.Decode(bytes.NewReader(jpegWithExif(jpegPlain, o, binary.BigEndian)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.Orientation != o {
				t.Errorf("orientation %d, want %d", info.Orientation, o)
			}
			exact(t, tagged, imagefile.Orient(plain, o))
		}
	}
}

// jpegTol bounds the error of JPEG quality 95 with 4:2:0 chroma on the
// pattern: its hard blue edge rings (8 measured with the chroma repeated
// over each 2×2 block) and, as the edge falls between two chroma samples,
// the chroma interpolated between them as libjpeg does spreads it over a
// pixel on each side (74 measured there). A pattern shown in the wrong
// orientation is off by 200 or more.
const jpegTol = 80
