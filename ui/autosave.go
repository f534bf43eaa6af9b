package ui

import (
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
)

// autosave keeps the crash-recovery files up to date: each edited
// photo's session (written shortly after the last edit) and this
// editor's workspace, the filmstrip. A clean exit removes them.
type autosave struct {
	store *sessionStore // nil: recovery is off
	pid   int
	timer *time.Timer
}

func newAutosave(cacheDir string) *autosave {
	s := &autosave{pid: os.Getpid()}
	if cacheDir != "" {
		s.store = &sessionStore{dir: filepath.Join(cacheDir, "sessions")}
	}
	return s
}

// scheduleSave writes d's recovery session shortly after the last edit.
func (e *Editor) scheduleSave(d *document) {
	s := e.saves
	if s.store == nil || d.hash == "" || d.auto == nil {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(saveDelay, func() { e.post(func() { e.saveSession(d) }) })
}

// saveSession snapshots d's edit list on the UI goroutine and writes it
// on another.
func (e *Editor) saveSession(d *document) {
	exported := d.exportedRev == d.rev
	if (d.savedRev == d.rev && d.savedExported == exported) || d.auto == nil || e.closed {
		return
	}
	rev := d.rev
	f := sessionFile{Source: d.name, Path: d.path, Owner: e.saves.pid, Width: d.w, Height: d.h, Ops: d.edits()}
	if d.exportedTo != "" {
		o := d.exportedOpt
		f.Export = &sessionExport{Path: d.exportedTo, Kind: o.Kind, Crop: o.Crop, Margin: o.Margin, Current: exported}
	}
	writeBase, base, store := !d.baseSaved, d.auto, e.saves.store
	e.goWork(func() {
		err := store.save(d.hash, base, writeBase, f)
		e.post(func() {
			if err != nil {
				e.showError(err)
				return
			}
			d.baseSaved = true
			d.savedRev, d.savedExported = rev, exported
			if e.events.saved != nil {
				e.events.saved(d)
			}
		})
	})
}

// saveWorkspace records the filmstrip, so that a crash can reopen it.
func (e *Editor) saveWorkspace() {
	s := e.saves
	if s.store == nil || e.closed {
		return
	}
	ws := workspace{Owner: s.pid}
	for _, d := range e.docs {
		ws.Paths = append(ws.Paths, d.path)
	}
	if e.cur != nil {
		ws.Current = e.cur.path
	}
	e.goWork(func() {
		if err := s.store.saveWorkspace(ws); err != nil {
			fyne.LogError("", err)
		}
	})
}

// close removes the sessions of docs and the workspace: a clean exit
// leaves nothing to restore.
func (s *autosave) close(docs []*document) {
	if s.timer != nil {
		s.timer.Stop()
	}
	if s.store == nil {
		return
	}
	for _, d := range docs {
		if d.hash != "" {
			if err := s.store.remove(d.hash); err != nil {
				fyne.LogError("", err)
			}
		}
	}
	if err := s.store.removeWorkspace(s.pid); err != nil {
		fyne.LogError("", err)
	}
}

// crashed is what editors that did not exit cleanly left behind.
type crashed struct {
	sessions []savedSession // photos with edits
	paths    []string       // their filmstrips, in order
	current  string         // the photo shown last
	owners   []int          // the processes, for their workspaces
}

// edits counts the edits to recover.
func (c *crashed) edits() int {
	n := 0
	for _, s := range c.sessions {
		n += len(s.file.Ops)
	}
	return n
}

// crashed returns the sessions with edits, and the filmstrips, of editors
// that are no longer running; nil when there are none.
func (s *autosave) crashed() *crashed {
	if s.store == nil {
		return nil
	}
	dead := func(pid int) bool { return pid != 0 && pid != s.pid && !processAlive(pid) }
	c := &crashed{}
	seen := map[string]bool{}
	for _, ws := range s.store.workspaces() {
		if !dead(ws.Owner) {
			continue
		}
		c.owners = append(c.owners, ws.Owner)
		for _, p := range ws.Paths {
			if !seen[p] {
				seen[p] = true
				c.paths = append(c.paths, p)
			}
		}
		if c.current == "" {
			c.current = ws.Current
		}
	}
	for _, ss := range s.store.list() {
		f := ss.file
		if !dead(f.Owner) || f.Path == "" || len(f.Ops) == 0 {
			continue
		}
		c.sessions = append(c.sessions, ss)
		if !seen[f.Path] {
			seen[f.Path] = true
			c.paths = append(c.paths, f.Path)
		}
	}
	if len(c.sessions) == 0 {
		s.discard(c) // nothing was edited: nothing to offer
		return nil
	}
	if c.current == "" {
		c.current = c.paths[0]
	}
	return c
}

// discard removes what c holds.
func (s *autosave) discard(c *crashed) {
	for _, ss := range c.sessions {
		if err := s.store.remove(ss.hash); err != nil {
			fyne.LogError("", err)
		}
	}
	for _, pid := range c.owners {
		if err := s.store.removeWorkspace(pid); err != nil {
			fyne.LogError("", err)
		}
	}
}
