package imagefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"log"
	"os"
	"path/filepath"

	"cutout/refine/imagefile"
)

// Decode an image (here a PNG made on the spot), whatever its format, as
// upright straight-alpha NRGBA.
func ExampleDecode() {
	src := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	src.SetNRGBA(0, 0, color.NRGBA{R: 255, A: 255})
	var file bytes.Buffer
	if err := imagefile.EncodePNG(&file, src); err != nil {
		log.Fatal(err)
	}

	img, info, err := imagefile.Decode(&file, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Format, info.Width, info.Height, info.Orientation, info.ColorModel)
	fmt.Println(img.NRGBAAt(0, 0))
	// Output:
	// png 4 3 1 NRGBA
	// {255 0 0 255}
}

// Write a cutout without clobbering an existing file.
func ExampleWritePNG() {
	dir, err := os.MkdirTemp("", "cutout")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "portrait.cutout.png")

	cutout := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	fmt.Println(imagefile.WritePNG(path, cutout, false))
	err = imagefile.WritePNG(path, cutout, false)
	fmt.Println(errors.Is(err, imagefile.ErrExists))
	// Output:
	// <nil>
	// true
}

// Refuse an image whose header declares too many pixels, before decoding
// any of them.
func ExampleDecodeOptions() {
	var file bytes.Buffer
	if err := imagefile.EncodePNG(&file, image.NewGray(image.Rect(0, 0, 2000, 1000))); err != nil {
		log.Fatal(err)
	}
	_, _, err := imagefile.Decode(&file, &imagefile.DecodeOptions{MaxPixels: 1_000_000})
	fmt.Println(errors.Is(err, imagefile.ErrTooLarge))
	fmt.Println(err)
	// Output:
	// true
	// imagefile: decode: image too large: 2000x1000 is 2000000 pixels, over the limit of 1000000
}

// Encode a matte as 8-bit greyscale, straight into any writer.
func ExampleEncodePNG() {
	matte := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range matte.Pix {
		matte.Pix[i] = uint8(i % 640 * 255 / 639)
	}
	n := &counter{}
	if err := imagefile.EncodePNG(n, matte); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.bytes < 640*480/10)
	// Output: true
}

type counter struct{ bytes int }

func (c *counter) Write(p []byte) (int, error) { c.bytes += len(p); return len(p), nil }

var _ io.Writer = (*counter)(nil)
