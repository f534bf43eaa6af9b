package inference

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
)

// checkLibraryFile refuses an ELF shared library whose file is cut short
// (a truncated download or copy): the dynamic loader maps such a file
// without complaint and the process then dies of SIGBUS or SIGSEGV the
// moment it touches the missing pages, with no error to report. It reads
// only the headers. Other formats pass: Windows and macOS refuse a
// truncated library when loading it.
func checkLibraryFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || string(magic[:]) != elf.ELFMAG {
		return nil
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return fmt.Errorf("damaged library (%v)", err)
	}
	for _, p := range ef.Progs {
		if end := p.Off + p.Filesz; p.Type == elf.PT_LOAD && end > uint64(fi.Size()) {
			return fmt.Errorf("damaged library: the file ends at byte %d, its code at byte %d", fi.Size(), end)
		}
	}
	return nil
}
