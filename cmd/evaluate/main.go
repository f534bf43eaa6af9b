// Command evaluate scores Cutout's automatic pipeline on the developer
// evaluation sets kept beside the repository (../shared/testdata): the
// portraits (hair mattes from alphamatting.com, with their trimaps, and
// hand-drawn person masks) and the people photos (reference masks).
//
// For every image it scores four alphas:
//
//	raw     the model's matte from one run on the whole photo
//	auto    the default automatic cutout (what `cutout remove` writes,
//	        from the model's second look at a small subject too)
//	rembg   the rembg-style trimap (matte > 240/255 foreground, < 10/255
//	        background, each eroded by a 10×10 square) through our solver
//	given   the set's own trimap through our solver, where one exists
//
// Mask sets are scored by IoU of the alpha thresholded at 0.5; alpha sets
// by SAD (/1000), MSE (×1000) and gradient error (/1000) over the whole
// image. Both are scored by ghost area (metrics.Ghost, in per cent of the
// subject): the half-transparent plateaus left where the reference is
// solid, away from its edge; a further table gives its mean, median,
// largest value and count over 1% over every photo together. A last
// table scores each alpha reference against itself made binary
// (metrics.BinaryGhost), at its own size and at the median size of the
// photos with binary masks: the ghost area a binary reference counts
// against even a perfect cutout of soft hair. Scores are deterministic;
// the times are wall-clock and are not.
//
//	go run -tags nogui ./cmd/evaluate [-data DIR] [-model medium] [-cache DIR] [-run REGEXP]
//
// -cache keeps the model's mattes between runs (keyed by the photo's bytes
// and the model), so that work on refinement need not wait for the model.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"cutout/assets/evalset"
	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
	"cutout/refine/metrics"

	"github.com/disintegration/imaging"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// sample is one evaluation image and its ground truth.
type sample struct {
	set, name string
	photo     string
	mask      string // reference mask (IoU), or ""
	alpha     string // reference alpha (SAD, MSE, gradient), or ""
	trimap    string // the set's trimap, or ""
}

// upscale enlarges every photo and reference first (-scale).
var upscale = 1

// trimapOpt tunes the automatic guide (-band, -inner).
var trimapOpt refine.TrimapOptions

// method names, in table order.
var methods = []string{"raw", "auto", "rembg", "given"}

// score is one method's result on one sample.
type score struct {
	iou, sad, mse, grad float64
	ghost               float64 // per cent of the subject
	// ghostEdge and ghostPlateau split ghost (metrics.GhostSplit): at
	// the cutout's own outline, misplaced, or away from it.
	ghostEdge, ghostPlateau float64
	// outline is how far the reference's outline lies outside the
	// cutout's 0.5 contour, in pixels (metrics.OutlineOffset).
	outline float64
	time    time.Duration
	ok      bool
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "strokes" {
		return runStrokes(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "evaluation data folder (default ../shared/testdata beside the repository)")
	model := fs.String("model", "medium", "model name")
	cache := fs.String("cache", "", "folder to keep the model's mattes in between runs (optional)")
	only := fs.String("run", "", "evaluate only images whose name matches this regular expression")
	fs.Float64Var(&trimapOpt.Band, "band", 0, "the automatic guide's band in hair and fur outside the contour, as a fraction of the short side (0: the default)")
	fs.Float64Var(&trimapOpt.Inner, "inner", 0, "the band in hair and fur inside the contour, as a fraction of the short side (0: ten times -band)")
	fs.IntVar(&upscale, "scale", 1, "enlarge every photo and reference by this factor first (Lanczos; trimaps nearest), to judge at camera resolution; SAD and gradient are then divided by scale²")
	dump := fs.String("dump", "", "folder to write each image's mattes and trimaps into, as NAME.METHOD.png (optional)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := *data
	if dir == "" {
		root, err := evalset.Root()
		if err != nil {
			fmt.Fprintln(stderr, "evaluate:", err)
			return 1
		}
		dir = filepath.Join(root, "..", "shared", "testdata")
	}
	re, err := runFilter(*only)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: -run:", err)
		return 2
	}
	samples, err := findSamples(dir, re)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	if len(samples) == 0 {
		fmt.Fprintf(stdout, "no evaluation images under %s (the developer sets are kept beside the repository): nothing to score\n", dir)
		return 0
	}
	seg, closeSeg, err := openSegmenter(*model, *cache, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	defer closeSeg()

	results := map[string][][]score{} // set → per sample, per method
	bySet := map[string][]sample{}
	var sets []string
	var mattes []floorSample // alpha references, for printFloors
	var shorts []float64     // short sides of the photos with binary masks
	for _, s := range samples {
		o, err := s.run(context.Background(), seg)
		if err == nil && *dump != "" {
			err = s.dump(o, *dump)
		}
		if err != nil {
			fmt.Fprintf(stderr, "evaluate: %s: %v\n", s.name, err)
			return 1
		}
		sc := s.scores(o)
		if s.alpha != "" {
			mattes = append(mattes, floorSample{s.name, o.truth})
		} else {
			shorts = append(shorts, float64(min(o.truth.W, o.truth.H)))
		}
		if _, seen := bySet[s.set]; !seen {
			sets = append(sets, s.set)
		}
		bySet[s.set] = append(bySet[s.set], s)
		results[s.set] = append(results[s.set], sc)
	}
	var all [][]score
	for _, set := range sets {
		printTable(stdout, set, bySet[set], results[set])
		all = append(all, results[set]...)
	}
	printGhosts(stdout, all)
	printFloors(stdout, mattes, shorts)
	return 0
}

// findSamples lists the photos under dir/portraits and dir/people with
// their references.
func findSamples(dir string, re *regexp.Regexp) ([]sample, error) {
	var out []sample
	for _, set := range []string{"portraits", "people"} {
		sd := filepath.Join(dir, set)
		ents, err := os.ReadDir(sd)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			n := e.Name()
			ext := filepath.Ext(n)
			base := strings.TrimSuffix(n, ext)
			if strings.Contains(base, ".") || !imagefile.IsImageFile(n) {
				continue // NAME.mask.png and the like are references
			}
			if re != nil && !re.MatchString(base) {
				continue
			}
			s := sample{set: set, name: base, photo: filepath.Join(sd, n)}
			for _, ref := range []struct {
				suffix string
				dst    *string
			}{{".mask.png", &s.mask}, {".alpha.png", &s.alpha}, {".trimap.png", &s.trimap}} {
				if p := filepath.Join(sd, base+ref.suffix); exists(p) {
					*ref.dst = p
				}
			}
			if s.mask == "" && s.alpha == "" {
				continue
			}
			if s.alpha != "" {
				s.set = set + " (alpha)"
			}
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].set < out[j].set })
	return out, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// outcome is what every method made of one sample.
type outcome struct {
	img    *image.NRGBA
	truth  *refine.Matte     // reference alpha or mask
	alphas [4]*refine.Matte  // per method; given is nil without a trimap
	start  *refine.Matte     // the model's matte the automatic cutout starts from (its looks included)
	auto   *refine.CutResult // the default automatic cutout
	times  [4]time.Duration  // per method, the model's time included
}

// run computes every method on one sample.
func (s sample) run(ctx context.Context, seg *cachedSegmenter) (*outcome, error) {
	img, _, err := imagefile.DecodeFile(s.photo, nil)
	if err != nil {
		return nil, err
	}
	if upscale > 1 {
		img = imaging.Resize(img, upscale*img.Rect.Dx(), 0, imaging.Lanczos)
	}
	o := &outcome{img: img}
	if s.alpha != "" {
		o.truth, err = loadGrey(s.alpha)
	} else {
		o.truth, err = loadGrey(s.mask)
	}
	if err != nil {
		return nil, err
	}
	if o.truth.W != img.Rect.Dx() || o.truth.H != img.Rect.Dy() {
		return nil, fmt.Errorf("reference is %dx%d, photo %dx%d", o.truth.W, o.truth.H, img.Rect.Dx(), img.Rect.Dy())
	}
	t0 := time.Now()
	raw, err := seg.Once(ctx, img)
	if err != nil {
		return nil, err
	}
	segTime := time.Since(t0)
	o.alphas[0], o.times[0] = raw, segTime
	t0 = time.Now()
	zoomed, err := seg.Zoom(ctx, img, raw)
	if err != nil {
		return nil, err
	}
	zoomTime := segTime + time.Since(t0)
	o.start = zoomed
	cut := func(i int, in refine.Input, d time.Duration) error {
		t0 := time.Now()
		r, err := refine.Cut(ctx, img, in, &refine.CutOptions{Trimap: &trimapOpt})
		if err != nil {
			return err
		}
		o.alphas[i], o.times[i] = r.Alpha, d+time.Since(t0)
		if i == 1 {
			o.auto = r
		}
		return nil
	}
	if err := cut(1, refine.Input{Matte: zoomed}, zoomTime); err != nil {
		return nil, err
	}
	if err := cut(2, refine.Input{Trimap: rembgTrimap(raw)}, segTime); err != nil {
		return nil, err
	}
	if s.trimap != "" {
		tri, err := loadGrey(s.trimap)
		if err != nil {
			return nil, err
		}
		t := refine.NewTrimap(tri.W, tri.H)
		for i, v := range tri.Pix {
			t.Pix[i] = refine.Label(uint8(v*255 + 0.5))
		}
		if err := cut(3, refine.Input{Trimap: t}, 0); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// scores measures every method of an outcome against the reference.
func (s sample) scores(o *outcome) []score {
	sc := make([]score, len(methods))
	for i, alpha := range o.alphas {
		if alpha == nil {
			continue
		}
		edge, plateau := metrics.GhostSplit(alpha, o.truth)
		sc[i] = score{time: o.times[i], ok: true, ghost: 100 * (edge + plateau), ghostEdge: 100 * edge, ghostPlateau: 100 * plateau,
			outline: metrics.OutlineOffset(alpha, o.truth)}
		if s.alpha != "" {
			area := float64(upscale * upscale)
			sc[i].sad = metrics.SAD(alpha, o.truth, nil) / area
			sc[i].mse = metrics.MSE(alpha, o.truth, nil) * 1000
			sc[i].grad = metrics.Gradient(alpha, o.truth, nil) / area
		} else {
			sc[i].iou = iou(alpha, o.truth)
		}
	}
	return sc
}

// dump writes every method's alpha, the automatic trimap and the
// automatic cutout's ghost pixels (white) into dir as NAME.METHOD.png.
func (s sample) dump(o *outcome, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	save := func(kind string, img image.Image) error {
		return imagefile.WritePNG(filepath.Join(dir, s.name+"."+kind+".png"), img, true)
	}
	for i, alpha := range o.alphas {
		if alpha != nil {
			if err := save(methods[i], alpha.Gray()); err != nil {
				return err
			}
		}
	}
	if err := save("auto-ghost", metrics.GhostMask(o.alphas[1], o.truth).Gray()); err != nil {
		return err
	}
	return save("auto-trimap", o.auto.Trimap.Gray())
}

// loadGrey reads a greyscale reference (mask, alpha or trimap) as a matte
// in [0,1], from its first channel.
func loadGrey(path string) (*refine.Matte, error) {
	img, _, err := imagefile.DecodeFile(path, nil)
	if err != nil {
		return nil, err
	}
	if upscale > 1 {
		filter := imaging.Linear
		if strings.HasSuffix(path, ".trimap.png") {
			filter = imaging.NearestNeighbor
		}
		img = imaging.Resize(img, upscale*img.Rect.Dx(), 0, filter)
	}
	m := refine.NewMatte(img.Rect.Dx(), img.Rect.Dy())
	for i := range m.Pix {
		m.Pix[i] = float32(img.Pix[4*i]) / 255
	}
	return m, nil
}

// iou is the intersection over union of the pixels at or above 0.5.
func iou(pred, truth *refine.Matte) float64 {
	var inter, union int
	for i, p := range pred.Pix {
		a, b := p >= 0.5, truth.Pix[i] >= 0.5
		if a && b {
			inter++
		}
		if a || b {
			union++
		}
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// rembgTrimap is the trimap rembg's alpha matting builds from a matte:
// foreground above 240/255 and background below 10/255, each eroded by a
// 10×10 square, the rest unknown.
func rembgTrimap(m *refine.Matte) *refine.Trimap {
	w, h := m.W, m.H
	fg := make([]bool, w*h)
	bg := make([]bool, w*h)
	for i, v := range m.Pix {
		fg[i] = v > 240.0/255
		bg[i] = v < 10.0/255
	}
	fg, bg = erode(fg, w, h), erode(bg, w, h)
	t := refine.NewTrimap(w, h)
	for i := range t.Pix {
		switch {
		case fg[i]:
			t.Pix[i] = refine.Foreground
		case bg[i]:
			t.Pix[i] = refine.Background
		default:
			t.Pix[i] = refine.Unknown
		}
	}
	return t
}

// erode keeps a pixel when every pixel of the 10×10 square anchored at its
// centre (offsets −5…+4, as OpenCV places an even kernel) is set; pixels
// outside the image count as set (OpenCV's default border for erosion).
func erode(m []bool, w, h int) []bool {
	const lo, hi = -5, 4
	tmp := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ok := true
			for dx := lo; dx <= hi && ok; dx++ {
				if xx := x + dx; xx >= 0 && xx < w {
					ok = m[y*w+xx]
				}
			}
			tmp[y*w+x] = ok
		}
	}
	out := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ok := true
			for dy := lo; dy <= hi && ok; dy++ {
				if yy := y + dy; yy >= 0 && yy < h {
					ok = tmp[yy*w+x]
				}
			}
			out[y*w+x] = ok
		}
	}
	return out
}

// printTable writes one set's scores as a Markdown table with mean and
// median rows.
func printTable(w io.Writer, set string, ss []sample, sc [][]score) {
	alpha := ss[0].alpha != ""
	fmt.Fprintf(w, "\n## %s (%d images)\n\n", set, len(ss))
	if alpha {
		fmt.Fprintln(w, "| image | raw SAD | auto SAD | rembg SAD | given SAD | raw MSE | auto MSE | rembg MSE | given MSE | raw grad | auto grad | rembg grad | given grad | raw ghost% | auto ghost% | rembg ghost% | auto s | rembg s | given s |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	} else {
		fmt.Fprintln(w, "| image | raw IoU | auto IoU | rembg IoU | auto − raw | raw ghost% | auto ghost% | rembg ghost% | auto outline px | raw s | auto s | rembg s |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	}
	ghosts := func(i int) []string {
		var out []string
		for m := 0; m < 3; m++ {
			out = append(out, cell(sc[i][m], func(s score) float64 { return s.ghost }, "%.2f"))
		}
		return out
	}
	cols := func(get func(score) float64, f string) func(int) []string {
		return func(i int) []string {
			var out []string
			for m := range methods {
				if !alpha && m == 3 {
					continue
				}
				out = append(out, cell(sc[i][m], get, f))
			}
			return out
		}
	}
	for i, s := range ss {
		var row []string
		if alpha {
			row = append(row, cols(func(s score) float64 { return s.sad }, "%.2f")(i)...)
			row = append(row, cols(func(s score) float64 { return s.mse }, "%.2f")(i)...)
			row = append(row, cols(func(s score) float64 { return s.grad }, "%.2f")(i)...)
			row = append(row, ghosts(i)...)
			for m := 1; m < len(methods); m++ {
				row = append(row, cell(sc[i][m], func(s score) float64 { return s.time.Seconds() }, "%.2f"))
			}
		} else {
			row = append(row, cols(func(s score) float64 { return s.iou }, "%.4f")(i)...)
			row = append(row, fmt.Sprintf("%+.4f", sc[i][1].iou-sc[i][0].iou))
			row = append(row, ghosts(i)...)
			row = append(row, fmt.Sprintf("%+.2f", sc[i][1].outline))
			for m := 0; m < 3; m++ {
				row = append(row, fmt.Sprintf("%.2f", sc[i][m].time.Seconds()))
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", s.name, strings.Join(row, " | "))
	}
	for _, agg := range []struct {
		name string
		f    func([]float64) float64
	}{{"**mean**", mean}, {"**median**", median}} {
		col := func(m int, get func(score) float64, f string) string {
			var v []float64
			for i := range ss {
				if sc[i][m].ok {
					v = append(v, get(sc[i][m]))
				}
			}
			if len(v) == 0 {
				return "–"
			}
			return fmt.Sprintf(f, agg.f(v))
		}
		var row []string
		if alpha {
			for _, g := range []func(score) float64{
				func(s score) float64 { return s.sad },
				func(s score) float64 { return s.mse },
				func(s score) float64 { return s.grad },
			} {
				for m := range methods {
					row = append(row, col(m, g, "%.2f"))
				}
			}
			for m := 0; m < 3; m++ {
				row = append(row, col(m, func(s score) float64 { return s.ghost }, "%.2f"))
			}
			for m := 1; m < len(methods); m++ {
				row = append(row, col(m, func(s score) float64 { return s.time.Seconds() }, "%.2f"))
			}
		} else {
			get := func(s score) float64 { return s.iou }
			for m := 0; m < 3; m++ {
				row = append(row, col(m, get, "%.4f"))
			}
			var d []float64
			for i := range ss {
				d = append(d, sc[i][1].iou-sc[i][0].iou)
			}
			row = append(row, fmt.Sprintf("%+.4f", agg.f(d)))
			for m := 0; m < 3; m++ {
				row = append(row, col(m, func(s score) float64 { return s.ghost }, "%.2f"))
			}
			row = append(row, col(1, func(s score) float64 { return s.outline }, "%+.2f"))
			for m := 0; m < 3; m++ {
				row = append(row, col(m, func(s score) float64 { return s.time.Seconds() }, "%.2f"))
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", agg.name, strings.Join(row, " | "))
	}
	if !alpha {
		worst, at := math.Inf(1), ""
		below := 0
		for i, s := range ss {
			d := sc[i][1].iou - sc[i][0].iou
			if d < worst {
				worst, at = d, s.name
			}
			if d < -0.005 {
				below++
			}
		}
		fmt.Fprintf(w, "\nauto − raw: worst %+.4f (%s); %d of %d images lose more than 0.005\n", worst, at, below, len(ss))
	}
}

// printGhosts writes the ghost area over every photo of every set: mean,
// median, largest and the count over 1%, for the model, the automatic
// cutout and the rembg-style trimap; then the same of its two parts
// (metrics.GhostSplit): at the cutout's own outline (an edge in the
// wrong place) and plateaus away from it.
func printGhosts(w io.Writer, sc [][]score) {
	fmt.Fprintf(w, "\n## ghost area, every photo (%d)\n\n", len(sc))
	fmt.Fprintln(w, "| method | mean % | median % | max % | over 1% | edge: mean / median / max % | plateau: mean / median / max % |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for m := 0; m < 3; m++ {
		all, edge, plateau := make([]float64, len(sc)), make([]float64, len(sc)), make([]float64, len(sc))
		over := 0
		for i := range sc {
			all[i], edge[i], plateau[i] = sc[i][m].ghost, sc[i][m].ghostEdge, sc[i][m].ghostPlateau
			if all[i] > 1 {
				over++
			}
		}
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %d | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f |\n", methods[m],
			mean(all), median(all), slices.Max(all), over,
			mean(edge), median(edge), slices.Max(edge), mean(plateau), median(plateau), slices.Max(plateau))
	}
}

// floorSample is an alpha reference scored by printFloors.
type floorSample struct {
	name  string
	truth *refine.Matte
}

// printFloors writes, per alpha reference, its ghost area against itself
// made binary (metrics.BinaryGhost) at its own size and reduced (area
// average) to the median short side of the photos with binary masks,
// shorts; nothing without alpha references.
func printFloors(w io.Writer, mattes []floorSample, shorts []float64) {
	if len(mattes) == 0 {
		return
	}
	side := 0
	if len(shorts) > 0 {
		side = int(median(shorts))
	}
	fmt.Fprintf(w, "\n## ghost area of a perfect cutout against a binary reference\n\n")
	fmt.Fprintln(w, "Each alpha reference scored against itself thresholded at 0.5: what a binary mask counts as ghost in true soft edges.")
	fmt.Fprintln(w)
	if side > 0 {
		fmt.Fprintf(w, "| reference | ghost %% | ghost %% at a short side of %d px (the masked photos' median) |\n|---|---|---|\n", side)
	} else {
		fmt.Fprintln(w, "| reference | ghost % |\n|---|---|")
	}
	for _, m := range mattes {
		row := fmt.Sprintf("| %s | %.2f", m.name, 100*metrics.BinaryGhost(m.truth))
		if side > 0 {
			row += fmt.Sprintf(" | %.2f", 100*metrics.BinaryGhost(shrinkMatte(m.truth, side)))
		}
		fmt.Fprintln(w, row+" |")
	}
}

// shrinkMatte reduces m, by the area average, so that its short side is
// side pixels; m itself when it is no larger.
func shrinkMatte(m *refine.Matte, side int) *refine.Matte {
	if min(m.W, m.H) <= side {
		return m
	}
	w, h := m.W*side/min(m.W, m.H), m.H*side/min(m.W, m.H)
	small := imaging.Resize(m.Gray(), w, h, imaging.Box)
	out := refine.NewMatte(w, h)
	for i := range out.Pix {
		out.Pix[i] = float32(small.Pix[4*i]) / 255
	}
	return out
}

func cell(s score, get func(score) float64, f string) string {
	if !s.ok {
		return "–"
	}
	return fmt.Sprintf(f, get(s))
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// runFilter compiles the -run flag's regular expression; "" matches
// every photo (nil).
func runFilter(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	return regexp.Compile(expr)
}

// openSegmenter opens the model on the CPU, keeping its mattes in dir
// ("" keeps none); closeSeg releases it and the runtime.
func openSegmenter(model, dir string, log io.Writer) (seg *cachedSegmenter, closeSeg func(), err error) {
	sess, err := inference.Open(inference.Options{Model: model, Device: inference.DeviceCPU, Log: log})
	if err != nil {
		return nil, nil, err
	}
	closeSeg = func() {
		sess.Close()
		inference.Shutdown()
	}
	return &cachedSegmenter{sess: sess, dir: dir, model: model}, closeSeg, nil
}

// cachedSegmenter runs the model, keeping its mattes in dir when set.
type cachedSegmenter struct {
	sess  *inference.Session
	dir   string
	model string
}

// Segment returns the matte the product starts from: the model's run on
// img and its second look at a small subject (inference.Zoom).
func (c *cachedSegmenter) Segment(ctx context.Context, img *image.NRGBA) (*refine.Matte, error) {
	raw, err := c.Once(ctx, img)
	if err != nil {
		return nil, err
	}
	return c.Zoom(ctx, img, raw)
}

// Zoom is inference.Zoom over the cached single runs, on a copy of raw
// (left as it is).
func (c *cachedSegmenter) Zoom(ctx context.Context, img *image.NRGBA, raw *refine.Matte) (*refine.Matte, error) {
	m, err := inference.Zoom(ctx, func(ctx context.Context, crop *image.NRGBA) (*inference.Matte, error) {
		m, err := c.Once(ctx, crop)
		return (*inference.Matte)(m), err
	}, img, (*inference.Matte)(raw.Clone()))
	return (*refine.Matte)(m), err
}

// Once returns the model's single run on img (the raw model), from the
// cache when it holds one for these pixels.
func (c *cachedSegmenter) Once(ctx context.Context, img *image.NRGBA) (*refine.Matte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var path string
	if c.dir != "" {
		sum := sha256.New()
		fmt.Fprintf(sum, "%s %d %d\n", c.model, w, h)
		for y := 0; y < h; y++ {
			sum.Write(img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):][:4*w])
		}
		path = filepath.Join(c.dir, hex.EncodeToString(sum.Sum(nil))[:24]+".matte")
		if b, err := os.ReadFile(path); err == nil && len(b) == 4*w*h {
			m := refine.NewMatte(w, h)
			for i := range m.Pix {
				m.Pix[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
			return m, nil
		}
	}
	im, err := c.sess.SegmentOnce(ctx, img)
	m := (*refine.Matte)(im)
	if err != nil || path == "" {
		return m, err
	}
	b := make([]byte, 4*len(m.Pix))
	for i, v := range m.Pix {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	return m, os.WriteFile(path, b, 0o644)
}
