//go:build nogui

package main

// hasEditor says whether this build has the editor.
const hasEditor = false
