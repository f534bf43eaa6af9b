package main

import (
	"os"
	"strconv"
	"strings"
)

// maxrssUnit is the unit of Rusage.Maxrss in bytes: KiB on Linux.
const maxrssUnit = 1024

// memTotal returns the machine's memory in bytes from /proc/meminfo, or 0
// where it cannot be read.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
