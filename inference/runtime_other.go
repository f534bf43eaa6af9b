//go:build !windows

package inference

// prepareLibrary has nothing to do outside Windows: the runtime libraries
// Cutout loads on Linux and macOS are single files.
func prepareLibrary(string) error { return nil }

// loadHint adds nothing to a load error outside Windows.
const loadHint = ""
