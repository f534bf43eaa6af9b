package metrics

import (
	"math"
	"slices"
	"testing"

	"cutout/refine"
)

func matte(w, h int, v ...float32) *refine.Matte {
	return &refine.Matte{W: w, H: h, Pix: v}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*(1+math.Abs(b)) }

func TestSADMSE(t *testing.T) {
	region := &refine.Trimap{W: 2, H: 2, Pix: []uint8{refine.Unknown, refine.Foreground, refine.Unknown, refine.Background}}
	for name, tc := range map[string]struct {
		pred, truth *refine.Matte
		region      *refine.Trimap
		sad, mse    float64
	}{
		"equal":       {matte(2, 2, 0, 0.5, 1, 0.25), matte(2, 2, 0, 0.5, 1, 0.25), nil, 0, 0},
		"whole image": {matte(2, 2, 0, 0.5, 1, 0.25), matte(2, 2, 1, 0.5, 0.5, 0), nil, 1.75 / 1000, (1 + 0.25 + 0.0625) / 4},
		"unknown only": {matte(2, 2, 0, 0.5, 1, 0.25), matte(2, 2, 1, 0.5, 0.5, 0), region,
			1.5 / 1000, (1 + 0.25) / 2},
		"empty region": {matte(2, 2, 0, 0, 0, 0), matte(2, 2, 1, 1, 1, 1),
			&refine.Trimap{W: 2, H: 2, Pix: []uint8{0, 0, 255, 255}}, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := SAD(tc.pred, tc.truth, tc.region); !near(got, tc.sad) {
				t.Errorf("SAD = %v, want %v", got, tc.sad)
			}
			if got := MSE(tc.pred, tc.truth, tc.region); !near(got, tc.mse) {
				t.Errorf("MSE = %v, want %v", got, tc.mse)
			}
		})
	}
}

func TestGaussKernels(t *testing.T) {
	g, dg := gaussKernels(1.4)
	if len(g) != 9 || len(dg) != 9 {
		t.Fatalf("kernel size %d, want 9 (half-size 4 for sigma 1.4)", len(g))
	}
	// The 2-D kernel g(y)·dg(x) has unit L2 norm and is odd in x.
	var n float64
	for _, a := range g {
		for _, b := range dg {
			n += a * a * b * b
		}
	}
	if !near(n, 1) {
		t.Errorf("‖hx‖² = %v, want 1", n)
	}
	for i := range dg {
		if !near(dg[i], -dg[len(dg)-1-i]) {
			t.Errorf("dg not odd: %v", dg)
		}
	}
}

func TestGradient(t *testing.T) {
	const w, h = 20, 10
	flat := refine.NewMatte(w, h)
	ramp := refine.NewMatte(w, h)
	step := refine.NewMatte(w, h)
	for y := range h {
		for x := range w {
			ramp.Pix[y*w+x] = float32(x) / w
			if x >= w/2 {
				step.Pix[y*w+x] = 1
			}
		}
	}
	if got := Gradient(ramp, ramp, nil); got != 0 {
		t.Errorf("identical mattes: %v", got)
	}
	// A constant has no gradient, a step has one: the error is positive
	// and symmetric.
	a, b := Gradient(flat, step, nil), Gradient(step, flat, nil)
	if !(a > 0) || !near(a, b) {
		t.Errorf("flat vs step: %v, %v", a, b)
	}
	// The error is the squared difference of gradient magnitudes, so a
	// matte and its complement score 0 (same |∇α|).
	inv := refine.NewMatte(w, h)
	for i, v := range step.Pix {
		inv.Pix[i] = 1 - v
	}
	if got := Gradient(step, inv, nil); got > 1e-12 {
		t.Errorf("step vs complement: %v", got)
	}
	// A region away from the step scores only where the filter reaches.
	region := &refine.Trimap{W: w, H: h, Pix: make([]uint8, w*h)}
	region.Pix[5*w+0] = refine.Unknown
	if got := Gradient(flat, step, region); got != 0 {
		t.Errorf("far from the step: %v", got)
	}
	// The interior gradient of a ramp of slope 1/w is the same at every
	// interior pixel: (Σg)·|Σ dg(k)·(−(k−4))/w|. Pixels are float32, hence
	// the 1e-6 tolerance.
	g, dg := gaussKernels(1.4)
	var sg, sd float64
	for i := range g {
		sg += g[i]
		sd += dg[i] * -float64(i-4) / w
	}
	want := math.Abs(sg * sd)
	mag := gradientMagnitude(ramp, 1.4)
	if got := mag[5*w+10]; math.Abs(got-want) > 1e-6*want {
		t.Errorf("ramp gradient %v, want %v", got, want)
	}
}

func TestConnectivity(t *testing.T) {
	const w, h = 12, 8
	truth := refine.NewMatte(w, h)
	for y := 2; y < 6; y++ {
		for x := 2; x < 6; x++ {
			truth.Pix[y*w+x] = 1
		}
	}
	if got := Connectivity(truth, truth, nil); got != 0 {
		t.Errorf("identical: %v", got)
	}
	// A detached blob of 0.8 in the prediction: at thresholds up to 0.8 it
	// is outside the largest common component (truth is 0 there, so
	// the intersection is empty and l = 0 from the first step); φ(0.8) =
	// 1 − 0.8 = 0.2 against truth's φ(0) = 1, so each of its 4 pixels
	// costs 0.8.
	pred := truth.Clone()
	for _, i := range []int{2*w + 9, 2*w + 10, 3*w + 9, 3*w + 10} {
		pred.Pix[i] = 0.8
	}
	if got, want := Connectivity(pred, truth, nil), 4*0.8/1000; !near(got, want) {
		t.Errorf("detached blob: %v, want %v", got, want)
	}
	// Small deviations below θ = 0.15 cost nothing.
	pred = truth.Clone()
	pred.Pix[0] = 0.1
	if got := Connectivity(pred, truth, nil); got != 0 {
		t.Errorf("below theta: %v", got)
	}
}

func TestInputsUnchangedAndPanics(t *testing.T) {
	a := matte(2, 1, 0.2, 0.9)
	b := matte(2, 1, 0.1, 1)
	ac, bc := slices.Clone(a.Pix), slices.Clone(b.Pix)
	SAD(a, b, nil)
	MSE(a, b, nil)
	Gradient(a, b, nil)
	Connectivity(a, b, nil)
	if !slices.Equal(ac, a.Pix) || !slices.Equal(bc, b.Pix) {
		t.Error("inputs modified")
	}
	for name, f := range map[string]func(){
		"SAD":          func() { SAD(a, matte(1, 2, 0, 0), nil) },
		"MSE":          func() { MSE(a, b, &refine.Trimap{W: 1, H: 1, Pix: []uint8{0}}) },
		"Gradient":     func() { Gradient(a, matte(1, 1, 0), nil) },
		"Connectivity": func() { Connectivity(a, matte(1, 1, 0), nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic on size mismatch")
				}
			}()
			f()
		})
	}
}
