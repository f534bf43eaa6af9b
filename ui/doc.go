// Package ui is Cutout's desktop editor, built with Fyne: it opens
// portraits, segments them with the ISNet model in the background, and lets
// the user correct the mask with brushes and a one-click subject picker
// before exporting a full-resolution cutout.
//
// # Data
//
// Photos are *image.NRGBA (straight alpha), mattes refine.Matte (float32
// alpha in [0,1], row-major) and trimaps refine.Trimap (labels 0, 128, 255
// for background, unknown, foreground). The brushes write trimap labels at
// source resolution; what the canvas shows and what is exported is the
// trimap's known labels, with the current matte inside the unknown band.
// Matting (refine.Refine) runs on a snapshot of the trimap after each
// stroke, debounced, and a newer stroke cancels an older run.
//
// # Display
//
// The canvas is a canvas.Raster whose generator returns a cached
// viewport-sized composite. Zoomed out it samples a display proxy (long
// side at most 2048 px, box-filtered off the UI goroutine); zoomed in it
// samples the full-resolution buffers. A brush event repaints only the
// viewport pixels showing the source rectangle it changed.
//
// # Threads
//
// Editor state belongs to the Fyne UI goroutine. Exactly one worker
// goroutine owns the segmentation session and one runs matting; both hand
// results back through fyne.Do. Undo keeps the 64×64 trimap tiles each
// edit touched, before and after.
//
// # Crash recovery
//
// Each photo's edits are saved (debounced, written to a temporary file and
// renamed) under the cache folder ($CUTOUT_CACHE, or cutout in the user
// cache directory), in sessions/<sha256 of the file>/: base.png, the
// trimap the edits start from, and edits.json, the list of strokes, picks
// and resets. Reopening a photo whose session survived a crash offers to
// replay it; a clean exit removes the sessions.
//
// # Usage
//
//	ui.Run(files, ui.DefaultDeps(ui.SegmenterOptions{}))
//	err := inference.Shutdown()
//
// Tests and the end-to-end checks drive a running editor through an edit
// script named by $CUTOUT_UI_SCRIPT (see ScriptEnv).
package ui
