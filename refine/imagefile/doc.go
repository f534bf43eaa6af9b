// Package imagefile reads and writes the image files Cutout works on:
// decoding with limits and EXIF orientation, PNG encoding, atomic writes.
// It is pure Go.
//
// # Decoding
//
// Decode and DecodeFile accept JPEG, PNG, WebP, TIFF, BMP, GIF (first
// frame only), HEIC and AVIF, whatever the file name says: the format is
// sniffed from the content, and decoded by the standard library and
// golang.org/x/image, HEIC by libheif and libde265 and AVIF by libavif and
// aom, compiled to WebAssembly and run by wazero (github.com/gen2brain/heic
// and github.com/gen2brain/avif): still no cgo, and the same decoder on
// every platform. (They use a system libheif.so or libavif.so instead
// when one is installed, unless built with -tags nodynamic.) HEIC images
// under 97 pixels wide are refused: that decoder scrambles them.
// Every decoded image is converted once to *image.NRGBA (8 bits per
// channel, straight alpha, origin at (0, 0)) by imaging.Clone, but for
// JPEGs whose chroma is subsampled 2:1 (4:2:0, as most cameras and phones
// store them, 4:2:2 and 4:4:0): their chroma is interpolated between its
// samples as libjpeg-turbo does by default, so that they show the colours
// every other viewer and editor shows (within 4 levels, 0.3 on average,
// over the developer sets' photos; repeating each sample over its 2×2
// pixels, as imaging and the standard library do, is up to 59 levels off
// at colour edges, in 2×2 stairs that a cutout keeps); neither library
// at hand upsamples so. That conversion costs 15 to 35 ms more than
// imaging's on a 12 MP photo (BenchmarkDecodeJPEG12MP, the two run in
// turn: 134-167 ms with imaging's, 168-195 ms with this one). 16-bit
// images are reduced to their high byte; premultiplied images are
// un-premultiplied; CMYK and YCCK JPEGs (including Adobe's inverted CMYK)
// come out as RGB.
//
// A hand-written parallel JPEG decoder and SSE2 assembly for the PNG
// filters were measured against this and removed: on a 12 MP automatic
// cutout (3.9 s on two cores) they saved 137 ms (3.5%) and 82 ms (2.1%),
// under the 5% a hand-written part must win (BenchmarkRemoveRefined12MP
// in cmd/cutout).
//
// EXIF orientation (values 1 to 8) is applied once at load with imaging's
// transforms, so the returned pixels are upright. It is read from the JPEG APP1 Exif segment, the PNG
// eXIf chunk, the WebP EXIF chunk and the TIFF file's own IFD0. A HEIC or
// AVIF file is turned by its container's transforms of the primary image
// (irot and imir, as phones store portraits), which its format puts
// before Exif; a file without them, by the orientation of its Exif item. Malformed or
// missing orientation metadata is treated as orientation 1; it never fails a
// decode.
//
// Hostile input is refused early and clearly. The image header is read first
// (image.DecodeConfig) and images above DecodeOptions.MaxPixels (100
// megapixels by default) or with a side above 1<<20 pixels are refused with
// ErrTooLarge before any pixel memory is allocated. Empty, truncated,
// corrupt and non-image inputs return an error that names the file, such as
//
//	imagefile: decode "IMG 1.jpg": unexpected EOF
//
// A panic inside a third-party decoder is recovered and returned as an
// error. DecodeFile refuses directories, pipes and devices before reading
// them, so they cannot block.
//
// # Encoding
//
// EncodePNG writes *image.NRGBA as 8-bit RGBA (colour type 6) and
// *image.Gray as 8-bit greyscale (colour type 0). Colour under fully
// transparent pixels is written as 0, so no hidden background survives in a
// cutout; the caller's image is never modified. Each row gets the filter
// (Sub, Up, Average or Paeth) with the smallest residuals on a sample of
// the row. Horizontal strips of about 1 MiB are compressed in parallel and
// concatenated, with sync flushes, into a single zlib stream whose Adler-32
// is combined from the strips'. The default compressor is a deflate coder
// made for filtered rows: runs of a repeated byte become matches at
// distance 1 and every other byte a Huffman-coded literal, with no match
// search (the idea of fpng and fpnge). On a 12 MP cutout it takes 0.17 s
// where image/png takes 3.7 s (2.0 s at BestSpeed), and its files are
// smaller (15.6 MB against 22.6 MB): nine tenths of a cutout's time, so it
// stays. The strip layout depends only on the image size, so the output
// bytes are the same on every machine.
//
// # Writing files
//
// WriteFile writes through a temporary file in the destination directory,
// syncs it and then renames it over the destination or, when overwriting is
// not allowed, links it into place without clobbering (ErrExists). On any
// error the temporary file is removed and an existing destination is left
// untouched. WritePNG combines it with EncodePNG. WriteFiles writes a
// group (a cutout and its matte) all together or not at all: every
// destination is checked, every file staged, and only then are they put
// in place, undoing the group if one cannot be. On Unix a writer holds a
// lock on each of its temporary files until they are in place, so
// CleanTemp removes those a killed process left without touching those of
// one still writing, whatever process table it is in; elsewhere the
// writing process's ID in the name decides.
//
// Every PNG EncodePNG writes carries a tEXt chunk "Software: Cutout";
// MadeByCutout looks for it, so a batch can tell its own earlier outputs
// from a user's photos, and WholeByCutout also checks that the file ends
// whole. EncodePNGSource adds an iTXt chunk "Source" saying what the
// image was made from, which Source reads back.
//
// # Example
//
//	img, info, err := imagefile.DecodeFile("portrait.jpg", nil)
//	if err != nil {
//		return err
//	}
//	fmt.Println(info.Format, info.Width, info.Height, info.Orientation)
//	return imagefile.WritePNG("portrait.cutout.png", img, false)
//
// All functions are safe for concurrent use.
package imagefile
