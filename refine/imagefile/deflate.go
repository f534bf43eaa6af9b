package imagefile

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// This file holds a deflate (RFC 1951) encoder specialised for filtered
// PNG rows, in the spirit of fpng and fpnge: runs of a repeated byte become
// matches at distance 1, every other byte is a literal, and each block gets
// its own dynamic Huffman code. There is no hash table and no search, so it
// costs a small, constant time per byte, while the runs that filtering
// leaves in transparent and flat regions still shrink to almost nothing.
// On photographic residuals, where compress/flate's BestSpeed finds few
// matches worth having, the result is about as small and several times
// faster.

const (
	maxCodeBits = 15 // longest literal/length or distance code deflate allows
	// maxLitBits is the longest literal/length code this coder builds:
	// one bit under deflate's limit, so that four literals (56 bits) fit
	// in the bit buffer beside the 7 bits a flush may leave. It costs
	// nothing measurable in size: only symbols rarer than about 1 in
	// 2^14 get longer codes.
	maxLitBits = 14
	maxCLBits  = 7       // longest code-length code
	blockInput = 1 << 17 // input bytes per dynamic block
	numLitLen  = 286     // literal/length alphabet in use (0..285)
	endOfBlock = 256
	// minRun is the shortest run made a match. Filtered photographs are
	// full of short runs of zeros that cost less as literals: against 4,
	// 6 makes a 12 MP cutout 0.2% smaller and its encoding an eighth faster.
	minRun   = 6
	maxMatch = 258
)

// Length codes 257..285: base lengths and extra bits (RFC 1951, 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	// lengthCode maps length−3 (0..255) to its index in lengthBase.
	lengthCode [256]uint8
	// clOrder is the order in which code-length code lengths are sent.
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func init() {
	for i := range lengthBase {
		end := 256
		if i+1 < len(lengthBase) {
			end = int(lengthBase[i+1]) - 3
		}
		for l := int(lengthBase[i]) - 3; l < end; l++ {
			lengthCode[l] = uint8(i)
		}
	}
	lengthCode[255] = 28 // length 258 has its own code
}

// runDeflater compresses with runs and literals. Its buffers are reused
// from call to call; it is not safe for concurrent use.
type runDeflater struct {
	runs   []run             // the block's matches, in order
	hist   [4][256]int32     // literal counts, four-way to avoid store stalls
	lit    [numLitLen]int32  // literal/length symbol frequencies
	litTab [numLitLen]uint32 // code | length<<16 per literal/length symbol
	out    []byte
	bitBuf uint64
	nbits  uint
	// scratch for building codes
	litLen   [numLitLen]uint8
	litCode  [numLitLen]uint16
	distLen  [30]uint8
	distCode [30]uint16
	huff     huffBuilder
}

// run is a stretch of data that repeats the byte before it: one or more
// matches at distance 1.
type run struct {
	pos, n int32
}

// compress appends the deflate encoding of data to dst as one or more
// dynamic blocks. When final is true the last block is marked final;
// otherwise the output ends with an empty stored block (a sync flush), so
// another deflate stream can follow it directly. Either way the output
// ends on a byte boundary.
func (d *runDeflater) compress(dst, data []byte, final bool) []byte {
	d.out = dst
	d.bitBuf, d.nbits = 0, 0
	if len(data) == 0 {
		d.emptyBlock(final)
	}
	for len(data) > 0 {
		n := min(len(data), blockInput)
		d.block(data[:n], final && n == len(data))
		data = data[n:]
	}
	if !final {
		d.emptyBlock(false)
	}
	d.flushBits()
	return d.out
}

// emptyBlock writes a stored block of length 0, which also aligns the
// output to a byte.
func (d *runDeflater) emptyBlock(final bool) {
	b := uint64(0)
	if final {
		b = 1
	}
	d.writeBits(b, 3) // BFINAL, BTYPE = 00 (stored)
	d.flushBits()
	d.out = append(d.out, 0, 0, 0xff, 0xff) // LEN = 0, NLEN = ^LEN
}

// block tokenises data and writes it as one dynamic Huffman block.
func (d *runDeflater) block(data []byte, final bool) {
	d.findRuns(data)
	d.countSymbols(data)
	d.huff.lengths(d.lit[:], d.litLen[:], maxLitBits)
	canonical(d.litLen[:], d.litCode[:])
	for i := range d.litTab {
		d.litTab[i] = uint32(d.litCode[i]) | uint32(d.litLen[i])<<16
	}
	// All matches use distance 1 (code 0). Two codes of one bit keep the
	// distance code complete, which every inflater accepts.
	clear(d.distLen[:])
	d.distLen[0], d.distLen[1] = 1, 1
	canonical(d.distLen[:2], d.distCode[:2])

	b := uint64(2) << 1 // BTYPE = 10 (dynamic)
	if final {
		b |= 1
	}
	d.writeBits(b, 3)
	d.writeHeader()
	d.writeData(data)
	d.writeBits(uint64(d.litCode[endOfBlock]), uint(d.litLen[endOfBlock]))
}

// findRuns fills d.runs with the stretches of data that repeat the byte
// before them at least minRun times. Every other byte will be a literal.
func (d *runDeflater) findRuns(data []byte) {
	runs := d.runs[:0]
	n := len(data)
	i := 0
	for {
		k, ok := nextRun(data, i)
		if !ok {
			i = k
			break
		}
		i, runs = d.extendRun(data, k+1, runs)
	}
	for ; i+minRun < n; i++ { // the last few bytes, one at a time
		if isRun(data[i:], data[i]) {
			i, runs = d.extendRun(data, i+1, runs)
			i-- // the loop's i++ must not skip the byte after the run
		}
	}
	d.runs = runs
}

// nextRun looks for a run from data[i] on: the first k ≥ i with
// data[k+1..k+minRun] all equal to data[k]. It returns k and true, or, having
// found none, the first position it did not examine (within 8 bytes of the
// end) and false. It scans a 64-bit word at a time.
func nextRun(data []byte, i int) (int, bool) {
	const low7 = 0x7f7f7f7f7f7f7f7f
	for i+9 <= len(data) {
		// Byte k of e is zero where data[i+k] == data[i+k+1]; z has bit 7
		// of byte k set exactly there (no false positives: the low seven
		// bits are added without carries into the next byte). A run
		// starting after data[i+k] needs pairs k..k+5 equal, so r has
		// bit 7 of byte k set exactly where one starts, for k = 0..2.
		x := binary.LittleEndian.Uint64(data[i:])
		e := x ^ binary.LittleEndian.Uint64(data[i+1:])
		z := ^((e & low7) + low7 | e | low7)
		z2 := z & (z >> 8)
		if r := z2 & (z2 >> 16) & (z2 >> 32); r != 0 {
			return i + bits.TrailingZeros64(r)>>3, true
		}
		i += 3
	}
	return i, false
}

// extendRun records the run of data[start-1] that begins at start (at
// least minRun long, which the caller checked) and returns where it ends.
// Runs longer than maxMatch are split into several matches.
func (d *runDeflater) extendRun(data []byte, start int, runs []run) (int, []run) {
	c := data[start-1]
	pat := uint64(c) * 0x0101010101010101
	end := start
	for end+minRun <= len(data) && isRun(data[end-1:], c) {
		end += runLength(data[end:], pat)
	}
	return end, append(runs, run{int32(start), int32(end - start)})
}

// runLength returns how many leading bytes of p (at least minRun, which
// the caller checked) equal the byte repeated in pat, up to maxMatch.
func runLength(p []byte, pat uint64) int {
	p = p[:min(len(p), maxMatch)]
	n := minRun
	for n+8 <= len(p) {
		if x := binary.LittleEndian.Uint64(p[n:]) ^ pat; x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < len(p) && p[n] == byte(pat) {
		n++
	}
	return n
}

// countSymbols fills d.lit with the symbol frequencies of data given
// d.runs.
func (d *runDeflater) countSymbols(data []byte) {
	clear(d.hist[:])
	clear(d.lit[:])
	pos := 0
	for _, r := range d.runs {
		d.countLiterals(data[pos:r.pos])
		for n := int(r.n); n > 0; {
			m := matchLen(n)
			d.lit[257+int(lengthCode[m-3])]++
			n -= m
		}
		pos = int(r.pos + r.n)
	}
	d.countLiterals(data[pos:])
	for c := 0; c < 256; c++ {
		d.lit[c] = d.hist[0][c] + d.hist[1][c] + d.hist[2][c] + d.hist[3][c]
	}
	d.lit[endOfBlock] = 1
}

// countLiterals adds the bytes of p to the four-way histogram.
func (d *runDeflater) countLiterals(p []byte) {
	h0, h1, h2, h3 := &d.hist[0], &d.hist[1], &d.hist[2], &d.hist[3]
	for len(p) >= 4 {
		h0[p[0]]++
		h1[p[1]]++
		h2[p[2]]++
		h3[p[3]]++
		p = p[4:]
	}
	for _, c := range p {
		h0[c]++
	}
}

// matchLen returns the length of the next match that covers n bytes of a
// run: at most maxMatch, and never leaving a remainder shorter than the
// minimum match of 3.
func matchLen(n int) int {
	switch {
	case n <= maxMatch:
		return n
	case n < maxMatch+3:
		return n - 3
	}
	return maxMatch
}

// writeHeader writes HLIT, HDIST, HCLEN, the code-length code and the
// run-length encoded code lengths of the literal/length and distance
// codes (RFC 1951, 3.2.7).
func (d *runDeflater) writeHeader() {
	nlit := numLitLen
	for nlit > 257 && d.litLen[nlit-1] == 0 {
		nlit--
	}
	const ndist = 2
	var seq [numLitLen + ndist]uint8
	all := append(append(seq[:0], d.litLen[:nlit]...), d.distLen[:ndist]...)

	// Run-length encode the code lengths into symbols 0..18 with extra
	// bits, counting symbol frequencies.
	var syms [numLitLen + ndist]uint16 // symbol | extra<<8
	ns := 0
	var freq [19]int32
	for i := 0; i < len(all); {
		v := all[i]
		r := 1
		for i+r < len(all) && all[i+r] == v {
			r++
		}
		i += r
		if v == 0 {
			for r >= 11 {
				k := min(r, 138)
				syms[ns], ns = 18|uint16(k-11)<<8, ns+1
				freq[18]++
				r -= k
			}
			if r >= 3 {
				syms[ns], ns = 17|uint16(r-3)<<8, ns+1
				freq[17]++
				r = 0
			}
		} else {
			syms[ns], ns = uint16(v), ns+1
			freq[v]++
			r--
			for r >= 3 {
				k := min(r, 6)
				syms[ns], ns = 16|uint16(k-3)<<8, ns+1
				freq[16]++
				r -= k
			}
		}
		for ; r > 0; r-- {
			syms[ns], ns = uint16(v), ns+1
			freq[v]++
		}
	}

	var clLen [19]uint8
	var clCode [19]uint16
	d.huff.lengths(freq[:], clLen[:], maxCLBits)
	canonical(clLen[:], clCode[:])
	nclen := 19
	for nclen > 4 && clLen[clOrder[nclen-1]] == 0 {
		nclen--
	}
	d.writeBits(uint64(nlit-257), 5)
	d.writeBits(uint64(ndist-1), 5)
	d.writeBits(uint64(nclen-4), 4)
	for _, s := range clOrder[:nclen] {
		d.writeBits(uint64(clLen[s]), 3)
	}
	for _, s := range syms[:ns] {
		sym, extra := s&0xff, uint64(s>>8)
		d.writeBits(uint64(clCode[sym]), uint(clLen[sym]))
		switch sym {
		case 16:
			d.writeBits(extra, 2)
		case 17:
			d.writeBits(extra, 3)
		case 18:
			d.writeBits(extra, 7)
		}
	}
}

// writeData writes the block's literals and matches with its codes.
func (d *runDeflater) writeData(data []byte) {
	// Reserve room for the worst case (14 bits per literal, 20 per
	// match) plus 8 bytes of slack, so that the loop below can store a
	// whole 64-bit word after every token without checking capacity.
	o := len(d.out)
	out := slices.Grow(d.out, 2*len(data)+3*len(d.runs)+16)
	out = out[:cap(out)]
	bitBuf, nbits := d.bitBuf, d.nbits
	tab := &d.litTab
	dist := uint64(d.distCode[0])
	distBits := uint(d.distLen[0])

	// flush stores the buffer and drops its whole bytes; at most 7 bits
	// remain, so four literals (56 bits) or two matches (42 bits) fit
	// before the next flush.
	literals := func(p []byte) {
		for len(p) >= 4 {
			v0, v1, v2, v3 := tab[p[0]], tab[p[1]], tab[p[2]], tab[p[3]]
			bitBuf |= uint64(v0&0xffff) << nbits
			nbits += uint(v0 >> 16)
			bitBuf |= uint64(v1&0xffff) << nbits
			nbits += uint(v1 >> 16)
			bitBuf |= uint64(v2&0xffff) << nbits
			nbits += uint(v2 >> 16)
			bitBuf |= uint64(v3&0xffff) << nbits
			nbits += uint(v3 >> 16)
			binary.LittleEndian.PutUint64(out[o:], bitBuf)
			k := nbits >> 3
			o += int(k)
			bitBuf >>= k << 3
			nbits &= 7
			p = p[4:]
		}
		for _, c := range p {
			v := tab[c]
			bitBuf |= uint64(v&0xffff) << nbits
			nbits += uint(v >> 16)
			binary.LittleEndian.PutUint64(out[o:], bitBuf)
			k := nbits >> 3
			o += int(k)
			bitBuf >>= k << 3
			nbits &= 7
		}
	}
	pos := 0
	for _, r := range d.runs {
		literals(data[pos:r.pos])
		for n := int(r.n); n > 0; {
			m := matchLen(n)
			n -= m
			lc := lengthCode[m-3]
			v := tab[257+int(lc)]
			bitBuf |= uint64(v&0xffff) << nbits
			nbits += uint(v >> 16)
			bitBuf |= uint64(m-int(lengthBase[lc])) << nbits
			nbits += uint(lengthExtra[lc])
			bitBuf |= dist << nbits
			nbits += distBits
			binary.LittleEndian.PutUint64(out[o:], bitBuf)
			k := nbits >> 3
			o += int(k)
			bitBuf >>= k << 3
			nbits &= 7
		}
		pos = int(r.pos + r.n)
	}
	literals(data[pos:])
	d.out, d.bitBuf, d.nbits = out[:o], bitBuf, nbits
}

// writeBits appends the n low bits of v, least significant first.
func (d *runDeflater) writeBits(v uint64, n uint) {
	d.bitBuf |= v << d.nbits
	d.nbits += n
	for d.nbits >= 8 {
		d.out = append(d.out, byte(d.bitBuf))
		d.bitBuf >>= 8
		d.nbits -= 8
	}
}

// flushBits writes any pending bits, padding the last byte with zeros.
func (d *runDeflater) flushBits() {
	for d.nbits > 0 {
		d.out = append(d.out, byte(d.bitBuf))
		d.bitBuf >>= 8
		d.nbits = uint(max(int(d.nbits)-8, 0))
	}
	d.bitBuf = 0
}

// canonical assigns canonical Huffman codes (RFC 1951, 3.2.2) to the code
// lengths in lens, bit-reversed for least-significant-first output.
func canonical(lens []uint8, codes []uint16) {
	var count [maxCodeBits + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeBits + 1]uint16
	code := uint16(0)
	for b := 1; b <= maxCodeBits; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for i, l := range lens {
		if l == 0 {
			codes[i] = 0
			continue
		}
		codes[i] = bits.Reverse16(next[l]) >> (16 - l)
		next[l]++
	}
}

// huffBuilder computes length-limited Huffman code lengths. Its buffers
// are reused.
type huffBuilder struct {
	nodes []huffNode
	freq  []int32
}

type huffNode struct {
	freq        int64
	left, right int32 // children, −1 for leaves
	sym         int32
	depth       int32
}

// lengths sets lens[i] to the code length of symbol i for frequencies
// freq, no code longer than limit. Symbols with frequency 0 get length 0,
// except that at least two symbols always get codes, so that the code is
// complete. When the optimal code is too deep, frequencies are halved
// (rounding up) until it fits, a simple scheme that costs little on
// these alphabets; it ends because equal frequencies give a balanced
// tree, which fits whenever the alphabet has at most 1<<limit symbols.
func (h *huffBuilder) lengths(freq []int32, lens []uint8, limit int) {
	if len(freq) > 1<<limit {
		panic("imagefile: huffman: alphabet too large for the length limit")
	}
	h.freq = append(h.freq[:0], freq...)
	used := 0
	for _, f := range h.freq {
		if f > 0 {
			used++
		}
	}
	// Give unused symbols a token frequency until two are in use.
	for i := 0; used < 2 && i < len(h.freq); i++ {
		if h.freq[i] == 0 {
			h.freq[i] = 1
			used++
		}
	}
	for {
		if h.build(lens, limit) {
			return
		}
		for i, f := range h.freq {
			if f > 0 {
				h.freq[i] = (f + 1) / 2
			}
		}
	}
}

// build computes unrestricted Huffman lengths from h.freq into lens and
// reports whether all fit within limit.
func (h *huffBuilder) build(lens []uint8, limit int) bool {
	h.nodes = h.nodes[:0]
	for i, f := range h.freq {
		lens[i] = 0
		if f > 0 {
			h.nodes = append(h.nodes, huffNode{freq: int64(f), left: -1, right: -1, sym: int32(i)})
		}
	}
	leaves := len(h.nodes)
	slices.SortFunc(h.nodes, func(a, b huffNode) int {
		if a.freq != b.freq {
			if a.freq < b.freq {
				return -1
			}
			return 1
		}
		return int(a.sym - b.sym)
	})
	// Two-queue construction: leaves in sorted order, internal nodes in
	// creation order (which is also sorted by frequency).
	li, qi := 0, leaves
	pick := func() int32 {
		if li < leaves && (qi >= len(h.nodes) || h.nodes[li].freq <= h.nodes[qi].freq) {
			li++
			return int32(li - 1)
		}
		qi++
		return int32(qi - 1)
	}
	for k := 0; k < leaves-1; k++ {
		a, b := pick(), pick()
		h.nodes = append(h.nodes, huffNode{freq: h.nodes[a].freq + h.nodes[b].freq, left: a, right: b, sym: -1})
	}
	// Depths, from the root (the last node) down.
	root := len(h.nodes) - 1
	h.nodes[root].depth = 0
	ok := true
	for i := root; i >= 0; i-- {
		n := &h.nodes[i]
		if n.left >= 0 {
			h.nodes[n.left].depth = n.depth + 1
			h.nodes[n.right].depth = n.depth + 1
			continue
		}
		if int(n.depth) > limit {
			ok = false
		}
		lens[n.sym] = uint8(n.depth)
	}
	return ok
}

// isRun reports whether the minRun (6) bytes after p[0] all equal c; p
// must hold minRun+1 bytes.
func isRun(p []byte, c byte) bool {
	p = p[:minRun+1]
	return binary.LittleEndian.Uint32(p[1:]) == uint32(c)*0x01010101 && p[5] == c && p[6] == c
}
