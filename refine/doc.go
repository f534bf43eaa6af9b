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
// AutoTrimap marks as Unknown the soft region of the matte (Lo < m < Hi)
// and a band around its 0.5 contour, found with the linear-time exact
// Euclidean distance transform of Felzenszwalb and Huttenlocher (Theory of
// Computing, 2012). The band is asymmetric: 1% of the short side on the
// background side and three times that on the foreground side, because
// segmentation networks call semi-transparent hair opaque far more often
// than the reverse.
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
// unknown region exceeds Options.MaxSolvePixels the finest level solved is
// a reduced one and the guided filter produces the full-resolution alpha,
// so time and memory follow the band, not the photo.
//
// EstimateForeground implements the multi-level foreground estimation of
// Germer, Uelwer, Conrad and Harmeling ("Fast Multi-Level Foreground
// Estimation", ICPR 2020), with red-black updates and, on large images,
// full-resolution work only in the tiles that hold semi-transparent
// pixels.
//
// Cutout assembles the final straight-alpha image.
//
// Non-local terms of information-flow matting (Aksoy, Aydin and Pollefeys,
// CVPR 2017: colour-mixture, known-to-unknown and intra-unknown flows)
// were tried on the evaluation set and did not beat the closed-form
// Laplacian with the settings above, so they are not included.
//
// # Usage
//
//	tri := refine.AutoTrimap(segmentation, nil) // or a trimap painted by the user
//	res, err := refine.Refine(ctx, img, tri, &refine.Options{Prior: segmentation})
//	if err != nil {
//		return err
//	}
//	out := refine.Cutout(res.Foreground, res.Alpha)
//
// The error measures of the alphamatting.com benchmark are in
// refine/metrics.
package refine
