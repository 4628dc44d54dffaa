// Package hands is a procedural data set of grayscale hands and a finger
// counter for judging the images a score machine produces from it.
//
// Every generated hand has a palm, exactly four fingers fanned above it and a
// thumb to one side, so a sample with six fingers is an artifact of the
// machine, not of the data. Hands are drawn as seen from the back (as you see
// your own hand held up with the palm facing away): a right hand (label 1)
// has its thumb on the image's left before rotation, a left hand (label 0) on
// the right.
//
// Count finds the palm by opening the hand with a disc, counts digits (thumb
// included, so a normal hand gives 5) as the branches that reach far enough
// beyond the palm, checks the count against the runs of foreground on rings
// around the palm, and says it cannot tell rather than guess on the odd
// shapes a score machine makes (detached pieces, stubs, several hands).
package hands

import (
	"fmt"
	"math"

	"mosaic/model/dataset"
)

// Label values of the generated data set.
const (
	// Left marks a left hand (thumb on the image's right before rotation).
	Left = 0
	// Right marks a right hand (thumb on the image's left before rotation).
	Right = 1
)

// ClassNames are the names of the labels Left and Right.
var ClassNames = []string{"left", "right"}

// Name is the Dataset.Name of generated hands.
const Name = "hands"

// BuiltinCount and BuiltinSeed define the default data set returned by
// Builtin.
const (
	BuiltinCount = 2000
	BuiltinSeed  = 1
)

// MaxRotation is the largest rotation of a generated hand, in radians (25°).
const MaxRotation = 25 * math.Pi / 180

// Builtin returns the default hands data set: BuiltinCount hands generated
// with BuiltinSeed at size x size (32 or 64). It has the signature of a
// built-in data set constructor.
func Builtin(size int) (*dataset.Dataset, error) {
	return Generate(BuiltinCount, size, BuiltinSeed)
}

// Generate draws n hands of size x size pixels (size 32 or 64) as a Dataset of
// shape [n, 1, size, size] with values in [-1, 1] (background -1, hand +1),
// labels Left/Right and ClassNames {"left", "right"}. The result depends only
// on (n, size, seed), and image i depends only on (size, seed, i), so the first
// 100 of 1000 hands are the 100 hands of a run with n = 100.
func Generate(n int, size int, seed int64) (*dataset.Dataset, error) {
	if size != 32 && size != 64 {
		return nil, fmt.Errorf("hands: size %d is not supported: use 32 or 64", size)
	}
	if n <= 0 {
		return nil, fmt.Errorf("hands: need a positive number of images, got %d", n)
	}
	ds := &dataset.Dataset{
		Name:       Name,
		M:          n,
		C:          1,
		H:          size,
		W:          size,
		Pixels:     make([]float64, n*size*size),
		Labels:     make([]int, n),
		ClassNames: append([]string(nil), ClassNames...),
	}
	for i := 0; i < n; i++ {
		spec := RandomSpec(seed, i)
		ds.Labels[i] = spec.Label
		drawInto(&spec, size, ds.Image(i))
	}
	return ds, nil
}

// RandomSpec returns the spec of hand i of the data set generated with seed:
// a palm, four fanned fingers and a thumb with random size, proportions,
// rotation (within ±MaxRotation), position (inside the frame) and side. It
// depends only on (seed, i).
func RandomSpec(seed int64, i int) HandSpec {
	r := newRNG(seed, i)
	label := int(r.next() & 1)
	side := -1.0 // thumb on the hand's -x side for a right hand
	if label == Left {
		side = 1
	}
	k := r.uniform(0.95, 1.15) // overall size
	a := 4.4 * k * r.uniform(0.95, 1.05)
	b := a * r.uniform(1.05, 1.2)
	s := HandSpec{
		PalmHalfWidth:  a,
		PalmHalfHeight: b,
		PalmCorner:     a * r.uniform(0.45, 0.65),
		Label:          label,
	}
	width := r.uniform(1.05, 1.2) // finger radius
	spread := r.uniform(0.92, 1.12)
	fl := k * r.uniform(0.94, 1.08)
	// Index, middle, ring, little finger, from the thumb side outwards.
	baseAngle := [4]float64{30, 10, -10, -30}
	baseLen := [4]float64{8.0, 8.8, 8.3, 7.6}
	baseWidth := [4]float64{1, 1.02, 0.97, 0.88}
	var angles, lengths, radii [4]float64
	for j := 0; j < 4; j++ {
		angles[j] = side * (baseAngle[j]*spread + r.uniform(-2, 2)) * math.Pi / 180
		lengths[j] = baseLen[j] * fl * r.uniform(0.96, 1.04)
		radii[j] = width * baseWidth[j] * r.uniform(0.95, 1.05)
	}
	s.Digits = fingers(&s, -0.9*b, angles[:], lengths[:], radii[:])
	tr := width * r.uniform(1.15, 1.3)
	s.Digits = append(s.Digits, Digit{
		BaseX:  side * (a - 1.2*tr),
		BaseY:  -b * r.uniform(0.2, 0.35),
		Angle:  angles[0] + side*r.uniform(24, 32)*math.Pi/180,
		Length: k * r.uniform(8.2, 9.2),
		Radius: tr,
	})
	s.Rotation = r.uniform(-MaxRotation, MaxRotation)
	place(&s, r)
	return s
}

// fingers returns digits that fan out from the focal point (0, focalY) below
// the palm top: digit j leaves the palm along angle[j] and shows length[j]
// (tip included) beyond the palm outline, with radius radius[j].
func fingers(s *HandSpec, focalY float64, angle, length, radius []float64) []Digit {
	out := make([]Digit, len(angle))
	for j := range angle {
		sn, cs := math.Sincos(angle[j])
		// March from the focal point to the palm outline, then bisect.
		t := 0.0
		for s.palmSDF(t*sn, focalY+t*cs) < 0 && t < 100 {
			t += 0.5
		}
		lo, hi := math.Max(0, t-0.5), t
		for range 30 {
			mid := (lo + hi) / 2
			if s.palmSDF(mid*sn, focalY+mid*cs) < 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		t = hi
		inset := 1.5 * radius[j]
		out[j] = Digit{
			BaseX:  (t - inset) * sn,
			BaseY:  focalY + (t-inset)*cs,
			Angle:  angle[j],
			Length: inset + length[j] - radius[j],
			Radius: radius[j],
		}
	}
	return out
}

// margin is the smallest distance, in RefSize pixels, kept between a generated
// hand and the image border.
const margin = 1.0

// place puts the hand at a random position with its bounding box inside the
// frame, shrinking it about the palm centre if it does not fit.
func place(s *HandSpec, r *rng) {
	s.CX, s.CY = 0, 0
	minU, minV, maxU, maxV := s.Bounds()
	avail := RefSize - 2*margin
	if f := avail / math.Max(maxU-minU, maxV-minV); f < 1 {
		scaleSpec(s, f*0.999)
		minU, minV, maxU, maxV = s.Bounds()
	}
	s.CX = r.uniform(margin-minU, RefSize-margin-maxU)
	s.CY = r.uniform(margin-minV, RefSize-margin-maxV)
}

// scaleSpec scales every length of s about the palm centre by f.
func scaleSpec(s *HandSpec, f float64) {
	s.PalmHalfWidth *= f
	s.PalmHalfHeight *= f
	s.PalmCorner *= f
	for i := range s.Digits {
		d := &s.Digits[i]
		d.BaseX *= f
		d.BaseY *= f
		d.Length *= f
		d.Radius *= f
	}
}

// SpecWithDigits returns an upright right hand centred in the frame with n
// digits in all: a thumb on the left (for n >= 1) and n-1 fingers fanned
// evenly above the palm, 17° apart, each of radius 1 (RefSize pixels), with
// the thumb 30° beyond the first finger. n = 0 gives a bare palm. It is meant for building test hands with unusual finger
// counts; change the fields to vary it.
func SpecWithDigits(n int) HandSpec {
	a, b := 4.4, 5.0
	s := HandSpec{CX: 16, CY: 19, PalmHalfWidth: a, PalmHalfHeight: b, PalmCorner: 2.4, Label: Right}
	if n <= 0 {
		return s
	}
	nf := n - 1
	angles := make([]float64, nf)
	lengths := make([]float64, nf)
	radii := make([]float64, nf)
	for j := range angles {
		// Fingers from the thumb side (-x) to the other side (+x).
		angles[j] = (float64(j) - float64(nf-1)/2) * 17 * math.Pi / 180
		lengths[j] = 7.5
		radii[j] = 1
	}
	s.Digits = fingers(&s, -0.9*b, angles, lengths, radii)
	thumb := -30 * math.Pi / 180
	if nf > 0 {
		thumb += angles[0]
	}
	s.Digits = append(s.Digits, Digit{
		BaseX: -(a - 1.4), BaseY: -0.25 * b,
		Angle: thumb, Length: 8.5, Radius: 1.2,
	})
	return s
}

// Disc returns a spec of a plain disc of the given radius (RefSize pixels)
// centred in the frame: a palm without digits.
func Disc(radius float64) HandSpec {
	return HandSpec{CX: RefSize / 2, CY: RefSize / 2, PalmHalfWidth: radius, PalmHalfHeight: radius, PalmCorner: radius}
}

// rng is a SplitMix64 generator: small, fast and the same on every platform
// and Go release, so generated data sets never change.
type rng struct{ s uint64 }

// newRNG returns the generator of image i of the data set with the seed.
func newRNG(seed int64, i int) *rng {
	r := &rng{s: uint64(seed)}
	h := r.next()
	r.s = h ^ (uint64(i)+1)*0xD1B54A32D192ED03
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// uniform returns a value uniformly distributed in [lo, hi).
func (r *rng) uniform(lo, hi float64) float64 {
	return lo + (hi-lo)*float64(r.next()>>11)/(1<<53)
}
