package jpegdec_test

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"

	"cutout/inference/imageio/jpegdec"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// TestFixtures decodes files from libjpeg-turbo (see testdata/README.md)
// with sampling factors, restart intervals and table precisions that
// image/jpeg's encoder does not write, and compares them with image/jpeg.
func TestFixtures(t *testing.T) {
	for name, tc := range map[string]struct {
		file    string
		comps   int
		ratio   image.YCbCrSubsampleRatio
		restart int
	}{
		"4:4:4":                {"sampling-444.jpg", 3, image.YCbCrSubsampleRatio444, 0},
		"4:2:2":                {"sampling-422.jpg", 3, image.YCbCrSubsampleRatio422, 0},
		"4:4:0":                {"sampling-440.jpg", 3, image.YCbCrSubsampleRatio440, 0},
		"4:2:0":                {"sampling-420.jpg", 3, image.YCbCrSubsampleRatio420, 0},
		"4:1:1":                {"sampling-411.jpg", 3, image.YCbCrSubsampleRatio411, 0},
		"4:1:0":                {"sampling-410.jpg", 3, image.YCbCrSubsampleRatio410, 0},
		"grey":                 {"gray.jpg", 1, image.YCbCrSubsampleRatio444, 0},
		"restart every 3 MCUs": {"restart-420-every3.jpg", 3, image.YCbCrSubsampleRatio420, 3},
		"restart every row":    {"restart-422-rows.jpg", 3, image.YCbCrSubsampleRatio422, 5},
		"restart grey":         {"restart-gray-every5.jpg", 1, image.YCbCrSubsampleRatio444, 5},
		"restart 4:1:1":        {"restart-411-every2.jpg", 3, image.YCbCrSubsampleRatio411, 2},
		"SOF1, 16-bit DQT":     {"sof1-16bit-tables.jpg", 3, image.YCbCrSubsampleRatio420, 0},
		"restart, multi-core":  {"restart-420-rows-320x240.jpg", 3, image.YCbCrSubsampleRatio420, 20},
	} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, tc.file)
			want, std := reference(t, data)
			got, info, err := jpegdec.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if info.Components != tc.comps || info.Ratio != tc.ratio || info.RestartInterval != tc.restart {
				t.Errorf("info %+v, want %d components, ratio %v, restart interval %d", info, tc.comps, tc.ratio, tc.restart)
			}
			if y, ok := std.(*image.YCbCr); ok && y.SubsampleRatio != info.Ratio {
				t.Errorf("ratio %v, image/jpeg says %v", info.Ratio, y.SubsampleRatio)
			}
			maxd, mean := diff(t, got, want)
			if maxd > maxTolerance || mean > meanTolerance {
				t.Errorf("max diff %d (tolerance %d), mean %.4f (tolerance %.2f)", maxd, maxTolerance, mean, meanTolerance)
			}
		})
	}
}

// TestUnsupportedFixtures checks that valid files outside the supported
// subset are refused with ErrUnsupported, so that callers fall back.
func TestUnsupportedFixtures(t *testing.T) {
	for _, name := range []string{
		"unsupported-progressive.jpg",
		"unsupported-cmyk.jpg",
		"unsupported-arithmetic.jpg",
		"unsupported-rgb-adobe.jpg",
		"unsupported-multiscan.jpg",
	} {
		t.Run(name, func(t *testing.T) {
			img, _, err := jpegdec.Decode(readFixture(t, name))
			if !errors.Is(err, jpegdec.ErrUnsupported) {
				t.Errorf("error %v, want ErrUnsupported", err)
			}
			if img != nil {
				t.Error("image returned with an error")
			}
		})
	}
}
