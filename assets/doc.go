// Package assets holds the files Cutout ships inside its binary: the
// application icon and the sample portrait the editor opens when started
// without a file.
//
// icon.png is drawn by internal/iconGen (go generate). The sample is a
// public-domain NASA photograph; see sample/README.md.
package assets
