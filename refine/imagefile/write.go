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
	"syscall"
	"unicode/utf8"
)

// WriteFile atomically creates or replaces the file at path with what
// write produces.
//
// write receives a buffered writer on a temporary file in the same
// directory (named ".<name>.<random>.tmp"). When it returns nil the data is
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
	wrap := func(err error) error { return fmt.Errorf("imagefile: write %q: %w", path, err) }
	perm := fs.FileMode(0o644)
	switch fi, err := os.Stat(path); {
	case err == nil && !overwrite:
		return wrap(ErrExists)
	case err == nil && fi.Mode().IsRegular():
		perm = fi.Mode().Perm()
	}

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+shorten(base, 128)+".*.tmp")
	if err != nil {
		return wrap(unwrapPath(err))
	}
	tmp := f.Name()
	done, closed := false, false
	defer func() {
		if !done {
			if !closed {
				f.Close() // the write already failed; this only releases the handle
			}
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return wrap(err)
	}
	if err := bw.Flush(); err != nil {
		return wrap(unwrapPath(err))
	}
	if err := f.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		return wrap(unwrapPath(err))
	}
	if err := f.Sync(); err != nil {
		return wrap(unwrapPath(err))
	}
	closed = true
	if err := f.Close(); err != nil {
		return wrap(unwrapPath(err))
	}

	tmpLeft := false
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return wrap(unwrapPath(err))
		}
	} else {
		linked, err := linkNew(tmp, path)
		if err != nil {
			return wrap(err)
		}
		tmpLeft = linked
	}
	done = true
	if tmpLeft {
		if err := os.Remove(tmp); err != nil {
			return wrap(fmt.Errorf("written, but the temporary file remains: %w", unwrapPath(err)))
		}
	}
	if err := syncDir(dir); err != nil {
		return wrap(fmt.Errorf("written, but syncing the directory failed: %w", err))
	}
	return nil
}

// WritePNG atomically writes img to path with EncodePNG and default
// options, through WriteFile.
func WritePNG(path string, img image.Image, overwrite bool) error {
	return WriteFile(path, overwrite, func(w io.Writer) error {
		return EncodePNG(w, img)
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
