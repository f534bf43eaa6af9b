package models

import (
	"embed"
	"fmt"
	"io"
	"strings"
)

// licenceFS holds the licence texts of the third-party parts Cutout
// carries, as their sources give them.
//
//go:embed licences
var licenceFS embed.FS

// Notice is the licence of one third-party part that Cutout's packages
// and executables carry.
type Notice struct {
	Name    string   // the part and its version: "ONNX Runtime 1.30.0"
	Part    string   // what it is in Cutout
	Licence string   // SPDX name(s) of its licence
	Files   []string // its licence texts, under licences/ in this package
}

// Notices lists the third-party parts Cutout's packages carry beside the
// executable (ONNX Runtime, DirectML on Windows, the ISNet weights) and
// those built into it that are not Go code of the Go ecosystem's usual
// licences: the HEIC and AVIF decoders, WebAssembly builds of C libraries,
// and what runs them.
func Notices() []Notice {
	return []Notice{
		{"ONNX Runtime 1.30.0", "the model runtime (libonnxruntime, onnxruntime.dll) beside the executable", "MIT", []string{"onnxruntime.txt"}},
		{"DirectML", "DirectML.dll beside Cutout.exe in the Windows package", "Microsoft DirectML License", []string{"directml.txt"}},
		{"ISNet weights (@imgly/background-removal-data 1.4.5)", "the segmentation model (isnet-medium.onnx)", "MIT (model); AGPL-3.0 (package)", []string{"isnet.txt", "imgly-background-removal-data.md"}},
		{"libheif", "HEIC decoding, built into the executable as WebAssembly", "LGPL-3.0", []string{"libheif.txt"}},
		{"libde265", "HEVC decoding for HEIC, built into the executable as WebAssembly", "LGPL-3.0", []string{"libde265.txt"}},
		{"libavif", "AVIF decoding, built into the executable as WebAssembly", "BSD-2-Clause (with libyuv: BSD-3-Clause)", []string{"libavif.txt"}},
		{"aom (libaom)", "AV1 decoding for AVIF, built into the executable as WebAssembly", "BSD-2-Clause", []string{"aom.txt"}},
		{"github.com/gen2brain/heic 0.4.5", "runs the HEIC decoder", "MIT", []string{"gen2brain-heic.txt"}},
		{"github.com/gen2brain/avif 0.4.4", "runs the AVIF decoder", "MIT", []string{"gen2brain-avif.txt"}},
		{"wazero 1.9.0", "the WebAssembly runtime of the decoders", "Apache-2.0", []string{"wazero.txt"}},
		{"purego 0.8.3", "loads a system libheif or libavif where one is installed", "Apache-2.0", []string{"purego.txt"}},
	}
}

// WriteNotices writes every notice to w: a heading per part (its name,
// what it is in Cutout, its licence), then its licence texts in full.
func WriteNotices(w io.Writer) error {
	rule := strings.Repeat("=", 72)
	for _, n := range Notices() {
		if _, err := fmt.Fprintf(w, "%s\n%s: %s\nLicence: %s\n%s\n\n", rule, n.Name, n.Part, n.Licence, rule); err != nil {
			return err
		}
		for _, f := range n.Files {
			b, err := licenceFS.ReadFile("licences/" + f)
			if err != nil {
				return fmt.Errorf("models: licence of %s: %w", n.Name, err)
			}
			if _, err := fmt.Fprintf(w, "%s\n\n", strings.TrimRight(string(b), "\n")); err != nil {
				return err
			}
		}
	}
	return nil
}
