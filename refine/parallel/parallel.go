// Package parallel splits row loops over image bands across cores.
//
// Bands are contiguous runs of rows, so each worker writes disjoint rows of
// a Pix slice. Rows hands its bands out to the workers as they become free,
// so that work concentrated in part of an image (a matte's soft band)
// spreads over every core; Bands gives each band a fixed range, so callers
// that reduce per band and then combine in band order get results that do
// not depend on scheduling. Each hands out single items one at a time,
// for a few costly items of uneven size (the tiles of an image that need
// work).
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minRowsPerBand keeps tiny images on one goroutine, where spawning costs
// more than it saves.
const minRowsPerBand = 16

// bandsPerWorker is how many bands Rows cuts per worker: with four, a
// 16-core machine loses at most about a sixteenth of its time to the
// slowest band, where one band per worker lost up to half of it on the
// foreground estimation of a 12 MP portrait (its soft tiles lie in a few
// rows).
const bandsPerWorker = 4

// Workers returns how many goroutines Rows would use for h rows.
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
// each at least minRowsPerBand rows, on Workers(h) goroutines (the first
// the caller's) that take the next band as they finish one, and returns
// when all calls have returned. fn must not depend on how the rows are
// cut. For small h it runs fn(0, h) on the calling goroutine.
func Rows(h int, fn func(y0, y1 int)) {
	n := Workers(h)
	if n <= 1 {
		if h > 0 {
			fn(0, h)
		}
		return
	}
	bands := min(h/minRowsPerBand, n*bandsPerWorker)
	var next atomic.Int64
	work := func() {
		for {
			b := int(next.Add(1) - 1)
			if b >= bands {
				return
			}
			fn(b*h/bands, (b+1)*h/bands)
		}
	}
	var wg sync.WaitGroup
	wg.Add(n - 1)
	for range n - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
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

// Each calls fn(worker, i) for every i in [0, n) on up to GOMAXPROCS
// goroutines (the first the caller's), handing out one index at a time
// as workers become free, and returns when all calls have returned.
// worker, in [0, GOMAXPROCS), tells the goroutine running the call, so
// fn can keep scratch space per worker. It suits a few costly items of
// uneven size (the tiles of an image that need work).
func Each(n int, fn func(worker, i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	work := func(worker int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(worker, i)
		}
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for g := 1; g < workers; g++ {
		go func() {
			defer wg.Done()
			work(g)
		}()
	}
	work(0)
	wg.Wait()
}
