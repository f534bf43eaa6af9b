// Command iconGen draws the application icon, assets/icon.png: a portrait
// bust cut out of its photo, half over a transparency checkerboard, on a
// rounded square. Run it from the assets folder with go generate.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // supersampling per axis
)

func main() {
	out := flag.String("o", "icon.png", "output PNG")
	flag.Parse()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := shade((float64(x)+(float64(sx)+0.5)/ss)/size, (float64(y)+(float64(sy)+0.5)/ss)/size)
					r += c[0] * c[3]
					g += c[1] * c[3]
					b += c[2] * c[3]
					a += c[3]
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(r/a*255 + 0.5), G: uint8(g/a*255 + 0.5), B: uint8(b/a*255 + 0.5),
				A: uint8(a/(ss*ss)*255 + 0.5),
			})
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// shade returns straight RGBA in [0,1] at (u, v) in the unit square.
func shade(u, v float64) [4]float64 {
	// Rounded square with a margin.
	const m, rad = 0.06, 0.2
	if !inRoundRect(u, v, m, m, 1-m, 1-m, rad) {
		return [4]float64{}
	}
	// Background: deep indigo to teal, top-left to bottom-right.
	t := (u + v) / 2
	bg := mix([3]float64{0.16, 0.15, 0.42}, [3]float64{0.05, 0.55, 0.62}, t)
	// Right half behind the subject: the transparency checkerboard.
	inChecker := u > 0.5 && inRoundRect(u, v, 0.5, 0.16, 0.84, 0.84, 0.06)
	if inChecker {
		if (int(u*16)+int(v*16))%2 == 0 {
			bg = [3]float64{0.86, 0.87, 0.9}
		} else {
			bg = [3]float64{1, 1, 1}
		}
	}
	c := bg
	// Bust: head and shoulders, centred.
	head := math.Hypot(u-0.5, (v-0.40)*1.05) < 0.145
	shoulders := v > 0.6 && v < 0.84 && math.Hypot((u-0.5)/0.27, (v-0.84)/0.25) < 1
	neck := math.Abs(u-0.5) < 0.06 && v > 0.5 && v < 0.64
	if head || shoulders || neck {
		if u < 0.5 {
			c = [3]float64{0.98, 0.80, 0.42} // the subject, warm
		} else {
			c = [3]float64{1.0, 0.62, 0.30}
		}
	}
	// Cut line along the subject's edge: a thin white outline.
	e := math.Abs(math.Hypot(u-0.5, (v-0.40)*1.05) - 0.145)
	if v > 0.6 && v < 0.84 {
		e = math.Min(e, math.Abs(math.Hypot((u-0.5)/0.27, (v-0.84)/0.25)-1)*0.25)
	}
	if e < 0.008 {
		c = [3]float64{1, 1, 1}
	}
	return [4]float64{c[0], c[1], c[2], 1}
}

func inRoundRect(u, v, x0, y0, x1, y1, r float64) bool {
	if u < x0 || u > x1 || v < y0 || v > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(u, x1-r))
	cy := math.Max(y0+r, math.Min(v, y1-r))
	return math.Hypot(u-cx, v-cy) <= r
}

func mix(a, b [3]float64, t float64) [3]float64 {
	return [3]float64{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}
