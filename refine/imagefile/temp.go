package imagefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// tempPattern is the os.CreateTemp pattern of WriteFiles' temporary files
// for a destination called base: ".<base>.<pid>-*.tmp", base cut to 128
// bytes so the name stays within file system limits.
func tempPattern(base string) string {
	return "." + shorten(base, 128) + "." + strconv.Itoa(os.Getpid()) + "-*.tmp"
}

// tempName matches the names tempPattern makes, and those of the copies
// WriteFiles keeps of replaced files: the destination's name, the writing
// process's ID, and "-old" for a copy.
var tempName = regexp.MustCompile(`^\.(.+)\.([0-9]+)-[0-9]+(-old)?\.tmp$`)

// CleanTemp removes the temporary files that WriteFiles left in dir when
// its process was killed (kill -9, a crash, a power cut): the files
// named as WriteFiles names them (".<name>.<pid>-<random>.tmp") that no
// writer holds. On Unix a writer holds each of its temporary files by a
// lock (flock) until it is in place, so a file is in use exactly while
// its writer lives, whichever process table the writer is in (another
// container, another machine); where locks are missing (Windows, a file
// system without them) the process ID in the name decides. Files in use
// and every other file are left alone. A copy of a replaced
// file ("...-old.tmp") whose file is missing, as a kill between moving it
// aside and putting the new file in place leaves it on file systems
// without hard links, is renamed back instead of removed.
//
// It returns the names (not paths) of the files it removed or renamed
// back, in directory order, and the errors it met joined; a file that
// cannot be removed does not stop it.
func CleanTemp(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("imagefile: clean %q: %w", dir, unwrapPath(err))
	}
	var done []string
	var errs []error
	for _, e := range ents {
		m := tempName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		pid, err := strconv.Atoi(m[2])
		p := filepath.Join(dir, e.Name())
		if err != nil || tempInUse(p, pid) {
			continue
		}
		if m[3] != "" {
			target := filepath.Join(dir, m[1])
			if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(p, target); err != nil {
					errs = append(errs, fmt.Errorf("imagefile: clean %q: restore %q: %w", dir, e.Name(), unwrapLink(err)))
				} else {
					done = append(done, e.Name())
				}
				continue
			}
		}
		if err := os.Remove(p); err != nil {
			errs = append(errs, fmt.Errorf("imagefile: clean %q: %w", dir, unwrapPath(err)))
			continue
		}
		done = append(done, e.Name())
	}
	return done, errors.Join(errs...)
}

// CheckDir reports whether files can be created in dir, by creating and
// removing an empty temporary file there, named as WriteFiles names its
// own (so CleanTemp removes it should the process die in between). A
// folder that cannot be written (read-only, full of inodes, not a folder)
// is then found before any work is done. Errors are prefixed
// "imagefile: folder \"dir\":".
func CheckDir(dir string) error {
	f, err := os.CreateTemp(dir, tempPattern("cutout"))
	if err != nil {
		return fmt.Errorf("imagefile: folder %q: %w", dir, unwrapPath(err))
	}
	err = f.Close()
	// Another run's CleanTemp may have removed it already: the file was
	// made, which is what is checked.
	if rerr := os.Remove(f.Name()); !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("imagefile: folder %q: %w", dir, unwrapPath(err))
	}
	return nil
}
