package inference

import (
	"fmt"

	ort "github.com/yalue/onnxruntime_go"
)

// appendDirectML adds the DirectML execution provider on the default
// adapter (device 0, usually the GPU driving the main display). The DirectML
// build of ONNX Runtime takes it only with memory patterns off and
// sequential execution, which create sets for every session.
func appendDirectML(so *ort.SessionOptions) error {
	if err := so.AppendExecutionProviderDirectML(0); err != nil {
		return fmt.Errorf("DirectML provider: %w", err)
	}
	return nil
}

// appendCoreML reports that CoreML exists only on macOS.
func appendCoreML(*ort.SessionOptions) error { return errNoProvider(deviceCoreML) }
