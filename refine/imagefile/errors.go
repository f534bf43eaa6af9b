package imagefile

import "errors"

var (
	// ErrTooLarge reports an image whose declared dimensions exceed the
	// pixel limit (DecodeOptions.MaxPixels) or the side limit (MaxSide), or
	// an input far longer than its dimensions can justify.
	ErrTooLarge = errors.New("imagefile: image too large")

	// ErrUnsupportedFormat reports an input that is not an image in one of
	// the supported formats (JPEG, PNG, WebP, TIFF, BMP, GIF, HEIC, AVIF).
	ErrUnsupportedFormat = errors.New("imagefile: unsupported image format")

	// ErrNotRegular reports a path that names a directory, pipe, device or
	// other non-regular file, which DecodeFile refuses without reading it.
	ErrNotRegular = errors.New("imagefile: not a regular file")

	// ErrExists reports that WriteFile was asked not to overwrite and the
	// destination already exists.
	ErrExists = errors.New("imagefile: file already exists")
)
