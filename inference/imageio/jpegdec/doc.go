// Package jpegdec decodes the common kind of JPEG, fast: baseline and
// extended sequential Huffman-coded files (SOF0, SOF1) with 8-bit
// samples, greyscale or YCbCr, straight into an opaque *image.NRGBA.
//
// It exists for speed: on a 12-megapixel 4:2:0 photo it takes about half
// the time of image/jpeg followed by a conversion to NRGBA, and it spreads
// the work over cores (see Concurrency).
//
// # Contract
//
// Decode takes the whole file in memory. Any error means "decode this
// file with image/jpeg instead", and callers do exactly that, so that
// image/jpeg's result or error is what users see for every file this
// package does not decode. Errors wrap ErrUnsupported (a valid file
// outside the subset below) or ErrMalformed (anything else, including
// damage that image/jpeg might tolerate). Decode never panics on hostile
// input, always terminates in time linear in the input and the frame
// size, and allocates the W×H×4 output plus O(width) working memory. Before
// allocating the output it checks that the entropy-coded data is long
// enough to code the frame's blocks at two bits each, so a tiny file
// cannot claim a huge frame; callers still bound W×H as for any decoder.
//
// # Supported
//
//   - SOF0 and SOF1, 8-bit precision, Huffman coding; 8- and 16-bit
//     quantisation tables; DHT and DQT anywhere before the scan.
//   - One component (grey), or three in one interleaved scan, treated as
//     YCbCr exactly when image/jpeg does: a JFIF header, or Adobe
//     transform 1 or 2, or component identifiers other than 'R','G','B'.
//   - The sampling factors image/jpeg supports: luma h in {1, 2, 4} and
//     v in {1, 2}, chroma components alike and dividing luma's, that is
//     4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1 and 4:1:0. Info.Ratio reports the
//     ratio as image.YCbCr.SubsampleRatio would.
//   - Restart intervals (DRI, RST0–RST7).
//
// Refused with ErrUnsupported: progressive, lossless, hierarchical and
// arithmetic-coded files, 12-bit samples, four components (CMYK, YCCK),
// RGB (Adobe transform 0 or 'R','G','B' identifiers without JFIF), DNL,
// other sampling factors, and images coded in more than one scan.
// ErrMalformed is stricter than image/jpeg in a few places it is lenient:
// entropy data that ends early or has bytes left over before the next
// marker, restart markers out of place, runs past the end of a block,
// and a missing EOI.
//
// # Output
//
// Chroma is upsampled by replication (each chroma sample covers its
// h×v luma pixels), as image.YCbCr.At does, and converted with the
// integer arithmetic of color.YCbCrToRGB (JFIF full-range BT.601, 16-bit
// fixed point), so the conversion matches image/jpeg followed by
// color.YCbCrToRGB exactly. The inverse DCT is the separable
// Loeffler–Ligtenberg–Moschytz factorisation with 13-bit constants
// (the IJG "islow" accuracy class), which rounds differently from
// image/jpeg's: on images from image/jpeg's encoder, quality 1 to 100,
// channels differ by at most 3 levels and by at most 0.06 on average.
// Blocks with only a DC coefficient are filled with a constant, and
// blocks whose coefficients all lie in the top-left 4×4 use a reduced
// transform with identical results.
//
// # Concurrency
//
// Entropy decoding is sequential: the calling goroutine decodes Huffman
// codes one MCU row at a time into a small ring of coefficient buffers,
// using 9-bit lookahead tables (with run, size and value folded together
// for short AC codes) and a 64-bit bit buffer refilled eight bytes at a
// time. GOMAXPROCS−1 workers take finished rows, dequantise and inverse
// transform them, upsample chroma and convert to RGB straight into the
// output's Pix; when the ring is full the calling goroutine reconstructs a
// row itself. Small images are decoded on the calling goroutine alone.
// Decode is safe for concurrent use.
//
// # Example
//
//	img, info, err := jpegdec.Decode(data)
//	if err != nil {
//		// Not for us: image/jpeg decides.
//		m, err := jpeg.Decode(bytes.NewReader(data))
//		...
//	}
//	fmt.Println(info.Width, info.Height, info.Ratio)
//
// References: ITU-T T.81 (JPEG), annexes B (syntax), C (Huffman
// tables), F.2 (sequential decoding) and A.3.3 (the DCT); C. Loeffler,
// A. Ligtenberg and G. Moschytz, "Practical fast 1-D DCT algorithms with
// 11 multiplications", ICASSP 1989.
package jpegdec
