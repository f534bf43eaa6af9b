package imagefile

import (
	"image"
	"io"
)

// EncodePNGFilter is EncodePNG with a fixed row filter, for the tests:
// 0 chooses per row (EncodePNG's way), 1 none, 2 sub, 3 up, 4 average,
// 5 Paeth.
func EncodePNGFilter(w io.Writer, img image.Image, filter int) error {
	return encodePNG(w, img, pngFilter(filter), "")
}
