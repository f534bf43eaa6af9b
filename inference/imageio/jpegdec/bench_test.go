package jpegdec_test

import (
	"bytes"
	"image/jpeg"
	"testing"

	"cutout/assets/evalset"
	"cutout/inference/imageio"
	"cutout/inference/imageio/jpegdec"
)

// bench12MP is the 12 MP benchmark file: a real portrait as a camera JPEG
// reaches `cutout remove` (see evalset.PortraitJPEG).
func bench12MP(b *testing.B) []byte {
	data, src := evalset.PortraitJPEG(b, 4000, 3000)
	b.Logf("12 MP source %s: %.2f MB", src, float64(len(data))/1e6)
	return data
}

// BenchmarkDecode12MP is Decode on a 12 MP quality-92 4:2:0 JPEG.
func BenchmarkDecode12MP(b *testing.B) {
	data := bench12MP(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := jpegdec.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// BenchmarkStdlib12MP is what Decode replaces: image/jpeg, then the
// conversion to NRGBA, on the same file.
func BenchmarkStdlib12MP(b *testing.B) {
	data := bench12MP(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		_ = imageio.ToNRGBA(img)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}
