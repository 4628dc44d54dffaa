package hands

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestGenerateRejectsSizes(t *testing.T) {
	for _, size := range []int{0, 16, 28, 33, 128} {
		_, err := Generate(10, size, 1)
		if err == nil || !strings.Contains(err.Error(), "32 or 64") {
			t.Errorf("Generate(size=%d): err = %v, want an error naming 32 or 64", size, err)
		}
	}
	if _, err := Generate(0, 32, 1); err == nil {
		t.Error("Generate(n=0): no error")
	}
	if _, err := Builtin(48); err == nil {
		t.Error("Builtin(48): no error")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	for _, size := range []int{32, 64} {
		a, err := Generate(50, size, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(50, size, 7)
		c, _ := Generate(50, size, 8)
		if !slices.Equal(a.Pixels, b.Pixels) || !slices.Equal(a.Labels, b.Labels) {
			t.Errorf("size %d: two runs with seed 7 differ", size)
		}
		if slices.Equal(a.Pixels, c.Pixels) {
			t.Errorf("size %d: seeds 7 and 8 give the same pixels", size)
		}
		// Every single image differs between the seeds.
		for i := 0; i < a.M; i++ {
			if slices.Equal(a.Image(i), c.Image(i)) {
				t.Errorf("size %d: image %d is the same for seeds 7 and 8", size, i)
			}
		}
	}
}

func TestImageIndependentOfN(t *testing.T) {
	small, _ := Generate(100, 32, 3)
	big, _ := Generate(1000, 32, 3)
	n := small.Size() * small.M
	if !slices.Equal(small.Pixels, big.Pixels[:n]) || !slices.Equal(small.Labels, big.Labels[:100]) {
		t.Error("the first 100 of 1000 hands differ from 100 hands")
	}
}

func TestDatasetShapeValuesLabels(t *testing.T) {
	for _, size := range []int{32, 64} {
		ds, err := Builtin(size)
		if err != nil {
			t.Fatal(err)
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
		if ds.Name != "hands" || ds.M != 2000 || ds.C != 1 || ds.H != size || ds.W != size {
			t.Fatalf("got %q [%d,%d,%d,%d], want \"hands\" [2000,1,%d,%d]", ds.Name, ds.M, ds.C, ds.H, ds.W, size, size)
		}
		if len(ds.ClassNames) != 2 || ds.ClassNames[0] != "left" || ds.ClassNames[1] != "right" {
			t.Errorf("ClassNames = %v", ds.ClassNames)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		partial := 0
		for _, v := range ds.Pixels {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			if v > -1 && v < 1 {
				partial++
			}
		}
		if lo != -1 || hi != 1 {
			t.Errorf("size %d: values span [%g, %g], want exactly [-1, 1]", size, lo, hi)
		}
		if partial == 0 {
			t.Errorf("size %d: no anti-aliased pixels", size)
		}
		if got := ds.Classes(); len(got) != 2 || got[0] != 0 || got[1] != 1 {
			t.Errorf("size %d: classes %v, want [0 1]", size, got)
		}
		n := [2]int{}
		for _, l := range ds.Labels {
			n[l]++
		}
		if n[0] < 900 || n[1] < 900 {
			t.Errorf("size %d: %d left and %d right hands, want both near 1000", size, n[0], n[1])
		}
		// Every hand stays inside the frame: the border is background.
		for mu := 0; mu < ds.M; mu++ {
			img := ds.Image(mu)
			for k := 0; k < size; k++ {
				for _, v := range []float64{img[k], img[(size-1)*size+k], img[k*size], img[k*size+size-1]} {
					if v != -1 {
						t.Fatalf("size %d: hand %d touches the border", size, mu)
					}
				}
			}
		}
	}
}

func TestThumbSide(t *testing.T) {
	// Before rotation a right hand has its thumb on -x, a left hand on +x.
	for i := 0; i < 200; i++ {
		s := RandomSpec(5, i)
		th := s.Digits[len(s.Digits)-1]
		tx, _ := th.Tip()
		if (s.Label == Right) != (tx < 0) {
			t.Fatalf("hand %d: label %d but thumb tip x = %.2f", i, s.Label, tx)
		}
		if len(s.Digits) != 5 {
			t.Fatalf("hand %d has %d digits", i, len(s.Digits))
		}
		if math.Abs(s.Rotation) > MaxRotation {
			t.Fatalf("hand %d: rotation %.3f", i, s.Rotation)
		}
	}
}

func TestCountGeneratedHands(t *testing.T) {
	for _, size := range []int{32, 64} {
		ds, err := Builtin(size)
		if err != nil {
			t.Fatal(err)
		}
		res := CountDataset(ds)
		five := 0
		for i, r := range res {
			if r.OK && r.Fingers == 5 {
				five++
			} else {
				t.Logf("size %d hand %d: %+v", size, i, r)
			}
		}
		rate := float64(five) / float64(len(res))
		t.Logf("size %d: %d of %d hands counted as 5 (%.2f%%)", size, five, len(res), 100*rate)
		if rate < 0.99 {
			t.Errorf("size %d: only %.2f%% counted as 5, want at least 99%%", size, 100*rate)
		}
	}
}

func TestCountUnusualDigits(t *testing.T) {
	for _, size := range []int{32, 64} {
		for _, n := range []int{2, 3, 4, 5, 6, 7} {
			for _, rot := range []float64{-20, 0, 20} {
				s := SpecWithDigits(n)
				s.Rotation = rot * math.Pi / 180
				r := Count(Draw(s, size), size, size)
				if !r.OK || r.Fingers != n {
					t.Errorf("size %d, %d digits, rotation %g°: got %+v", size, n, rot, r)
				}
			}
		}
	}
}

func TestCountMergedFingers(t *testing.T) {
	for _, size := range []int{32, 64} {
		for _, rot := range []float64{-20, 0, 20} {
			for _, shift := range []float64{0.8, 1.1, 1.4} {
				s := SpecWithDigits(5)
				s.Rotation = rot * math.Pi / 180
				// Replace the middle finger by a copy of the ring finger
				// moved shift px towards the middle: the two overlap and
				// show as one thick finger, so 4 digits are visible.
				d := s.Digits[2]
				d.BaseX -= shift
				s.Digits[1] = d
				r := Count(Draw(s, size), size, size)
				if r.OK && r.Fingers != 4 {
					t.Errorf("size %d, rotation %g°, shift %g: two merged fingers counted as %d, want 4 or not OK (%+v)", size, rot, shift, r.Fingers, r)
				}
				if !r.OK {
					t.Logf("size %d, rotation %g°, shift %g: cannot tell: %s", size, rot, shift, r.Reason)
				}
			}
		}
	}
}

func TestCountBlobs(t *testing.T) {
	for _, size := range []int{32, 64} {
		for _, rad := range []float64{3, 6, 10} {
			r := Count(Draw(Disc(rad), size), size, size)
			if r.OK {
				t.Errorf("size %d disc of radius %g: counted %d fingers", size, rad, r.Fingers)
			}
			if r.Reason == "" {
				t.Errorf("size %d disc of radius %g: no reason", size, rad)
			}
			if want := rad * float64(size) / RefSize; math.Abs(r.PalmRadius-want) > 1 || math.Abs(r.PalmRow-float64(size)/2+0.5) > 0.5 || math.Abs(r.PalmCol-float64(size)/2+0.5) > 0.5 {
				t.Errorf("size %d disc of radius %g: palm at (%.2f, %.2f) radius %.2f, want centre (%.1f, %.1f) radius %.1f",
					size, rad, r.PalmRow, r.PalmCol, r.PalmRadius, float64(size)/2-0.5, float64(size)/2-0.5, want)
			}
		}
		// A bare palm (rounded rectangle) has no digits either.
		r := Count(Draw(SpecWithDigits(0), size), size, size)
		if r.OK {
			t.Errorf("size %d bare palm: counted %d fingers", size, r.Fingers)
		}
	}
}

func TestCountEmptyAndFull(t *testing.T) {
	const n = 32
	empty := make([]float64, n*n)
	full := make([]float64, n*n)
	for i := range empty {
		empty[i] = -1
		full[i] = 1
	}
	for name, img := range map[string][]float64{"empty": empty, "full": full} {
		r := Count(img, n, n)
		if r.OK || r.Reason == "" {
			t.Errorf("%s image: %+v, want OK=false with a reason", name, r)
		}
		t.Logf("%s: %s", name, r.Reason)
	}
	if r := Count(empty[:10], n, n); r.OK || r.Reason == "" {
		t.Errorf("wrong length: %+v", r)
	}
	// A single speck of foreground is too thin to be a palm.
	empty[5*n+5] = 1
	if r := Count(empty, n, n); r.OK || r.Reason == "" {
		t.Errorf("speck: %+v", r)
	}
}

func TestDrawMatchesGenerate(t *testing.T) {
	ds, _ := Generate(5, 64, 11)
	for i := 0; i < ds.M; i++ {
		if !slices.Equal(Draw(RandomSpec(11, i), 64), ds.Image(i)) {
			t.Errorf("Draw(RandomSpec(11, %d)) differs from Generate", i)
		}
	}
	if Draw(Disc(4), 0) != nil {
		t.Error("Draw with size 0 is not nil")
	}
}

// BenchmarkBuiltin32 measures generating the built-in 2,000 hands at 32x32
// (about 0.13 s of CPU on the development machine).
func BenchmarkBuiltin32(b *testing.B) {
	for b.Loop() {
		if _, err := Builtin(32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCount32(b *testing.B) {
	ds, _ := Generate(100, 32, 1)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Count(ds.Image(i%ds.M), 32, 32)
	}
}

func TestCountNoisyHands(t *testing.T) {
	// Score machines give noisy images: add uniform noise in [-0.4, 0.4] to
	// every pixel and a few isolated bright specks in the background.
	for _, size := range []int{32, 64} {
		ds, _ := Generate(300, size, 9)
		r := newRNG(99, size)
		five := 0
		img := make([]float64, size*size)
		for mu := 0; mu < ds.M; mu++ {
			copy(img, ds.Image(mu))
			for i := range img {
				img[i] = math.Max(-1, math.Min(1, img[i]+r.uniform(-0.4, 0.4)))
			}
			for k := 0; k < 4; k++ {
				i := int(r.next() % uint64(len(img)))
				if img[i] < -0.5 {
					img[i] = 1
				}
			}
			if res := Count(img, size, size); res.OK && res.Fingers == 5 {
				five++
			}
		}
		rate := float64(five) / float64(ds.M)
		t.Logf("size %d noisy: %d of %d counted as 5 (%.1f%%)", size, five, ds.M, 100*rate)
		if rate < 0.95 {
			t.Errorf("size %d noisy: only %.1f%% counted as 5", size, 100*rate)
		}
	}
}
