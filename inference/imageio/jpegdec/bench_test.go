package jpegdec_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"path/filepath"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"cutout/assets/evalset"
	"cutout/inference/imageio"
	"cutout/inference/imageio/jpegdec"
)

// The 12 MP benchmark file is a real portrait (an evaluation portrait when
// the shared set is present, else the bundled sample) scaled to 4000×3000
// and encoded by image/jpeg at quality 92 (4:2:0), as a camera JPEG
// reaches `cutout remove`.
var (
	bench12Once sync.Once
	bench12     []byte
	bench12Err  error
)

func bench12MP(b testing.TB) []byte {
	bench12Once.Do(func() {
		src := filepath.Join(evalset.Dir(), "celebamaskhq-demo0.jpg")
		if evalset.Dir() == "" {
			root, err := evalset.Root()
			if err != nil {
				bench12Err = err
				return
			}
			src = filepath.Join(root, "assets", "sample", "astronaut.png")
		}
		img, _, err := imageio.DecodeFile(src, nil)
		if err != nil {
			bench12Err = err
			return
		}
		big := imaging.Resize(img, 4000, 3000, imaging.Lanczos)
		var buf bytes.Buffer
		if bench12Err = jpeg.Encode(&buf, big, &jpeg.Options{Quality: 92}); bench12Err == nil {
			bench12 = buf.Bytes()
			b.Logf("12 MP source %s: %.2f MB", filepath.Base(src), float64(buf.Len())/1e6)
		}
	})
	if bench12Err != nil {
		b.Fatal(bench12Err)
	}
	return bench12
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

var _ image.Image = (*image.NRGBA)(nil)
