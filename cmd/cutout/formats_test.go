package main

import (
	"os"
	"path/filepath"
	"testing"
)

// testdataPhoto copies a photo of refine/imagefile's test data to name.
func testdataPhoto(src, name string) setup {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join("..", "..", "refine", "imagefile", "testdata", src), p)
	}
}

// TestPhonePhotos: a folder of what phones and cameras save is cut out
// whole: HEIC as an iPhone stores a portrait (turned by the container),
// AVIF turned by Exif only, a JPEG named .jfif; the files of the folder
// Cutout does not read (a raw photo, a text file) are named, not passed
// over in silence.
func TestPhonePhotos(t *testing.T) {
	okLine := func(i, in, out string) string {
		return "[" + i + "/3] ok   photos/" + in + " -> out/" + out + "  160x120  T  (stages) CPU"
	}
	c := safetyCase{
		files: []setup{
			testdataPhoto("portrait-irot.heic", "photos/IMG_0001.HEIC"),
			testdataPhoto("portrait-exif6.avif", "photos/IMG_0002.avif"),
			testdataPhoto("portrait-upright.jpg", "photos/scan.jfif"),
			func(t *testing.T, dir string) {
				for name, content := range map[string]string{"photos/IMG_0003.DNG": "raw sensor data", "photos/notes.txt": "a note"} {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
		},
		args: []string{"remove", "--cpu", "-o", "out", "photos"},
		stdout: []string{
			okLine("1", "IMG_0001.HEIC", "IMG_0001.png"),
			okLine("2", "IMG_0002.avif", "IMG_0002.png"),
			okLine("3", "scan.jfif", "scan.png"),
			"3 ok, 0 failed, 0 skipped, in T on CPU, peak memory M",
		},
		stderr: []string{
			"cutout: photos: 2 files not read (Cutout reads JPEG, PNG, WebP, TIFF, BMP, GIF, HEIC and AVIF): IMG_0003.DNG, notes.txt",
			"cutout: model M",
		},
		sub:   "out",
		added: []string{"IMG_0001.png", "IMG_0002.png", "scan.png"},
	}
	dir := c.run(t)
	for _, n := range []string{"IMG_0001.png", "IMG_0002.png", "scan.png"} {
		if b := decodePNG(t, filepath.Join(dir, "out", n)).Bounds(); b.Dx() != 160 || b.Dy() != 120 {
			t.Errorf("%s is %dx%d, want 160x120 (upright)", n, b.Dx(), b.Dy())
		}
	}
}
