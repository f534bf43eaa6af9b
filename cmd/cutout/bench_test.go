package main

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"cutout/assets/evalset"
	"cutout/inference"
	"cutout/refine"
	"cutout/refine/imagefile"
)

var (
	benchOnce sync.Once
	benchSess *inference.Session
	benchErr  error
)

func benchSession(b *testing.B) *inference.Session {
	benchOnce.Do(func() {
		benchSess, benchErr = inference.Open(inference.Options{Device: inference.DeviceCPU})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSess
}

// benchRemove times what `cutout remove` does for one photo — decode,
// segment, refine (unless noRefine), compose and PNG-encode — and reports
// each stage in ms/op.
func benchRemove(b *testing.B, w, h int, noRefine bool) {
	data, _ := evalset.PortraitJPEG(b, w, h)
	s := benchSession(b)
	var sum timings
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		img, _, err := imagefile.Decode(bytes.NewReader(data), nil)
		if err != nil {
			b.Fatal(err)
		}
		dec := time.Since(t0)
		m, t, err := s.SegmentTimed(context.Background(), img)
		if err != nil {
			b.Fatal(err)
		}
		r, err := refine.Cut(context.Background(), img, refine.Input{Matte: (*refine.Matte)(m)}, &refine.CutOptions{NoRefine: noRefine})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		out := refine.NewComposite(r.Foreground, r.Alpha, refine.Backdrop{})
		t2 := time.Now()
		if err := imagefile.EncodePNG(discard{}, out); err != nil {
			b.Fatal(err)
		}
		sum.Decode += dec
		sum.Preprocess += t.Preprocess
		sum.Model += t.Model
		sum.Postprocess += t.Postprocess
		sum.Guide += r.Guide
		sum.Refine += r.Solve
		sum.Compose += t2.Sub(t1)
		sum.Encode += time.Since(t2)
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	b.ReportMetric(ms(sum.Decode), "decode-ms")
	b.ReportMetric(ms(sum.Preprocess), "pre-ms")
	b.ReportMetric(ms(sum.Model), "model-ms")
	b.ReportMetric(ms(sum.Postprocess), "post-ms")
	b.ReportMetric(ms(sum.Guide), "guide-ms")
	b.ReportMetric(ms(sum.Refine), "refine-ms")
	b.ReportMetric(ms(sum.Compose), "compose-ms")
	b.ReportMetric(ms(sum.Encode), "encode-ms")
	nonModel := sum.Decode + sum.Preprocess + sum.Postprocess + sum.Compose + sum.Encode
	b.ReportMetric(100*float64(nonModel)/float64(sum.Model), "%nonmodel")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkRemove1MP(b *testing.B)         { benchRemove(b, 1280, 800, true) }
func BenchmarkRemove12MP(b *testing.B)        { benchRemove(b, 4000, 3000, true) }
func BenchmarkRemoveRefined1MP(b *testing.B)  { benchRemove(b, 1280, 800, false) }
func BenchmarkRemoveRefined12MP(b *testing.B) { benchRemove(b, 4000, 3000, false) }
