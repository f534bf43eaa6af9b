// Package parallel splits row loops over image bands across cores.
//
// Bands are contiguous runs of rows, one per worker, so each worker writes
// disjoint rows of a Pix slice and callers that reduce per band and then
// combine in band order get results that do not depend on scheduling.
package parallel

import (
	"runtime"
	"sync"
)

// minRowsPerBand keeps tiny images on one goroutine, where spawning costs
// more than it saves.
const minRowsPerBand = 16

// Workers returns how many bands Rows would use for h rows.
func Workers(h int) int {
	n := runtime.GOMAXPROCS(0)
	if m := h / minRowsPerBand; m < n {
		n = m
	}
	if n < 1 {
		n = 1
	}
	return n
}

// Rows calls fn(y0, y1) for contiguous bands [y0, y1) covering [0, h),
// one band per worker (see Workers), and returns when all calls have
// returned. For small h it runs fn(0, h) on the calling goroutine.
func Rows(h int, fn func(y0, y1 int)) {
	Bands(h, Workers(h), func(_, y0, y1 int) { fn(y0, y1) })
}

// Bands splits [0, h) into n contiguous bands and calls fn(band, y0, y1)
// for each on its own goroutine (the first on the caller's). Band i always
// covers the same rows for the same h and n, so per-band partial results
// indexed by band can be reduced deterministically.
func Bands(h, n int, fn func(band, y0, y1 int)) {
	if h <= 0 {
		return
	}
	if n < 1 {
		n = 1
	}
	if n > h {
		n = h
	}
	if n == 1 {
		fn(0, 0, h)
		return
	}
	var wg sync.WaitGroup
	wg.Add(n - 1)
	for i := 1; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			fn(i, i*h/n, (i+1)*h/n)
		}(i)
	}
	fn(0, 0, h/n)
	wg.Wait()
}
