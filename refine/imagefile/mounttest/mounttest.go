//go:build linux

// Package mounttest runs the cases of a test that need mounts (a full
// disk, a read-only folder, a mount point in the way) in a child process
// with its own mount namespace, where they can mount tmpfs folders
// without touching the host. Machines that do not allow it (no
// CAP_SYS_ADMIN, no user namespaces) skip the cases.
//
// The parent test calls Run with the name of a child test. The child
// test reads its case from the environment, calls Private first and, when
// a mount it needs is refused, logs a line starting with SkipPrefix and
// returns; the parent then skips the case. Lines the child logs starting
// with LogPrefix are logged by the parent.
package mounttest

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// SkipPrefix starts the line a child logs when it cannot mount.
const SkipPrefix = "mount-skip: "

// LogPrefix starts the lines of a child that the parent logs.
const LogPrefix = "mount-log: "

// Run runs the test called child once per mode, each in a re-run of this
// test binary in a new mount namespace, with caseEnv=mode and env added
// to the environment, as subtests of t named by the modes. It fails a
// case whose child fails and skips one whose child could not mount.
func Run(t *testing.T, child, caseEnv string, modes []string, env ...string) {
	t.Helper()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.v", "-test.count=1")
			cmd.Env = append(append(os.Environ(), caseEnv+"="+mode), env...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
			out, err := cmd.CombinedOutput()
			text := string(out)
			if err != nil && !strings.Contains(text, child) {
				t.Skipf("cannot start a process in a new mount namespace (%v); needs CAP_SYS_ADMIN", err)
			}
			if i := strings.Index(text, SkipPrefix); i >= 0 {
				t.Skip(strings.SplitN(text[i:], "\n", 2)[0])
			}
			if err != nil || !strings.Contains(text, "--- PASS: "+child) {
				t.Fatalf("mount child failed (%v):\n%s", err, text)
			}
			var logs []string
			for _, l := range strings.Split(text, "\n") {
				if i := strings.Index(l, LogPrefix); i >= 0 {
					logs = append(logs, l[i+len(LogPrefix):])
				}
			}
			if len(logs) > 0 {
				t.Log(strings.Join(logs, "\n"))
			}
		})
	}
}

// Private makes every mount of the child's namespace private, so that
// what it mounts never propagates to the host's namespace, and reports
// whether it could (it logs a SkipPrefix line when not).
func Private(t *testing.T) bool {
	t.Helper()
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		t.Logf("%scannot make the mounts private: %v", SkipPrefix, err)
		return false
	}
	return true
}
