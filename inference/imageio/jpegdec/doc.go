// Package jpegdec is a fast decoder for the common kind of JPEG: baseline
// or extended sequential, Huffman-coded, 8-bit, greyscale or YCbCr.
package jpegdec
