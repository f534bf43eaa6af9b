package imagefile_test

import (
	"cutout/assets/evalset"

	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/draw"

	"cutout/refine/imagefile"
)

// The 12 MP benchmark image is a cutout: a portrait from the shared set
// scaled to 3000×4000 with light noise (a camera's grain, so the content
// does not compress unrealistically well) and that portrait's true alpha
// matte. Without the shared set it falls back to a synthetic texture with
// an elliptical soft matte.
var (
	bench12Once sync.Once
	bench12     *image.NRGBA
	bench12JPEG []byte
	bench12Src  string
)

const benchW, benchH = 3000, 4000

func benchImage(b *testing.B) *image.NRGBA {
	bench12Once.Do(func() {
		bench12, bench12Src = loadBenchImage()
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, bench12, &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		bench12JPEG = buf.Bytes()
		b.Logf("12 MP source: %s; JPEG q90 %.1f MB", bench12Src, float64(len(bench12JPEG))/1e6)
	})
	return bench12
}

func loadBenchImage() (*image.NRGBA, string) {
	dst := image.NewNRGBA(image.Rect(0, 0, benchW, benchH))
	src, alpha, name := benchPortrait()
	if src != nil {
		draw.BiLinear.Scale(dst, dst.Rect, src, src.Rect, draw.Src, nil)
		a := image.NewGray(dst.Rect)
		draw.BiLinear.Scale(a, a.Rect, alpha, alpha.Rect, draw.Src, nil)
		for i := range a.Pix {
			dst.Pix[4*i+3] = a.Pix[i]
		}
	} else {
		name = "synthetic texture"
		for y := 0; y < benchH; y++ {
			for x := 0; x < benchW; x++ {
				i := y*dst.Stride + 4*x
				dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2] = uint8(x*x/4096+y), uint8((x^y)>>3), uint8(y*255/benchH)
				dx, dy := float64(x-benchW/2)/(benchW*0.35), float64(y-benchH/2)/(benchH*0.42)
				a := (1.05 - dx*dx - dy*dy) * 20 * 255
				dst.Pix[i+3] = uint8(max(0, min(255, a)))
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < len(dst.Pix); i++ {
		if i%4 != 3 {
			dst.Pix[i] = uint8(max(0, min(255, int(dst.Pix[i])+r.Intn(9)-4)))
		}
	}
	return dst, name
}

// benchPortrait returns am-gt03 and its alpha matte from the shared set,
// or nils when the set is absent.
func benchPortrait() (img *image.NRGBA, alpha *image.Gray, name string) {
	dir := evalset.Dir()
	if dir == "" {
		return nil, nil, ""
	}
	p := filepath.Join(dir, "am-gt03")
	img, _, err := imagefile.DecodeFile(p+".png", nil)
	if err != nil {
		return nil, nil, ""
	}
	a, _, err := imagefile.DecodeFile(p+".alpha.png", nil)
	if err != nil {
		return nil, nil, ""
	}
	alpha = image.NewGray(a.Rect)
	for i := range alpha.Pix {
		alpha.Pix[i] = a.Pix[4*i] // R = G = B
	}
	return img, alpha, "am-gt03 with its alpha matte, upscaled"
}

func BenchmarkDecodeJPEG12MP(b *testing.B) {
	benchImage(b)
	b.SetBytes(int64(len(bench12JPEG)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if _, _, err := imagefile.Decode(bytes.NewReader(bench12JPEG), nil); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// BenchmarkStdlibJPEG12MP is image/jpeg alone, without the conversion to
// NRGBA, for comparison with BenchmarkDecodeJPEG12MP.
func BenchmarkStdlibJPEG12MP(b *testing.B) {
	benchImage(b)
	b.SetBytes(int64(len(bench12JPEG)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if _, err := jpeg.Decode(bytes.NewReader(bench12JPEG)); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

func BenchmarkToNRGBA12MP(b *testing.B) {
	benchImage(b)
	img, err := jpeg.Decode(bytes.NewReader(bench12JPEG))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("source type %T", img)
	b.SetBytes(benchW * benchH * 4)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		imagefile.ToNRGBA(img)
	}
	cpu.report(b)
}

func BenchmarkOrient12MP(b *testing.B) {
	img := benchImage(b)
	b.SetBytes(benchW * benchH * 4)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		imagefile.Orient(img, 6)
	}
	cpu.report(b)
}

// benchEncode times EncodePNG of img (bpp bytes per pixel) with a row
// filter (see EncodePNGFilter; 0 is EncodePNG's) and reports the CPU time
// and the file size.
func benchEncode(b *testing.B, img image.Image, bpp int, filter int) {
	var buf bytes.Buffer
	if err := imagefile.EncodePNGFilter(&buf, img, filter); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(benchW * benchH * bpp))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if err := imagefile.EncodePNGFilter(io.Discard, img, filter); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.ReportMetric(float64(buf.Len()), "B/file")
}

func BenchmarkEncodePNG12MP(b *testing.B) { benchEncode(b, benchImage(b), 4, 0) }

func BenchmarkEncodePNG12MPFilters(b *testing.B) {
	for i, name := range []string{"none", "sub", "up", "average", "paeth"} {
		b.Run(name, func(b *testing.B) { benchEncode(b, benchImage(b), 4, i+1) })
	}
}

func BenchmarkEncodeGrayPNG12MP(b *testing.B) {
	img := benchImage(b)
	g := image.NewGray(img.Rect)
	for i := range g.Pix {
		g.Pix[i] = img.Pix[4*i+3]
	}
	benchEncode(b, g, 1, 0)
}

// BenchmarkStdlibPNG12MP is image/png at its default compression on the
// same cutout, for comparison.
func BenchmarkStdlibPNG12MP(b *testing.B) { benchStdPNG(b, png.DefaultCompression) }

// BenchmarkStdlibPNGBestSpeed12MP is image/png at png.BestSpeed.
func BenchmarkStdlibPNGBestSpeed12MP(b *testing.B) { benchStdPNG(b, png.BestSpeed) }

func benchStdPNG(b *testing.B, level png.CompressionLevel) {
	img := benchImage(b)
	enc := png.Encoder{CompressionLevel: level}
	var buf bytes.Buffer
	if err := enc.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchW * benchH * 4)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if err := enc.Encode(io.Discard, img); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.ReportMetric(float64(buf.Len()), "B/file")
}

// cpuMeter measures the CPU time of a benchmark loop.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := cpuTime()
	return cpuMeter{t, ok}
}

// report adds the loop's CPU milliseconds per operation, summed over all
// threads, to the benchmark's output.
func (m cpuMeter) report(b *testing.B) {
	if t, ok := cpuTime(); ok && m.ok {
		b.ReportMetric(float64(t-m.start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
