package models

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
)

// ErrMalformed reports input to Widen that is not a well-formed ONNX
// protobuf.
var ErrMalformed = errors.New("models: malformed ONNX model")

// ErrUnsupported reports an fp16 use that Widen does not know how to
// convert safely, such as fp16 weights stored outside the model file.
var ErrUnsupported = errors.New("models: cannot widen model")

// ONNX TensorProto.DataType values.
const (
	onnxFloat   = 1
	onnxFloat16 = 10
)

// Protocol-buffer wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// maxDepth bounds the nesting of messages (subgraphs in attributes, types in
// sequences), so hostile input cannot exhaust the stack.
const maxDepth = 64

// typeAttrs lists, per operator of the default domain, the integer attribute
// that names an output element type. Widen turns FLOAT16 into FLOAT there.
var typeAttrs = map[string]string{
	"Cast":              "to",
	"EyeLike":           "dtype",
	"RandomNormal":      "dtype",
	"RandomNormalLike":  "dtype",
	"RandomUniform":     "dtype",
	"RandomUniformLike": "dtype",
	"Multinomial":       "dtype",
	"Bernoulli":         "dtype",
}

// Widen returns the ONNX model fp16 with every float16 tensor, type and
// cast turned into float32, so it runs with fp32 arithmetic throughout:
//
//   - initializers, Constant values and any other tensor attribute of
//     type FLOAT16 become FLOAT, their halves converted exactly to floats;
//   - graph inputs, outputs and value_info of element type FLOAT16 (also
//     inside sequence, optional and map types) become FLOAT;
//   - Cast to FLOAT16 becomes Cast to FLOAT, likewise the dtype of EyeLike
//     and the Random* operators.
//
// Every other field is copied byte for byte in its original order, so the
// result is a deterministic function of the input. Subgraphs (If, Loop,
// Scan bodies), model-local functions and training graphs are converted
// too. A model whose fp16 data lives in external files, or with an integer
// attribute that looks like an element type on an operator Widen does not
// know, is refused with ErrUnsupported naming the node; input that is not
// a well-formed ONNX protobuf is refused with ErrMalformed. Widen never
// returns a partly converted model.
//
// The result is allocated once at its final size; Widen holds nothing else
// of note. It is safe for concurrent use.
func Widen(fp16 []byte) ([]byte, error) {
	n, err := widenedSize(fp16)
	if err != nil {
		return nil, err
	}
	s := &sink{buf: make([]byte, 0, n)}
	if err := (&widener{s: s}).model(fp16); err != nil {
		return nil, err
	}
	if int64(len(s.buf)) != n {
		panic(fmt.Sprintf("models: widen wrote %d bytes, sized %d", len(s.buf), n))
	}
	return s.buf, nil
}

// WidenTo writes Widen(fp16) to w and returns the number of bytes written.
// The whole input is checked before the first byte is written, so on
// ErrMalformed or ErrUnsupported nothing reaches w. Only a small buffer is
// held besides the input.
func WidenTo(w io.Writer, fp16 []byte) (int64, error) {
	n, err := widenedSize(fp16)
	if err != nil {
		return 0, err
	}
	s := &sink{w: w, buf: make([]byte, 0, sinkChunk+64)}
	if err := (&widener{s: s}).model(fp16); err != nil {
		return s.n - int64(len(s.buf)), err
	}
	s.flush()
	if s.err != nil {
		return s.n - int64(len(s.buf)), fmt.Errorf("models: widen: %w", s.err)
	}
	if s.n != n {
		panic(fmt.Sprintf("models: widen wrote %d bytes, sized %d", s.n, n))
	}
	return n, nil
}

// widenedSize validates fp16 and returns the size of its widened form.
func widenedSize(fp16 []byte) (int64, error) {
	c := &sink{counting: true}
	if err := (&widener{s: c}).model(fp16); err != nil {
		return 0, err
	}
	return c.n, nil
}

// halfToFloat32Bits converts the IEEE 754 binary16 value h to the bits of
// the binary32 value equal to it. Every half is exactly representable as a
// float: subnormal halves become normal floats, infinities stay infinite,
// and NaNs keep their sign and payload (shifted into the top of the float
// mantissa, so a quiet NaN stays quiet).
func halfToFloat32Bits(h uint16) uint32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0:
		if mant == 0 {
			return sign // ±0
		}
		// Subnormal: value = mant × 2^-24. Shift the leading one up to
		// the implicit bit (bit 10); each shift lowers the exponent.
		shift := uint32(bits.LeadingZeros32(mant)) - 21 // 1..10
		mant = (mant << shift) & 0x3ff
		return sign | (113-shift)<<23 | mant<<13 // 113 = 127 - 15 + 1
	case 0x1f:
		return sign | 0xff<<23 | mant<<13 // ±inf or NaN
	}
	return sign | (exp+112)<<23 | mant<<13 // 112 = 127 - 15
}

// sinkChunk is how many bytes a streaming sink gathers before writing.
const sinkChunk = 1 << 16

// sink receives the widened bytes. A counting sink only adds up their
// number; otherwise they are appended to buf, and when w is set, buf is
// written to w whenever it holds sinkChunk bytes.
type sink struct {
	counting bool
	n        int64 // bytes received
	buf      []byte
	w        io.Writer
	err      error // first error from w
}

func (s *sink) bytes(b []byte) {
	s.n += int64(len(b))
	if s.counting {
		return
	}
	s.buf = append(s.buf, b...)
	s.maybeFlush()
}

func (s *sink) varint(v uint64) {
	if s.counting {
		s.n += int64(varintLen(v))
		return
	}
	l := len(s.buf)
	s.buf = binary.AppendUvarint(s.buf, v)
	s.n += int64(len(s.buf) - l)
	s.maybeFlush()
}

func (s *sink) key(num uint64, wire int) { s.varint(num<<3 | uint64(wire)) }

// float32s appends count little-endian floats, element i taken from
// halfToFloat32Bits(half(i)).
func (s *sink) float32s(count int, half func(i int) uint16) {
	if s.counting {
		s.n += 4 * int64(count)
		return
	}
	for i := 0; i < count; {
		m := count - i
		if s.w != nil && m > sinkChunk/4 {
			m = sinkChunk / 4
		}
		l := len(s.buf)
		s.buf = append(s.buf, make([]byte, 4*m)...)
		out := s.buf[l:]
		for j := 0; j < m; j++ {
			binary.LittleEndian.PutUint32(out[4*j:], halfToFloat32Bits(half(i+j)))
		}
		s.n += 4 * int64(m)
		i += m
		s.maybeFlush()
	}
}

// halves appends the little-endian halves raw as little-endian floats.
func (s *sink) halves(raw []byte) {
	if s.counting {
		s.n += 2 * int64(len(raw))
		return
	}
	for len(raw) > 0 {
		m := len(raw) / 2
		if s.w != nil && m > sinkChunk/4 {
			m = sinkChunk / 4
		}
		l := len(s.buf)
		s.buf = append(s.buf, make([]byte, 4*m)...)
		out, in := s.buf[l:l+4*m], raw[:2*m]
		for j := range m {
			h := binary.LittleEndian.Uint16(in[2*j:])
			binary.LittleEndian.PutUint32(out[4*j:], halfToFloat32Bits(h))
		}
		s.n += 4 * int64(m)
		raw = raw[2*m:]
		s.maybeFlush()
	}
}

func (s *sink) maybeFlush() {
	if s.w != nil && len(s.buf) >= sinkChunk {
		s.flush()
	}
}

func (s *sink) flush() {
	if s.w == nil || len(s.buf) == 0 {
		return
	}
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

func varintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// field is one decoded protocol-buffer field.
type field struct {
	num  uint64
	wire int
	v    uint64 // value of a varint or fixed field
	b    []byte // payload of a length-delimited field
	raw  []byte // the whole field, key included
}

// fields iterates over the fields of a message, stopping at the first
// malformed one.
type fields struct {
	rest []byte
	err  error
}

func (it *fields) next(f *field) bool {
	if len(it.rest) == 0 || it.err != nil {
		return false
	}
	b := it.rest
	key, p := binary.Uvarint(b)
	if p <= 0 {
		it.err = errors.New("bad field key")
		return false
	}
	*f = field{num: key >> 3, wire: int(key & 7)}
	if f.num == 0 || f.num > 1<<29-1 {
		it.err = fmt.Errorf("bad field number %d", f.num)
		return false
	}
	switch f.wire {
	case wireVarint:
		v, m := binary.Uvarint(b[p:])
		if m <= 0 {
			it.err = fmt.Errorf("field %d: bad varint", f.num)
			return false
		}
		f.v, p = v, p+m
	case wireFixed64:
		if len(b)-p < 8 {
			it.err = fmt.Errorf("field %d: truncated", f.num)
			return false
		}
		f.v, p = binary.LittleEndian.Uint64(b[p:]), p+8
	case wireFixed32:
		if len(b)-p < 4 {
			it.err = fmt.Errorf("field %d: truncated", f.num)
			return false
		}
		f.v, p = uint64(binary.LittleEndian.Uint32(b[p:])), p+4
	case wireBytes:
		l, m := binary.Uvarint(b[p:])
		if m <= 0 {
			it.err = fmt.Errorf("field %d: bad length", f.num)
			return false
		}
		p += m
		if l > uint64(len(b)-p) {
			it.err = fmt.Errorf("field %d: length %d runs past the end", f.num, l)
			return false
		}
		f.b, p = b[p:p+int(l)], p+int(l)
	default:
		it.err = fmt.Errorf("field %d: unsupported wire type %d", f.num, f.wire)
		return false
	}
	f.raw, it.rest = b[:p], b[p:]
	return true
}

// walkFn widens one message of a given kind into w's sink.
type walkFn func(w *widener, msg []byte, where string) error

// widener walks the ONNX messages of a model and writes their widened form.
type widener struct {
	s     *sink
	depth int
}

func malformed(where string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
}

// each calls fn for every field of msg and reports a malformed message.
func each(msg []byte, where string, fn func(f *field) error) error {
	it := fields{rest: msg}
	var f field
	for it.next(&f) {
		if err := fn(&f); err != nil {
			return err
		}
	}
	if it.err != nil {
		return malformed(where, it.err)
	}
	return nil
}

// nested widens the sub-message f (which must be length-delimited) of
// kind walk, writing it as field f.num with its new length.
func (w *widener) nested(f *field, where string, walk walkFn) error {
	if f.wire != wireBytes {
		return malformed(where, fmt.Errorf("field %d: wire type %d, want a message", f.num, f.wire))
	}
	if w.depth >= maxDepth {
		return malformed(where, errors.New("messages nested too deeply"))
	}
	w.depth++
	defer func() { w.depth-- }()
	out := w.s
	cnt := &sink{counting: true}
	w.s = cnt
	err := walk(w, f.b, where)
	w.s = out
	if err != nil {
		return err
	}
	out.key(f.num, wireBytes)
	out.varint(uint64(cnt.n))
	if out.counting {
		out.n += cnt.n
		return nil
	}
	return walk(w, f.b, where)
}

// model widens a ModelProto.
func (w *widener) model(msg []byte) error {
	graphs := 0
	err := each(msg, "model", func(f *field) error {
		switch f.num {
		case 7: // graph
			graphs++
			return w.nested(f, "graph", (*widener).graph)
		case 20: // training_info
			return w.nested(f, "training_info", (*widener).trainingInfo)
		case 25: // functions
			return w.nested(f, "function", (*widener).function)
		}
		w.s.bytes(f.raw)
		return nil
	})
	if err != nil {
		return err
	}
	if graphs == 0 {
		return fmt.Errorf("%w: no graph (not an ONNX model)", ErrMalformed)
	}
	return nil
}

// trainingInfo widens a TrainingInfoProto (two graphs).
func (w *widener) trainingInfo(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 1: // initialization
			return w.nested(f, where+".initialization", (*widener).graph)
		case 2: // algorithm
			return w.nested(f, where+".algorithm", (*widener).graph)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// function widens a FunctionProto (a model-local function).
func (w *widener) function(msg []byte, where string) error {
	if n := stringField(msg, 1); n != "" {
		where += " " + strconv.Quote(n)
	}
	nodes := 0
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 7: // node
			nodes++
			return w.nested(f, where+" node "+strconv.Itoa(nodes-1), (*widener).node)
		case 11: // attribute_proto (default attribute values)
			return w.nested(f, where+" attribute", attributeWalker(""))
		case 12: // value_info
			return w.nested(f, where+" value_info", (*widener).valueInfo)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// graph widens a GraphProto.
func (w *widener) graph(msg []byte, where string) error {
	if n := stringField(msg, 2); n != "" {
		where += " " + strconv.Quote(n)
	}
	nodes := 0
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 1: // node
			nodes++
			return w.nested(f, where+" node "+strconv.Itoa(nodes-1), (*widener).node)
		case 5: // initializer
			return w.nested(f, where+" initializer", (*widener).tensor)
		case 11, 12, 13: // input, output, value_info
			return w.nested(f, where+" value_info", (*widener).valueInfo)
		case 15: // sparse_initializer
			return w.nested(f, where+" sparse_initializer", (*widener).sparseTensor)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// node widens a NodeProto: its attributes.
func (w *widener) node(msg []byte, where string) error {
	op := stringField(msg, 4)
	if n := stringField(msg, 3); n != "" {
		where += " " + strconv.Quote(n)
	}
	where += " (" + op + ")"
	if d := stringField(msg, 7); d != "" && d != "ai.onnx" {
		op = d + "." + op // typeAttrs lists the default domain only
	}
	attr := attributeWalker(op)
	return each(msg, where, func(f *field) error {
		if f.num == 5 { // attribute
			return w.nested(f, where, attr)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// attributeWalker returns the walker of the AttributeProtos of a node
// running operator op ("" when unknown, as in function defaults).
func attributeWalker(op string) walkFn {
	return func(w *widener, msg []byte, where string) error {
		name := stringField(msg, 1)
		where += " attribute " + strconv.Quote(name)
		return each(msg, where, func(f *field) error {
			switch f.num {
			case 3: // i
				if f.wire == wireVarint && f.v == onnxFloat16 {
					if typeAttrs[op] == name && op != "" {
						w.s.key(3, wireVarint)
						w.s.varint(onnxFloat)
						return nil
					}
					if looksLikeType(name) {
						return fmt.Errorf("%w: %s is FLOAT16 on an operator whose type attributes are unknown", ErrUnsupported, where)
					}
				}
			case 5, 10: // t, tensors
				return w.nested(f, where, (*widener).tensor)
			case 6, 11: // g, graphs
				return w.nested(f, where, (*widener).graph)
			case 14, 15: // tp, type_protos
				return w.nested(f, where, (*widener).typeProto)
			case 22, 23: // sparse_tensor, sparse_tensors
				return w.nested(f, where, (*widener).sparseTensor)
			}
			w.s.bytes(f.raw)
			return nil
		})
	}
}

// looksLikeType reports whether an integer attribute called name probably
// holds a TensorProto.DataType.
func looksLikeType(name string) bool {
	switch name {
	case "to", "dtype", "output_dtype", "type", "data_type", "elem_type":
		return true
	}
	return false
}

// tensor widens a TensorProto of type FLOAT16; other tensors are copied.
func (w *widener) tensor(msg []byte, where string) error {
	dtype, location := uint64(0), uint64(0)
	name := ""
	err := each(msg, where, func(f *field) error {
		switch {
		case f.num == 2 && f.wire == wireVarint:
			dtype = f.v
		case f.num == 14 && f.wire == wireVarint:
			location = f.v
		case f.num == 8 && f.wire == wireBytes:
			name = string(f.b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if name != "" {
		where += " " + strconv.Quote(name)
	}
	if dtype != onnxFloat16 {
		w.s.bytes(msg)
		return nil
	}
	if location != 0 {
		return fmt.Errorf("%w: %s: fp16 data stored outside the model file", ErrUnsupported, where)
	}
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 2: // data_type
			w.s.key(2, wireVarint)
			w.s.varint(onnxFloat)
			return nil
		case 9: // raw_data: little-endian halves
			if f.wire != wireBytes || len(f.b)%2 != 0 {
				return malformed(where, errors.New("fp16 raw_data of odd length"))
			}
			w.s.key(9, wireBytes)
			w.s.varint(2 * uint64(len(f.b)))
			w.s.halves(f.b)
			return nil
		case 5: // int32_data: one half per element, now float_data
			return w.int32Halves(f, where)
		case 4, 6, 7, 10, 11: // float, string, int64, double, uint64 data
			return malformed(where, fmt.Errorf("FLOAT16 tensor with data in field %d", f.num))
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// int32Halves rewrites TensorProto.int32_data holding halves (the ONNX
// layout for FLOAT16 without raw_data) as float_data.
func (w *widener) int32Halves(f *field, where string) error {
	bad := malformed(where, errors.New("fp16 int32_data value out of range"))
	switch f.wire {
	case wireVarint: // one unpacked element
		if f.v > 0xffff {
			return bad
		}
		w.s.key(4, wireFixed32)
		w.s.float32s(1, func(int) uint16 { return uint16(f.v) })
		return nil
	case wireBytes: // packed
		var vals []uint16
		for b := f.b; len(b) > 0; {
			v, m := binary.Uvarint(b)
			if m <= 0 {
				return malformed(where, errors.New("fp16 int32_data: bad varint"))
			}
			if v > 0xffff {
				return bad
			}
			vals = append(vals, uint16(v))
			b = b[m:]
		}
		w.s.key(4, wireBytes)
		w.s.varint(4 * uint64(len(vals)))
		w.s.float32s(len(vals), func(i int) uint16 { return vals[i] })
		return nil
	}
	return malformed(where, fmt.Errorf("int32_data with wire type %d", f.wire))
}

// sparseTensor widens a SparseTensorProto: its values.
func (w *widener) sparseTensor(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		if f.num == 1 { // values
			return w.nested(f, where+" values", (*widener).tensor)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// valueInfo widens a ValueInfoProto: its type.
func (w *widener) valueInfo(msg []byte, where string) error {
	if n := stringField(msg, 1); n != "" {
		where += " " + strconv.Quote(n)
	}
	return each(msg, where, func(f *field) error {
		if f.num == 2 { // type
			return w.nested(f, where, (*widener).typeProto)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// typeProto widens a TypeProto.
func (w *widener) typeProto(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 1, 8: // tensor_type, sparse_tensor_type
			return w.nested(f, where, (*widener).tensorType)
		case 4, 9: // sequence_type, optional_type: elem_type is a TypeProto
			return w.nested(f, where, (*widener).elemType)
		case 5: // map_type
			return w.nested(f, where, (*widener).mapType)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// tensorType widens TypeProto.Tensor (or SparseTensor): elem_type.
func (w *widener) tensorType(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		if f.num == 1 && f.wire == wireVarint && f.v == onnxFloat16 {
			w.s.key(1, wireVarint)
			w.s.varint(onnxFloat)
			return nil
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// elemType widens TypeProto.Sequence or TypeProto.Optional.
func (w *widener) elemType(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		if f.num == 1 {
			return w.nested(f, where, (*widener).typeProto)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// mapType widens TypeProto.Map: its value type (keys are never floats).
func (w *widener) mapType(msg []byte, where string) error {
	return each(msg, where, func(f *field) error {
		if f.num == 2 {
			return w.nested(f, where, (*widener).typeProto)
		}
		w.s.bytes(f.raw)
		return nil
	})
}

// stringField returns the last value of the string field num of msg, or ""
// (also for a malformed message, which the walk then reports).
func stringField(msg []byte, num uint64) string {
	it := fields{rest: msg}
	var f field
	s := ""
	for it.next(&f) {
		if f.num == num && f.wire == wireBytes {
			s = string(f.b)
		}
	}
	return s
}
