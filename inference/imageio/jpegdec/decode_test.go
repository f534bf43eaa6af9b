package jpegdec_test

import (
	"fmt"
	"image"
	"testing"

	"cutout/inference/imageio/jpegdec"
)

// Tolerances against image/jpeg: the two inverse DCTs (LLM here, the
// Chen–Wang factorisation there) round differently, so samples may differ
// by one, and a one-step chroma difference moves R or B by up to
// 1.772 steps. Colour conversion is identical.
const (
	maxTolerance  = 3
	meanTolerance = 0.15
)

func TestDecodeMatchesStdlib(t *testing.T) {
	sizes := [][2]int{{1, 1}, {7, 5}, {17, 9}, {31, 33}, {640, 480}, {333, 97}, {8, 8}, {16, 16}, {1, 77}, {101, 1}}
	for _, q := range []int{1, 50, 75, 92, 100} {
		for _, sz := range sizes {
			for _, gray := range []bool{false, true} {
				name := fmt.Sprintf("q%d/%dx%d", q, sz[0], sz[1])
				var src image.Image = pattern(sz[0], sz[1], int64(q))
				if gray {
					name += "/gray"
					src = grayPattern(sz[0], sz[1], int64(q))
				}
				t.Run(name, func(t *testing.T) {
					data := encode(t, src, q)
					want, _ := reference(t, data)
					got, info, err := jpegdec.Decode(data)
					if err != nil {
						t.Fatal(err)
					}
					if info.Width != sz[0] || info.Height != sz[1] {
						t.Errorf("info %dx%d, want %dx%d", info.Width, info.Height, sz[0], sz[1])
					}
					maxd, mean := diff(t, got, want)
					if maxd > maxTolerance || mean > meanTolerance {
						t.Errorf("max diff %d (tolerance %d), mean %.4f (tolerance %.2f)", maxd, maxTolerance, mean, meanTolerance)
					}
					t.Logf("max %d mean %.4f", maxd, mean)
				})
			}
		}
	}
}
