package main

import (
	"encoding/binary"
	"syscall"
)

// maxrssUnit is the unit of Rusage.Maxrss in bytes: bytes on macOS.
const maxrssUnit = 1

// memTotal returns the machine's memory in bytes (sysctl hw.memsize), or 0
// where it cannot be read.
func memTotal() int64 {
	s, err := syscall.Sysctl("hw.memsize")
	if err != nil {
		return 0
	}
	// syscall.Sysctl drops a trailing NUL byte, which here is the top byte
	// of a little-endian uint64: put the missing bytes back.
	b := make([]byte, 8)
	if copy(b, s) < 4 {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(b))
}
