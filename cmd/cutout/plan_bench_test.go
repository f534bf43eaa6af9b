package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchPlan times planning a run over a folder of n photos (empty files:
// planning reads names and file identities, not pixels), with --mask, into
// an empty output folder: what a run does before its first photo.
func benchPlan(b *testing.B, n int) {
	dir := b.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, d := range []string{in, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("IMG_%05d.jpg", i)), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srcs, fails, _ := expand([]string{in})
		p := plan(srcs, planOptions{Dir: out, Mask: true})
		if len(p.Jobs) != n || len(fails) != 0 {
			b.Fatalf("%d jobs, %d failures for %d photos", len(p.Jobs), len(fails), n)
		}
	}
}

func BenchmarkPlan2k(b *testing.B)  { benchPlan(b, 2_000) }
func BenchmarkPlan20k(b *testing.B) { benchPlan(b, 20_000) }
func BenchmarkPlan40k(b *testing.B) { benchPlan(b, 40_000) }

// TestIdentities: the identity index finds a file by another name (a
// hard link, a symbolic link) and tells apart two files of the same size
// and modification time.
func TestIdentities(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("same size"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{a, b} {
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(a, filepath.Join(dir, "hard.jpg")); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	if err := os.Symlink("a.jpg", filepath.Join(dir, "soft.jpg")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	stat := func(name string) os.FileInfo {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	var x identities
	x.add(stat("b.jpg"))
	x.add(stat("a.jpg"))
	for name, want := range map[string]int{"a.jpg": 1, "b.jpg": 0, "hard.jpg": 1, "soft.jpg": 1} {
		if got := x.find(stat(name)); got != want {
			t.Errorf("find(%s) = %d, want %d", name, got, want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "c.jpg"), []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := x.find(stat("c.jpg")); got != -1 {
		t.Errorf("find(c.jpg) = %d, want -1", got)
	}
}
