package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// TestHalfToFloat32Special checks the conversion of the values where an
// fp16→fp32 widening usually goes wrong.
func TestHalfToFloat32Special(t *testing.T) {
	cases := map[string]struct {
		half uint16
		want uint32
	}{
		"+0":                  {0x0000, 0x00000000},
		"-0":                  {0x8000, 0x80000000},
		"1":                   {0x3c00, 0x3f800000},
		"-2":                  {0xc000, 0xc0000000},
		"1/3 rounded":         {0x3555, 0x3eaaa000},
		"largest half 65504":  {0x7bff, 0x477fe000},
		"smallest normal":     {0x0400, 0x38800000}, // 2^-14
		"smallest subnormal":  {0x0001, 0x33800000}, // 2^-24
		"-smallest subnormal": {0x8001, 0xb3800000},
		"largest subnormal":   {0x03ff, 0x387fc000}, // 1023 × 2^-24
		"subnormal 2^-15":     {0x0200, 0x38000000},
		"+inf":                {0x7c00, 0x7f800000},
		"-inf":                {0xfc00, 0xff800000},
		"quiet NaN":           {0x7e00, 0x7fc00000},
		"signalling NaN":      {0x7c01, 0x7f802000},
		"negative NaN":        {0xfe01, 0xffc02000},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := halfToFloat32Bits(c.half); got != c.want {
				t.Fatalf("half %#04x: got %#08x (%g), want %#08x (%g)", c.half, got, math.Float32frombits(got), c.want, math.Float32frombits(c.want))
			}
		})
	}
}

// TestHalfToFloat32Exhaustive compares every one of the 65536 halves with
// the value the binary16 formula gives, computed in float64:
// (-1)^s × 2^(e-15) × (1 + m/1024) for normal halves, (-1)^s × 2^-14 × m/1024
// for subnormal ones. Every half is exact in float32, so the bits must match.
func TestHalfToFloat32Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		got := halfToFloat32Bits(h)
		s, e, m := h>>15, int(h>>10)&0x1f, float64(h&0x3ff)
		sign := 1.0
		if s == 1 {
			sign = -1
		}
		var want float64
		switch e {
		case 0x1f:
			if m != 0 {
				f := math.Float32frombits(got)
				if f == f || got>>31 != uint32(s) || got&0x7fffff != uint32(h&0x3ff)<<13 {
					t.Fatalf("half %#04x: NaN became %#08x", h, got)
				}
				continue
			}
			want = math.Inf(int(sign))
		case 0:
			want = sign * math.Ldexp(m/1024, -14)
		default:
			want = sign * math.Ldexp(1+m/1024, e-15)
		}
		if wb := math.Float32bits(float32(want)); got != wb {
			t.Fatalf("half %#04x: got %#08x, want %#08x (%g)", h, got, wb, want)
		}
	}
}

// pb builds protocol-buffer messages for the tests.
type pb []byte

func (p pb) num(field int, v uint64) pb {
	p = binary.AppendUvarint(p, uint64(field)<<3)
	return binary.AppendUvarint(p, v)
}

func (p pb) raw(field int, b []byte) pb {
	p = binary.AppendUvarint(p, uint64(field)<<3|2)
	p = binary.AppendUvarint(p, uint64(len(b)))
	return append(p, b...)
}

func (p pb) str(field int, s string) pb { return p.raw(field, []byte(s)) }

// halfCase is a half and the float32 equal to it, written out by hand.
type halfCase struct {
	h uint16
	f float32
}

var testHalves = []halfCase{
	{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 0x1p-24},
	{0x8000, float32(math.Copysign(0, -1))}, {0x7c00, float32(math.Inf(1))}, {0x3800, 0.5},
}

// tensorRaw is a TensorProto named name holding vals in raw_data, as fp16
// or (wide) fp32, with a doc string before the data type to show that
// field order is kept.
func tensorRaw(name string, wide bool, vals []halfCase) pb {
	var data []byte
	dt := uint64(onnxFloat16)
	for _, v := range vals {
		if wide {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v.f))
		} else {
			data = binary.LittleEndian.AppendUint16(data, v.h)
		}
	}
	if wide {
		dt = onnxFloat
	}
	return pb{}.num(1, uint64(len(vals))).str(12, "doc").num(2, dt).str(8, name).raw(9, data)
}

// tensorInt32 is a TensorProto holding vals in packed int32_data (fp16) or
// packed float_data (wide).
func tensorInt32(name string, wide bool, vals []halfCase) pb {
	var data []byte
	for _, v := range vals {
		if wide {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v.f))
		} else {
			data = binary.AppendUvarint(data, uint64(v.h))
		}
	}
	if wide {
		return pb{}.num(1, uint64(len(vals))).num(2, onnxFloat).raw(4, data).str(8, name)
	}
	return pb{}.num(1, uint64(len(vals))).num(2, onnxFloat16).raw(5, data).str(8, name)
}

// typeInfo is a ValueInfoProto of a tensor with element type elem.
func typeInfo(name string, elem uint64) pb {
	shape := pb{}.raw(1, pb{}.num(1, 1)).raw(1, pb{}.num(1, 4)) // dims 1, 4
	tensor := pb{}.num(1, elem).raw(2, shape)
	return pb{}.str(1, name).raw(2, pb{}.raw(1, tensor)).str(3, "value doc")
}

// node is a NodeProto; attrs are AttributeProtos.
func node(op, name string, attrs ...pb) pb {
	n := pb{}.str(1, "in").str(2, "out").str(3, name).str(4, op)
	for _, a := range attrs {
		n = n.raw(5, a)
	}
	return n.str(6, "node doc")
}

func intAttr(name string, v uint64) pb {
	return pb{}.str(1, name).num(3, v).num(20, 2) // type INT
}

func tensorAttr(name string, t pb) pb {
	return pb{}.str(1, name).raw(5, t).num(20, 4) // type TENSOR
}

// testModel is a small ONNX model that uses fp16 in every place Widen
// handles; with wide set it is the model Widen must turn it into, written
// independently.
func testModel(wide bool) []byte {
	f16 := func(fp16, fp32 uint64) uint64 {
		if wide {
			return fp32
		}
		return fp16
	}
	seqOfHalf := pb{}.raw(4, pb{}.raw(1, pb{}.raw(1, pb{}.num(1, f16(10, 1))))) // TypeProto{sequence_type{elem_type{tensor_type{elem_type}}}}
	optOfHalf := pb{}.raw(9, pb{}.raw(1, pb{}.raw(1, pb{}.num(1, f16(10, 1)))))
	mapToHalf := pb{}.raw(5, pb{}.num(1, 7).raw(2, pb{}.raw(1, pb{}.num(1, f16(10, 1)))))
	int64s := pb{}.num(1, 2).num(2, 7).str(8, "shape").raw(9, make([]byte, 16)) // INT64, copied verbatim

	body := pb{}.
		raw(1, node("Cast", "inner cast", intAttr("to", f16(10, 1)))).
		str(2, "then").
		raw(12, typeInfo("t", f16(10, 1)))

	graph := pb{}.
		raw(1, node("Constant", "const", tensorAttr("value", tensorRaw("c", wide, testHalves[:3])))).
		raw(1, node("Cast", "to half", intAttr("to", f16(10, 1)), intAttr("saturate", 1))).
		raw(1, node("Cast", "to int64", intAttr("to", 7))).
		raw(1, node("ConstantOfShape", "fill", tensorAttr("value", tensorRaw("v", wide, testHalves[3:4])))).
		raw(1, node("Foo", "unrelated ten", intAttr("axis", 10))).
		raw(1, node("RandomNormal", "noise", intAttr("dtype", f16(10, 1)), intAttr("seed", 10))).
		raw(1, node("If", "branch", pb{}.str(1, "then_branch").raw(6, body).num(20, 5))).
		str(2, "main").
		raw(5, tensorRaw("w", wide, testHalves)).
		raw(5, tensorInt32("b", wide, testHalves)).
		raw(5, int64s).
		str(10, "graph doc").
		raw(11, typeInfo("x", f16(10, 1))).
		raw(12, typeInfo("y", f16(10, 1))).
		raw(13, typeInfo("f", 1)).
		raw(13, pb{}.str(1, "seq").raw(2, seqOfHalf)).
		raw(13, pb{}.str(1, "opt").raw(2, optOfHalf)).
		raw(13, pb{}.str(1, "map").raw(2, mapToHalf)).
		raw(15, pb{}.raw(1, tensorRaw("sv", wide, testHalves[:2])).raw(2, int64s).num(3, 8))

	function := pb{}.str(1, "Fn").str(10, "local").raw(7, node("Cast", "fn cast", intAttr("to", f16(10, 1))))

	return pb{}.num(1, 9).str(2, "test").raw(7, graph).raw(8, pb{}.num(2, 17)).
		raw(14, pb{}.str(1, "k").str(2, "v")).raw(25, function)
}

// TestWidenModel: Widen turns the fp16 test model into exactly the fp32
// model written by hand, and WidenTo writes the same bytes.
func TestWidenModel(t *testing.T) {
	in, want := testModel(false), testModel(true)
	orig := bytes.Clone(in)
	got, err := Widen(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("widened model differs from the expected one:\n got %x\nwant %x", got, want)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Widen modified its input")
	}
	var buf bytes.Buffer
	n, err := WidenTo(&buf, in)
	if err != nil || n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WidenTo: %d bytes, %v; equal %v", n, err, bytes.Equal(buf.Bytes(), want))
	}
	// A model without fp16 is left as it is.
	again, err := Widen(want)
	if err != nil || !bytes.Equal(again, want) {
		t.Fatalf("widening an fp32 model changed it (%v)", err)
	}
}

// TestWidenLarge: a tensor larger than the streaming buffer is converted in
// pieces with the same result as in one go.
func TestWidenLarge(t *testing.T) {
	vals := make([]halfCase, 3*writeChunk/4+3)
	for i := range vals {
		vals[i] = testHalves[i%len(testHalves)]
	}
	graph := pb{}.str(2, "g").raw(5, tensorRaw("big", false, vals))
	model := pb{}.num(1, 9).raw(7, graph)
	want := pb{}.num(1, 9).raw(7, pb{}.str(2, "g").raw(5, tensorRaw("big", true, vals)))
	var buf bytes.Buffer
	if _, err := WidenTo(&buf, model); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("streamed: %v; equal %v", err, bytes.Equal(buf.Bytes(), want))
	}
	got, err := Widen(model)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("in one go: %v; equal %v", err, bytes.Equal(got, want))
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	return 0, errors.New("disk full")
}

// TestWidenToWriteError: a failing writer's error is returned.
func TestWidenToWriteError(t *testing.T) {
	_, err := WidenTo(&failWriter{}, testModel(false))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("got %v", err)
	}
}

// TestWidenErrors: input that is not a well-formed ONNX model, or fp16 in
// places Widen cannot convert safely, is an error, and WidenTo writes
// nothing.
func TestWidenErrors(t *testing.T) {
	good := testModel(false)
	graphOf := func(g pb) []byte { return pb{}.num(1, 9).raw(7, g) }
	external := pb{}.num(1, 2).num(2, onnxFloat16).str(8, "ext").num(14, 1)
	deep := pb{}.str(2, "leaf")
	for range 100 {
		deep = pb{}.raw(1, node("If", "", pb{}.str(1, "then_branch").raw(6, deep)))
	}
	cases := map[string]struct {
		in   []byte
		want error
		say  string
	}{
		"empty":             {nil, ErrMalformed, "no graph"},
		"text":              {[]byte("this is not an onnx model"), ErrMalformed, ""},
		"truncated":         {good[:len(good)-7], ErrMalformed, ""},
		"truncated header":  {good[:1], ErrMalformed, ""},
		"length past end":   {append(pb{}.num(1, 9), 0x3a, 0xff, 0xff, 0x03), ErrMalformed, "runs past the end"},
		"group wire type":   {append(pb{}.num(1, 9), 0x3b), ErrMalformed, "wire type 3"},
		"graph not message": {pb{}.num(7, 5), ErrMalformed, "want a message"},
		"too deep":          {graphOf(deep), ErrMalformed, "nested too deeply"},
		"odd raw_data":      {graphOf(pb{}.raw(5, pb{}.num(2, onnxFloat16).raw(9, []byte{1, 2, 3}))), ErrMalformed, "odd length"},
		"float_data in fp16": {
			graphOf(pb{}.raw(5, pb{}.num(2, onnxFloat16).raw(4, make([]byte, 4)))), ErrMalformed, "field 4",
		},
		"int32_data too big": {
			graphOf(pb{}.raw(5, pb{}.num(2, onnxFloat16).raw(5, binary.AppendUvarint(nil, 70000)))), ErrMalformed, "out of range",
		},
		"external fp16":  {graphOf(pb{}.raw(5, external)), ErrUnsupported, `"ext"`},
		"unknown dtype":  {graphOf(pb{}.raw(1, node("MyCast", "mine", intAttr("to", 10)))), ErrUnsupported, `node 0 "mine" (MyCast) attribute "to"`},
		"custom domain":  {graphOf(pb{}.raw(1, node("Cast", "x", intAttr("to", 10)).str(7, "com.example"))), ErrUnsupported, `(Cast)`},
		"nested garbage": {graphOf(pb{}.raw(1, pb{}.raw(5, []byte{0xff}))), ErrMalformed, "node 0"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := Widen(c.in)
			if !errors.Is(err, c.want) || out != nil {
				t.Fatalf("got %v (%d bytes), want %v", err, len(out), c.want)
			}
			if !strings.Contains(err.Error(), c.say) {
				t.Fatalf("error %q does not say %q", err, c.say)
			}
			var buf bytes.Buffer
			if _, err := WidenTo(&buf, c.in); err == nil || buf.Len() != 0 {
				t.Fatalf("WidenTo: %v, wrote %d bytes", err, buf.Len())
			}
		})
	}
}

// TestWidenPrefixes: every prefix of a model is either refused or widened,
// never a panic.
func TestWidenPrefixes(t *testing.T) {
	good := testModel(false)
	refused := 0
	for n := range len(good) {
		if _, err := Widen(good[:n]); err != nil {
			refused++
		}
	}
	if refused < len(good)/2 {
		t.Fatalf("only %d of %d prefixes refused", refused, len(good))
	}
}

func FuzzWiden(f *testing.F) {
	f.Add(testModel(false))
	f.Add(testModel(true))
	f.Add([]byte("not a model"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Widen(in)
		if err != nil {
			return
		}
		// Widening is idempotent: the result holds no fp16 left to convert.
		again, err := Widen(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("widening the widened model: %v; changed %v", err, !bytes.Equal(again, out))
		}
	})
}

// mediumModel reads the cached medium model, skipping when it is not
// installed ("make assets" installs it).
func mediumModel(tb testing.TB) (*Manifest, *Model, []byte) {
	tb.Helper()
	m, err := Load()
	if err != nil {
		tb.Fatal(err)
	}
	x, err := m.Model("medium")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := m.LocateModel(x.Name); err != nil {
		tb.Skipf("medium model not installed (%v)", err)
	}
	b, err := os.ReadFile(m.ModelPath(x))
	if err != nil {
		tb.Fatal(err)
	}
	return m, x, b
}

// TestWidenMedium: the real model widens to the file the manifest records.
func TestWidenMedium(t *testing.T) {
	_, x, b := mediumModel(t)
	out, err := Widen(b)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(out)
	if got := hex.EncodeToString(sum[:]); got != x.FP32.SHA256 || int64(len(out)) != x.FP32.Size {
		t.Fatalf("widened medium: %d bytes, sha256 %s; manifest says %d bytes, %s", len(out), got, x.FP32.Size, x.FP32.SHA256)
	}
}

func BenchmarkWiden(b *testing.B) {
	_, _, in := mediumModel(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Widen(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWidenTo(b *testing.B) {
	_, _, in := mediumModel(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := WidenTo(discard{}, in); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
