package ui

// docQueue runs a job on one document at a time, in order, each document
// at most once while it waits; a photo the person turns to can jump the
// line. It belongs to the UI goroutine.
type docQueue struct {
	waiting []*document
	busy    *document
	// start begins the job on d; the job calls done(d) when it ends.
	start func(d *document)
}

// add queues d (at the front when first) unless it is waiting or busy
// already; a waiting d moves to the front when first.
func (q *docQueue) add(d *document, first bool) {
	if q.busy == d {
		return
	}
	if i := q.index(d); i >= 0 {
		if !first {
			return
		}
		q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
	}
	if first {
		q.waiting = append([]*document{d}, q.waiting...)
	} else {
		q.waiting = append(q.waiting, d)
	}
	q.pump()
}

// more reports whether documents are waiting.
func (q *docQueue) more() bool { return len(q.waiting) > 0 }

// done ends d's job and starts the next one.
func (q *docQueue) done(d *document) {
	if q.busy == d {
		q.busy = nil
	}
	q.pump()
}

func (q *docQueue) index(d *document) int {
	for i, w := range q.waiting {
		if w == d {
			return i
		}
	}
	return -1
}

func (q *docQueue) pump() {
	if q.busy != nil || len(q.waiting) == 0 {
		return
	}
	d := q.waiting[0]
	q.waiting = q.waiting[1:]
	q.busy = d
	q.start(d)
}

// waitList holds callbacks waiting for something to happen to a
// document. It belongs to the UI goroutine.
type waitList map[*document][]*waiter

type waiter struct{ fn func(error) }

// add queues fn for d; the returned function takes it back out.
func (l waitList) add(d *document, fn func(error)) (cancel func()) {
	w := &waiter{fn: fn}
	l[d] = append(l[d], w)
	return func() {
		ws := l[d]
		for i, o := range ws {
			if o == w {
				l[d] = append(ws[:i:i], ws[i+1:]...)
				return
			}
		}
	}
}

// fire calls and removes d's callbacks.
func (l waitList) fire(d *document, err error) {
	ws := l[d]
	delete(l, d)
	for _, w := range ws {
		w.fn(err)
	}
}
