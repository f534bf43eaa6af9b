package inference

import (
	"runtime"
	"sync"
)

// Matte is the model's foreground matte at the photo's size: W*H values in
// [0,1], row-major with stride W, 1 the subject. Its fields are those of
// refine.Matte, so a caller converts it with (*refine.Matte)(m) at no cost;
// this package does not depend on refine.
type Matte struct {
	W, H int
	Pix  []float32
}

// rows calls fn(y0, y1) for contiguous bands of rows covering [0, h), one
// per core (a single band for small h), and returns when all are done.
func rows(h int, fn func(y0, y1 int)) {
	n := min(runtime.GOMAXPROCS(0), max(1, h/16))
	if n <= 1 {
		fn(0, h)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i*h/n, (i+1)*h/n)
		}()
	}
	wg.Wait()
}
