package main

import (
	"errors"
	"syscall"
)

// keepOnBrokenPipe does nothing: Windows has no SIGPIPE; a write to a
// closed pipe returns an error.
func keepOnBrokenPipe() {}

// brokenPipe reports a write to a pipe nobody reads any more:
// ERROR_NO_DATA ("the pipe is being closed") or ERROR_BROKEN_PIPE.
func brokenPipe(err error) bool {
	return errors.Is(err, syscall.Errno(232)) || errors.Is(err, syscall.ERROR_BROKEN_PIPE)
}

// diskFull reports a write that found no space left: ERROR_DISK_FULL or
// ERROR_HANDLE_DISK_FULL.
func diskFull(err error) bool {
	return errors.Is(err, syscall.Errno(112)) || errors.Is(err, syscall.Errno(39))
}
