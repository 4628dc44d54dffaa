package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

func TestR2ByHand(t *testing.T) {
	// mean 2.5; total sum of squares 2.25+0.25+0.25+2.25 = 5; residual 1.
	if got := R2([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 5}); math.Abs(got-0.8) > 1e-15 {
		t.Errorf("r^2 = %v, want 0.8", got)
	}
	if got := R2([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}); got != 1 {
		t.Errorf("identical images: r^2 = %v", got)
	}
	// Predicting the mean everywhere explains nothing.
	if got := R2([]float64{1, 2, 3, 4}, []float64{2.5, 2.5, 2.5, 2.5}); got != 0 {
		t.Errorf("the mean: r^2 = %v", got)
	}
	if !math.IsNaN(R2([]float64{2, 2}, []float64{1, 3})) || !math.IsNaN(R2([]float64{1}, nil)) {
		t.Error("a constant network image or mismatched lengths must give NaN")
	}
}

func TestQuantileIsNumpysLinear(t *testing.T) {
	v := []float64{4, 1, math.NaN(), 3, 2}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 2.5}, {0.75, 3.25}, {1, 4}} {
		if got := Quantile(v, tc.q); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if !math.IsNaN(Quantile([]float64{math.NaN()}, 0.5)) {
		t.Error("no values: want NaN")
	}
}

// machineNet is a "trained network" that is an ELS machine with a known
// patch-size schedule: calibration must find that schedule.
type machineNet struct {
	m *machine.Machine
	k schedule.Patch
}

func (f machineNet) Denoise(ctx context.Context, x []float64, c, h, w int, t float64, class int) ([]float64, error) {
	i := int(math.Round(t * float64(len(f.k))))
	st, err := f.m.Step(ctx, x, t, f.k[i])
	if err != nil {
		return nil, err
	}
	return st.D, nil
}

func (machineNet) Check(c, h, w int) error { return nil }

func smallData() *dataset.Dataset {
	rng := rand.New(rand.NewPCG(5, 5))
	const m, h, w = 12, 7, 7
	d := &dataset.Dataset{Name: "small", M: m, C: 1, H: h, W: w, Pixels: make([]float64, m*h*w)}
	for i := range d.Pixels {
		d.Pixels[i] = math.Round(rng.Float64()*4)/2 - 1
	}
	return d
}

func TestCalibrationRecoversAKnownSchedule(t *testing.T) {
	d := smallData()
	els, err := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	if err != nil {
		t.Fatal(err)
	}
	truth := schedule.Patch{3, 3, 5, 1, 7, 3}
	net, err := machine.NewNetwork(machineNet{els, truth}, d, machine.Spec{Net: "els-in-disguise"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	noises := [][]float64{sampler.Noise(1, 1, 7, 7), sampler.Noise(2, 1, 7, 7), sampler.Noise(3, 1, 7, 7)}
	trs, err := Trajectories(context.Background(), net, noises, len(truth))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	cal, err := Calibrate(context.Background(), trs, els, 7, func(done, total int) {
		calls++
		if done > total {
			t.Fatalf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(truth); i++ {
		if cal.K[i] != truth[i] || math.Abs(cal.Best[i]-1) > 1e-9 {
			t.Errorf("step %d: calibrated k = %d (r^2 %v), the network used %d", i, cal.K[i], cal.Best[i], truth[i])
		}
	}
	if cal.K[0] != cal.K[1] {
		t.Errorf("entry 0 = %d, want a copy of entry 1 (%d)", cal.K[0], cal.K[1])
	}
	if calls != 4*3*5 { // k = 1, 3, 5, 7; 3 seeds; 5 steps
		t.Errorf("%d progress reports", calls)
	}
	// Evaluate with the true schedule explains everything; with another,
	// less.
	sc, err := Evaluate(context.Background(), trs, els, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := sc.Overall(); math.Abs(o-1) > 1e-9 {
		t.Errorf("overall r^2 with the true schedule = %v", o)
	}
	other, _ := Evaluate(context.Background(), trs, els, schedule.Constant(len(truth), 1), nil)
	if o := other.Overall(); !(o < 0.999) {
		t.Errorf("overall r^2 with k = 1 = %v, want below 1", o)
	}
}

// A brute-force search (every k, every seed, median by hand) gives the same
// choice as Calibrate, ties to the smaller k, on a network that is not a
// machine (the IS machine's estimate).
func TestCalibrationMatchesBruteForce(t *testing.T) {
	d := smallData()
	ideal, _ := machine.New(d, machine.Spec{Kind: machine.IS})
	els, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Circular})
	net, err := machine.NewNetwork(machineNet{ideal, schedule.Constant(5, 1)}, d, machine.Spec{Net: "is"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	noises := [][]float64{sampler.Noise(7, 1, 7, 7), sampler.Noise(8, 1, 7, 7)}
	trs, _ := Trajectories(context.Background(), net, noises, 5)
	cal, err := Calibrate(context.Background(), trs, els, DefaultKMax(7, 7), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 5; i++ {
		bestK, bestR := 0, math.Inf(-1)
		for k := 1; k <= 7; k += 2 {
			var r []float64
			for _, tr := range trs {
				st, err := els.Step(context.Background(), tr.X[i], tr.Time(i), k)
				if err != nil {
					t.Fatal(err)
				}
				r = append(r, R2(tr.Steps[i].D, st.D))
			}
			med := (r[0] + r[1]) / 2
			if med > bestR {
				bestK, bestR = k, med
			}
		}
		if cal.K[i] != bestK || math.Abs(cal.Best[i]-bestR) > 1e-12 {
			t.Errorf("step %d: Calibrate k=%d r^2=%v, brute force k=%d r^2=%v", i, cal.K[i], cal.Best[i], bestK, bestR)
		}
	}
	if _, err := Calibrate(context.Background(), trs, ideal, 7, nil); err == nil {
		t.Error("calibrating IS (no patch size) was accepted")
	}
}
