package schedule

import (
	"math"
	"strings"
	"testing"
)

func TestCosineScheduleMatchesSpecNumbers(t *testing.T) {
	cases := []struct{ t, a, b float64 }{
		{1.0 / 20, 0.99697, 0.07784},
		{19.0 / 20, 0.09026, 0.99592},
	}
	for _, c := range cases {
		if got := A(c.t); math.Abs(got-c.a) > 5e-6 {
			t.Errorf("A(%v) = %.6f, SPEC says %.5f", c.t, got, c.a)
		}
		if got := B(c.t); math.Abs(got-c.b) > 5e-6 {
			t.Errorf("B(%v) = %.6f, SPEC says %.5f", c.t, got, c.b)
		}
	}
	if A(0) != 1 || B(0) != 0 {
		t.Errorf("at t=0 want a=1, b=0; got a=%v b=%v", A(0), B(0))
	}
	for i := 0; i <= 20; i++ {
		tt := Time(i, 20)
		if s := A(tt)*A(tt) + B(tt)*B(tt); math.Abs(s-1) > 1e-12 {
			t.Errorf("a^2+b^2 = %v at t=%v", s, tt)
		}
	}
}

func TestPresetsAreTheTenOfTheSpec(t *testing.T) {
	ps := Presets()
	if len(ps) != 10 {
		t.Fatalf("%d presets, want 10", len(ps))
	}
	p, err := Lookup("MNIST_ResNet_zeros")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.K.String(); got != "3,3,5,5,5,7,7,7,9,9,11,11,11,11,13,15,15,15,15,15" {
		t.Errorf("mnist-resnet-zeros = %s", got)
	}
	p, _ = Lookup("celeba-unet-zeros")
	if p.K[19] != 27 || p.K[16] != 9 {
		t.Errorf("celeba-unet-zeros = %v", p.K)
	}
	for _, p := range ps {
		if len(p.K) != 20 {
			t.Errorf("%s has %d entries", p.Name, len(p.K))
		}
		if err := p.K.Check(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	ps[0].K[0] = 99
	if q, _ := Lookup(ps[0].Name); q.K[0] == 99 {
		t.Error("Presets returned shared storage")
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "mnist-unet-zeros") {
		t.Errorf("unknown preset error should list names: %v", err)
	}
}

func TestParseAndCheck(t *testing.T) {
	p, err := Parse("3, 5,7")
	if err != nil || p.String() != "3,5,7" || p.Max() != 7 {
		t.Fatalf("Parse = %v, %v", p, err)
	}
	for _, bad := range []string{"", "3,4", "3,x", "0", "-3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if err := CheckSize(4); err == nil || !strings.Contains(err.Error(), "even") {
		t.Errorf("CheckSize(4) = %v", err)
	}
}

func TestResampleByTime(t *testing.T) {
	p := Patch{1, 3, 5, 7}
	if got := p.Resample(4).String(); got != "1,3,5,7" {
		t.Errorf("identity resample = %s", got)
	}
	if got := p.Resample(8).String(); got != "1,3,3,5,5,7,7,7" {
		t.Errorf("resample to 8 = %s", got)
	}
	if got := p.Resample(2).String(); got != "1,5" {
		t.Errorf("resample to 2 = %s", got)
	}
}
