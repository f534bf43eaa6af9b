//go:build !windows && !darwin

package inference

import ort "github.com/yalue/onnxruntime_go"

// appendDirectML reports that DirectML exists only on Windows.
func appendDirectML(*ort.SessionOptions) error { return errNoProvider(deviceDirectML) }

// appendCoreML reports that CoreML exists only on macOS.
func appendCoreML(*ort.SessionOptions) error { return errNoProvider(deviceCoreML) }
