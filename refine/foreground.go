package refine

import (
	"context"
	"image"
	"math"
	"runtime"

	"cutout/refine/parallel"
)

// Foreground estimation after Germer, Uelwer, Conrad and Harmeling, "Fast
// Multi-Level Foreground Estimation", ICPR 2020: for every pixel it finds
// the foreground F and background B colours that explain the observed
// colour, I ≈ αF + (1−α)B, while varying smoothly where alpha does:
//
//	min Σ_i ‖α_i F_i + (1−α_i) B_i − I_i‖²
//	  + Σ_i Σ_{j∈N4(i)} (ε_r + ω|α_i − α_j|)(‖F_i − F_j‖² + ‖B_i − B_j‖²)
//
// solved coarse to fine: levels grow geometrically from 1×1 to full size
// (nearest-neighbour resizing), each initialised from the previous one and
// relaxed a few times per pixel by solving its 2×2 system (one per colour
// channel pair). Updates run red-black, so they are parallel and
// deterministic. At full resolution only tiles that hold semi-transparent
// pixels are relaxed, and in them only the pixels within reach of a
// semi-transparent pixel or an edge of alpha: elsewhere F is the image
// itself (alpha 1) or does not matter (alpha 0), so the cost follows the
// matte's soft band.
const (
	fgRegularization = 1e-5 // ε_r
	fgGradientWeight = 1.0  // ω
	fgSmallIters     = 10   // relaxations per level up to fgSmallSize²
	fgBigIters       = 2    // relaxations per larger level
	fgSmallSize      = 32
	fgTile           = 128               // full-resolution tile side
	fgTileIters      = 4                 // relaxations of a full-resolution tile
	fgHalo           = 2*fgTileIters + 2 // beyond the reach of the sweeps
)

// fgDenseLimit is the largest level (pixels) relaxed as a whole. Larger
// intermediate levels are skipped, and a larger finest level is relaxed
// tile by tile, only where alpha is soft, with fgTileIters relaxations to
// make up for the skipped levels (see estimateForeground's dense).
const fgDenseLimit = 1 << 20

// EstimateForeground returns the foreground colours of img given its alpha
// matte: for semi-transparent pixels the colour the subject has before it
// is mixed with the background, so that compositing over any new
// background leaves no fringe of the old one. Pixels with alpha 1 keep
// their colour; pixels with alpha 0 get a smooth extrapolation (they are
// invisible in a cutout). The returned image is opaque (A = 255) and has
// img's size, with origin (0, 0).
//
// img and alpha must have the same size (it panics otherwise); neither is
// modified. It returns ctx.Err() when ctx is cancelled between levels or
// tiles. opt may be nil; only opt.Progress is used.
func EstimateForeground(ctx context.Context, img *image.NRGBA, alpha *Matte, opt *Options) (*image.NRGBA, error) {
	checkSameSize("EstimateForeground", img, alpha.W, alpha.H)
	o := opt.resolve()
	rep := &reporter{fn: o.Progress, every: o.ProgressInterval}
	return estimateForeground(ctx, img, alpha, rep, 0, 1, fgDenseLimit)
}

// fgLevel is one dense level: colours, alpha, and the F and B estimates
// (3 floats per pixel each).
type fgLevel struct {
	w, h   int
	i, a   []float32
	fg, bg []float32
}

// estimateForeground is EstimateForeground, reporting progress from f0
// to f1, with levels larger than dense pixels relaxed as fgDenseLimit
// says.
func estimateForeground(ctx context.Context, img *image.NRGBA, alpha *Matte, rep *reporter, f0, f1 float64, dense int) (*image.NRGBA, error) {
	w, h := alpha.W, alpha.H
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out, ctx.Err()
	}
	levels := int(math.Ceil(math.Log2(float64(max(w, h)))))
	var prev *fgLevel
	for l := 0; l <= levels; l++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lw, lh := w, h
		if levels > 0 {
			lw = max(1, int(math.Round(math.Pow(float64(w), float64(l)/float64(levels)))))
			lh = max(1, int(math.Round(math.Pow(float64(h), float64(l)/float64(levels)))))
		}
		iters := fgBigIters
		if lw <= fgSmallSize && lh <= fgSmallSize {
			iters = fgSmallIters
		}
		if lw*lh > dense && prev != nil {
			if l < levels {
				continue
			}
			if err := foregroundTiles(ctx, img, alpha, prev, out); err != nil {
				return nil, err
			}
			rep.report(Progress{Stage: "foreground", Fraction: f1}, true)
			break
		}
		cur := newFGLevel(img, alpha, lw, lh, prev)
		for range iters {
			cur.relax(0, 0, lw, lh)
		}
		prev = cur
		rep.report(Progress{Stage: "foreground", Fraction: f0 + (f1-f0)*float64(l+1)/float64(levels+1)}, l == levels)
		if l == levels {
			cur.write(out, 0, 0, lw, lh, 0, 0)
		}
	}
	return out, nil
}

// nearest maps destination coordinate x of a size-dst axis to a source
// coordinate on a size-src axis.
func nearest(x, dst, src int) int {
	return min(src-1, (2*x+1)*src/(2*dst))
}

// newFGLevel resizes the image and alpha to lw×lh (nearest neighbour) and
// initialises F and B from prev (nearest), or from zero at the 1×1 start.
func newFGLevel(img *image.NRGBA, alpha *Matte, lw, lh int, prev *fgLevel) *fgLevel {
	w, h := alpha.W, alpha.H
	c := &fgLevel{w: lw, h: lh, i: make([]float32, 3*lw*lh), a: make([]float32, lw*lh),
		fg: make([]float32, 3*lw*lh), bg: make([]float32, 3*lw*lh)}
	parallel.Rows(lh, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy := nearest(y, lh, h)
			for x := 0; x < lw; x++ {
				sx := nearest(x, lw, w)
				k := y*lw + x
				src := img.Pix[sy*img.Stride+4*sx:]
				c.i[3*k] = float32(src[0]) / 255
				c.i[3*k+1] = float32(src[1]) / 255
				c.i[3*k+2] = float32(src[2]) / 255
				c.a[k] = clamp01(alpha.Pix[sy*w+sx])
				if prev != nil {
					p := nearest(y, lh, prev.h)*prev.w + nearest(x, lw, prev.w)
					copy(c.fg[3*k:3*k+3], prev.fg[3*p:3*p+3])
					copy(c.bg[3*k:3*k+3], prev.bg[3*p:3*p+3])
				}
			}
		}
	})
	return c
}

// relax runs one red-black sweep over the pixels of [x0,x1)×[y0,y1) of the
// level. Neighbours outside the level are clamped to its border, as in the
// published method; neighbours outside the rectangle but inside the level
// are read and not written.
func (c *fgLevel) relax(x0, y0, x1, y1 int) {
	for colour := range 2 {
		parallel.Rows(y1-y0, func(r0, r1 int) {
			for y := y0 + r0; y < y0+r1; y++ {
				start := x0 + (colour+y+x0)&1
				for x := start; x < x1; x += 2 {
					c.update(x, y)
				}
			}
		})
	}
}

// update solves pixel (x, y)'s 2×2 system for F and B given its
// neighbours' current estimates.
func (c *fgLevel) update(x, y int) {
	w, h := c.w, c.h
	k := y*w + x
	a := c.a
	a0 := a[k]
	a1 := 1 - a0
	a00, a01, a11 := a0*a0, a0*a1, a1*a1
	ik := c.i[3*k : 3*k+3 : 3*k+3]
	// f0..f2 and g0..g2 are the right-hand sides of the F and B rows of
	// the 2×2 systems, one per channel.
	f0, f1, f2 := a0*ik[0], a0*ik[1], a0*ik[2]
	g0, g1, g2 := a1*ik[0], a1*ik[1], a1*ik[2]
	// The four neighbours, clamped to the level's border.
	l, r, u, d := k, k, k, k
	if x > 0 {
		l = k - 1
	}
	if x < w-1 {
		r = k + 1
	}
	if y > 0 {
		u = k - w
	}
	if y < h-1 {
		d = k + w
	}
	fg, bg := c.fg, c.bg
	// The four neighbours, in the order l, r, u, d.
	for _, n := range [4]int{l, r, u, d} {
		da := fgRegularization + fgGradientWeight*abs32(a0-a[n])
		a00 += da
		a11 += da
		fn := fg[3*n : 3*n+3 : 3*n+3]
		bn := bg[3*n : 3*n+3 : 3*n+3]
		f0 += da * fn[0]
		f1 += da * fn[1]
		f2 += da * fn[2]
		g0 += da * bn[0]
		g1 += da * bn[1]
		g2 += da * bn[2]
	}
	inv := 1 / (a00*a11 - a01*a01)
	i00, i01, i11 := inv*a11, -inv*a01, inv*a00
	f := fg[3*k : 3*k+3 : 3*k+3]
	b := bg[3*k : 3*k+3 : 3*k+3]
	f[0], b[0] = clamp01(i00*f0+i01*g0), clamp01(i01*f0+i11*g0)
	f[1], b[1] = clamp01(i00*f1+i01*g1), clamp01(i01*f1+i11*g1)
	f[2], b[2] = clamp01(i00*f2+i01*g2), clamp01(i01*f2+i11*g2)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// write stores F of the level rectangle [x0,x1)×[y0,y1) into out at offset
// (ox, oy), as opaque 8-bit colour.
func (c *fgLevel) write(out *image.NRGBA, x0, y0, x1, y1, ox, oy int) {
	parallel.Rows(y1-y0, func(r0, r1 int) {
		for y := y0 + r0; y < y0+r1; y++ {
			dst := out.Pix[(y+oy)*out.Stride+4*(x0+ox):]
			for x := x0; x < x1; x++ {
				f := c.fg[3*(y*c.w+x):]
				d := dst[4*(x-x0):]
				d[0] = uint8(f[0]*255 + 0.5)
				d[1] = uint8(f[1]*255 + 0.5)
				d[2] = uint8(f[2]*255 + 0.5)
				d[3] = 255
			}
		}
	})
}

// foregroundTiles relaxes the finest level tile by tile. A tile with a
// semi-transparent pixel within fgHalo of it is cut out with a halo of
// fgHalo pixels, initialised from the previous level, relaxed fgTileIters
// times within fgReach of its soft alpha (see active; parity taken from
// image coordinates, so the interior matches a whole-image sweep) and its
// interior written out; soft tiles are handed out one at a time. Other
// tiles take the image colour where alpha is 1 and the coarse estimate
// elsewhere.
func foregroundTiles(ctx context.Context, img *image.NRGBA, alpha *Matte, prev *fgLevel, out *image.NRGBA) error {
	w, h := alpha.W, alpha.H
	tx, ty := (w+fgTile-1)/fgTile, (h+fgTile-1)/fgTile
	nt := tx * ty
	m := newCoarseMap(prev, w, h)
	// Tiles without soft alpha are copied; the others, fewer and costly,
	// are handed out one at a time, so that a cluster of them (a head of
	// hair) spreads over every core.
	soft := make([]bool, nt)
	parallel.Rows(nt, func(t0, t1 int) {
		for t := t0; t < t1; t++ {
			x0, y0, x1, y1, hx0, hy0, hx1, hy1 := tileRects(t, tx, w, h)
			if soft[t] = softIn(alpha, hx0, hy0, hx1, hy1); !soft[t] {
				copyTile(img, alpha, m, out, x0, y0, x1, y1)
			}
		}
	})
	var todo []int
	for t, s := range soft {
		if s {
			todo = append(todo, t)
		}
	}
	bufs := make([]*tileBuf, runtime.GOMAXPROCS(0))
	parallel.Each(len(todo), func(worker, i int) {
		if ctx.Err() != nil {
			return
		}
		buf := bufs[worker]
		if buf == nil {
			buf = newTileBuf()
			bufs[worker] = buf
		}
		x0, y0, x1, y1, hx0, hy0, hx1, hy1 := tileRects(todo[i], tx, w, h)
		c := tileLevel(&buf.fgLevel, img, alpha, m, hx0, hy0, hx1, hy1)
		act := buf.active(c)
		for range fgTileIters {
			c.relaxActive(hx0+hy0, act)
		}
		c.writeActive(out, img, act, x0-hx0, y0-hy0, x1-hx0, y1-hy0, hx0, hy0)
	})
	return ctx.Err()
}

// tileBuf is a worker's storage for one tile: the level and the masks
// of active.
type tileBuf struct {
	fgLevel
	seed, tmp, act []bool
}

// newTileBuf returns storage for a tile of fgTile pixels a side and its
// halo.
func newTileBuf() *tileBuf {
	side := fgTile + 2*fgHalo
	n := side * side
	return &tileBuf{fgLevel: fgLevel{a: make([]float32, n), i: make([]float32, 3*n),
		fg: make([]float32, 3*n), bg: make([]float32, 3*n)},
		seed: make([]bool, n), tmp: make([]bool, n), act: make([]bool, n)}
}

// fgReach is how far, in pixels, the relaxation of a tile carries a
// change: each of the fgTileIters sweeps moves it two pixels (red, then
// black), and one more for safety.
const fgReach = 2*fgTileIters + 1

// active marks, in a mask of the tile level c's size, the pixels within
// fgReach of a pixel whose alpha is soft or differs from a 4-neighbour's.
// Elsewhere in the tile alpha is 0 or 1 all around: where it is 1, the
// relaxed foreground is the photo's colour to far below 1/255 (its
// neighbours weigh fgRegularization against 1), and where it is 0 the
// foreground is not seen. The relaxation of the active pixels alone gives
// every seed pixel the value a relaxation of the whole tile gives it, as
// nothing beyond fgReach can reach it in fgTileIters sweeps.
func (b *tileBuf) active(c *fgLevel) []bool {
	w, h := c.w, c.h
	a := c.a
	seed, tmp, act := b.seed[:w*h], b.tmp[:w*h], b.act[:w*h]
	clear(seed)
	for y := range h {
		for x := range w {
			k := y*w + x
			v := a[k]
			if v > 0 && v < 1 {
				seed[k] = true
			}
			if x+1 < w && a[k+1] != v {
				seed[k], seed[k+1] = true, true
			}
			if y+1 < h && a[k+w] != v {
				seed[k], seed[k+w] = true, true
			}
		}
	}
	// A box of radius fgReach, rows then columns (see boxDilate).
	for y := range h {
		dilateLine(seed[y*w:], tmp[y*w:], w, 1, fgReach)
	}
	for x := range w {
		dilateLine(tmp[x:], act[x:], h, w, fgReach)
	}
	return act
}

// relaxActive relaxes the pixels of the (tile) level marked in act,
// serially, red-black with the colour of pixel (x, y) taken as
// (x+y+off)&1.
func (c *fgLevel) relaxActive(off int, act []bool) {
	for colour := range 2 {
		for y := 0; y < c.h; y++ {
			row := act[y*c.w : (y+1)*c.w]
			for x := (colour + y + off) & 1; x < c.w; x += 2 {
				if row[x] {
					c.update(x, y)
				}
			}
		}
	}
}

// writeActive is write for a tile relaxed by relaxActive: pixels outside
// act take the photo's colour where alpha is 1 (as copyTile does) and
// their starting estimate elsewhere.
func (c *fgLevel) writeActive(out, img *image.NRGBA, act []bool, x0, y0, x1, y1, ox, oy int) {
	for y := y0; y < y1; y++ {
		dst := out.Pix[(y+oy)*out.Stride+4*(x0+ox):][:4*(x1-x0)]
		src := img.Pix[(y+oy)*img.Stride+4*(x0+ox):][:4*(x1-x0)]
		for x := x0; x < x1; x++ {
			k := y*c.w + x
			d := dst[4*(x-x0) : 4*(x-x0)+4 : 4*(x-x0)+4]
			if !act[k] && c.a[k] >= 1 {
				copy(d[:3], src[4*(x-x0):4*(x-x0)+3])
			} else {
				f := c.fg[3*k : 3*k+3 : 3*k+3]
				d[0] = uint8(f[0]*255 + 0.5)
				d[1] = uint8(f[1]*255 + 0.5)
				d[2] = uint8(f[2]*255 + 0.5)
			}
			d[3] = 255
		}
	}
}

// tileRects returns tile t's rectangle [x0,x1)×[y0,y1) in a w×h image
// of tx tiles a row, and the rectangle grown by fgHalo within the image.
func tileRects(t, tx, w, h int) (x0, y0, x1, y1, hx0, hy0, hx1, hy1 int) {
	x0, y0 = (t%tx)*fgTile, (t/tx)*fgTile
	x1, y1 = min(x0+fgTile, w), min(y0+fgTile, h)
	return x0, y0, x1, y1, max(0, x0-fgHalo), max(0, y0-fgHalo), min(w, x1+fgHalo), min(h, y1+fgHalo)
}

// softIn reports whether alpha has a value strictly between 0 and 1 in
// the rectangle.
func softIn(alpha *Matte, x0, y0, x1, y1 int) bool {
	for y := y0; y < y1; y++ {
		for _, v := range alpha.Pix[y*alpha.W+x0 : y*alpha.W+x1] {
			if v > 0 && v < 1 {
				return true
			}
		}
	}
	return false
}

// coarseMap maps the pixels of a full-resolution image to the nearest
// pixel of the coarse level prev: row[y] + col[x] indexes prev.
type coarseMap struct {
	prev     *fgLevel
	col, row []int32
}

// newCoarseMap maps a w×h image to prev.
func newCoarseMap(prev *fgLevel, w, h int) *coarseMap {
	m := &coarseMap{prev: prev, col: make([]int32, w), row: make([]int32, h)}
	for x := range w {
		m.col[x] = int32(nearest(x, w, prev.w))
	}
	for y := range h {
		m.row[y] = int32(nearest(y, h, prev.h) * prev.w)
	}
	return m
}

// tileLevel cuts the full-resolution rectangle out as a level of its own,
// initialised from m's coarse level, in buf's storage.
func tileLevel(buf *fgLevel, img *image.NRGBA, alpha *Matte, m *coarseMap, x0, y0, x1, y1 int) *fgLevel {
	w := alpha.W
	lw, lh := x1-x0, y1-y0
	c := &fgLevel{w: lw, h: lh, i: buf.i[:3*lw*lh], a: buf.a[:lw*lh], fg: buf.fg[:3*lw*lh], bg: buf.bg[:3*lw*lh]}
	pf, pb := m.prev.fg, m.prev.bg
	cols := m.col[x0:x1]
	for y := 0; y < lh; y++ {
		src := img.Pix[(y+y0)*img.Stride+4*x0:][:4*lw]
		arow := alpha.Pix[(y+y0)*w+x0:][:lw]
		prow := int(m.row[y+y0])
		for x, px := range cols {
			k := y*lw + x
			c.i[3*k] = float32(src[4*x]) / 255
			c.i[3*k+1] = float32(src[4*x+1]) / 255
			c.i[3*k+2] = float32(src[4*x+2]) / 255
			c.a[k] = clamp01(arow[x])
			p := prow + int(px)
			copy(c.fg[3*k:3*k+3], pf[3*p:3*p+3])
			copy(c.bg[3*k:3*k+3], pb[3*p:3*p+3])
		}
	}
	return c
}

// copyTile writes a tile without soft alpha: the image colour where alpha
// is 1, the coarse foreground estimate elsewhere.
func copyTile(img *image.NRGBA, alpha *Matte, m *coarseMap, out *image.NRGBA, x0, y0, x1, y1 int) {
	w := alpha.W
	pf := m.prev.fg
	for y := y0; y < y1; y++ {
		dst := out.Pix[y*out.Stride+4*x0:][:4*(x1-x0)]
		src := img.Pix[y*img.Stride+4*x0:][:4*(x1-x0)]
		arow := alpha.Pix[y*w+x0 : y*w+x1]
		prow := int(m.row[y])
		for x, a := range arow {
			d := dst[4*x : 4*x+4 : 4*x+4]
			if a >= 1 {
				copy(d[:3], src[4*x:4*x+3])
			} else {
				p := prow + int(m.col[x0+x])
				f := pf[3*p : 3*p+3 : 3*p+3]
				d[0] = uint8(f[0]*255 + 0.5)
				d[1] = uint8(f[1]*255 + 0.5)
				d[2] = uint8(f[2]*255 + 0.5)
			}
			d[3] = 255
		}
	}
}
