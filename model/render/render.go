// Package render turns the float images and per-pixel maps of the model
// ([C, H, W] arrays with values in [-1, 1], or H*W maps) into image.Image
// values for display and export: grayscale or RGB frames, a diverging
// colormap for signed quantities, a categorical palette for the mosaic map
// and a perceptual heat colormap for non-negative maps. It has no GUI
// dependencies.
package render

import (
	"image"
	"image/color"
	"math"
)

// Image renders x ([C, H, W], values in [-1, 1]) as a grayscale image when
// C = 1 and as RGB when C = 3 (other channel counts show channel 0). Values
// outside [-1, 1] are clamped.
func Image(x []float64, c, h, w int) image.Image {
	hw := h * w
	if c == 3 {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for p := range hw {
			o := 4 * p
			img.Pix[o] = Byte(x[p])
			img.Pix[o+1] = Byte(x[hw+p])
			img.Pix[o+2] = Byte(x[2*hw+p])
			img.Pix[o+3] = 255
		}
		return img
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for p := range hw {
		img.Pix[p] = Byte(x[p])
	}
	return img
}

// Byte maps a value in [-1, 1] to 0..255 (the inverse of v/127.5 - 1),
// clamping values outside and mapping NaN to 0.
func Byte(v float64) uint8 {
	f := (v + 1) * 127.5
	switch {
	case !(f > 0): // also NaN
		return 0
	case f >= 255:
		return 255
	}
	return uint8(math.Round(f))
}

// ChannelMean averages x ([C, H, W]) over its channels into an H*W map.
func ChannelMean(x []float64, c, h, w int) []float64 {
	hw := h * w
	out := make([]float64, hw)
	for ch := range c {
		for p := range hw {
			out[p] += x[ch*hw+p]
		}
	}
	if c > 1 {
		for p := range out {
			out[p] /= float64(c)
		}
	}
	return out
}

// Diff returns a - b element-wise.
func Diff(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// Range returns the minimum and maximum of the finite values of v, or
// (0, 0) when there are none.
func Range(v []float64) (lo, hi float64) {
	first := true
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		if first {
			lo, hi, first = x, x, false
			continue
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// SymmetricLimit returns the largest absolute finite value of v, the
// half-range of a symmetric diverging scale; it returns 1 for an all-zero
// map so that the scale never collapses.
func SymmetricLimit(v []float64) float64 {
	lo, hi := Range(v)
	m := max(-lo, hi)
	if m <= 0 {
		return 1
	}
	return m
}

// Upscale enlarges img by an integer factor with nearest-neighbour
// sampling, so every source pixel becomes a crisp factor x factor block.
func Upscale(img image.Image, factor int) *image.RGBA {
	if factor < 1 {
		factor = 1
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*factor, b.Dy()*factor))
	for y := range b.Dy() {
		for x := range b.Dx() {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
			for dy := range factor {
				row := (y*factor + dy) * out.Stride
				for dx := range factor {
					o := row + 4*(x*factor+dx)
					out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = c.R, c.G, c.B, c.A
				}
			}
		}
	}
	return out
}
