package imagefile

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf8"
)

// WriteFile atomically creates or replaces the file at path with what
// write produces: WriteFiles with one file.
//
// write receives a buffered writer on a temporary file in the same
// directory (see WriteFiles for its name). When it returns nil the data is
// flushed and synced, then the temporary file is renamed over path
// (overwrite true) or linked to path without clobbering (overwrite false,
// which fails with an error wrapping ErrExists if path exists, checked
// both before write is called and atomically at the end). A replaced file
// keeps its permission bits; a new one gets 0644. When path is a symbolic
// link, the link itself is replaced.
//
// On any error, including a panic in write, the temporary file is removed
// and an existing file at path is left untouched. Errors are prefixed
// "imagefile: write \"path\":" and wrap the cause (write's own error,
// syscall.ENOSPC, ErrExists...).
func WriteFile(path string, overwrite bool, write func(io.Writer) error) error {
	return WriteFiles([]File{{Path: path, Write: write}}, overwrite)
}

// File is one file of a group that WriteFiles writes together.
type File struct {
	Path  string                // destination
	Write func(io.Writer) error // writes the content to a buffered writer
}

// WriteFiles writes a group of files all together or not at all, each
// atomically, as WriteFile writes one:
//
//  1. every destination is checked first: with overwrite false an
//     existing one fails the group with ErrExists, and one that is not a
//     regular file, or whose name the file system refuses (too long, in a
//     missing folder), fails it whatever overwrite says; nothing is
//     written then;
//  2. every file is written in full to a temporary file beside its
//     destination, flushed and synced;
//  3. only then are they put in place one after another, each replaced
//     file kept under a temporary name until all are. If one cannot be
//     put in place, those already placed are undone: a replaced file is
//     restored, a new one removed.
//
// Temporary files are named ".<name>.<pid>-<random>.tmp" (a replaced
// file's copy "...-<random>-old.tmp"), where pid is this process's ID,
// and on Unix held open with a lock until the group is in place, so
// CleanTemp can tell the leftovers of a process that was killed from
// those of one still writing, in this process table or another. Errors are those of WriteFile, for the
// first file that failed; when undoing fails as well, they say so too.
// A panic in a Write callback removes every temporary file and goes on.
func WriteFiles(files []File, overwrite bool) error {
	st := make([]staged, len(files))
	for i, f := range files {
		s := &st[i]
		s.File, s.perm = f, 0o644
		s.dir = filepath.Dir(f.Path)
		switch fi, err := os.Stat(f.Path); {
		case err == nil && !overwrite:
			return writeErr(f.Path, ErrExists)
		case err == nil && !fi.Mode().IsRegular():
			return writeErr(f.Path, notRegular(fi))
		case err == nil:
			s.perm = fi.Mode().Perm()
		case !errors.Is(err, fs.ErrNotExist):
			return writeErr(f.Path, unwrapPath(err))
		}
	}
	done := false
	defer func() {
		if !done {
			for _, s := range st {
				s.discard()
			}
		}
	}()
	for i := range st {
		if err := st[i].stage(); err != nil {
			return writeErr(st[i].Path, err)
		}
	}
	for i := range st {
		if err := st[i].place(overwrite); err != nil {
			var undo []error
			for j := i; j >= 0; j-- {
				if err := st[j].undo(); err != nil {
					undo = append(undo, err)
				}
			}
			if len(undo) > 0 {
				err = fmt.Errorf("%w; undoing the group failed too: %w", err, errors.Join(undo...))
			}
			return writeErr(st[i].Path, err)
		}
	}
	done = true
	var errs []error
	synced := map[string]bool{}
	for _, s := range st {
		if err := s.finish(); err != nil {
			errs = append(errs, writeErr(s.Path, err))
		}
		if !synced[s.dir] {
			synced[s.dir] = true
			if err := syncDir(s.dir); err != nil {
				errs = append(errs, writeErr(s.Path, fmt.Errorf("written, but syncing the directory failed: %w", err)))
			}
		}
	}
	return errors.Join(errs...)
}

// writeErr prefixes err with the package and the destination.
func writeErr(path string, err error) error {
	return fmt.Errorf("imagefile: write %q: %w", path, err)
}

// staged is one file of WriteFiles on its way into place.
type staged struct {
	File
	dir    string
	perm   fs.FileMode
	tmp    string // temporary file with the new content; "" before stage
	backup string // the replaced file's other name; "" when none
	moved  bool   // the replaced file was renamed to backup (no hard links here)
	placed bool   // the new content is at Path
	linked bool   // placed by a hard link: tmp remains to be removed
	// held and heldBackup keep tmp and backup open and locked until the
	// group is in place (where holdsTemp), so that CleanTemp in any
	// process leaves them alone while this one lives.
	held, heldBackup *os.File
}

// stage writes the content to a synced temporary file beside Path.
func (s *staged) stage() error {
	f, err := s.createHeld()
	if err != nil {
		return err
	}
	s.tmp = f.Name()
	closed := false
	defer func() {
		if !closed {
			f.Close() // the write already failed; this only releases the handle
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := s.Write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return unwrapPath(err)
	}
	if err := f.Chmod(s.perm); err != nil && runtime.GOOS != "windows" {
		return unwrapPath(err)
	}
	if err := f.Sync(); err != nil {
		return unwrapPath(err)
	}
	closed = true
	if holdsTemp {
		s.held = f // closed, and so unlocked, once in place or removed
		return nil
	}
	return unwrapPath(f.Close())
}

// createHeld creates the temporary file beside Path and, where holdsTemp,
// takes its lock. Another process's CleanTemp may find it in the instant
// before the lock is taken and remove it; it is then made again.
func (s *staged) createHeld() (*os.File, error) {
	for try := 0; ; try++ {
		f, err := os.CreateTemp(s.dir, tempPattern(filepath.Base(s.Path)))
		if err != nil || !holdsTemp {
			return f, unwrapPath(err)
		}
		if err := lockTemp(f); err != nil {
			f.Close()
			return nil, err
		}
		fi, err1 := f.Stat()
		named, err2 := os.Lstat(f.Name())
		if err1 == nil && err2 == nil && os.SameFile(fi, named) || try == 2 {
			return f, nil
		}
		f.Close() // removed by a cleaner before it was held
	}
}

// release closes the files held locked, once nothing of the group needs
// them.
func (s *staged) release() error {
	var errs []error
	for _, f := range []**os.File{&s.held, &s.heldBackup} {
		if *f != nil {
			errs = append(errs, (*f).Close())
			*f = nil
		}
	}
	return errors.Join(errs...)
}

// place puts the staged content at Path: over an existing file, which is
// kept under a backup name first, or, without overwrite, only where
// nothing is.
func (s *staged) place(overwrite bool) error {
	if !overwrite {
		linked, err := linkNew(s.tmp, s.Path)
		if err != nil {
			return err
		}
		s.placed, s.linked = true, linked
		return nil
	}
	if _, err := os.Lstat(s.Path); err == nil {
		backup := strings.TrimSuffix(s.tmp, ".tmp") + "-old.tmp"
		if err := os.Link(s.Path, backup); err != nil {
			// No hard links here (or not across this mount): move the
			// old file aside instead.
			if err := os.Rename(s.Path, backup); err != nil {
				return fmt.Errorf("keep the file being replaced: %w", unwrapLink(err))
			}
			s.moved = true
		}
		s.backup = backup
		if holdsTemp {
			f, err := lockName(backup)
			if err != nil {
				return fmt.Errorf("hold the file being replaced: %w", unwrapPath(err))
			}
			s.heldBackup = f
		}
	}
	if err := os.Rename(s.tmp, s.Path); err != nil {
		return unwrapLink(err)
	}
	s.placed = true
	return nil
}

// undo takes back place: the replaced file returns, a new one goes.
func (s *staged) undo() error {
	switch {
	case s.backup != "" && (s.placed || s.moved):
		if err := os.Rename(s.backup, s.Path); err != nil {
			return fmt.Errorf("restoring %q from %q: %w", s.Path, s.backup, unwrapLink(err))
		}
		s.backup = ""
	case s.placed:
		if err := os.Remove(s.Path); err != nil {
			return fmt.Errorf("removing %q: %w", s.Path, unwrapPath(err))
		}
	}
	s.placed = false
	return nil
}

// discard removes what a failed group leaves: the temporary file and a
// backup that is only a second name of a file still in place.
func (s *staged) discard() {
	if s.tmp != "" && (!s.placed || s.linked) {
		os.Remove(s.tmp)
	}
	if s.backup != "" && !s.moved {
		os.Remove(s.backup)
	}
	s.release()
}

// finish removes what a placed file no longer needs.
func (s *staged) finish() error {
	var errs []error
	if s.linked {
		if err := os.Remove(s.tmp); err != nil {
			errs = append(errs, fmt.Errorf("written, but the temporary file remains: %w", unwrapPath(err)))
		}
	}
	if s.backup != "" {
		if err := os.Remove(s.backup); err != nil {
			errs = append(errs, fmt.Errorf("written, but the replaced file remains as %q: %w", s.backup, unwrapPath(err)))
		}
	}
	if err := s.release(); err != nil {
		errs = append(errs, fmt.Errorf("written, but closing it failed: %w", unwrapPath(err)))
	}
	return errors.Join(errs...)
}

// unwrapLink drops the *os.LinkError layer (a rename's or a link's),
// whose text repeats both paths.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return unwrapPath(err)
}

// WritePNG atomically writes img to path with EncodePNG and default
// options, through WriteFile.
func WritePNG(path string, img image.Image, overwrite bool) error {
	return WritePNGSource(path, img, overwrite, "")
}

// WritePNGSource is WritePNG with the Source chunk of EncodePNGSource
// (none when source is "").
func WritePNGSource(path string, img image.Image, overwrite bool, source string) error {
	return WriteFile(path, overwrite, func(w io.Writer) error {
		return EncodePNGSource(w, img, source)
	})
}

// linkNew makes tmp visible at path only if nothing is there. A hard link
// does that atomically (linked is true, and tmp remains to be removed); on
// file systems without hard links it falls back to reserving path with an
// exclusive create and renaming tmp over it (linked is false).
func linkNew(tmp, path string) (linked bool, err error) {
	lerr := os.Link(tmp, path)
	if lerr == nil {
		return true, nil
	}
	if errors.Is(lerr, fs.ErrExist) {
		return false, ErrExists
	}
	r, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, ErrExists
		}
		return false, errors.Join(unwrapPath(lerr), unwrapPath(err))
	}
	if err := r.Close(); err != nil {
		return false, errors.Join(unwrapPath(err), os.Remove(path))
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, errors.Join(unwrapPath(err), os.Remove(path))
	}
	return false, nil
}

// syncDir flushes the directory entry of a rename or link to disk. File
// systems that cannot sync directories (EINVAL) and Windows, where
// directories cannot be opened this way, are not errors.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return unwrapPath(err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return unwrapPath(err)
	}
	return nil
}

// shorten cuts s to at most n bytes on a rune boundary, so temporary file
// names stay within file system limits.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
