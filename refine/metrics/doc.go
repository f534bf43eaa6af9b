// Package metrics scores an estimated alpha matte against a ground-truth
// matte with the four error measures of the alphamatting.com benchmark
// (Rhemann et al., "A Perceptually Motivated Online Benchmark for Image
// Matting", CVPR 2009): sum of absolute differences (SAD), mean squared
// error (MSE), gradient error and connectivity error.
//
// The definitions follow the evaluation code released with Deep Image
// Matting (Xu et al., CVPR 2017), which PyMatting and most matting papers
// reproduce:
//
//   - alpha values are in [0,1] (refine.Matte), not 0..255;
//   - SAD is Σ|α−α*| / 1000;
//   - MSE is Σ(α−α*)² / n, n the number of pixels scored;
//   - Gradient is Σ(|∇α|−|∇α*|)² / 1000, with ∇ the first-order Gaussian
//     derivative filters of σ = 1.4 (kernel half-size 4, normalised to unit
//     L2 norm, replicated borders), as in the benchmark's gaussgradient;
//   - Connectivity is Σ|φ(α)−φ(α*)| / 1000 with thresholds stepped by 0.1
//     and θ = 0.15 (see Connectivity).
//
// Every function scores the whole image when region is nil, and only the
// pixels labelled refine.Unknown when a trimap is given (the benchmark's
// convention). Mattes of different sizes are a programmer error and panic.
// The functions do not modify their inputs and are safe for concurrent use.
package metrics
