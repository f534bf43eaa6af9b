package inference

import (
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"
)

var procSetDllDirectory = syscall.NewLazyDLL("kernel32.dll").NewProc("SetDllDirectoryW")

// prepareLibrary lets Windows find the DLLs that onnxruntime.dll loads
// later (DirectML.dll, when a DirectML session is made) in the folder of
// path: Windows looks for them beside the executable and in the system
// folders, not beside the DLL that asks. A packaged Cutout has them beside
// the executable anyway; the cache keeps them in the runtime's own folder.
func prepareLibrary(path string) error {
	dir, err := syscall.UTF16PtrFromString(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("library folder: %w", err)
	}
	if r, _, err := procSetDllDirectory.Call(uintptr(unsafe.Pointer(dir))); r == 0 {
		return fmt.Errorf("SetDllDirectory %s: %w", filepath.Dir(path), err)
	}
	return nil
}

// loadHint follows a library that did not load: onnxruntime.dll needs
// Microsoft's Visual C++ runtime, which most but not all PCs have.
var loadHint = " (onnxruntime.dll needs the Microsoft Visual C++ Redistributable 2015-2022: https://aka.ms/vs/17/release/vc_redist." +
	map[string]string{"amd64": "x64", "arm64": "arm64", "386": "x86"}[runtime.GOARCH] + ".exe)"
