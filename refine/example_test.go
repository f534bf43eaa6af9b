package refine_test

import (
	"context"
	"fmt"
	"image"
	"image/color"

	"cutout/refine"
)

// A segmentation matte of a 12×1 strip: the left half is the subject.
func ExampleAutoTrimap() {
	m := refine.NewMatte(12, 1)
	for x := range 6 {
		m.Pix[x] = 1
	}
	m.Pix[6] = 0.4 // soft
	tri := refine.AutoTrimap(m, &refine.TrimapOptions{Band: 1, Inner: 2})
	for _, l := range tri.Pix {
		fmt.Print(map[uint8]string{refine.Background: "B", refine.Unknown: "?", refine.Foreground: "F"}[l])
	}
	fmt.Println()
	// Output: FFF?????BBBB
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
	cut := refine.Cutout(res.Foreground, res.Alpha)
	fmt.Printf("alpha %.2f, cutout pixel %v\n", res.Alpha.At(4, 3), cut.NRGBAAt(4, 3))
	// Output: alpha 0.50, cutout pixel {220 30 20 128}
}
