//go:build linux

package main

/*
#include <malloc.h>

static void cutout_tune_malloc(void) {
	// Serve every block of 1 MiB or more with its own mapping, returned to
	// the system when freed. glibc otherwise raises this threshold after
	// the first large free (up to 32 MiB), and ONNX Runtime's per-run
	// activation buffers (tens of MiB, freed after each run) then pile up in
	// per-thread heaps: in a batch the resident size crept up run after run.
	// Two heaps (rather than eight per core) keep the smaller blocks of the
	// runtime's worker threads from fragmenting across many arenas.
	// Measured with 300x300 photos: peak 1.87 GiB after 20 and 2.30 GiB
	// after 200 photos before; 0.80 and 0.78 GiB after.
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_ARENA_MAX, 2);
}
*/
import "C"

// tuneMalloc configures the C allocator ONNX Runtime uses, for the whole
// process, before anything allocates; see the C code.
func tuneMalloc() { C.cutout_tune_malloc() }
