package models

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
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
// The result is allocated once at its final size; besides it Widen holds
// one integer per message of the model. It is safe for concurrent use.
func Widen(fp16 []byte) ([]byte, error) {
	w, err := measure(fp16)
	if err != nil {
		return nil, err
	}
	w.buf = make([]byte, 0, w.n)
	if err := w.write(fp16); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// WidenTo writes Widen(fp16) to w and returns the number of bytes written.
// The whole input is checked before the first byte is written, so on
// ErrMalformed or ErrUnsupported nothing reaches w. Besides the input it
// holds a 64 KiB buffer and one integer per message of the model.
func WidenTo(w io.Writer, fp16 []byte) (int64, error) {
	wd, err := measure(fp16)
	if err != nil {
		return 0, err
	}
	wd.w, wd.buf = w, make([]byte, 0, writeChunk+64)
	if err = wd.write(fp16); err == nil {
		wd.flush()
		err = wd.err
	}
	if err != nil {
		return wd.written, fmt.Errorf("models: widen: %w", err)
	}
	return wd.written, nil
}

// measure validates the model fp16 and returns a widener that has sized
// every message of its widened form, ready to write it.
func measure(fp16 []byte) (*widener, error) {
	w := &widener{sizing: true}
	if err := w.message(modelMsg, fp16, "", ""); err != nil {
		return nil, err
	}
	if _, ok := lastBytes(fp16, 7); !ok {
		return nil, fmt.Errorf("%w: no graph (not an ONNX model)", ErrMalformed)
	}
	return w, nil
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

// A kind is one of the ONNX messages Widen looks into.
type kind uint8

const (
	modelMsg        kind = iota // ModelProto
	trainingInfoMsg             // TrainingInfoProto
	graphMsg                    // GraphProto
	functionMsg                 // FunctionProto
	nodeMsg                     // NodeProto
	attributeMsg                // AttributeProto
	tensorMsg                   // TensorProto
	sparseTensorMsg             // SparseTensorProto
	valueInfoMsg                // ValueInfoProto
	typeProtoMsg                // TypeProto
	tensorTypeMsg               // TypeProto.Tensor and TypeProto.SparseTensor
	elemTypeMsg                 // TypeProto.Sequence and TypeProto.Optional
	mapTypeMsg                  // TypeProto.Map
)

// child is a field holding a message Widen looks into, and how errors
// name it.
type child struct {
	kind  kind
	label string
}

// schema describes a kind of message: the string field that names one in
// errors (0 for none) and the fields holding messages that may hold fp16.
// The fields Widen rewrites in place (element types, type attributes,
// tensor data) are handled in message and tensor.
type schema struct {
	name     protowire.Number
	children map[protowire.Number]child
}

// schemas holds the field numbers of onnx.proto, per kind.
var schemas = [...]schema{
	modelMsg: {children: map[protowire.Number]child{
		7: {graphMsg, "graph"}, 20: {trainingInfoMsg, "training_info"}, 25: {functionMsg, "function"},
	}},
	trainingInfoMsg: {children: map[protowire.Number]child{
		1: {graphMsg, ".initialization"}, 2: {graphMsg, ".algorithm"},
	}},
	graphMsg: {name: 2, children: map[protowire.Number]child{
		1: {nodeMsg, " node"}, 5: {tensorMsg, " initializer"}, 11: {valueInfoMsg, " input"},
		12: {valueInfoMsg, " output"}, 13: {valueInfoMsg, " value_info"}, 15: {sparseTensorMsg, " sparse_initializer"},
	}},
	functionMsg: {name: 1, children: map[protowire.Number]child{
		7: {nodeMsg, " node"}, 11: {attributeMsg, " attribute"}, 12: {valueInfoMsg, " value_info"},
	}},
	nodeMsg: {name: 3, children: map[protowire.Number]child{5: {attributeMsg, " attribute"}}},
	attributeMsg: {name: 1, children: map[protowire.Number]child{
		5: {tensorMsg, ""}, 10: {tensorMsg, ""}, 6: {graphMsg, ""}, 11: {graphMsg, ""},
		14: {typeProtoMsg, ""}, 15: {typeProtoMsg, ""}, 22: {sparseTensorMsg, ""}, 23: {sparseTensorMsg, ""},
	}},
	tensorMsg:       {name: 8},
	sparseTensorMsg: {children: map[protowire.Number]child{1: {tensorMsg, " values"}}},
	valueInfoMsg:    {name: 1, children: map[protowire.Number]child{2: {typeProtoMsg, ""}}},
	typeProtoMsg: {children: map[protowire.Number]child{
		1: {tensorTypeMsg, ""}, 8: {tensorTypeMsg, ""}, 4: {elemTypeMsg, ""}, 9: {elemTypeMsg, ""}, 5: {mapTypeMsg, ""},
	}},
	tensorTypeMsg: {},
	elemTypeMsg:   {children: map[protowire.Number]child{1: {typeProtoMsg, ""}}},
	mapTypeMsg:    {children: map[protowire.Number]child{2: {typeProtoMsg, ""}}}, // keys are never floats
}

// writeChunk is how many bytes WidenTo gathers before writing.
const writeChunk = 1 << 16

// widener walks the messages of a model twice. The sizing pass validates
// them and records the widened size of each nested message in walk order;
// the writing pass then writes each one's key and length before its
// fields. Every write method only counts in the sizing pass.
type widener struct {
	sizing bool
	sizes  []int64 // widened size of each nested message, in walk order
	next   int     // writing pass: the entry of sizes for the next message
	depth  int
	n      int64 // bytes produced by this pass so far

	buf     []byte    // widened bytes not yet handed to w
	w       io.Writer // nil: buf holds the whole result
	written int64     // bytes taken by w
	err     error     // first error from w
}

// write runs the writing pass after measure. It fails only when the
// writer does: the input has been validated.
func (w *widener) write(fp16 []byte) error {
	total := w.n
	w.sizing, w.n = false, 0
	err := w.message(modelMsg, fp16, "", "")
	if err == nil && w.n != total {
		panic(fmt.Sprintf("models: widen wrote %d bytes, sized %d", w.n, total))
	}
	return err
}

// message widens msg, a message of kind k found at where. op is the
// operator of the node holding an attribute ("" when unknown, as for a
// function's default attributes).
func (w *widener) message(k kind, msg []byte, where, op string) error {
	s := &schemas[k]
	var name string
	if s.name != 0 {
		b, _ := lastBytes(msg, s.name)
		if name = string(b); name != "" {
			where += " " + strconv.Quote(name)
		}
	}
	childOp := ""
	switch k {
	case nodeMsg:
		b, _ := lastBytes(msg, 4)
		childOp = string(b)
		where += " (" + childOp + ")"
		if d, _ := lastBytes(msg, 7); len(d) > 0 && string(d) != "ai.onnx" {
			childOp = string(d) + "." + childOp // typeAttrs lists the default domain only
		}
	case tensorMsg:
		return w.tensor(msg, where)
	}
	nodes := 0
	return each(msg, where, func(f *field) error {
		if c, ok := s.children[f.num]; ok {
			at := where + c.label
			if c.kind == nodeMsg {
				at += " " + strconv.Itoa(nodes)
				nodes++
			}
			return w.nested(f, c.kind, at, childOp)
		}
		if f.typ == protowire.VarintType && f.v == onnxFloat16 {
			switch {
			case k == tensorTypeMsg && f.num == 1: // elem_type
				w.varintField(1, onnxFloat)
				return nil
			case k == attributeMsg && f.num == 3 && op != "" && typeAttrs[op] == name: // i
				w.varintField(3, onnxFloat)
				return nil
			case k == attributeMsg && f.num == 3 && looksLikeType(name):
				return fmt.Errorf("%w: %s is FLOAT16 on an operator whose type attributes are unknown", ErrUnsupported, where)
			}
		}
		w.bytes(f.raw)
		return nil
	})
}

// nested widens the sub-message f of kind k, written as field f.num with
// its widened length.
func (w *widener) nested(f *field, k kind, where, op string) error {
	if f.typ != protowire.BytesType {
		return malformed(where, fmt.Errorf("field %d: wire type %d, want a message", f.num, f.typ))
	}
	if w.depth >= maxDepth {
		return malformed(where, errors.New("messages nested too deeply"))
	}
	if w.err != nil {
		return w.err // the writer failed: stop early
	}
	w.depth++
	defer func() { w.depth-- }()
	if w.sizing {
		i, start := len(w.sizes), w.n
		w.sizes = append(w.sizes, 0)
		if err := w.message(k, f.b, where, op); err != nil {
			return err
		}
		size := w.n - start
		w.sizes[i] = size
		w.n += int64(protowire.SizeTag(f.num) + protowire.SizeVarint(uint64(size)))
		return nil
	}
	w.tag(f.num, protowire.BytesType)
	w.varint(uint64(w.sizes[w.next]))
	w.next++
	return w.message(k, f.b, where, op)
}

// tensor widens a TensorProto of type FLOAT16; other tensors are copied.
func (w *widener) tensor(msg []byte, where string) error {
	var dtype, location uint64
	err := each(msg, where, func(f *field) error {
		if f.typ == protowire.VarintType && f.num == 2 {
			dtype = f.v
		} else if f.typ == protowire.VarintType && f.num == 14 {
			location = f.v
		}
		return nil
	})
	if err != nil {
		return err
	}
	if dtype != onnxFloat16 {
		w.bytes(msg)
		return nil
	}
	if location != 0 {
		return fmt.Errorf("%w: %s: fp16 data stored outside the model file", ErrUnsupported, where)
	}
	return each(msg, where, func(f *field) error {
		switch f.num {
		case 2: // data_type
			w.varintField(2, onnxFloat)
		case 9: // raw_data: little-endian halves
			if f.typ != protowire.BytesType || len(f.b)%2 != 0 {
				return malformed(where, errors.New("fp16 raw_data of odd length"))
			}
			w.tag(9, protowire.BytesType)
			w.varint(2 * uint64(len(f.b)))
			w.halves(f.b)
		case 5: // int32_data: one half per element, now float_data
			return w.int32Halves(f, where)
		case 4, 6, 7, 10, 11: // float, string, int64, double, uint64 data
			return malformed(where, fmt.Errorf("FLOAT16 tensor with data in field %d", f.num))
		default:
			w.bytes(f.raw)
		}
		return nil
	})
}

// int32Halves rewrites TensorProto.int32_data holding halves (the ONNX
// layout for FLOAT16 without raw_data) as float_data.
func (w *widener) int32Halves(f *field, where string) error {
	bad := malformed(where, errors.New("fp16 int32_data value out of range"))
	switch f.typ {
	case protowire.VarintType: // one unpacked element
		if f.v > 0xffff {
			return bad
		}
		w.tag(4, protowire.Fixed32Type)
		w.float(uint16(f.v))
		return nil
	case protowire.BytesType: // packed
		var halves []uint16
		for b := f.b; len(b) > 0; {
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return malformed(where, fmt.Errorf("fp16 int32_data: %w", protowire.ParseError(m)))
			}
			if v > 0xffff {
				return bad
			}
			halves = append(halves, uint16(v))
			b = b[m:]
		}
		w.tag(4, protowire.BytesType)
		w.varint(4 * uint64(len(halves)))
		for _, h := range halves {
			w.float(h)
		}
		return nil
	}
	return malformed(where, fmt.Errorf("int32_data with wire type %d", f.typ))
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

func malformed(where string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
}

// bytes copies b to the output.
func (w *widener) bytes(b []byte) {
	w.n += int64(len(b))
	if !w.sizing {
		w.buf = append(w.buf, b...)
		w.flushFull()
	}
}

// tag writes a field key.
func (w *widener) tag(num protowire.Number, typ protowire.Type) {
	w.varint(protowire.EncodeTag(num, typ))
}

// varint writes a varint.
func (w *widener) varint(v uint64) {
	w.n += int64(protowire.SizeVarint(v))
	if !w.sizing {
		w.buf = protowire.AppendVarint(w.buf, v)
		w.flushFull()
	}
}

// varintField writes the varint field num with value v.
func (w *widener) varintField(num protowire.Number, v uint64) {
	w.tag(num, protowire.VarintType)
	w.varint(v)
}

// float writes the half h as a little-endian float.
func (w *widener) float(h uint16) {
	w.n += 4
	if !w.sizing {
		w.buf = binary.LittleEndian.AppendUint32(w.buf, halfToFloat32Bits(h))
		w.flushFull()
	}
}

// halves writes the little-endian halves raw as little-endian floats.
func (w *widener) halves(raw []byte) {
	w.n += 2 * int64(len(raw))
	if w.sizing {
		return
	}
	for len(raw) > 0 {
		part := raw[:min(len(raw), writeChunk/2)]
		for i := 0; i+1 < len(part); i += 2 {
			w.buf = binary.LittleEndian.AppendUint32(w.buf, halfToFloat32Bits(binary.LittleEndian.Uint16(part[i:])))
		}
		raw = raw[len(part):]
		w.flushFull()
	}
}

// flushFull hands the buffer to the writer once it holds a writeChunk.
func (w *widener) flushFull() {
	if w.w != nil && len(w.buf) >= writeChunk {
		w.flush()
	}
}

// flush hands the buffer to the writer; after a write error it only
// empties it.
func (w *widener) flush() {
	if w.err == nil && len(w.buf) > 0 {
		n, err := w.w.Write(w.buf)
		w.written += int64(n)
		w.err = err
	}
	w.buf = w.buf[:0]
}

// field is one field of a message.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64 // value of a varint field
	b   []byte // payload of a length-delimited field
	raw []byte // the whole field, key included
}

// each calls fn for every field of msg in order, and reports the first
// malformed one as ErrMalformed at where.
func each(msg []byte, where string, fn func(f *field) error) error {
	var f field
	for len(msg) > 0 {
		n, err := f.consume(msg)
		if err != nil {
			return malformed(where, err)
		}
		if err := fn(&f); err != nil {
			return err
		}
		msg = msg[n:]
	}
	return nil
}

// consume decodes the field at the start of b into f and returns its
// length. Groups, deprecated in proto3 and unused by ONNX, are refused.
func (f *field) consume(b []byte) (int, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return 0, fmt.Errorf("bad field key: %w", protowire.ParseError(n))
	}
	if !num.IsValid() {
		return 0, fmt.Errorf("bad field number %d", num)
	}
	*f = field{num: num, typ: typ}
	var m int
	switch typ {
	case protowire.VarintType:
		f.v, m = protowire.ConsumeVarint(b[n:])
	case protowire.BytesType:
		f.b, m = protowire.ConsumeBytes(b[n:])
	case protowire.Fixed32Type, protowire.Fixed64Type:
		m = protowire.ConsumeFieldValue(num, typ, b[n:])
	default:
		return 0, fmt.Errorf("field %d: unsupported wire type %d", num, typ)
	}
	if err := protowire.ParseError(m); errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("field %d runs past the end of its message", num)
	} else if err != nil {
		return 0, fmt.Errorf("field %d: %w", num, err)
	}
	f.raw = b[:n+m]
	return n + m, nil
}

// lastBytes returns the last value of the length-delimited field num of
// msg and whether there is one (nothing for a malformed message, which the
// walk then reports).
func lastBytes(msg []byte, num protowire.Number) (last []byte, ok bool) {
	_ = each(msg, "", func(f *field) error {
		if f.num == num && f.typ == protowire.BytesType {
			last, ok = f.b, true
		}
		return nil
	})
	return last, ok
}
