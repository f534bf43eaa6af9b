package main

import (
	"io/fs"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// quoteName returns a file name as it goes into a line of output: as it
// is, or in Go's double quotes with escapes when it holds a character
// that would break the line or hide in a terminal (a newline, a control
// character, invalid UTF-8), a quote, or leading or trailing space.
func quoteName(s string) string {
	odd := !utf8.ValidString(s) || strings.TrimSpace(s) != s
	for _, r := range s {
		if odd || r == '"' || (r != ' ' && !unicode.IsPrint(r)) {
			odd = true
			break
		}
	}
	if odd {
		return strconv.Quote(s)
	}
	return s
}

// oneLine renders err on one line: the causes of a joined error are
// separated by "; ", and any character that would break the line or hide
// in a terminal is escaped as in a Go string.
func oneLine(err error) string {
	var parts []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
			return
		}
		parts = append(parts, e.Error())
	}
	walk(err)
	s := strings.Join(parts, "; ")
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(strconv.QuoteToASCII(s[i : i+1])[1:5])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// failMessage is how a failure's error is printed: on one line, without
// the path layer of an error about the input itself (which the line
// names already).
func failMessage(f failure) string {
	if pe, ok := f.Err.(*fs.PathError); ok && pe.Path == f.Name {
		return oneLine(pe.Err)
	}
	return oneLine(f.Err)
}
