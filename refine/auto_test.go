package refine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestAutoRefineMattes runs the automatic chain (AutoTrimap defaults, the
// segmentation as prior) on real segmentation mattes of the evaluation
// pairs, read as NAME.matte.png from the directory named by
// CUTOUT_MATTES. The bounds are the SAD of the rembg-style chain
// (mask → eroded trimap → closed-form matting) measured with PyMatting on
// ISNet mattes: 11.8, 23.0, 5.1. It skips when the variable is unset.
func TestAutoRefineMattes(t *testing.T) {
	dir := os.Getenv("CUTOUT_MATTES")
	if dir == "" {
		t.Skip("set CUTOUT_MATTES to a directory of NAME.matte.png segmentation mattes")
	}
	bounds := map[string]float64{"am-gt03": 11.8, "am-gt08": 23.0, "am-gt15": 5.1}
	for _, c := range loadGT(t) {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".matte.png")
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			seg := greyMatte(decodeFile(t, path))
			res, err := Refine(context.Background(), c.img, AutoTrimap(seg, nil), &Options{Prior: seg})
			if err != nil {
				t.Fatal(err)
			}
			raw, got := sadOf(seg, c.alpha), sadOf(res.Alpha, c.alpha)
			t.Logf("%s: segmentation SAD %.2f, refined %.2f (%d unknowns, %d iterations)", c.name, raw, got, res.Stats.Unknowns, res.Stats.Iterations)
			if got >= bounds[c.name] {
				t.Errorf("refined SAD %.2f, not below the rembg-style chain's %.2f", got, bounds[c.name])
			}
		})
	}
}
