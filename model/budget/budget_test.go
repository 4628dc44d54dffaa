package budget

import (
	"errors"
	"strings"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

func TestPairsAgreesWithTheMachine(t *testing.T) {
	for _, sz := range [][2]int{{8, 8}, {12, 9}, {32, 32}} {
		h, w := sz[0], sz[1]
		d := &dataset.Dataset{Name: "x", M: 3, C: 1, H: h, W: w, Pixels: make([]float64, 3*h*w)}
		for _, kind := range []machine.Kind{machine.LS, machine.ELS} {
			for _, b := range []machine.Boundary{machine.Zeros, machine.Circular, machine.Reflect} {
				spec := machine.Spec{Kind: kind, Boundary: b}
				m, err := machine.New(d, spec)
				if err != nil {
					t.Fatal(err)
				}
				for k := 1; k <= 9; k += 2 {
					if m.CheckPatch(k) != nil {
						continue
					}
					if got, want := Pairs(spec, 3, h, w, k), m.Pairs(k); got != want {
						t.Errorf("%v %dx%d k=%d: %d pairs, the machine says %d", spec, h, w, k, got, want)
					}
				}
			}
		}
	}
}

// The example: all of MNIST at 512x512 is about 126 GB of float64
// images alone, refused on a 23 GB machine with the estimate in the message.
func TestCheckRefusesWhatCannotFit(t *testing.T) {
	old := MemAvailable
	defer func() { MemAvailable = old }()
	MemAvailable = func() (int64, bool) { return 23e9, true }
	e := For(Run{Spec: machine.Spec{Kind: machine.ELS}, M: 60000, C: 1, H: 512, W: 512, K: schedule.Constant(20, 3)})
	if e.Bytes < 126e9 || e.Bytes > 400e9 {
		t.Errorf("estimate %s, want over 126 GB", Bytes(e.Bytes))
	}
	err := Check(e)
	var tb *TooBig
	if !errors.As(err, &tb) || !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "23 GB is available") ||
		!strings.Contains(err.Error(), "training images") {
		t.Errorf("refusal: %v", err)
	}
	if e.Largest().Knob != "data" {
		t.Errorf("largest part %+v, want the data", e.Largest())
	}
	// 300 million steps of a tiny run: the trajectory is what does not fit.
	e = For(Run{Spec: machine.Spec{Kind: machine.ELS}, M: 4, C: 1, H: 8, W: 8, Steps: 300_000_000, Patch: 3})
	if Check(e) == nil || e.Largest().Knob != "steps" {
		t.Errorf("300M steps: %s, largest %+v", Bytes(e.Bytes), e.Largest())
	}
	// The paper's run fits and is quick.
	e = For(Run{Spec: machine.Spec{Kind: machine.ELS}, M: 500, C: 1, H: 32, W: 32, K: schedule.Constant(20, 5)})
	if err := Check(e); err != nil || e.Bytes > 200e6 || Warning(e) != "" {
		t.Errorf("M=500: %v, %s, warning %q", err, Bytes(e.Bytes), Warning(e))
	}
	// All of MNIST at 32x32 fits but takes minutes.
	e = For(Run{Spec: machine.Spec{Kind: machine.ELS}, M: 60000, C: 1, H: 32, W: 32, K: schedule.Constant(20, 5)})
	if w := Warning(e); !strings.Contains(w, "minutes") {
		t.Errorf("M=60000: warning %q (%.0f s)", w, e.Seconds)
	}
	// The n x n matrices of the Gaussian machines at 128x128 RGB.
	e = For(Run{Spec: machine.Spec{Kind: machine.Wiener}, M: 10, C: 3, H: 128, W: 128, K: schedule.Constant(20, 1)})
	if Check(e) == nil || e.Largest().Knob != "size" {
		t.Errorf("Wiener 128x128x3: %s, %+v", Bytes(e.Bytes), e.Largest())
	}
}

func TestUnknownMemoryRefusesNothing(t *testing.T) {
	old := MemAvailable
	defer func() { MemAvailable = old }()
	MemAvailable = func() (int64, bool) { return 0, false }
	if err := Check(Estimate{Bytes: 1 << 60}); err != nil {
		t.Error(err)
	}
}

func TestFormats(t *testing.T) {
	for b, want := range map[int64]string{999: "999 B", 4_200_000_000: "4.2 GB", 126e9: "126 GB", 820e6: "820 MB"} {
		if got := Bytes(b); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", b, got, want)
		}
	}
	for s, want := range map[float64]string{40: "40 seconds", 600: "10 minutes", 7200: "2.0 hours", 1e6: "12 days"} {
		if got := Duration(s); got != want {
			t.Errorf("Duration(%v) = %q, want %q", s, got, want)
		}
	}
}
