// Package imageio reads and writes the images that Cutout edits, safely and
// fast, in pure Go.
//
// # Decoding
//
// Decode and DecodeFile accept JPEG, PNG, WebP, TIFF, BMP and GIF (first
// frame only), whatever the file name says: the format is sniffed from the
// content. Every decoded image is converted once to *image.NRGBA (8 bits per
// channel, straight alpha, origin at (0, 0)) through fast paths per concrete
// type that work on Pix slices and split rows across cores with
// cutout/refine/parallel. 16-bit images are reduced to their high byte;
// premultiplied images are un-premultiplied; CMYK and YCCK JPEGs (including
// Adobe's inverted CMYK) come out as RGB. Sequential (baseline) JPEGs, the
// usual camera and phone output, are decoded by cutout/inference/imageio/jpegdec
// straight to NRGBA, its entropy decoding overlapped with the inverse DCT
// and colour conversion of earlier rows on other cores; anything it does not
// handle, or any error it meets, goes to image/jpeg instead, whose result or
// error is the one reported.
//
// EXIF orientation (values 1 to 8) is applied once at load, so the returned
// pixels are upright. It is read from the JPEG APP1 Exif segment, the PNG
// eXIf chunk, the WebP EXIF chunk and the TIFF file's own IFD0. Malformed or
// missing orientation metadata is treated as orientation 1; it never fails a
// decode.
//
// Hostile input is refused early and clearly. The image header is read first
// (image.DecodeConfig) and images above DecodeOptions.MaxPixels (100
// megapixels by default) or with a side above 1<<20 pixels are refused with
// ErrTooLarge before any pixel memory is allocated. Empty, truncated,
// corrupt and non-image inputs return an error that names the file, such as
//
//	imageio: decode "IMG 1.jpg": unexpected EOF
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
// search (the idea of fpng and fpnge). On photographic cutouts it is
// smaller than compress/flate at BestSpeed and several times faster;
// PNGOptions.Level selects compress/flate instead. The strip layout
// depends only on the image size, so the output bytes are the same on
// every machine.
//
// # Writing files
//
// WriteFile writes through a temporary file in the destination directory,
// syncs it and then renames it over the destination or, when overwriting is
// not allowed, links it into place without clobbering (ErrExists). On any
// error the temporary file is removed and an existing destination is left
// untouched. WritePNG combines it with EncodePNG.
//
// # Example
//
//	img, info, err := imageio.DecodeFile("portrait.jpg", nil)
//	if err != nil {
//		return err
//	}
//	fmt.Println(info.Format, info.Width, info.Height, info.Orientation)
//	return imageio.WritePNG("portrait.cutout.png", img, false)
//
// All functions are safe for concurrent use.
package imageio
