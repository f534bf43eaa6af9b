package refine

import (
	"image"
	"math"

	"cutout/refine/parallel"
)

// Automatic-mode parameters, measured on the developer evaluation sets
// (portraits with hair mattes and everyday photos of people: see
// cmd/evaluate and the package documentation).
const (
	// analysisSize is the long side of the grid on which the model's matte
	// is analysed (hair, subject thickness, colour contrast): the model
	// sees the photo at 1024², so finer analysis would find nothing more.
	analysisSize = 1024
	// hairLo and hairHi bound the strand count (see hairiness) that ramps
	// a neighbourhood from solid to hair, and hairBlur is the radius of
	// the blur that tells strands from solid parts, in analysis pixels.
	hairLo, hairHi = 1, 3
	hairBlur       = 2
	// hairFixed is the hairiness below which the model's edge is kept.
	hairFixed = 0.05
	// thicknessShare caps the band at this share of the subject's local
	// half-thickness, so that a thin limb keeps its core.
	thicknessShare = 0.5
	// thicknessReach is how far, in band widths, the subject's thickness
	// is looked for around a pixel: far enough that hair near a head is
	// not taken for thin limbs (at one band width the hair SAD of am-gt08
	// rises from 21.8 to 22.6), near enough that limbs a little way from
	// the body keep their core.
	thicknessReach = 2
	// edgeWidth is the half-width, in model pixels, of the zone around the
	// model's 0.5 contour where its matte is its own anti-aliased edge.
	edgeWidth = 1.5
	// hairPriorWeight weighs the data term in hair, where it holds only
	// the model's background: (1−m)² × hairPriorWeight.
	hairPriorWeight = 2e-3
	// edgePriorWeight weighs the data term on solid edges of photos larger
	// than the model's input, where the matte is interpolated and matting
	// snaps it to the photo's edges.
	edgePriorWeight = 0.2
	// plateauPriorWeight and plateauContrast weigh the data term where the
	// model is unsure away from its edge: plateauPriorWeight·c²/(c²+|F−B|²)
	// with F and B the local known foreground and background colours, so
	// the model's matte holds where colours cannot tell the two apart.
	// With the background solved around unsure islands, a tenth of the
	// earlier weight of 1 lets matting find more of what the model half
	// saw: the people's mean IoU 0.8793 -> 0.8803, hsd-198 +0.018, and the
	// hair mattes' SAD 7.07/14.06/4.78 -> 7.09/13.84/4.67 (0.01 gains a
	// little more but brings hsd-241 to within 0.0006 of the limit).
	plateauPriorWeight = 0.1
	plateauContrast    = 0.01
	// softEdgeWidth and softEdgeRise: an edge whose unsure zone (Lo < m <
	// Hi) is softEdgeWidth analysis pixels wide or more is a soft edge,
	// matted like hair (the ramp starts softEdgeRise below); the model's
	// anti-aliasing of a clean edge is one to three pixels wide.
	softEdgeWidth, softEdgeRise = 8, 2
	// softEdgeThickness: a soft edge is matted only where the subject's
	// local half-thickness is at least softEdgeThickness times the
	// edge's width (fully at twice that). On a thick subject a wide soft
	// edge is fur or hair the model could not resolve; on a thin or
	// far-away one it is the model's blur, and matting it fades limbs.
	softEdgeThickness = 6
	// cleanEdgeSide and cleanEdgeReach: a pixel of the model's edge is on a
	// clean transition where its matte, followed across the edge as far as
	// the edge's own width (1/slope, at most cleanEdgeReach pixels), is at
	// most cleanEdgeSide on one side and at least 1−cleanEdgeSide on the
	// other. Elsewhere the model's 0.5 contour runs through a plateau of
	// its doubt, or between a plateau and the subject, and is solved with
	// the plateau: kept, it showed as grey lines through the plateau and
	// walled it off from matting. A clean transition the model drew wider
	// than the photo's own edge (photoEdgeWidth), as it does where it is
	// unsure of the outline (a ramp of ten pixels or more: a
	// half-transparent rim of the old background), is steepened to the
	// photo's edge width, and to no less than decideWidth analysis pixels,
	// so that a blurred edge stays as soft as the photo shows it.
	//
	// Over both developer sets the two bring the ghost area from 4.39% to
	// 3.08% on average (median 1.45% -> 0.98%, hsd-037 27.2% -> 12.1%),
	// the people's IoU from 0.8937 to 0.8971 (hsd-198 +0.049: its legs,
	// which the model holds at 0.2-0.3, are no longer walled off from the
	// coat) and the hair mattes' SAD from 6.59/14.21/4.71 to
	// 6.21/13.67/4.88. A side of 0.2 keeps that wall (hsd-198 0.7553); one
	// of 0.05 takes the tail of the model's own anti-aliasing for doubt
	// (hsd-212 0.012 below the model). Steepened to decideWidth without the
	// photo's edge width, the fur of am-gt15, a true soft edge the model
	// drew as a clean one, loses 6% of SAD (4.98); steepened to half the
	// model's width, the ghost area is 3.21%.
	cleanEdgeSide  = 0.1
	cleanEdgeReach = 16
	// islandValue, islandClear and islandMargin, as shares of the short
	// side: an unsure island is where the model gives islandValue..Hi
	// further than islandClear from its 0.5 contour (a leg it half sees);
	// the known background is kept islandMargin away from it, so that
	// matting can find the island's true edge.
	islandValue  = 0.25
	islandClear  = 0.01
	islandMargin = 0.02
)

// Guide is what the automatic mode hands the solver: a trimap and a data
// term towards the model's matte with a weight per pixel, whose negative
// values mark the known pixels that keep the model's own value (see
// Options.PriorWeights). All maps have the matte's size.
type Guide struct {
	// Trimap labels the pixels to solve (Unknown) and the known ones.
	Trimap *Trimap
	// Prior is the model's matte, the data term's target.
	Prior *Matte
	// Target is the data term's target: the model's matte where the model
	// is sure, and where it is unsure, its matte weighed with colour
	// models of the subject and the background (see colourPosterior). Nil
	// means Prior.
	Target *Matte
	// Weight is the data term's weight on Unknown pixels; on known pixels
	// it is −1 where the pixel keeps the model's value (at the model's
	// solid edges) and 0 where its label decides.
	Weight *Matte
}

// AutoGuide builds the automatic guide from a segmentation matte m of img
// (same size; it panics otherwise). Where the model's matte shows one clean
// edge, the result keeps the model's edge: its pixels are known, with the
// model's own value, its ramp steepened where the model drew it wider than
// the photo's edge (see cleanEdgeSide); on photos twice the model's input
// or more, matting snaps it to the photo's edges. Where it shows hair (many
// edges close together), the band is wide (opt's Band and Inner, capped at
// half the subject's local thickness so thin limbs keep their core) and
// matting decides, held only towards the model's background; so does a wide
// soft edge of a thick subject (fur). Where the model is unsure away from
// its edge, or where its edge runs through such doubt rather than between
// its confident sides, matting decides too, held towards the model's matte
// as much as the local foreground and background colours are alike, and
// around an unsure island the background next to it is solved as well.
// Neither input is modified; opt may be nil.
func AutoGuide(img *image.NRGBA, m *Matte, opt *TrimapOptions) *Guide {
	checkSameSize("AutoGuide", img, m.W, m.H)
	o := opt.resolve()
	w, h := m.W, m.H
	g := &Guide{
		Trimap: &Trimap{W: w, H: h, Pix: make([]uint8, w*h)},
		Prior:  m,
		Weight: &Matte{W: w, H: h, Pix: make([]float32, w*h)},
	}
	if w == 0 || h == 0 {
		return g
	}
	outer, inner := opt.BandPixels(w, h)
	outer, inner = min(outer, float64(w+h), maxBand), min(inner, float64(w+h), maxBand)
	scale := math.Max(1, float64(max(w, h))/analysisSize)
	edge := edgeWidth * scale
	reach := max(outer, inner, edge)
	near := contourBand(m, reach)

	// The analysis grid: the matte and the photo reduced by f.
	f := max(1, (max(w, h)+analysisSize-1)/analysisSize)
	cw, ch := (w+f-1)/f, (h+f-1)/f
	cm := downMatte(m.Pix, w, h, f)
	for i, v := range cm {
		if v != v {
			cm[i] = 0.5 // NaN: the model said nothing
		}
	}
	cr := max(1, int(math.Ceil(reach/float64(f))))
	hair := hairiness(cm, cw, ch, cr)
	thick := thickness(cm, cw, ch, thicknessReach*cr)
	softEdge := softEdges(cm, thick, cw, ch, max(1, cr/4), o.Lo, o.Hi)
	spans(cw*ch, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			hair[i] = max(hair[i], softEdge[i])
		}
	})
	island := islandMargins(cm, cw, ch, o.Lo, o.Hi)

	small := downNRGBA(img, f)
	contrast := localContrast(small, cm, o.Lo, o.Hi, 2*cr)
	posterior := colourPosterior(small, cm, contrast, o.Lo, o.Hi)
	target := &Matte{W: w, H: h, Pix: make([]float32, w*h)}
	spans(w*h, func(i0, i1 int) { copy(target.Pix[i0:i1], m.Pix[i0:i1]) })
	g.Target = target

	edge2 := int32(math.Floor(edge * edge))
	sharpen := scale >= 2
	parallel.Rows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			crow := (y / f) * cw
			for x := 0; x < w; x++ {
				i := y*w + x
				c := crow + x/f
				v := m.Pix[i]
				if v != v {
					// NaN: the model said nothing here.
					g.Trimap.Pix[i] = Unknown
					g.Weight.Pix[i] = 0
					continue
				}
				fg := v >= 0.5
				soft := v > o.Lo && v < o.Hi
				d2 := near[i] // farAway beyond reach
				if d2 == farAway && !soft && (fg || island[c] == 0) {
					// Far from the edge and confident: the label alone
					// decides (the weight stays 0).
					if fg {
						g.Trimap.Pix[i] = Foreground
					}
					continue
				}
				band := outer
				if fg {
					band = inner
				}
				band = min(band, thicknessShare*float64(thick[c])*float64(f))
				hr := hair[c]
				width := max(1, scale+float64(hr)*(band-scale))
				atEdge := d2 <= edge2
				// The model's edge within a plateau of its doubt is no
				// edge: a ramp between two unsure values, solved as the
				// plateau is (kept, its 0.5 contour shows as a grey line
				// through the plateau).
				var steep float32
				if atEdge {
					// On large photos matting snaps the kept edge to the
					// photo's: only its cleanness counts there.
					width := float32(decideWidth * scale)
					if !sharpen {
						width = max(width, float32(f)*photoEdgeWidth(small, contrast, c))
					}
					var clean bool
					steep, clean = steepenEdge(m.Pix, w, h, x, y, width)
					if soft && !clean {
						atEdge = false
					}
				}
				label := Background
				if fg {
					label = Foreground
				}
				var weight float32
				margin := false
				switch {
				case soft && !atEdge, hr > hairFixed && (float64(d2) <= width*width || soft):
					label = Unknown
				case atEdge && sharpen:
					label = Unknown
				case !fg && island[c] > 0:
					label, margin = Unknown, true
				case atEdge || soft:
					weight = -1 // keeps the model's value
					target.Pix[i] = steep
				}
				if label == Unknown {
					// Towards the model's background in hair and beside
					// unsure islands; elsewhere as firm as matting is
					// unreliable (alike colours), or edgePriorWeight on the
					// edge.
					bgHold := hairPriorWeight * (1 - v) * (1 - v)
					hold := bgHold
					switch k := contrast[c]; {
					case margin:
					case atEdge:
						hold = edgePriorWeight
					case k >= 0:
						hold = plateauPriorWeight * plateauContrast / (plateauContrast + k)
					}
					weight = hr*bgHold + (1-hr)*hold
					if !atEdge {
						target.Pix[i] = hr*v + (1-hr)*posterior[c]
					}
				}
				g.Trimap.Pix[i] = label
				g.Weight.Pix[i] = weight
			}
		}
	})
	return g
}

// steepenEdge returns the model's matte a (w×h) at (x, y), a pixel of its
// kept edge, steepened around its 0.5 level where the edge is a clean
// transition (see cleanEdgeSide) wider than width pixels, to width, and
// whether it is on one. Slope and level are those of a's 3×3 mean, as in
// decide; a pixel on the border, or of an edge already steep enough,
// keeps its value.
func steepenEdge(a []float32, w, h, x, y int, width float32) (v float32, clean bool) {
	i := y*w + x
	if x < 1 || y < 1 || x >= w-1 || y >= h-1 {
		return a[i], true
	}
	mean, gx, gy := mean3(a, i, w)
	slope := float32(math.Sqrt(float64(gx*gx + gy*gy)))
	if slope <= 0 {
		return a[i], false
	}
	// Across the edge, one width away on either side (NaN, where the
	// model said nothing, fails both tests).
	d := min(1/slope, cleanEdgeReach)
	ux, uy := gx/slope, gy/slope
	at := func(s float32) float32 {
		px := min(w-1, max(0, int(math.Round(float64(float32(x)+s*ux)))))
		py := min(h-1, max(0, int(math.Round(float64(float32(y)+s*uy)))))
		return a[py*w+px]
	}
	if !(at(d) >= 1-cleanEdgeSide && at(-d) <= cleanEdgeSide) {
		return a[i], false
	}
	if slope*width >= 1 {
		return a[i], true
	}
	gain := 1 / (width * slope)
	return clamp01(a[i] + (gain-1)*(mean-0.5)), true
}

// photoEdgeWidth returns the width, in pixels of im, over which the photo
// passes from the local background's colour to the subject's at cell c:
// their distance (contrast, |F−B|² per cell, see localContrast) over the
// photo's steepest colour gradient in the 3×3 cells around c; 0 where the
// contrast is unknown, and a width beyond any ramp where the photo is
// flat.
func photoEdgeWidth(im *rgb, contrast []float32, c int) float32 {
	k := contrast[c]
	if k <= 0 {
		return 0
	}
	w, h := im.W, im.H
	x, y := c%w, c/w
	var g2 float32
	for yy := max(1, y-1); yy <= min(h-2, y+1); yy++ {
		for xx := max(1, x-1); xx <= min(w-2, x+1); xx++ {
			i := 3 * (yy*w + xx)
			var s float32
			for ch := range 3 {
				gx := (im.Pix[i+3+ch] - im.Pix[i-3+ch]) / 2
				gy := (im.Pix[i+3*w+ch] - im.Pix[i-3*w+ch]) / 2
				s += gx*gx + gy*gy
			}
			g2 = max(g2, s)
		}
	}
	if g2 <= 0 {
		return math.MaxFloat32
	}
	return float32(math.Sqrt(float64(k / g2)))
}

// hairiness maps each pixel of the w×h matte m to [0,1]: how many strands
// the matte crosses near it. Strands are the matte's fine-scale variation:
// its gradient magnitude less that of the matte box-blurred by
// hairBlur, which keeps a step, a limb or a person as they are and
// flattens structures a few pixels wide. Summed over a (2r+1)² window
// and divided by the window's width, that is about the number of strand
// crossings; it is ramped from hairLo to hairHi and then spread by r, so
// that the band inside a head of hair sees the strands beyond its
// contour. (Counting all edges instead takes a crowd of people for hair:
// on hsd-241 a quarter of the thin limbs' cores then fade.)
func hairiness(m []float32, w, h, r int) []float32 {
	g := gradient(m, w, h)
	smooth := gradient(boxMean(m, w, h, hairBlur), w, h)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			g[i] = max(0, g[i]-smooth[i])
		}
	})
	g = boxMean(g, w, h, r)
	span := float32(2*r + 1)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			g[i] = min(1, max(0, (g[i]*span-hairLo)/(hairHi-hairLo)))
		}
	})
	return maxFilter(g, w, h, r)
}

// softEdges maps each pixel of the w×h matte m to [0,1]: how far the
// model's edge near it is a soft edge on a thick subject (see
// softEdgeWidth and softEdgeThickness). The width of the unsure zone is
// the number of unsure pixels in a (2r+1)² window divided by the window's
// width; thick is the subject's half-thickness (see thickness). The result
// is spread by r/2.
func softEdges(m, thick []float32, w, h, r int, lo, hi float32) []float32 {
	unsure := make([]float32, w*h)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if v := m[i]; v > lo && v < hi {
				unsure[i] = 1
			}
		}
	})
	width := boxMean(unsure, w, h, r)
	span := float32(2*r + 1)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			x := width[i] * span
			if x <= 0 {
				width[i] = 0
				continue
			}
			soft := min(1, max(0, (x-(softEdgeWidth-softEdgeRise))/softEdgeRise))
			thickEnough := min(1, max(0, (thick[i]/x-softEdgeThickness)/softEdgeThickness))
			width[i] = soft * thickEnough
		}
	})
	return maxFilter(width, w, h, r/2)
}

// islandMargins marks (1) the pixels of the w×h matte m within
// islandMargin of an unsure island (see islandValue), and leaves the rest
// 0.
func islandMargins(m []float32, w, h int, lo, hi float32) []float32 {
	short := float64(min(w, h))
	near := contourBand(&Matte{W: w, H: h, Pix: m}, islandClear*short)
	seed := make([]float32, w*h)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if v := m[i]; v > max(lo, islandValue) && v < hi && near[i] == farAway {
				seed[i] = 1
			}
		}
	})
	return maxFilter(seed, w, h, max(1, int(islandMargin*short)))
}

// gradient returns the magnitude of the central-difference gradient of
// the w×h map m (0 on the border).
func gradient(m []float32, w, h int) []float32 {
	g := make([]float32, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for y := max(1, y0); y < min(h-1, y1); y++ {
			for x := 1; x < w-1; x++ {
				i := y*w + x
				gx, gy := (m[i+1]-m[i-1])/2, (m[i+w]-m[i-w])/2
				g[i] = float32(math.Sqrt(float64(gx*gx + gy*gy)))
			}
		}
	})
	return g
}

// thickness returns, per pixel of the w×h matte m, the largest distance
// from the model's background to a foreground pixel within r: the local
// half-thickness of the subject, capped at r.
func thickness(m []float32, w, h, r int) []float32 {
	near := contourBand(&Matte{W: w, H: h, Pix: m}, float64(r))
	d := make([]float32, w*h)
	parallel.Rows(h, func(y0, y1 int) {
		for i := y0 * w; i < y1*w; i++ {
			switch {
			case !(m[i] >= 0.5):
			case near[i] == farAway:
				d[i] = float32(r)
			default:
				d[i] = float32(math.Sqrt(float64(near[i])))
			}
		}
	})
	return maxFilter(d, w, h, r)
}

// localContrast returns, per pixel, |F−B|² between the mean colours F of
// the confident foreground (m ≥ hi) and B of the confident background
// (m ≤ lo) within a (2r+1)² window, or −1 where either is absent.
func localContrast(im *rgb, m []float32, lo, hi float32, r int) []float32 {
	w, h := im.W, im.H
	n := w * h
	fgw, bgw := make([]float32, n), make([]float32, n)
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if v := m[i]; v >= hi {
				fgw[i] = 1
			} else if v <= lo {
				bgw[i] = 1
			}
		}
	})
	mean := func(mask []float32) (c [3][]float32, weight []float32) {
		for k := range c {
			v := make([]float32, n)
			spans(w*h, func(i0, i1 int) {
				for i := i0; i < i1; i++ {
					v[i] = im.Pix[3*i+k] * mask[i]
				}
			})
			c[k] = boxMean(v, w, h, r)
		}
		return c, boxMean(mask, w, h, r)
	}
	fc, fn := mean(fgw)
	bc, bn := mean(bgw)
	out := make([]float32, n)
	const present = 1e-3 // share of the window that must be known
	spans(w*h, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			if fn[i] < present || bn[i] < present {
				out[i] = -1
				continue
			}
			var c float32
			for k := range fc {
				d := fc[k][i]/fn[i] - bc[k][i]/bn[i]
				c += d * d
			}
			out[i] = c
		}
	})
	return out
}
