//go:build !unix && !windows

package imagefile

import "os"

const holdsTemp = false

func lockTemp(*os.File) error { return nil }

func lockName(string) (*os.File, error) { return nil, nil }

// tempInUse cannot tell here, so every temporary file counts as in use and
// CleanTemp removes nothing.
func tempInUse(string, int) bool { return true }
