//go:build !linux && !darwin

package inference

// keepGoSignals runs fn. Only the Unix CUDA libraries replace signal
// handlers (see signals_unix.go); on Windows the Go runtime handles Ctrl-C
// through a console control handler that native code leaves alone.
func keepGoSignals(fn func() error) error { return fn() }
