package models

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoticesComplete: every notice has a licence text that says what it
// must (an MIT text grants permission, an LGPL text is the LGPL), every
// text under licences/ belongs to a notice, and the texts of the Go
// modules the executable is built with are those modules' own, so an
// update of a module that changes its licence fails here.
func TestNoticesComplete(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNotices(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	must := map[string]string{
		"ONNX Runtime 1.30.0": "Permission is hereby granted",
		"DirectML":            "Microsoft DirectML License",
		"ISNet weights":       "GNU Affero General Public License",
		"libheif":             "GNU LESSER GENERAL PUBLIC LICENSE",
		"libde265":            "GNU LESSER GENERAL PUBLIC LICENSE",
		"libavif":             "Redistribution and use in source and binary forms",
		"aom (libaom)":        "Alliance for Open Media",
		"wazero 1.9.0":        "Apache License",
	}
	// Sections alternate between a heading and its texts.
	parts := strings.Split(out, strings.Repeat("=", 72)+"\n")
	text := map[string]string{}
	for i := 1; i+1 < len(parts); i += 2 {
		text[strings.SplitN(parts[i], ": ", 2)[0]] = parts[i+1]
	}
	used := map[string]bool{}
	for _, n := range Notices() {
		body, ok := text[n.Name]
		if !ok || strings.TrimSpace(body) == "" {
			t.Errorf("%s: no heading or no text", n.Name)
			continue
		}
		for _, f := range n.Files {
			used[f] = true
		}
		for prefix, phrase := range must {
			if strings.HasPrefix(n.Name, prefix) && !strings.Contains(body, phrase) {
				t.Errorf("%s: its text does not say %q", n.Name, phrase)
			}
		}
	}
	ents, err := os.ReadDir("licences")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !used[e.Name()] {
			t.Errorf("licences/%s belongs to no notice", e.Name())
		}
	}

	// The modules' own texts.
	for mod, files := range map[string]map[string]string{
		"github.com/gen2brain/heic":     {"LICENSE": "gen2brain-heic.txt", "lib/LICENSE.libheif": "libheif.txt", "lib/LICENSE.libde265": "libde265.txt"},
		"github.com/gen2brain/avif":     {"LICENSE": "gen2brain-avif.txt", "lib/LICENSE.libavif": "libavif.txt", "lib/LICENSE.aom": "aom.txt"},
		"github.com/ebitengine/purego":  {"LICENSE": "purego.txt"},
		"github.com/tetratelabs/wazero": {"LICENSE": "wazero.txt"},
	} {
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
		if err != nil {
			t.Fatalf("go list -m %s: %v", mod, err)
		}
		for src, dst := range files {
			want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), src))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("licences", dst))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, want) {
				t.Errorf("licences/%s is not %s of %s", dst, src, mod)
			}
		}
	}
}
