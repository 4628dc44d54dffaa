package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Tick is one labelled value of a colour scale, for legends.
type Tick struct {
	Value float64
	Label string
}

// lerp interpolates linearly between colour stops placed evenly on [0, 1].
func lerp(stops []color.RGBA, f float64) color.RGBA {
	if !(f > 0) {
		return stops[0]
	}
	if f >= 1 {
		return stops[len(stops)-1]
	}
	pos := f * float64(len(stops)-1)
	i := int(pos)
	u := pos - float64(i)
	a, b := stops[i], stops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + u*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// divergingStops is a blue-white-red scale (after ColorBrewer RdBu).
var divergingStops = []color.RGBA{
	{5, 48, 97, 255}, {33, 102, 172, 255}, {67, 147, 195, 255}, {146, 197, 222, 255},
	{247, 247, 247, 255},
	{244, 165, 130, 255}, {214, 96, 77, 255}, {178, 24, 43, 255}, {103, 0, 31, 255},
}

// DivergingColor maps u in [-1, 1] to blue (negative), white (zero) and red
// (positive); values outside are clamped.
func DivergingColor(u float64) color.RGBA {
	return lerp(divergingStops, (u+1)/2)
}

// Diverging renders an H*W signed map with a symmetric scale [-limit,
// limit] (use SymmetricLimit for the map's own range).
func Diverging(v []float64, h, w int, limit float64) *image.RGBA {
	if !(limit > 0) {
		limit = 1
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p := range h * w {
		c := DivergingColor(v[p] / limit)
		o := 4 * p
		img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, 255
	}
	return img
}

// DivergingTicks returns the legend values of a symmetric scale:
// -limit, 0 and +limit.
func DivergingTicks(limit float64) []Tick {
	return []Tick{{-limit, format(-limit)}, {0, "0"}, {limit, format(limit)}}
}

// viridisStops samples matplotlib's viridis at 9 evenly spaced points.
var viridisStops = []color.RGBA{
	{68, 1, 84, 255}, {71, 45, 123, 255}, {59, 82, 139, 255}, {44, 114, 142, 255},
	{33, 145, 140, 255}, {40, 174, 128, 255}, {94, 201, 98, 255}, {173, 220, 48, 255},
	{253, 231, 37, 255},
}

// Viridis maps f in [0, 1] to a perceptually uniform dark-purple to yellow
// scale; values outside are clamped.
func Viridis(f float64) color.RGBA { return lerp(viridisStops, f) }

// infernoStops samples matplotlib's inferno at 9 evenly spaced points:
// black, purple, red, orange, pale yellow.
var infernoStops = []color.RGBA{
	{0, 0, 4, 255}, {31, 12, 72, 255}, {85, 15, 109, 255}, {136, 34, 106, 255},
	{186, 54, 85, 255}, {227, 89, 51, 255}, {249, 140, 10, 255}, {249, 201, 50, 255},
	{252, 255, 164, 255},
}

// Inferno maps f in [0, 1] to a black-purple-orange-yellow scale whose
// lightness rises monotonically, so it stays readable in grayscale and on a
// washed-out projector; values outside are clamped and NaN maps to black.
func Inferno(f float64) color.RGBA { return lerp(infernoStops, f) }

// Scale maps map values to [0, 1] for Heat, linearly or logarithmically.
type Scale struct {
	Lo, Hi float64
	Log    bool
}

// NewScale returns the scale covering the finite values of v; a log scale
// requires positive values and clamps Lo to at least 1e-12.
func NewScale(v []float64, log bool) Scale {
	lo, hi := Range(v)
	if log {
		lo = max(lo, 1e-12)
		hi = max(hi, lo)
	}
	return Scale{Lo: lo, Hi: hi, Log: log}
}

// At returns the position of value x on the scale, in [0, 1] (0.5 when
// the scale is degenerate).
func (s Scale) At(x float64) float64 {
	lo, hi := s.Lo, s.Hi
	if s.Log {
		x, lo, hi = math.Log(max(x, 1e-12)), math.Log(lo), math.Log(hi)
	}
	if !(hi > lo) {
		return 0.5
	}
	return min(1, max(0, (x-lo)/(hi-lo)))
}

// Value returns the map value at position f in [0, 1] (the inverse of At).
func (s Scale) Value(f float64) float64 {
	if s.Log {
		lo, hi := math.Log(s.Lo), math.Log(s.Hi)
		return math.Exp(lo + f*(hi-lo))
	}
	return s.Lo + f*(s.Hi-s.Lo)
}

// Ticks returns n >= 2 evenly spaced legend values of the scale (evenly in
// log space for a log scale).
func (s Scale) Ticks(n int) []Tick {
	n = max(n, 2)
	out := make([]Tick, n)
	for i := range n {
		v := s.Value(float64(i) / float64(n-1))
		out[i] = Tick{v, format(v)}
	}
	return out
}

// Heat renders an H*W map with the viridis colormap on the given scale.
func Heat(v []float64, h, w int, s Scale) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p := range h * w {
		c := Viridis(s.At(v[p]))
		o := 4 * p
		img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, 255
	}
	return img
}

// format prints a legend value compactly.
func format(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a >= 1000 || a < 0.01:
		return fmt.Sprintf("%.2g", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
