//go:build linux || darwin

package inference

/*
#include <signal.h>
#include <string.h>

#define CUTOUT_NSIG 65
static struct sigaction cutout_saved[CUTOUT_NSIG];

static void cutout_save_signals(void) {
	for (int s = 1; s < CUTOUT_NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP) continue;
		if (sigaction(s, NULL, &cutout_saved[s]) != 0) {
			memset(&cutout_saved[s], 0, sizeof cutout_saved[s]);
		}
	}
}

// cutout_restore_signals puts back every handler that changed since the
// last save and returns how many it restored.
static int cutout_restore_signals(void) {
	int n = 0;
	struct sigaction cur;
	for (int s = 1; s < CUTOUT_NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP) continue;
		if (sigaction(s, NULL, &cur) != 0) continue;
		if (cur.sa_handler != cutout_saved[s].sa_handler || cur.sa_flags != cutout_saved[s].sa_flags) {
			sigaction(s, &cutout_saved[s], NULL);
			n++;
		}
	}
	return n;
}
*/
import "C"

import "sync"

var signalMu sync.Mutex

// keepGoSignals runs fn and then restores any signal handler that native
// code replaced meanwhile. The CUDA libraries install handlers without
// SA_ONSTACK, which makes the Go runtime abort on the next Ctrl-C
// ("non-Go code set up signal handler without SA_ONSTACK flag"); putting
// Go's own handlers back keeps Ctrl-C and SIGTERM working as usual.
func keepGoSignals(fn func() error) error {
	signalMu.Lock()
	defer signalMu.Unlock()
	C.cutout_save_signals()
	err := fn()
	C.cutout_restore_signals()
	return err
}
