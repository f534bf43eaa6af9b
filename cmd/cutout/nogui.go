//go:build nogui

package main

import "errors"

// runGUI reports that this build has no editor: it was built with the
// nogui tag, for headless machines.
func runGUI(files []string, cfg guiConfig) error {
	return errors.New(`this build has no editor (built with -tags nogui); use "cutout remove" (see cutout help)`)
}
