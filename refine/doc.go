// Package refine turns a coarse segmentation into a cutout with real hair:
// it builds a trimap from a segmentation matte, solves the alpha matte
// over the trimap's unknown band, and estimates the foreground colours of
// semi-transparent pixels. It is pure Go (no cgo) and does not depend on
// any GUI toolkit.
//
// # Conventions
//
// A Matte holds alpha in [0,1] as float32, row-major, W×H. A Trimap holds
// the labels Background (0), Unknown (128) and Foreground (255), the same
// values the editor's brushes paint and trimap PNG files store. Colour
// images are *image.NRGBA (straight, not premultiplied, alpha), with any
// origin; their alpha channel is ignored on input. Outputs always have
// origin (0, 0). Inputs are never modified. Mismatched sizes are
// programmer errors and panic; cancellation and solver failures are
// returned as errors. Hot loops index Pix slices directly and split rows
// across cores with refine/parallel; every reduction is summed per fixed
// chunk and the chunk sums added in order, so results are bit-identical
// whatever the number of cores.
//
// # Algorithms
//
// AutoGuide turns the segmentation model's matte into what the solver
// needs, so that refinement never loses what the model had right. It
// analyses the matte on a grid of at most 1024 px (the model's own
// resolution) and sorts every neighbourhood of the 0.5 contour:
//
//   - Solid edges (the matte has no fine-scale variation there: its
//     gradient is that of its blurred self): the model's anti-aliased edge
//     is kept as it is, its pixels known with the model's own value. On photos more than twice the
//     model's input the edge zone is solved instead, held to the model, so
//     the interpolated edge snaps to the photo's. Matting a clean edge
//     moves it by a pixel or so towards the true colour edge; reference
//     masks of people are drawn a little outside, and thin limbs and small
//     subjects lose more to that than hair gains.
//   - Hair (strands: fine-scale variation of the matte, crossed more than
//     once across a window): an unknown band of Band outside
//     and Inner inside the contour, found with the linear-time exact
//     Euclidean distance transform of Felzenszwalb and Huttenlocher (Theory
//     of Computing, 2012), capped at half the subject's local thickness so
//     that a limb keeps its core. Segmentation networks call
//     semi-transparent hair opaque far more often than the reverse, so the
//     band reaches ten times further inside (10% of the short side against
//     1% outside: on the portraits' hair mattes 4% gives a SAD of
//     9.8/22.0/5.8, 7% 8.4/18.4/5.9, 10% 7.1/15.4/5.9, the people's IoU
//     unchanged), and the data term holds only the model's background.
//   - Soft edges of thick subjects (the model's unsure zone across the
//     edge is 8 or more analysis pixels wide, and the subject at least six
//     times as thick as that zone is wide): matted as hair. Fur that the
//     model renders as a smooth ramp is semi-transparent well inside its
//     contour (on am-gt15 up to 20 pixels); on a thin or far-away subject
//     the same ramp is the model's blur, and matting it fades limbs (at
//     three times the width instead of six, am-gt15's SAD falls to 4.0
//     but three photos of people lose more than 0.005 IoU, hsd-066
//     0.0074; with no thickness rule, hsd-212 loses up to 0.17).
//   - Where the model is unsure (Lo < m < Hi) away from its edge: solved,
//     with a data term towards the model's matte weighted by how alike the
//     local foreground and background colours are (matting cannot tell
//     them apart there; Wang and Cohen's robust matting weighs samples the
//     same way). Around an unsure island (the model at 0.25 to Hi, more
//     than 1% of the short side from its 0.5 contour: a leg or a lock of
//     hair it half sees) the background is solved too, 2% of the short
//     side out, held only weakly to the model: pinned to the island's rim,
//     the known background held the island at the model's value whatever
//     the colours said.
//   - Where the model is unsure, the data term's target is not the
//     model's value alone: colour models of the subject and the background
//     (histograms of the colours where the model is sure, over the whole
//     photo: GrabCut's idea, Rother, Kolmogorov and Blake, SIGGRAPH 2004)
//     weigh in, as much as the local subject and background colours
//     differ, and evidence against the subject counts a quarter (its
//     model lacks the colours of its unsure parts). Blue hair the model
//     half saw against a white sky, or dark legs on grey paving, are then
//     matted as the subject.
//
// After the alpha solve, the automatic cutout decides: where the solved
// alpha shows no fine structure (no strands of hair or fur, which matting
// found in the photo), its transition from 0 to 1 is made at most two
// analysis pixels wide around its 0.5 level, so a plateau of the model's
// doubt (a dark suit, a skirt, roses beside a face) becomes solid or
// clear instead of a see-through ghost, and an anti-aliased edge stays as
// it is. Every pixel keeps its side of 0.5. On the developer sets the
// ghost area (metrics.Ghost: half-transparent pixels where the reference
// is solid, away from its edge, as a share of the subject) falls from a
// mean of 11.9% and a median of 2.9% to 5.3% and 1.7% (the model's own
// matte: 12.2% and 3.1%), and the people's mean IoU rises from 0.8803 to
// 0.8937 (the model: 0.8762; hsd-037 0.66 -> 0.88, hsd-198 0.65 -> 0.76),
// every photo within 0.0042 of the model or above it; the hair mattes'
// SAD goes from 7.09/13.84/4.67 to 6.43/13.90/4.63.
//
// A JPEG's 8×8 blocks are taken out of the alpha: where the photo
// carries a block grid (found in its pixels: package deblock), the solved
// alpha's steps across block borders are spread into ramps where they
// stand out from the texture, over the solved pixels only, before the
// decisions (on lines that stay on one side of 0.5, so that the decisions
// take the sides matting gave) and after them (their steep edges would
// carry the blocks; a line that crosses 0.5 only where the model is sure
// of none of its pixels). The photo's colours are matted as they are:
// spreading their steps too cost hsd-198 0.026 of IoU (dark trousers on
// grey pavement lose their low-contrast edge). Where the model is unsure
// away from its edge, the alpha's mean step across every 8th line was
// 1.38-2.10 times the mean step elsewhere on seven of the eight JPEGs
// whose plateaus are large enough to judge (hsd-198 0.99); it is now
// 0.73-1.09 on all eight (TestNoBlockPatternJPEG). The people's mean IoU
// is unchanged (0.8937) and no photo loses more than 0.0009 (hsd-198,
// hsd-212); the ghost area's mean over both sets goes from 4.54% to 4.39%
// (hsd-037 27.5% -> 27.2%, celebamaskhq-demo0 4.6% -> 4.0%) and its
// median from 1.43% to 1.45%; the hair mattes (lossless) are unchanged.
// On a 12 MP JPEG the grid and both passes take 3.4-3.7% of Cut
// (36-40 ms of 1.0-1.1 s, BenchmarkCut12MPJPEG). In a dark or flat part
// of such a photo matting can still leave the model's doubt as a
// patchwork of whole 8×8 and 16×16 tiles around 0.5; there the decisions
// read a plateau's side over the blocks around each pixel rather than its
// 3×3 neighbours (decideBlockReach), so the plateau is cut in a smooth
// line instead of a staircase along the tiles (about 20 ms more on a
// 12 MP JPEG; the sets' figures move by less than 0.001).
//
// The model's own edge is kept only where it is an edge: where its matte,
// followed across the 0.5 contour as far as the ramp's own width, reaches
// 0.1 on one side and 0.9 on the other. There its ramp, which the model
// draws ten pixels wide or more where it is unsure of the outline, is
// steepened about 0.5 to the photo's own edge width (no less than
// decideWidth), so a crisp edge is crisp and a blurred one stays as soft
// as the photo; elsewhere the contour runs through the model's doubt (hair
// it half saw over a shoulder, legs it held at 0.2-0.3 below a coat) and
// is solved with the plateau, where it had shown as grey lines and walled
// the plateau off from matting. The ghost area's mean over both sets goes
// from 4.39% to 3.08% and its median from 1.45% to 0.98% (hsd-037 27.2%
// -> 12.1%), the people's mean IoU from 0.8937 to 0.8971 (hsd-198 0.756
// -> 0.805; the worst photo, hsd-066, 0.0047 below the model), and the
// hair mattes' SAD from 6.59/14.21/4.71 to 6.21/13.67/4.88.
//
// On the developer sets (cmd/evaluate, make eval: 24 everyday photos of
// people and 3 close-ups with reference masks, 3 hair mattes from
// alphamatting.com) the refined IoU against the reference masks is within
// 0.0039 of the model's on every photo and above it on average (0.8803
// against 0.8762 on the people, 0.9225 against 0.9234 on the close-ups);
// the hair mattes' SAD falls from 19.4/24.6/6.1 (the model) to
// 7.1/13.8/4.7, against 11.4/23.3/5.0 for rembg's trimap (thresholds 10
// and 240, 10×10 erosion) through the same solver. The previous trimap (a
// band of 1% and 3% of the short side everywhere) lowered the people's
// IoU to 0.837.
//
// SolveAlpha minimises the closed-form matting energy αᵀLα of Levin,
// Lischinski and Weiss ("A Closed-Form Solution to Natural Image Matting",
// PAMI 2008) with 3×3 windows and ε = 1e-7, over the unknown pixels only,
// the known pixels entering as boundary values, plus an optional data term
// towards the segmentation (Options.Prior). The system is solved by
// Jacobi-preconditioned conjugate gradients (Barrett et al., "Templates
// for the Solution of Linear Systems", 1994), coarse to fine: the problem
// is first solved on half-size images, and the coarse alpha is brought up
// with a guided filter (He, Sun and Tang, PAMI 2013; He and Sun, "Fast
// Guided Filter", 2015) as the starting guess of the finer level. Each
// level stops at a relative residual of 3e-4: this early stopping acts as
// a regulariser and gives a lower error than full convergence. When the
// unknown region exceeds Options.MaxSolvePixels, or the photo 2.5 MP, the
// finest level solved is a reduced one (a 12 MP photo is solved at 1/3)
// and the guided filter produces the full-resolution alpha from the
// photo at full size, so time and memory follow the band, not the photo.
// A reduced solve is preconditioned by coarse levels as well as Jacobi:
// an additive multilevel preconditioner (Bramble, Pasciak and Xu, 1990)
// over cells of 2, 4, 8... pixels, whose Galerkin diagonals carry each
// correction across the unknown band at once. On a 12 MP cut the finest
// level's iterations fall from 211 to 107 and the alpha solve from
// 510-630 ms to 360-450 ms on 2 cores (BenchmarkCut12MP, interleaved
// runs), stopping 3× closer to the converged alpha
// (TestMultilevelFewerIterations); at full resolution Jacobi alone is
// kept, its early stop being the better regulariser there (see
// solveAlphaAt).
//
// EstimateForeground implements the multi-level foreground estimation of
// Germer, Uelwer, Conrad and Harmeling ("Fast Multi-Level Foreground
// Estimation", ICPR 2020), with red-black updates and, on large images,
// full-resolution work only in the tiles that hold semi-transparent
// pixels, and there only within reach of them: every visible pixel gets
// the colour a relaxation of the whole tile gives it.
//
// Cut is the chain the command line and the editor share: AutoGuide (or
// the user's trimap), SolveAlpha and EstimateForeground. Composite and
// Compose put the result over transparency, a colour or an image, in
// straight alpha. Where the user's trimap makes Unknown what the guide
// had known and the model is sure (the soft rim of a brush stroke), the
// data term holds the alpha towards the brush's own ramp between the
// labels on either side, so a stroke across skin, where matting has
// nothing to follow, gives a smooth edge.
//
// Incremental is Cut for an editor: it keeps the cutout between edits
// and, after each, solves again only the window the edit can reach (the
// changed labels and 3% of the short side around them, on the grid the
// full solve uses), starting from the previous alpha and holding it at
// the window's rim, then estimates the foreground colours there. A stroke
// is refined in 53-57 ms on a 1 MP portrait, 129-131 ms at 12 MP and
// 266-268 ms at 24 MP on 2 cores, against 1.3 s for a full solve at 24 MP
// (BenchmarkStrokeToRefined, BenchmarkStrokeFullSolve), and the result
// stays within 2/255 of a full solve on all but 0.1% of the pixels. The editor's edit operations on
// the trimap are in refine/stroke.
//
// Non-local terms of information-flow matting (Aksoy, Aydin and Pollefeys,
// CVPR 2017: colour-mixture, known-to-unknown and intra-unknown flows)
// were tried on the evaluation set and did not beat the closed-form
// Laplacian with the settings above, so they are not included.
//
// # Usage
//
//	res, err := refine.Cut(ctx, img, refine.Input{Matte: segmentation}, nil)
//	if err != nil {
//		return err
//	}
//	out := refine.NewComposite(res.Foreground, res.Alpha, refine.Backdrop{})
//
// The error measures of the alphamatting.com benchmark are in
// refine/metrics.
package refine
