package imagefile

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "golang.org/x/image/bmp"  // register BMP
	_ "golang.org/x/image/tiff" // register TIFF
	_ "golang.org/x/image/webp" // register WebP
)

// DefaultMaxPixels is the pixel limit used when DecodeOptions.MaxPixels is
// zero: 100 megapixels, 400 MB as NRGBA.
const DefaultMaxPixels = 100_000_000

// MaxSide is the largest width or height Decode accepts, whatever the
// pixel limit: 1<<20 pixels.
const MaxSide = 1 << 20

// slackBytes is how far an input may run past the largest size its
// dimensions justify (8 bytes per pixel, uncompressed 16-bit RGBA) before
// Decode stops reading it. It leaves room for metadata such as ICC profiles
// and for data appended after the image (embedded previews, motion
// photos), which decoders ignore.
const slackBytes = 64 << 20

// minHEICWidth is the narrowest HEIC image Decode reads. The HEIC
// decoder (github.com/gen2brain/heic 0.4.5) assumes rows of each plane
// padded to 16 bytes where libheif pads them to 64 bytes or more, so an
// image under 97 pixels wide comes out scrambled (measured from 16 to 96
// pixels; 97 to 4032 decode right); photos are far wider.
const minHEICWidth = 97

// DecodeOptions tunes Decode. A nil *DecodeOptions means the defaults.
type DecodeOptions struct {
	// MaxPixels is the largest width×height accepted, checked from the
	// header before any pixel is decoded. Zero or negative means
	// DefaultMaxPixels.
	MaxPixels int64
}

func (o *DecodeOptions) maxPixels() int64 {
	if o == nil || o.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

// Info describes a decoded image.
type Info struct {
	// Format is the format sniffed from the content, as registered with
	// package image: "jpeg", "png", "webp", "tiff", "bmp", "gif", "heic"
	// or "avif".
	Format string
	// Width and Height are the size in pixels after orientation.
	Width, Height int
	// Orientation is the EXIF orientation that was applied, 1..8 (1 when
	// the file has none).
	Orientation int
	// ColorModel names the colour model the file was stored in, such as
	// "YCbCr 4:2:0", "CMYK", "Gray", "Gray16", "NRGBA", "NRGBA64", "RGBA",
	// "RGBA64", "Paletted" or "NYCbCrA 4:2:0".
	ColorModel string
}

// Decode reads one image from r, applies its EXIF orientation and returns
// it as *image.NRGBA with its origin at (0, 0). See the package
// documentation for formats, limits and errors. Errors are prefixed
// "imagefile: decode:".
func Decode(r io.Reader, opt *DecodeOptions) (*image.NRGBA, Info, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, bytes.Buffer, strings.Reader
		size = int64(l.Len())
	}
	return decode(r, "", size, opt)
}

// DecodeFile is Decode for a named file. It refuses directories, pipes and
// devices (ErrNotRegular) without reading them, and names path in every
// error: imagefile: decode "path": ....
func DecodeFile(path string, opt *DecodeOptions) (*image.NRGBA, Info, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, Info{}, err
	}
	defer f.Close()
	return decode(f, path, size, opt)
}

// IsImageFile reports whether name has an extension Decode is meant for:
// .jpg, .jpeg, .jpe, .jfif, .png, .webp, .tif, .tiff, .bmp, .gif, .heic,
// .heif, .hif or .avif, in any case. It looks at the name only; Decode
// sniffs the content regardless.
func IsImageFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".heif", ".hif", ".avif":
		return true
	}
	return false
}

// errEmpty reports an input with no bytes at all.
var errEmpty = fmt.Errorf("empty file: %w", io.ErrUnexpectedEOF)

// decodeErr wraps err with the package prefix and, when known, the name
// of the input; a sentinel of this package (ErrTooLarge, ...) does not
// repeat the prefix: imagefile: decode "x": unsupported image format.
func decodeErr(name string, err error) error {
	where := "imagefile: decode"
	if name != "" {
		where += " " + strconv.Quote(name)
	}
	return &contextError{msg: where + ": " + strings.TrimPrefix(err.Error(), "imagefile: "), err: err}
}

// contextError is an error with context before its cause's text; it
// unwraps to the cause.
type contextError struct {
	msg string
	err error
}

func (e *contextError) Error() string { return e.msg }
func (e *contextError) Unwrap() error { return e.err }

// openRegular opens path for reading after checking, before and after
// opening, that it is a regular file, so that a directory, a FIFO (whose
// open would block) or a device is refused without being read.
func openRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, decodeErr(path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, decodeErr(path, notRegular(fi))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, decodeErr(path, unwrapPath(err))
	}
	fi, err = f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegular(fi)
	}
	if err != nil {
		f.Close()
		return nil, 0, decodeErr(path, unwrapPath(err))
	}
	return f, fi.Size(), nil
}

// notRegular describes why fi is not a file Decode will read.
func notRegular(fi fs.FileInfo) error {
	kind := "special file"
	switch m := fi.Mode(); {
	case m.IsDir():
		kind = "directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "named pipe"
	case m&fs.ModeSocket != 0:
		kind = "socket"
	case m&fs.ModeDevice != 0:
		kind = "device"
	}
	return fmt.Errorf("%w: is a %s", ErrNotRegular, kind)
}

// unwrapPath drops the *fs.PathError layer, whose text repeats the path
// that decodeErr already quotes; the underlying errno still matches
// fs.ErrNotExist, fs.ErrPermission and the like.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// decode implements Decode and DecodeFile. size is the input length when
// known, else -1.
func decode(r io.Reader, name string, size int64, opt *DecodeOptions) (*image.NRGBA, Info, error) {
	// Header first: nothing proportional to the image is allocated until
	// its dimensions have been checked.
	rec := &recorder{r: r}
	if size > 0 {
		rec.buf = make([]byte, 0, min(size, 1<<16))
	}
	cfg, format, err := decodeConfig(rec)
	if err != nil {
		return nil, Info{}, decodeErr(name, configErr(err, rec))
	}
	if err := checkSize(cfg.Width, cfg.Height, opt.maxPixels()); err != nil {
		return nil, Info{}, decodeErr(name, err)
	}
	if format == "heic" && cfg.Width < minHEICWidth {
		return nil, Info{}, decodeErr(name, fmt.Errorf("%w: HEIC %d pixels wide: the HEIC decoder reads images %d pixels wide or more", ErrUnsupportedFormat, cfg.Width, minHEICWidth))
	}

	limit := int64(cfg.Width)*int64(cfg.Height)*8 + slackBytes
	data, truncated, err := readRest(r, rec.buf, size, limit)
	if err != nil {
		return nil, Info{}, decodeErr(name, unwrapPath(err))
	}
	orientation := orientationOf(bytes.NewReader(data), int64(len(data)), format)

	info := Info{Format: format, Orientation: orientation}
	conv, model, err := decodePixels(data, format, cfg, opt.maxPixels())
	if err != nil {
		if truncated {
			err = fmt.Errorf("%w: input longer than %d bytes for %dx%d pixels (%v)", ErrTooLarge, limit, cfg.Width, cfg.Height, err)
		}
		return nil, Info{}, decodeErr(name, err)
	}
	info.ColorModel = model
	apply := orientation
	if format == "heic" {
		// libheif applies the container's transforms itself (and
		// reports the size after them), not the Exif orientation.
		if _, container := heifOrientation(bytes.NewReader(data), int64(len(data))); container {
			apply = 1
		}
	}
	out := Orient(conv, apply)
	info.Width, info.Height = out.Rect.Dx(), out.Rect.Dy()
	return out, info, nil
}

// decodePixels decodes the whole input data, whose header said cfg, to
// NRGBA and names its colour model. A size over the limits is returned
// wrapping ErrTooLarge; other errors are the decoder's.
func decodePixels(data []byte, format string, cfg image.Config, maxPixels int64) (*image.NRGBA, string, error) {
	img, err := decodeImage(bytes.NewReader(data))
	if err != nil {
		return nil, "", err
	}
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy(), maxPixels); err != nil {
		return nil, "", err
	}
	var conv *image.NRGBA
	smooth := false
	if y, ok := img.(*image.YCbCr); ok && format == "jpeg" {
		conv, smooth = smoothYCbCr(y)
	}
	if !smooth {
		conv = toNRGBA(img, true)
	}
	if canvas := image.Rect(0, 0, cfg.Width, cfg.Height); format == "gif" && b != canvas {
		// A GIF's first frame may cover only part of its logical screen;
		// what it leaves uncovered is transparent.
		conv = placeOn(canvas, conv, b.Min)
	}
	return conv, imageModelName(img), nil
}

// placeOn returns a transparent image of size canvas with img drawn at
// offset at, clipped to the canvas.
func placeOn(canvas image.Rectangle, img *image.NRGBA, at image.Point) *image.NRGBA {
	dst := image.NewNRGBA(canvas)
	r := img.Rect.Add(at).Intersect(canvas)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(dst.Pix[dst.PixOffset(r.Min.X, y):dst.PixOffset(r.Max.X, y)], img.Pix[img.PixOffset(r.Min.X-at.X, y-at.Y):])
	}
	return dst
}

// checkSize refuses empty images and images over the side or pixel limits.
func checkSize(w, h int, maxPixels int64) error {
	switch px := int64(w) * int64(h); {
	case w <= 0 || h <= 0:
		return fmt.Errorf("invalid dimensions %dx%d", w, h)
	case w > MaxSide || h > MaxSide:
		return fmt.Errorf("%w: %dx%d has a side over %d pixels", ErrTooLarge, w, h, MaxSide)
	case px > maxPixels:
		return fmt.Errorf("%w: %dx%d is %d pixels, over the limit of %d", ErrTooLarge, w, h, px, maxPixels)
	}
	return nil
}

// configErr turns the error of image.DecodeConfig into the one to report:
// a read error that image.DecodeConfig hid behind "unknown format", an
// empty input, or an unsupported format.
func configErr(err error, rec *recorder) error {
	switch {
	case rec.err != nil:
		return unwrapPath(rec.err)
	case rec.total == 0:
		return errEmpty
	case errors.Is(err, image.ErrFormat):
		return ErrUnsupportedFormat
	}
	return err
}

// decodeConfig calls image.DecodeConfig, turning a decoder panic into an
// error.
func decodeConfig(r io.Reader) (cfg image.Config, format string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed image: decoder panic: %v", p)
		}
	}()
	return image.DecodeConfig(r)
}

// decodeImage calls image.Decode, turning a decoder panic into an error.
func decodeImage(r io.Reader) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("malformed image: decoder panic: %v", p)
		}
	}()
	img, _, err = image.Decode(r)
	if err == nil && img == nil {
		err = errors.New("malformed image: decoder returned no image")
	}
	return img, err
}

// recorder keeps every byte read through it, so that the bytes consumed
// while sniffing the header can be decoded again, and remembers the first
// read error other than io.EOF.
type recorder struct {
	r     io.Reader
	buf   []byte
	total int64
	err   error
}

func (rc *recorder) Read(p []byte) (int, error) {
	n, err := rc.r.Read(p)
	rc.buf = append(rc.buf, p[:n]...)
	rc.total += int64(n)
	if err != nil && err != io.EOF && rc.err == nil {
		rc.err = err
	}
	return n, err
}

// readRest appends the rest of r to head, reading at most limit bytes in
// all. size, when not negative, is the expected total and sizes the buffer
// in one allocation. truncated reports that r had more than limit bytes.
func readRest(r io.Reader, head []byte, size, limit int64) (data []byte, truncated bool, err error) {
	// One byte more than expected tells whether the input was cut. Without
	// a known size, start small and grow: the limit is a bound, not a guess.
	want := min(limit, 1<<20) + 1
	if size >= 0 {
		want = min(size, limit) + 1
	}
	if int64(cap(head)) < want {
		buf := make([]byte, len(head), max(want, int64(len(head))))
		copy(buf, head)
		head = buf
	}
	data = head
	for idle := 0; int64(len(data)) <= limit; {
		if len(data) == cap(data) {
			grow := min(int64(cap(data))*2+4096, limit+1)
			buf := make([]byte, len(data), grow)
			copy(buf, data)
			data = buf
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if idle = idle + 1; n > 0 {
			idle = 0
		} else if idle >= 100 {
			return nil, false, io.ErrNoProgress
		}
	}
	return data[:limit], true, nil
}

// modelName names a colour model as Info.ColorModel does.
func modelName(m color.Model) string {
	switch m {
	case color.RGBAModel:
		return "RGBA"
	case color.RGBA64Model:
		return "RGBA64"
	case color.NRGBAModel:
		return "NRGBA"
	case color.NRGBA64Model:
		return "NRGBA64"
	case color.GrayModel:
		return "Gray"
	case color.Gray16Model:
		return "Gray16"
	case color.AlphaModel:
		return "Alpha"
	case color.Alpha16Model:
		return "Alpha16"
	case color.CMYKModel:
		return "CMYK"
	case color.YCbCrModel:
		return "YCbCr"
	case color.NYCbCrAModel:
		return "NYCbCrA"
	}
	if _, ok := m.(color.Palette); ok {
		return "Paletted"
	}
	return "other"
}

// imageModelName names the colour model of a decoded image, with the
// chroma subsampling for YCbCr images.
func imageModelName(img image.Image) string {
	switch t := img.(type) {
	case *image.YCbCr:
		return "YCbCr " + ratioName(t.SubsampleRatio)
	case *image.NYCbCrA:
		return "NYCbCrA " + ratioName(t.SubsampleRatio)
	}
	return modelName(img.ColorModel())
}

func ratioName(r image.YCbCrSubsampleRatio) string {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return "4:4:4"
	case image.YCbCrSubsampleRatio422:
		return "4:2:2"
	case image.YCbCrSubsampleRatio420:
		return "4:2:0"
	case image.YCbCrSubsampleRatio440:
		return "4:4:0"
	case image.YCbCrSubsampleRatio411:
		return "4:1:1"
	case image.YCbCrSubsampleRatio410:
		return "4:1:0"
	}
	return r.String()
}
