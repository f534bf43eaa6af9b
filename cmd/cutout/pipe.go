package main

import (
	"fmt"
	"io"
	"sync"
)

// reportWriter carries a run's report lines to stdout. When stdout is a
// pipe whose reader has gone (cutout remove ... | head -1), the run goes
// on: the photos are still written, the lines are dropped, and a note on
// stderr says so once.
type reportWriter struct {
	mu     sync.Mutex
	w      io.Writer
	stderr io.Writer
	gone   bool
}

func (r *reportWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone {
		return len(p), nil
	}
	n, err := r.w.Write(p)
	if err != nil && brokenPipe(err) {
		r.gone = true
		fmt.Fprintln(r.stderr, "cutout: the standard output was closed (broken pipe): the run goes on without printing its lines there")
		return len(p), nil
	}
	return n, err
}

// summary is where the run's summary goes: stdout, or stderr once stdout
// is gone, so that the end of a run is always said.
func (r *reportWriter) summary() io.Writer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone {
		return r.stderr
	}
	return r
}
