//go:build unix

package main

import (
	"errors"
	"os/signal"
	"syscall"
)

// keepOnBrokenPipe makes a write to a closed pipe return EPIPE instead of
// ending the process with SIGPIPE.
func keepOnBrokenPipe() { signal.Ignore(syscall.SIGPIPE) }

// brokenPipe reports a write to a pipe nobody reads any more.
func brokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }

// diskFull reports a write that found no space left.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
