package imagefile_test

import (
	"errors"
	"path/filepath"
	"testing"

	"cutout/refine/imagefile"
)

// TestHEIF: HEIC and AVIF photos decode upright at their displayed size,
// whether they are stored upright, turned by the container (irot, as
// phones store portraits) or turned by Exif orientation only (as
// converters that keep Exif store them), and match the upright JPEG they
// were made from within the loss of their lossy codecs.
func TestHEIF(t *testing.T) {
	want, _, err := imagefile.DecodeFile(filepath.Join("testdata", "portrait-upright.jpg"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		format      string
		orientation int
	}{
		"portrait.heic":       {"heic", 1},
		"portrait-irot.heic":  {"heic", 6},
		"portrait-exif6.heic": {"heic", 6},
		"portrait.avif":       {"avif", 1},
		"portrait-irot.avif":  {"avif", 6},
		"portrait-exif6.avif": {"avif", 6},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			img, info, err := imagefile.DecodeFile(filepath.Join("testdata", name), nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != c.format || info.Orientation != c.orientation || info.Width != 160 || info.Height != 120 {
				t.Errorf("info %+v, want format %s, orientation %d, 160x120", info, c.format, c.orientation)
			}
			// A turned or scrambled image differs by 40 or more on
			// average; x265 and aom at quality 85 by about 4.
			if d := meanDiff(img, want); d > 8 {
				t.Errorf("mean difference %.1f from the upright JPEG, want 8 or less", d)
			}
		})
	}
}

// TestHEICTooNarrow: a HEIC image narrower than the decoder reads
// correctly is refused as unsupported, never returned scrambled.
func TestHEICTooNarrow(t *testing.T) {
	_, _, err := imagefile.DecodeFile(filepath.Join("testdata", "narrow-96.heic"), nil)
	if !errors.Is(err, imagefile.ErrUnsupportedFormat) {
		t.Fatalf("error %v, want ErrUnsupportedFormat", err)
	}
	if want := `imagefile: decode "testdata/narrow-96.heic": unsupported image format: HEIC 96 pixels wide: the HEIC decoder reads images 97 pixels wide or more`; err.Error() != want {
		t.Errorf("error\n  %s\nwant\n  %s", err, want)
	}
}
