package sampler

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

func smallData() *dataset.Dataset {
	rng := rand.New(rand.NewPCG(1, 1))
	d := &dataset.Dataset{Name: "small", M: 6, C: 1, H: 6, W: 6}
	d.Pixels = make([]float64, d.M*36)
	for i := range d.Pixels {
		d.Pixels[i] = 2*rng.Float64() - 1
	}
	return d
}

// TestDDIMUpdateByHand replays the sampler's arithmetic from SPEC.md with the
// machine's own D and checks every frame.
func TestDDIMUpdateByHand(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	k := schedule.Patch{3, 3, 5, 5, 3}
	noise := Noise(7, 1, 6, 6)
	tr, err := Run(context.Background(), m, noise, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(k)
	x := noise
	for i := n - 1; i >= 1; i-- {
		tt, tp := float64(i)/float64(n), float64(i-1)/float64(n)
		st, _ := m.Step(context.Background(), x, tt, k[i])
		next := make([]float64, len(x))
		for j := range x {
			eps := (x[j] - schedule.A(tt)*st.D[j]) / schedule.B(tt)
			next[j] = schedule.A(tp)*st.D[j] + schedule.B(tp)*eps
			if math.Abs(tr.Eps[i][j]-eps) > 1e-12 {
				t.Fatalf("eps_%d[%d] = %v, want %v", i, j, tr.Eps[i][j], eps)
			}
		}
		// The equivalent form sqrt(alpha'/alpha) x + (b' - sqrt(alpha'/alpha) b) eps.
		r := schedule.A(tp) / schedule.A(tt)
		for j := range x {
			eps := (x[j] - schedule.A(tt)*st.D[j]) / schedule.B(tt)
			alt := r*x[j] + (schedule.B(tp)-r*schedule.B(tt))*eps
			if math.Abs(alt-next[j]) > 1e-9 {
				t.Fatalf("the two DDIM forms disagree: %v vs %v", alt, next[j])
			}
		}
		for j := range x {
			if math.Abs(tr.X[i-1][j]-next[j]) > 1e-12 {
				t.Fatalf("x_%d[%d] = %v, want %v", i-1, j, tr.X[i-1][j], next[j])
			}
		}
		x = next
	}
	for j := range x {
		if tr.X[0][j] != tr.Steps[1].D[j] {
			t.Fatalf("x_0 must equal D_1 exactly")
		}
	}
	if !tr.Complete() || tr.D(0) != nil || tr.D(n-1) == nil {
		t.Error("trajectory bookkeeping")
	}
}

func TestResumeReRunsOnlyTheAffectedSteps(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	k := schedule.Constant(8, 3)
	noise := Noise(3, 1, 6, 6)
	full, err := Run(context.Background(), m, noise, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Change the patch size at step 4: steps 7..5 are kept, 4..1 re-run.
	k2 := append(schedule.Patch(nil), k...)
	k2[4] = 5
	br, err := full.Branch(4, k2)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	if err := br.Resume(context.Background(), m, 4, func(i, done, total int, _ *Trajectory) {
		seen = append(seen, i)
		if total != 4 || done != 5-i {
			t.Errorf("progress %d/%d at step %d", done, total, i)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen[0] != 4 || seen[3] != 1 {
		t.Errorf("resumed steps %v, want 4 3 2 1", seen)
	}
	for i := 5; i < 8; i++ {
		if br.Steps[i] != full.Steps[i] {
			t.Errorf("step %d was recomputed", i)
		}
	}
	fresh, _ := Run(context.Background(), m, noise, k2, nil)
	for j := range fresh.X[0] {
		if math.Abs(fresh.X[0][j]-br.X[0][j]) > 1e-12 {
			t.Fatalf("resumed final differs from a fresh run at %d", j)
		}
	}
	if math.Abs(fresh.X[0][0]-full.X[0][0]) < 1e-9 && math.Abs(fresh.X[0][7]-full.X[0][7]) < 1e-9 {
		t.Error("changing k at step 4 changed nothing; the test would not notice a bug")
	}
}

func TestCancelledRunStopsAndKeepsWhatWasDone(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.LS, Boundary: machine.Zeros})
	ctx, cancel := context.WithCancel(context.Background())
	tr, err := New(Noise(1, 1, 6, 6), 1, 6, 6, schedule.Constant(10, 3))
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Resume(ctx, m, 9, func(i, _, _ int, _ *Trajectory) {
		if i == 7 {
			cancel()
		}
	})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if tr.X[6] == nil || tr.X[5] != nil {
		t.Errorf("after cancelling at step 7 want x_6 present and x_5 absent")
	}
}

func TestNoiseIsDeterministicAndStandard(t *testing.T) {
	a, b := Noise(42, 1, 32, 32), Noise(42, 1, 32, 32)
	c := Noise(43, 1, 32, 32)
	same, mean, sq := true, 0.0, 0.0
	for i := range a {
		same = same && a[i] == b[i]
		mean += a[i]
		sq += a[i] * a[i]
	}
	if !same || a[0] == c[0] {
		t.Error("noise is not a function of the seed")
	}
	mean /= 1024
	sd := math.Sqrt(sq/1024 - mean*mean)
	if math.Abs(mean) > 0.1 || math.Abs(sd-1) > 0.1 {
		t.Errorf("noise mean %v sd %v", mean, sd)
	}
}

func TestBadArguments(t *testing.T) {
	d := smallData()
	m, _ := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Circular})
	if _, err := Run(context.Background(), m, Noise(1, 1, 6, 6), schedule.Patch{3, 9, 3}, nil); err == nil {
		t.Error("k = 9 on 6x6 circular ELS accepted")
	}
	if _, err := Run(context.Background(), m, Noise(1, 1, 5, 6), schedule.Constant(4, 3), nil); err == nil {
		t.Error("noise of the wrong shape accepted")
	}
	if _, err := Run(context.Background(), m, Noise(1, 1, 6, 6), schedule.Patch{3}, nil); err == nil {
		t.Error("one-step schedule accepted")
	}
}
