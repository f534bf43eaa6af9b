package jpegdec

import (
	"image"
	"runtime"
	"sync"
)

// scanComp is one component of the scan, in scan order.
type scanComp struct {
	dc, ac *huffTable
	nb     int // blocks per MCU: h×v
	off    int // index of its first block within the MCU
}

// layout describes where one frame component's blocks go, for the
// workers that reconstruct them.
type layout struct {
	h, v   int
	off    int       // index of its first block within the MCU
	q      [64]int32 // quantisation table, natural order
	stride int       // plane row length: mcusX×h×8
}

// frame is the geometry of the scan shared by the entropy decoder and the
// workers.
type frame struct {
	w, h         int
	nComp        int
	mcusX, mcusY int
	mcuW, mcuH   int // pixels
	bpm          int // blocks per MCU
	comps        [3]layout
	hs, vs       uint // chroma shifts
}

// rowBuf holds one MCU row of quantised coefficients, in MCU order and
// within each MCU in scan order, plus the zigzag index of the last
// non-zero coefficient of each block. Blocks are all zero when a row
// buffer is handed to the entropy decoder.
type rowBuf struct {
	row  int
	coef []int16
	last []uint8
}

func (f *frame) newRowBuf() *rowBuf {
	n := f.mcusX * f.bpm
	return &rowBuf{coef: make([]int16, 64*n), last: make([]uint8, n)}
}

// scanner is the entropy decoder's state between MCU rows.
type scanner struct {
	data  []byte
	b     bits
	comps []scanComp
	pred  [3]int32
	ri    int
	mcu   int // MCUs decoded so far
	rst   uint8
	mcusX int
	bpm   int
}

// processSOS reads a scan header (T.81 B.2.3), decodes the scan into a
// new image and leaves d.pos on the marker that follows it.
func (d *decoder) processSOS(seg []byte) (*image.NRGBA, error) {
	if d.nComp == 0 {
		return nil, malformed("missing SOF marker")
	}
	if len(seg) < 1 || len(seg) != 4+2*int(seg[0]) {
		return nil, malformed("SOS has wrong length")
	}
	ns := int(seg[0])
	if ns != d.nComp {
		return nil, unsupported("scan of %d of %d components", ns, d.nComp)
	}
	if ss, se, a := seg[1+2*ns], seg[2+2*ns], seg[3+2*ns]; ss != 0 || se != 63 || a != 0 {
		return nil, malformed("bad spectral selection bounds")
	}
	if d.isRGB() {
		return nil, unsupported("RGB colour transform")
	}
	f := &frame{w: d.width, h: d.height, nComp: d.nComp, hs: d.hShift, vs: d.vShift}
	h0, v0 := d.comp[0].h, d.comp[0].v
	f.mcuW, f.mcuH = 8*h0, 8*v0
	f.mcusX, f.mcusY = (f.w+f.mcuW-1)/f.mcuW, (f.h+f.mcuH-1)/f.mcuH
	s := &scanner{data: d.data, ri: d.ri, mcusX: f.mcusX}
	var seen [3]bool
	for i := 0; i < ns; i++ {
		id, tables := seg[1+2*i], seg[2+2*i]
		ci := -1
		for j := 0; j < d.nComp; j++ {
			if d.comp[j].id == id {
				ci = j
			}
		}
		if ci < 0 || seen[ci] {
			return nil, malformed("bad scan component identifier")
		}
		seen[ci] = true
		td, ta := tables>>4, tables&0x0f
		if td > 3 || ta > 3 || d.huff[0][td] == nil || d.huff[1][ta] == nil {
			return nil, malformed("undefined Huffman table")
		}
		c := d.comp[ci]
		l := &f.comps[ci]
		l.h, l.v, l.off, l.stride = c.h, c.v, f.bpm, f.mcusX*c.h*8
		for k, q := range d.quant[c.tq] {
			l.q[unzig[k]] = q
		}
		s.comps = append(s.comps, scanComp{dc: d.huff[0][td], ac: d.huff[1][ta], nb: c.h * c.v, off: f.bpm})
		f.bpm += c.h * c.v
	}
	s.bpm = f.bpm
	s.b.pos = d.pos
	// Every block takes at least two bits (a DC and an AC code), so data
	// shorter than that cannot hold the frame; refuse it before
	// allocating the image.
	blocks := int64(f.mcusX) * int64(f.mcusY) * int64(f.bpm)
	if int64(len(d.data)-d.pos) < blocks/4 {
		return nil, malformed("%d bytes of entropy data cannot code %d blocks", len(d.data)-d.pos, blocks)
	}
	img := image.NewNRGBA(image.Rect(0, 0, f.w, f.h))
	if err := f.run(s, img); err != nil {
		return nil, err
	}
	if err := s.endSegment(); err != nil {
		return nil, err
	}
	d.pos = s.b.pos
	return img, nil
}

// minParallelPixels is the image size below which decoding stays on one
// goroutine.
const minParallelPixels = 1 << 16

// run decodes the scan into img. The calling goroutine entropy-decodes MCU
// rows into a ring of row buffers while workers reconstruct finished rows
// (dequantise, IDCT, upsample, convert) straight into img.Pix; when the
// ring is full the caller reconstructs a row itself.
func (f *frame) run(s *scanner, img *image.NRGBA) (err error) {
	procs := runtime.GOMAXPROCS(0)
	if procs == 1 || f.w*f.h < minParallelPixels || f.mcusY < 4 {
		rb, p := f.newRowBuf(), f.newPlanes()
		for row := 0; row < f.mcusY; row++ {
			rb.row = row
			if err := s.decodeRow(rb); err != nil {
				return err
			}
			f.reconstruct(rb, p, img)
		}
		return nil
	}
	workers := procs - 1
	nbuf := min(2*procs+2, f.mcusY)
	free := make(chan *rowBuf, nbuf)
	ready := make(chan *rowBuf, nbuf)
	for range nbuf {
		free <- f.newRowBuf()
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		panicErr error
	)
	work := func(rb *rowBuf, p *planes) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				if panicErr == nil {
					panicErr = malformed("decoder panic: %v", r)
				}
				mu.Unlock()
			}
		}()
		f.reconstruct(rb, p, img)
	}
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			p := f.newPlanes()
			for rb := range ready {
				work(rb, p)
				free <- rb
			}
		}()
	}
	// Stop the workers however this returns, a panic included (which
	// Decode turns into an error).
	defer func() {
		close(ready)
		wg.Wait()
		if err == nil {
			err = panicErr
		}
	}()
	var own *planes
	for row := 0; row < f.mcusY && err == nil; row++ {
		var rb *rowBuf
		select {
		case rb = <-free:
		default:
			select {
			case rb = <-free:
			case rb = <-ready:
				if own == nil {
					own = f.newPlanes()
				}
				work(rb, own)
			}
		}
		rb.row = row
		if err = s.decodeRow(rb); err == nil {
			ready <- rb
		}
	}
	return err
}

// decodeRow entropy-decodes the next MCU row into rb (T.81 F.2.2),
// handling restart markers at interval boundaries.
func (s *scanner) decodeRow(rb *rowBuf) error {
	data, b := s.data, s.b
	coef, last := rb.coef, rb.last
	bi := 0
	for mx := 0; mx < s.mcusX; mx++ {
		if s.ri > 0 && s.mcu > 0 && s.mcu%s.ri == 0 {
			s.b = b
			if err := s.restart(); err != nil {
				return err
			}
			b = s.b
		}
		for ci := range s.comps {
			c := &s.comps[ci]
			dcT, acT := c.dc, c.ac
			for range c.nb {
				blk := (*[64]int16)(coef[64*bi : 64*bi+64])
				// DC: a magnitude category, then that many bits.
				if b.n < 32 {
					b = fill(data, b)
				}
				e := dcT.lut[b.acc>>(64-lutBits)]
				t, l := uint(e>>8), uint(e&0xff)
				if l == 0 {
					var sym uint8
					if sym, l = dcT.decodeSlow(b.acc); l == 0 {
						return malformed("bad Huffman code")
					}
					t = uint(sym)
				}
				b.acc <<= l
				b.n -= l
				if t > 15 {
					return malformed("DC magnitude category %d", t)
				}
				pred := s.pred[ci]
				if t > 0 {
					pred += extend(uint32(b.acc>>(64-t)), t)
					b.acc <<= t
					b.n -= t
				}
				if pred < -1<<15 || pred >= 1<<15 {
					return malformed("DC coefficient out of range")
				}
				s.pred[ci] = pred
				blk[0] = int16(pred)
				// AC: run/size symbols until EOB or the 63rd coefficient.
				// Stores mask k, which is at most 63 there, only to spare
				// bounds checks.
				k, end := 1, 0
				for k < 64 {
					if b.n < 32 {
						b = fill(data, b)
					}
					idx := b.acc >> (64 - lutBits)
					if fe := acT.fast[idx]; fe != 0 {
						k += int(fe >> 8 & 0xff)
						if k > 63 {
							return malformed("AC run past the block")
						}
						fl := uint(fe & 0xff)
						b.acc <<= fl
						b.n -= fl
						blk[unzig[k&63]&63] = int16(fe >> 16)
						end = k
						k++
						continue
					}
					e := acT.lut[idx]
					sym, l := uint8(e>>8), uint(e&0xff)
					if l == 0 {
						if sym, l = acT.decodeSlow(b.acc); l == 0 {
							return malformed("bad Huffman code")
						}
					}
					b.acc <<= l
					b.n -= l
					run, size := int(sym>>4), uint(sym&0x0f)
					if size == 0 {
						if run != 15 {
							break // EOB
						}
						k += 16 // ZRL: sixteen zeros
						continue
					}
					k += run
					if k > 63 {
						return malformed("AC run past the block")
					}
					blk[unzig[k&63]&63] = int16(extend(uint32(b.acc>>(64-size)), size))
					b.acc <<= size
					b.n -= size
					end = k
					k++
				}
				last[bi] = uint8(end)
				bi++
			}
		}
		s.mcu++
	}
	s.b = b
	if b.n < b.pad {
		return malformed("entropy data ends early: %w", errEOF)
	}
	return nil
}

// endSegment checks that the entropy-coded segment just decoded ended
// where its data does: at most seven padding bits left, then a marker.
func (s *scanner) endSegment() error {
	b := s.b
	if b.n < b.pad || b.n-b.pad >= 8 {
		return malformed("entropy-coded segment length does not match its blocks")
	}
	if b.pos >= len(s.data) || s.data[b.pos] != 0xff {
		return malformed("no marker after entropy-coded segment")
	}
	return nil
}

// restart consumes the RSTn marker expected after each restart interval
// and resets the decoder (T.81 F.2.1.3.1, E.2.4).
func (s *scanner) restart() error {
	if err := s.endSegment(); err != nil {
		return err
	}
	p := s.b.pos
	for p+1 < len(s.data) && s.data[p+1] == 0xff {
		p++ // fill bytes
	}
	if p+1 >= len(s.data) || s.data[p+1] != markerRST0+s.rst {
		return malformed("missing RST%d marker", s.rst)
	}
	s.rst = (s.rst + 1) & 7
	s.b = bits{pos: p + 2}
	s.pred = [3]int32{}
	return nil
}
