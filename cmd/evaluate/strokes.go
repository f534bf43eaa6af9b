package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"cutout/refine"
	"cutout/refine/imagefile"
	"cutout/refine/stroke"
)

// The strokes benchmark is the simulated user of interactive segmentation
// research (Xu et al., "Deep Interactive Object Selection", CVPR 2016;
// the NoC protocol of RITM, Sofiiuk et al., 2022): it starts from the
// automatic cutout and, at each step, finds the largest error region
// against the reference (alpha ≥ 0.5 against reference ≥ 0.5), clicks
// at the point of that region farthest from its border (a disc of
// radius 2% of the short side), foreground where the subject was missed
// and background where too much was kept, through the editor's edit
// operations (refine/stroke) and its incremental refiner; then it scores
// the IoU. NoC@90 and NoC@95 count the clicks that reach IoU 0.90 and
// 0.95 (0 when the automatic cutout does, strokeSteps+1 when ten do
// not). The default tools grow each click over the region it was made
// in; the plain brush paints the disc alone, as the editor did before.

// strokeSteps is the most clicks a photo gets.
const strokeSteps = 10

// strokeHardness is the editor's default brush hardness.
const strokeHardness = 0.8

// strokeRow is one photo's scores with one tool.
type strokeRow struct {
	iou0         float64
	noc90, noc95 int
	ms           float64 // mean milliseconds per step
	worstDrop    float64 // the largest fall of IoU over one step
}

// runStrokes is `evaluate strokes DIR...`.
func runStrokes(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evaluate strokes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "medium", "model name")
	cache := fs.String("cache", "", "folder to keep the model's mattes in between runs (optional)")
	only := fs.String("run", "", "score only photos whose name matches this regular expression")
	dump := fs.String("dump", "", "folder to write, for each photo, the default tools' clicks and errors after the last step into, as NAME.strokes.png (optional)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: evaluate strokes [-cache DIR] [-run REGEXP] [-dump DIR] DIR...")
		return 2
	}
	re, err := runFilter(*only)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: -run:", err)
		return 2
	}
	var photos []sample
	for _, dir := range fs.Args() {
		ss, err := photosIn(dir, re)
		if err != nil {
			fmt.Fprintln(stderr, "evaluate:", err)
			return 1
		}
		photos = append(photos, ss...)
	}
	if len(photos) == 0 {
		fmt.Fprintf(stdout, "no photo with a NAME.mask.png or NAME.alpha.png under %s: nothing to score\n", strings.Join(fs.Args(), " "))
		return 0
	}
	seg, closeSeg, err := openSegmenter(*model, *cache, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	defer closeSeg()
	fmt.Fprintln(stdout, "name\tiou0\tnoc90\tnoc95\tms\tplain_noc90\tplain_noc95\tplain_ms\tworst_drop\tplain_worst_drop")
	var rows [][2]strokeRow
	for _, s := range photos {
		r, err := s.strokes(context.Background(), seg, *dump)
		if err != nil {
			fmt.Fprintf(stderr, "evaluate: %s: %v\n", s.name, err)
			return 1
		}
		rows = append(rows, r)
		fmt.Fprintf(stdout, "%s\t%s\n", s.name, strokeCells(r[0].iou0, float64(r[0].noc90), float64(r[0].noc95), r[0].ms,
			float64(r[1].noc90), float64(r[1].noc95), r[1].ms, r[0].worstDrop, r[1].worstDrop))
	}
	for _, agg := range []struct {
		name string
		f    func([]float64) float64
	}{{"MEAN", mean}, {"MEDIAN", median}} {
		col := func(get func(r [2]strokeRow) float64) float64 {
			v := make([]float64, len(rows))
			for i, r := range rows {
				v[i] = get(r)
			}
			return agg.f(v)
		}
		fmt.Fprintf(stdout, "%s\t%s\n", agg.name, strokeCells(
			col(func(r [2]strokeRow) float64 { return r[0].iou0 }),
			col(func(r [2]strokeRow) float64 { return float64(r[0].noc90) }),
			col(func(r [2]strokeRow) float64 { return float64(r[0].noc95) }),
			col(func(r [2]strokeRow) float64 { return r[0].ms }),
			col(func(r [2]strokeRow) float64 { return float64(r[1].noc90) }),
			col(func(r [2]strokeRow) float64 { return float64(r[1].noc95) }),
			col(func(r [2]strokeRow) float64 { return r[1].ms }),
			col(func(r [2]strokeRow) float64 { return r[0].worstDrop }),
			col(func(r [2]strokeRow) float64 { return r[1].worstDrop })))
	}
	return 0
}

// strokeCells formats a row's values after its name.
func strokeCells(iou0, n90, n95, ms, p90, p95, pms, drop, pdrop float64) string {
	return fmt.Sprintf("%.4f\t%.2f\t%.2f\t%.0f\t%.2f\t%.2f\t%.0f\t%.4f\t%.4f", iou0, n90, n95, ms, p90, p95, pms, drop, pdrop)
}

// photosIn lists the photos of dir that have a reference mask or alpha.
func photosIn(dir string, re *regexp.Regexp) ([]sample, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []sample
	for _, e := range ents {
		n := e.Name()
		base := strings.TrimSuffix(n, filepath.Ext(n))
		if strings.Contains(base, ".") || !imagefile.IsImageFile(n) || (re != nil && !re.MatchString(base)) {
			continue
		}
		s := sample{set: filepath.Base(dir), name: base, photo: filepath.Join(dir, n)}
		if p := filepath.Join(dir, base+".mask.png"); exists(p) {
			s.mask = p
		} else if p := filepath.Join(dir, base+".alpha.png"); exists(p) {
			s.alpha = p
		} else {
			continue
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// strokes runs the simulated user on one photo with the default tools
// and with the plain brush; with a dump folder it draws the default
// tools' clicks and errors there.
func (s sample) strokes(ctx context.Context, seg *cachedSegmenter, dump string) ([2]strokeRow, error) {
	var rows [2]strokeRow
	img, _, err := imagefile.DecodeFile(s.photo, nil)
	if err != nil {
		return rows, err
	}
	ref := s.mask
	if ref == "" {
		ref = s.alpha
	}
	truth, err := loadGrey(ref)
	if err != nil {
		return rows, err
	}
	if truth.W != img.Rect.Dx() || truth.H != img.Rect.Dy() {
		return rows, fmt.Errorf("reference is %dx%d, photo %dx%d", truth.W, truth.H, img.Rect.Dx(), img.Rect.Dy())
	}
	raw, err := seg.Segment(ctx, img)
	if err != nil {
		return rows, err
	}
	guide := refine.AutoGuide(img, raw, nil)
	scene := stroke.NewScene(img, raw, guide.Trimap)
	for tool := range rows {
		inc, _, err := refine.NewIncremental(ctx, img, refine.Input{Matte: raw, Guide: guide}, nil)
		if err != nil {
			return rows, err
		}
		var click func(tri *refine.Trimap, p stroke.Point, br stroke.Brush) image.Rectangle
		if tool == 0 {
			click = func(tri *refine.Trimap, p stroke.Point, br stroke.Brush) image.Rectangle {
				return scene.Grow(tri, []stroke.Point{p}, br)
			}
		} else {
			click = func(tri *refine.Trimap, p stroke.Point, br stroke.Brush) image.Rectangle {
				return stroke.Segment(tri, p, p, br)
			}
		}
		var clicks []strokeClick
		rows[tool], clicks, err = simulateUser(ctx, inc, truth, click)
		if err != nil {
			return rows, err
		}
		if tool == 0 && dump != "" {
			if err := os.MkdirAll(dump, 0o755); err != nil {
				return rows, err
			}
			pic := clickPicture(img, inc.Alpha(), truth, clicks)
			if err := imagefile.WritePNG(filepath.Join(dump, s.name+".strokes.png"), pic, true); err != nil {
				return rows, err
			}
		}
	}
	return rows, nil
}

// strokeClick is one of the simulated user's clicks.
type strokeClick struct {
	at image.Point
	fg bool
}

// clickPicture draws the photo and, right of it, where alpha ≥ 0.5 and
// truth ≥ 0.5 agree (light on the subject, dark off it) and disagree
// (red: the subject missed; blue: kept too much), with the clicks on it
// (yellow: foreground, magenta: background).
func clickPicture(img *image.NRGBA, alpha, truth *refine.Matte, clicks []strokeClick) *image.NRGBA {
	w, h := alpha.W, alpha.H
	out := image.NewNRGBA(image.Rect(0, 0, 2*w, h))
	put := func(x, y int, r, g, b uint8) {
		o := out.PixOffset(x, y)
		copy(out.Pix[o:o+4], []uint8{r, g, b, 255})
	}
	for y := range h {
		copy(out.Pix[y*out.Stride:y*out.Stride+4*w], img.Pix[y*img.Stride:y*img.Stride+4*w])
		for x := range w {
			i := y*w + x
			q := img.Pix[y*img.Stride+4*x:]
			g := uint8((int(q[0]) + int(q[1]) + int(q[2])) / 6)
			p, t := alpha.Pix[i] >= 0.5, truth.Pix[i] >= 0.5
			switch {
			case t && !p:
				put(w+x, y, 255, 0, 0)
			case p && !t:
				put(w+x, y, 0, 80, 255)
			case p:
				put(w+x, y, g+100, g+100, g+100)
			default:
				put(w+x, y, g, g, g)
			}
		}
	}
	for _, c := range clicks {
		for y := max(c.at.Y-1, 0); y <= min(c.at.Y+1, h-1); y++ {
			for x := max(c.at.X-1, 0); x <= min(c.at.X+1, w-1); x++ {
				if c.fg {
					put(w+x, y, 255, 255, 0)
				} else {
					put(w+x, y, 255, 0, 255)
				}
			}
		}
	}
	return out
}

// simulateUser clicks up to strokeSteps times on inc's cutout with click
// and scores each step against truth.
func simulateUser(ctx context.Context, inc *refine.Incremental, truth *refine.Matte,
	click func(*refine.Trimap, stroke.Point, stroke.Brush) image.Rectangle) (strokeRow, []strokeClick, error) {
	w, h := truth.W, truth.H
	radius := 0.02 * float64(min(w, h))
	row := strokeRow{iou0: iou(inc.Alpha(), truth), noc90: strokeSteps + 1, noc95: strokeSteps + 1}
	score := func(step int, v float64) {
		if v >= 0.90 && row.noc90 > step {
			row.noc90 = step
		}
		if v >= 0.95 && row.noc95 > step {
			row.noc95 = step
		}
	}
	score(0, row.iou0)
	prev := row.iou0
	tri := inc.Trimap().Clone()
	var clicks []strokeClick
	var total time.Duration
	steps := 0
	for step := 1; step <= strokeSteps && row.noc95 > strokeSteps; step++ {
		p, fg, ok := nextClick(inc.Alpha(), truth)
		if !ok {
			break
		}
		label := refine.Background
		if fg {
			label = refine.Foreground
		}
		clicks = append(clicks, strokeClick{p, fg})
		t0 := time.Now()
		changed := click(tri, stroke.Point{X: float64(p.X) + 0.5, Y: float64(p.Y) + 0.5}, stroke.Brush{Radius: radius, Hardness: strokeHardness, Label: label})
		if _, err := inc.Update(ctx, tri, changed); err != nil {
			var se *refine.SolveError
			if !errors.As(err, &se) {
				return row, clicks, err
			}
		}
		total += time.Since(t0)
		steps++
		v := iou(inc.Alpha(), truth)
		row.worstDrop = max(row.worstDrop, prev-v)
		prev = v
		score(step, v)
	}
	if steps > 0 {
		row.ms = float64(total.Milliseconds()) / float64(steps)
	}
	return row, clicks, nil
}

// nextClick finds the largest 4-connected region where alpha ≥ 0.5 and
// truth ≥ 0.5 disagree, and the point of it farthest from its border
// (the image's edge counts as border); fg says the subject was missed
// there. It is false when alpha and truth agree everywhere.
func nextClick(alpha, truth *refine.Matte) (image.Point, bool, bool) {
	w, h := alpha.W, alpha.H
	// kind: 0 agree, 1 missed (false negative), 2 kept too much.
	kind := make([]uint8, w*h)
	for i, a := range alpha.Pix {
		p, t := a >= 0.5, truth.Pix[i] >= 0.5
		switch {
		case t && !p:
			kind[i] = 1
		case p && !t:
			kind[i] = 2
		}
	}
	comp := make([]int32, w*h)
	var best, bestSize int32
	var bestKind uint8
	next := int32(0)
	stack := make([]int, 0, 1024)
	for i, k := range kind {
		if k == 0 || comp[i] != 0 {
			continue
		}
		next++
		comp[i] = next
		size := int32(0)
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x, y := j%w, j/w
			for _, n := range [4]int{j - 1, j + 1, j - w, j + w} {
				if (n == j-1 && x == 0) || (n == j+1 && x == w-1) || (n == j-w && y == 0) || (n == j+w && y == h-1) {
					continue
				}
				if kind[n] == k && comp[n] == 0 {
					comp[n] = next
					stack = append(stack, n)
				}
			}
		}
		if size > bestSize {
			best, bestSize, bestKind = next, size, k
		}
	}
	if bestSize == 0 {
		return image.Point{}, false, false
	}
	// Chamfer distance (3-4) to the nearest pixel outside the region,
	// the image's edge outside too; ties go to the first pixel in row
	// order, so the click is deterministic.
	const inf = math.MaxInt32 / 2
	d := make([]int32, w*h)
	for i := range d {
		if comp[i] == best {
			d[i] = inf
		}
	}
	at := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return d[y*w+x]
	}
	for y := range h {
		for x := range w {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], at(x-1, y)+3, at(x, y-1)+3, at(x-1, y-1)+4, at(x+1, y-1)+4)
		}
	}
	var bi int
	var bd int32 = -1
	for y := h - 1; y >= 0; y-- {
		for x := w - 1; x >= 0; x-- {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], at(x+1, y)+3, at(x, y+1)+3, at(x+1, y+1)+4, at(x-1, y+1)+4)
			if d[i] >= bd {
				bd, bi = d[i], i
			}
		}
	}
	return image.Pt(bi%w, bi/w), bestKind == 1, true
}
