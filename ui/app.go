package ui

import "fyne.io/fyne/v2/app"

// AppID is Cutout's application ID; it keys the stored preferences.
const AppID = "io.github.cutout.Cutout"

// Run opens the editor on files (the bundled sample portrait when there
// are none) and blocks until its window closes. deps are the editor's
// collaborators, usually DefaultDeps.
func Run(files []string, deps Deps) {
	e := New(app.NewWithID(AppID), deps)
	e.Start(files)
	e.Window().ShowAndRun()
	// The app can also end without the window being closed (a signal, the
	// desktop session ending): stop the workers so the model is released,
	// but keep the crash-recovery files, since no photo was closed.
	e.stopWorkers()
}
