// Package pipeline chains the stages that turn a photo into a cutout:
// segmentation (an inference.Session), an automatic or user trimap, alpha
// matting and foreground colour estimation (package refine), and
// compositing onto transparency, a colour or another image.
//
// Cutout runs the chain on one decoded image. Batch runs it over many
// files with decoding, the model and the finishing stages (matting,
// compositing, PNG encoding and writing) in three goroutines, so the CPU
// work of neighbouring images overlaps the model run of the current one.
// Results come back in input order either way, and are byte-for-byte the
// same as one-at-a-time processing.
package pipeline
