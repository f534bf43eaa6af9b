// Package ui is Cutout's desktop editor, built with Fyne: it opens
// portraits, segments them with the ISNet model in the background, and lets
// the user correct the mask with brushes and one-click picks, adjust the
// edge, and export full-resolution cutouts, one photo or all of them.
//
// # Data
//
// Photos are *image.NRGBA (straight alpha). The model's matte is kept in
// 8 bits, and so is the alpha the editor shows and exports. Trimaps are
// refine.Trimap (labels 0, 128, 255 for background, unknown, foreground):
// the brushes and picks write them at source resolution. Matting runs on a
// snapshot of the trimap after each edit; a newer edit cancels an older
// run. With an IncrementalRefiner (the default) the worker keeps the
// photo's Solution and an edit is matted again only over the window it
// reaches, which the canvas alone repaints; the whole photo is solved
// the first time and after its guide changes (incremental.go). Strokes
// spread over the region they were painted in and picks take what the
// model was half-sure of first (spread.go, refine/stroke). Its result
// carries the trimap it was solved for, and the
// canvas shows it wherever the trimap still has those labels; pixels
// edited since show the photo's own colours and the trimap's labels (the
// model's matte in the unknown band) until the next result arrives. An
// export first waits for the result of the current trimap. The edge
// controls (Smooth, refine.ShiftEdge, refine.Feather, Contrast,
// decontamination) apply to every result; the hair band makes the
// automatic guide again.
//
// # Files
//
// Each concern has its file. The Editor (editor.go) holds the window and
// the photos; its helpers see it only through small interfaces declared
// beside them (as fyne-io/pixeledit's tools see its api.Editor), and are
// tested against a fake: the mask canvas (canvas.go, canvasHost), the
// model's queue (segment.go, segHost), matting (refining.go,
// incremental.go, refineHost), the filmstrip (stripHost) and the
// tooltips (tipHost). The model and matting come in through Deps
// (deps.go): Segmenter, and Refiner for both the automatic guide and the
// matting, so the editor never runs refine's chain itself. The other
// concerns: opening and the photos held in memory (photos.go, open.go,
// picker.go), edits and undo (edit.go, history.go, brush.go, spread.go,
// pick.go, invert.go), the edge controls (edge.go, band.go), crash
// recovery (autosave.go, restore.go, recovery.go), export (export.go,
// exportall.go, exportprogress.go),
// dialogs (sheet.go, colour.go), quitting (quit.go), the status bar, the
// keys (keys.go, controls.go) and the layout and menus. render.go
// composites what the canvas shows, using the export's compositor
// (refine.NewComposite) for the cutout views.
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
// goroutine owns the segmentation session, one runs matting, and photos
// are decoded one at a time on another; all hand results back through
// fyne.Do. Undo keeps the 64×64 trimap tiles each edit touched, before and
// after.
//
// # Crash recovery
//
// Each photo's edits are saved (debounced, written to a temporary file and
// renamed) under the cache folder (see models.CacheDir), in
// sessions/<sha256 of the file>/: base.png, the trimap the edits start
// from, and edits.json, the list of strokes (and whether they spread),
// picks (with the region they selected) and resets, with the editing
// process's ID. The filmstrip is saved beside them as
// workspace-<process ID>.json. On start, the editor offers at once
// every photo with edits left by an editor that is no
// longer running, and reopens its filmstrip; a clean exit removes the
// files.
//
// # Usage
//
//	ui.Run(files, ui.DefaultDeps(ui.SegmenterOptions{}))
//	err := inference.Shutdown()
//
// The end-to-end tests drive the editor binary through an edit script,
// which only builds with the uiscript tag have (see script.go).
package ui
