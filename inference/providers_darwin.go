package inference

import (
	"fmt"

	ort "github.com/yalue/onnxruntime_go"
)

// coreMLOptions are the CoreML provider options (ONNX Runtime's
// coreml_provider_factory.h, passed by name): an ML Program (macOS 12 or
// newer; the older NeuralNetwork format lacks many operators) that CoreML
// may place on the CPU, the GPU or the Neural Engine.
var coreMLOptions = map[string]string{
	"ModelFormat":    "MLProgram",
	"MLComputeUnits": "ALL",
}

// appendCoreML adds the CoreML execution provider. onnxruntime_go finds the
// provider's entry point in the library when it loads it on macOS, and
// reports a library built without CoreML here.
func appendCoreML(so *ort.SessionOptions) error {
	if err := so.AppendExecutionProviderCoreMLV2(coreMLOptions); err != nil {
		return fmt.Errorf("CoreML provider: %w", err)
	}
	return nil
}

// appendDirectML reports that DirectML exists only on Windows.
func appendDirectML(*ort.SessionOptions) error { return errNoProvider(deviceDirectML) }
