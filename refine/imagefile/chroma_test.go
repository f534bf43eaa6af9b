package imagefile_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"

	"cutout/refine/imagefile"
)

// TestSubsampledChromaAsLibjpeg: a JPEG whose chroma is subsampled (4:2:0,
// as most cameras and phones store them, and 4:2:2) decodes to the colours
// libjpeg-turbo gives it by default (testdata/*.libjpeg.png: its smooth
// chroma upsampling), within what the two decoders' inverse DCTs differ
// by: at most 4 levels per channel and 0.5 on average (measured: 4 and
// 0.3 on the developer sets' 24 subsampled photos, against up to 59 and
// 0.65 for the chroma repeated over each 2×2 block, as the standard
// library converts it). The repeated chroma is checked to miss the
// golden, so that the test tells the two apart.
func TestSubsampledChromaAsLibjpeg(t *testing.T) {
	for _, name := range []string{"portrait-420", "portrait-422"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name+".jpg")
			got, info, err := imagefile.Decode(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := imagefile.Decode(bytes.NewReader(readTestdata(t, name+".libjpeg.png")), nil)
			if err != nil {
				t.Fatal(err)
			}
			worst, mean := diffStats(got, want)
			t.Logf("%s (%s): against libjpeg, max %d, mean %.3f", name, info.ColorModel, worst, mean)
			if worst > 4 || mean > 0.5 {
				t.Errorf("%s differs from libjpeg's decoding by up to %d levels (mean %.3f), want ≤ 4 (≤ 0.5)", name, worst, mean)
			}
			raw, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			blocky, blockyMean := diffStats(imaging.Clone(raw), want)
			t.Logf("%s: repeated chroma against libjpeg, max %d, mean %.3f", name, blocky, blockyMean)
			if blocky <= 8 {
				t.Errorf("repeated chroma is within %d levels of libjpeg: the golden tells nothing apart", blocky)
			}
		})
	}
}

// TestSubsampledChromaEdges: across a hard colour edge, with a grey of the
// same luma on either side of it, the chroma of a 4:2:0 JPEG changes
// smoothly over the samples around the edge, at most 3/4 of the jump
// between neighbours (the interpolation's 3:1 weights), where repeated
// samples make the whole jump between two pixels, and it never leaves
// the range of the two sides. Every edge position modulo the 16-pixel
// macroblock is tried, at quality 100.
func TestSubsampledChromaEdges(t *testing.T) {
	red, cyan := color.NRGBA{200, 60, 60, 255}, color.NRGBA{60, 140, 140, 255}
	for edge := 8; edge < 24; edge++ {
		src := image.NewNRGBA(image.Rect(0, 0, 32, 16))
		for y := range 16 {
			for x := range 32 {
				c := red
				if x >= edge {
					c = cyan
				}
				src.SetNRGBA(x, y, c)
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
			t.Fatal(err)
		}
		img, info, err := imagefile.Decode(&buf, nil)
		if err != nil {
			t.Fatal(err)
		}
		if info.ColorModel != "YCbCr 4:2:0" {
			t.Fatalf("the encoder wrote %s, want YCbCr 4:2:0", info.ColorModel)
		}
		y := 8
		jump := int(red.R) - int(cyan.R)
		for x := 1; x < 32; x++ {
			a, b := img.NRGBAAt(x-1, y), img.NRGBAAt(x, y)
			if step := int(a.R) - int(b.R); step > jump*3/4+6 || step < -6 {
				t.Errorf("edge at %d: red steps by %d between x=%d and %d (the whole jump is %d)", edge, step, x-1, x, jump)
			}
			if int(b.R) > int(red.R)+6 || int(b.R) < int(cyan.R)-6 {
				t.Errorf("edge at %d: red %d at x=%d leaves %d..%d", edge, b.R, x, cyan.R, red.R)
			}
		}
	}
}

// diffStats returns the largest and the mean per-channel difference of
// the colour channels of a and b (the same size).
func diffStats(a, b *image.NRGBA) (int, float64) {
	worst, sum, n := 0, 0, 0
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		d := int(a.Pix[i]) - int(b.Pix[i])
		if d < 0 {
			d = -d
		}
		worst, sum, n = max(worst, d), sum+d, n+1
	}
	return worst, float64(sum) / float64(n)
}
