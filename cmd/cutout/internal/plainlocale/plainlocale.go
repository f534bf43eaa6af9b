// Package plainlocale keeps the GUI toolkit quiet in the C locale.
//
// Fyne reads the user's locale when its lang package is initialised, for
// every command of a program that links it, and logs three lines of
// "Fyne error: Error parsing user locale C" to stderr when the locale is
// C.UTF-8 or POSIX.UTF-8 (servers, containers, CI): go-locale passes the
// language part "C" on, which no language tag parses. When the locale is
// one of those and $LANGUAGE is unset, this package's init sets
// LANGUAGE=en, which go-locale then reads instead: the C locale's
// messages are English. gettext ignores $LANGUAGE in the C locale, and
// character handling ($LC_CTYPE) is untouched.
//
// Its init must run before Fyne's, so the main package imports it: Go
// initialises, among the packages whose imports are done, the one first
// by import path, and this one imports only the standard library and
// sorts before "fyne.io".
package plainlocale

import (
	"os"
	"strings"
)

// set records that init set $LANGUAGE.
var set bool

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	var loc string
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(v); loc != "" {
			break
		}
	}
	if strings.HasPrefix(loc, "C.") || strings.HasPrefix(loc, "POSIX.") {
		set = os.Setenv("LANGUAGE", "en") == nil
	}
}

// Restore unsets $LANGUAGE again if init set it, for commands that open
// no window and may start other programs. It is not safe for concurrent
// use with code that reads the environment.
func Restore() {
	if set {
		os.Unsetenv("LANGUAGE")
		set = false
	}
}
