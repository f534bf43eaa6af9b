package stroke

import (
	"strings"
	"testing"

	"cutout/refine"
)

// trimapFrom builds a trimap from rows of 'B', '?' and 'F'.
func trimapFrom(rows ...string) *refine.Trimap {
	t := refine.NewTrimap(len(rows[0]), len(rows))
	for y, r := range rows {
		for x, c := range r {
			t.Pix[y*t.W+x] = map[rune]uint8{'B': refine.Background, '?': refine.Unknown, 'F': refine.Foreground}[c]
		}
	}
	return t
}

func trimapRows(t *refine.Trimap) []string {
	var out []string
	for y := 0; y < t.H; y++ {
		b := make([]byte, t.W)
		for x := range b {
			b[x] = map[uint8]byte{refine.Background: 'B', refine.Unknown: '?', refine.Foreground: 'F'}[t.Pix[y*t.W+x]]
		}
		out = append(out, string(b))
	}
	return out
}

func TestSegment(t *testing.T) {
	tests := map[string]struct {
		a, b Point
		br   Brush
		want []string
	}{
		"hard dab": {
			a: Point{3.5, 2.5}, b: Point{3.5, 2.5}, br: Brush{Radius: 1.2, Hardness: 1, Label: refine.Foreground},
			want: []string{
				"BBBBBBB",
				"BBBFBBB",
				"BBFFFBB",
				"BBBFBBB",
				"BBBBBBB",
			},
		},
		"soft dab leaves an unknown rim": {
			a: Point{3.5, 2.5}, b: Point{3.5, 2.5}, br: Brush{Radius: 1.2, Hardness: 0.5, Label: refine.Foreground},
			want: []string{
				"BBBBBBB",
				"BBB?BBB",
				"BB?F?BB",
				"BBB?BBB",
				"BBBBBBB",
			},
		},
		"segment has no gaps": {
			a: Point{0.5, 2.5}, b: Point{6.5, 2.5}, br: Brush{Radius: 0.6, Hardness: 1, Label: refine.Foreground},
			want: []string{
				"BBBBBBB",
				"BBBBBBB",
				"FFFFFFF",
				"BBBBBBB",
				"BBBBBBB",
			},
		},
		"clipped at the border": {
			a: Point{0, 0}, b: Point{0, 0}, br: Brush{Radius: 1.2, Hardness: 1, Label: refine.Foreground},
			want: []string{
				"FBBBBBB",
				"BBBBBBB",
				"BBBBBBB",
				"BBBBBBB",
				"BBBBBBB",
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tri := trimapFrom("BBBBBBB", "BBBBBBB", "BBBBBBB", "BBBBBBB", "BBBBBBB")
			if r := Segment(tri, tc.a, tc.b, tc.br); !r.In(SegmentBounds(tri, tc.a, tc.b, tc.br)) {
				t.Fatalf("changed %v outside SegmentBounds", r)
			}
			got := trimapRows(tri)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got\n%v\nwant\n%v", got, tc.want)
				}
			}
		})
	}
}

func TestPick(t *testing.T) {
	base := []string{
		"BBBBBBBBBB",
		"B?FF?BBBBB",
		"B?FF?BB?FB",
		"B????BB?FB",
		"BBBBBBBBBB",
	}
	tests := map[string]struct {
		x, y int
		keep bool
		ok   bool
		want []string
	}{
		"drop the left region": {x: 2, y: 1, ok: true, want: []string{
			"BBBBBBBBBB",
			"BBBBBBBBBB",
			"BBBBBBB?FB",
			"BBBBBBB?FB",
			"BBBBBBBBBB",
		}},
		"keep the left region": {x: 3, y: 2, keep: true, ok: true, want: []string{
			"BBBBBBBBBB",
			"B?FF?BBBBB",
			"B?FF?BBBBB",
			"B????BBBBB",
			"BBBBBBBBBB",
		}},
		"click on background does nothing": {x: 0, y: 0, ok: false, want: base},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tri := trimapFrom(base...)
			// The unknown pixels show nothing (the model says 0 there),
			// so only the labelled cores form regions.
			model := make([]uint8, tri.W*tri.H)
			runs, ok := PickRuns(tri, LabelAlpha(tri, model), tc.x, tc.y)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok {
				ApplyRegion(tri, runs, tc.keep)
			}
			got := trimapRows(tri)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got\n%v\nwant\n%v", got, tc.want)
				}
			}
		})
	}
}

// TestPickWhatIsShown: a faint region of the shown alpha (a refined
// ghost, 30% opaque, in the unknown band) is picked by a click on it,
// without taking the solid subject beside it, and the same click on the
// model's matte alone would find nothing.
func TestPickWhatIsShown(t *testing.T) {
	tri := trimapFrom(
		"BBBBBBBBBBBB",
		"BFFFBB????BB",
		"BFFFBB????BB",
		"BBBBBBBBBBBB",
	)
	shown := make([]uint8, tri.W*tri.H)
	for i, v := range tri.Pix {
		switch v {
		case refine.Foreground:
			shown[i] = 255
		case refine.Unknown:
			shown[i] = 77 // the ghost: 30%
		}
	}
	alpha := func(i int) uint8 { return shown[i] }
	if _, ok := PickRuns(tri, LabelAlpha(tri, make([]uint8, tri.W*tri.H)), 7, 1); ok {
		t.Fatal("the model's matte alone shows the ghost")
	}
	runs, ok := PickRuns(tri, alpha, 7, 1)
	if !ok {
		t.Fatal("a click on the visible ghost picked nothing")
	}
	ApplyRegion(tri, runs, false)
	want := []string{
		"BBBBBBBBBBBB",
		"BFFFBBBBBBBB",
		"BFFFBBBBBBBB",
		"BBBBBBBBBBBB",
	}
	if got := trimapRows(tri); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A click where less than MinPickAlpha shows picks nothing.
	shown[1*12+7] = MinPickAlpha - 1
	if _, ok := PickRuns(trimapFrom("BBBBBBBBBBBB", "BFFFBB????BB", "BFFFBB????BB", "BBBBBBBBBBBB"), alpha, 7, 1); ok {
		t.Fatal("an invisible pixel was picked")
	}
}
