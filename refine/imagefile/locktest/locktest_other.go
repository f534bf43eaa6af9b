//go:build !unix

// Package locktest holds files locked the way imagefile's writers hold
// their temporary files, for tests of CleanTemp and of runs that share an
// output folder.
package locktest

import "testing"

// Hold does nothing where a temporary file's owner goes by the process ID
// in its name (Windows).
func Hold(testing.TB, string) {}
