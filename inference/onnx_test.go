package inference_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutout/inference"
)

// Protocol-buffer encoding, just enough to write a small ONNX model by hand
// (field numbers from onnx.proto).
func pbVarint(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func pbKey(field, wire int) []byte { return pbVarint(uint64(field<<3 | wire)) }

func pbInt(field int, v uint64) []byte { return append(pbKey(field, 0), pbVarint(v)...) }

func pbBytes(field int, b []byte) []byte {
	out := append(pbKey(field, 2), pbVarint(uint64(len(b)))...)
	return append(out, b...)
}

func pbCat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// valueInfo describes a float32 tensor of the given shape.
func valueInfo(name string, dims ...uint64) []byte {
	var shape []byte
	for _, d := range dims {
		shape = append(shape, pbBytes(1, pbInt(1, d))...) // TensorShapeProto.dim{dim_value}
	}
	tensor := pbCat(pbInt(1, 1), pbBytes(2, shape)) // elem_type FLOAT, shape
	typ := pbBytes(1, tensor)                       // TypeProto.tensor_type
	return pbCat(pbBytes(1, []byte(name)), pbBytes(2, typ))
}

// identityModel is a valid ONNX model whose one node copies input in to
// output out, both float32 of shape dims.
func identityModel(in, out string, dims ...uint64) []byte {
	node := pbCat(pbBytes(1, []byte(in)), pbBytes(2, []byte(out)), pbBytes(4, []byte("Identity")))
	graph := pbCat(pbBytes(1, node), pbBytes(2, []byte("g")), pbBytes(11, valueInfo(in, dims...)), pbBytes(12, valueInfo(out, dims...)))
	opset := pbInt(2, 13) // OperatorSetIdProto{version: 13}, default domain
	return pbCat(pbInt(1, 7), pbBytes(7, graph), pbBytes(8, opset))
}

// TestOpenUnexpectedModel: a real, loadable ONNX model with the wrong
// inputs or outputs is refused with an error that says what was expected
// and what the file has.
func TestOpenUnexpectedModel(t *testing.T) {
	session(t, "medium") // the runtime is loaded once per process
	dir := t.TempDir()
	cases := map[string]struct {
		model []byte
		want  string
	}{
		"wrong input name": {identityModel("image", "output", 1, 3, 1024, 1024), `has input Tensor "image"`},
		"wrong shape":      {identityModel("input", "output", 1, 3, 320, 320), "[1 3 320 320]"},
		"wrong output":     {identityModel("input", "mask", 1, 3, 1024, 1024), `output Tensor "mask"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".onnx")
			if err := os.WriteFile(p, c.model, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := inference.Open(inference.Options{ModelPath: p, Device: inference.DeviceCPU})
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a model with the wrong I/O")
			}
			if !strings.Contains(err.Error(), "expected I/O") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not explain the mismatch (%q)", err, c.want)
			}
		})
	}
}
