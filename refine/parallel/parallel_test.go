package parallel

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestBandsCover(t *testing.T) {
	for name, tc := range map[string]struct{ h, n int }{
		"empty":         {0, 4},
		"one row":       {1, 4},
		"even":          {100, 4},
		"uneven":        {101, 7},
		"more bands":    {3, 10},
		"zero bands":    {10, 0},
		"single band":   {57, 1},
		"many rows":     {10007, 16},
		"negative rows": {-5, 2},
	} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			seen := make([]int, max(tc.h, 0))
			bands := map[int][2]int{}
			Bands(tc.h, tc.n, func(b, y0, y1 int) {
				mu.Lock()
				defer mu.Unlock()
				if _, dup := bands[b]; dup {
					t.Errorf("band %d called twice", b)
				}
				bands[b] = [2]int{y0, y1}
				for y := y0; y < y1; y++ {
					seen[y]++
				}
			})
			for y, c := range seen {
				if c != 1 {
					t.Fatalf("row %d covered %d times", y, c)
				}
			}
			// Bands are contiguous and in order.
			next := 0
			for b := range len(bands) {
				r, ok := bands[b]
				if !ok || r[0] != next || r[1] < r[0] {
					t.Fatalf("band %d = %v, expected to start at %d", b, r, next)
				}
				next = r[1]
			}
		})
	}
}

func TestRowsAndWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	if got := Workers(10); got != 1 {
		t.Errorf("Workers(10) = %d, want 1 for small images", got)
	}
	if got := Workers(1000); got != 4 {
		t.Errorf("Workers(1000) = %d, want GOMAXPROCS (4)", got)
	}
	var mu sync.Mutex
	total := 0
	Rows(1000, func(y0, y1 int) {
		mu.Lock()
		total += y1 - y0
		mu.Unlock()
	})
	if total != 1000 {
		t.Errorf("Rows covered %d rows, want 1000", total)
	}
}

// TestRowsSpreadsUnevenWork: while one band is slow, the other workers
// take on more bands than one each, and every row is covered once.
func TestRowsSpreadsUnevenWork(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const h = 1000
	var mu sync.Mutex
	seen := make([]int, h)
	others := make(chan struct{}, h)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Rows(h, func(y0, y1 int) {
			if y1-y0 < minRowsPerBand && y1 != h {
				t.Errorf("band [%d,%d) is under %d rows", y0, y1, minRowsPerBand)
			}
			mu.Lock()
			for y := y0; y < y1; y++ {
				seen[y]++
			}
			mu.Unlock()
			if y0 != 0 {
				others <- struct{}{}
				return
			}
			// The first band waits until the other three workers have
			// finished more bands than one each.
			for range 3*bandsPerWorker - 1 {
				<-others
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a slow band held the other workers back: bands are not handed out as workers become free")
	}
	for y, n := range seen {
		if n != 1 {
			t.Fatalf("row %d covered %d times", y, n)
		}
	}
}

func TestEach(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, n := range []int{0, 1, 2, 7, 100} {
		var mu sync.Mutex
		seen := make([]int, n)
		workers := map[int]bool{}
		Each(n, func(worker, i int) {
			mu.Lock()
			defer mu.Unlock()
			seen[i]++
			workers[worker] = true
		})
		for i, c := range seen {
			if c != 1 {
				t.Errorf("n=%d: item %d run %d times", n, i, c)
			}
		}
		for w := range workers {
			if w < 0 || w >= 3 {
				t.Errorf("n=%d: worker %d outside [0, 3)", n, w)
			}
		}
	}
}

func TestEachSpreadsUnevenWork(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	// Item 0 waits until every other item has run: one worker must take
	// them all while the other is held.
	const n = 20
	others := make(chan struct{}, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Each(n, func(_, i int) {
			if i != 0 {
				others <- struct{}{}
				return
			}
			for range n - 1 {
				<-others
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a slow item held the other worker back")
	}
}
