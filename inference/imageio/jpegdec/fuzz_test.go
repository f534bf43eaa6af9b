package jpegdec_test

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"cutout/inference/imageio/jpegdec"
)

// FuzzDecode checks that Decode never panics or hangs and that, when both
// it and image/jpeg decode an input, they agree on its size. Seeds are the
// fixtures, small image/jpeg files and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.jpg"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(encode(f, pattern(17, 9, 1), 50))
	f.Add(encode(f, grayPattern(9, 17, 2), 90))
	f.Fuzz(func(t *testing.T, data []byte) {
		// image/jpeg allocates whatever the header says; keep it small.
		cfg, cfgErr := jpeg.DecodeConfig(bytes.NewReader(data))
		img, info, err := jpegdec.Decode(data)
		if err != nil {
			if img != nil {
				t.Fatal("image returned with an error")
			}
			return
		}
		if img.Rect.Dx() != info.Width || img.Rect.Dy() != info.Height || len(img.Pix) != 4*info.Width*info.Height {
			t.Fatalf("image %v (%d bytes), info %dx%d", img.Rect, len(img.Pix), info.Width, info.Height)
		}
		if cfgErr != nil || cfg.Width*cfg.Height > 1<<22 {
			return
		}
		std, stdErr := jpeg.Decode(bytes.NewReader(data))
		if stdErr == nil && std.Bounds().Size() != img.Rect.Size() {
			t.Fatalf("size %v, image/jpeg %v", img.Rect.Size(), std.Bounds().Size())
		}
	})
}
