package widgets

import "testing"

func TestFormatWeight(t *testing.T) {
	for v, want := range map[float64]string{0: "0.000", 0.4123: "0.412", 0.001: "0.001", 3.5e-6: "3.5e-06", 0.0004: "4.0e-04"} {
		if got := FormatWeight(v); got != want {
			t.Errorf("FormatWeight(%v) = %q, want %q", v, got, want)
		}
	}
}
