//go:build unix

package imagefile

import (
	"errors"
	"os"
	"syscall"
)

// holdsTemp is true where a writer keeps its temporary files open, with an
// exclusive lock on each, until they are put in place or removed: their
// owner is then the holder of the lock, which dies with its process,
// whatever process IDs the processes sharing a folder see (two containers,
// a container and its host, two machines on one network share).
const holdsTemp = true

// lockTemp takes the writer's lock on its temporary file f.
func lockTemp(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return errors.New("lock the temporary file: " + err.Error())
	}
	return nil
}

// lockName opens and locks the file at path (a copy of a replaced file),
// for a writer that keeps it until the group is in place.
func lockName(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := lockTemp(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// tempInUse reports whether a writer holds the temporary file at path:
// its lock cannot be taken. The process ID in its name is not asked, as
// it may belong to another container's or machine's processes; only on a
// file system without locks is it all there is.
func tempInUse(path string, pid int) bool {
	f, err := os.Open(path)
	if err != nil {
		return true // gone, or not ours to judge
	}
	defer f.Close()
	switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
	case err == nil:
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true
	}
	return pid == os.Getpid() || processAlive(pid)
}

// processAlive reports whether a process with this ID runs (signal 0
// probes without signalling; EPERM means it runs as another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
