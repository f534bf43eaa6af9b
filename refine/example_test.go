package refine_test

import (
	"context"
	"fmt"
	"image"
	"image/color"

	"cutout/refine"
)

// The automatic guide of a 16×1 strip: the model's matte has a clean
// edge, which is kept (its pixels are known, with the model's value),
// and an unsure patch away from it, which is solved together with the
// background beside it.
func ExampleAutoGuide() {
	m := refine.NewMatte(16, 1)
	img := image.NewNRGBA(image.Rect(0, 0, 16, 1))
	for x := range 16 {
		if x < 8 {
			m.Pix[x] = 1
		}
		img.Pix[4*x+3] = 255
	}
	m.Pix[8] = 0.4  // the model's anti-aliased edge
	m.Pix[13] = 0.3 // unsure
	g := refine.AutoGuide(img, m, nil)
	for x, l := range g.Trimap.Pix {
		s := map[uint8]string{refine.Background: "B", refine.Unknown: "?", refine.Foreground: "F"}[l]
		if g.Weight.Pix[x] < 0 {
			s = "m" // keeps the model's value
		}
		fmt.Print(s)
	}
	fmt.Println()
	// Output: FFFFFFmmmmBB???B
}

// Refine a small image whose middle column mixes a red subject and a
// blue background half and half.
func ExampleRefine() {
	img := image.NewNRGBA(image.Rect(0, 0, 9, 8))
	tri := refine.NewTrimap(9, 8)
	for y := range 8 {
		for x := range 9 {
			c := color.NRGBA{R: 220, G: 30, B: 20, A: 255}
			label := refine.Foreground
			switch {
			case x == 4:
				c = color.NRGBA{R: 115, G: 25, B: 120, A: 255}
				label = refine.Unknown
			case x > 4:
				c = color.NRGBA{R: 10, G: 20, B: 220, A: 255}
				label = refine.Background
			}
			img.SetNRGBA(x, y, c)
			tri.Pix[y*9+x] = label
		}
	}
	res, err := refine.Refine(context.Background(), img, tri, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cut := refine.Compose(res.Foreground, res.Alpha, refine.Backdrop{})
	fmt.Printf("alpha %.2f, cutout pixel %v\n", res.Alpha.At(4, 3), cut.NRGBAAt(4, 3))
	// Output: alpha 0.50, cutout pixel {220 30 20 128}
}
