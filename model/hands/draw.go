package hands

import "math"

// RefSize is the side of the reference image in which every length and
// position of a HandSpec is measured: Draw scales the spec by size/RefSize,
// so one spec gives the same picture at 32x32 and at 64x64.
const RefSize = 32

// Supersample is the number of sub-samples per pixel along each axis used for
// anti-aliasing (Supersample*Supersample samples per pixel).
const Supersample = 4

// Digit is one finger or the thumb: a capsule, i.e. a segment with a round cap
// at each end, in hand coordinates (origin at the palm centre, x to the
// hand's right as drawn before rotation, y up towards the fingers), in units of
// RefSize-pixel images.
type Digit struct {
	// BaseX, BaseY is the start of the segment (normally inside the palm).
	BaseX, BaseY float64
	// Angle is the direction of the segment in radians, measured from "up"
	// (+y) towards +x: 0 points straight up, +pi/2 points right.
	Angle float64
	// Length is the length of the segment (the caps add Radius at each end).
	Length float64
	// Radius is half the width of the digit.
	Radius float64
}

// Tip returns the end point of the digit's segment in hand coordinates.
func (d Digit) Tip() (x, y float64) {
	return d.BaseX + d.Length*math.Sin(d.Angle), d.BaseY + d.Length*math.Cos(d.Angle)
}

// HandSpec describes one hand explicitly: a palm (a rounded rectangle) and any
// number of digits, placed and rotated in the image. Lengths and positions are
// in pixels of a RefSize x RefSize image; Draw scales them to the output size.
// A spec with no digits and PalmCorner equal to both half sizes is a disc.
type HandSpec struct {
	// CX, CY is the palm centre in image coordinates (column, row; row grows
	// downwards), in RefSize units.
	CX, CY float64
	// Rotation turns the whole hand about the palm centre, in radians;
	// positive turns it counter-clockwise on screen.
	Rotation float64
	// PalmHalfWidth and PalmHalfHeight are the half sizes of the palm
	// rectangle along the hand's x and y axes.
	PalmHalfWidth, PalmHalfHeight float64
	// PalmCorner is the radius of the palm's rounded corners (clamped to the
	// smaller half size).
	PalmCorner float64
	// Digits are the fingers and the thumb, in any order.
	Digits []Digit
	// Label is the class of the hand (0 = left, 1 = right); Draw ignores it.
	Label int
}

// toImage maps a hand-frame point to image coordinates (RefSize units).
func (s *HandSpec) toImage(x, y float64) (u, v float64) {
	sn, cs := math.Sincos(s.Rotation)
	// Counter-clockwise on screen with y up in the hand frame.
	rx := cs*x - sn*y
	ry := sn*x + cs*y
	return s.CX + rx, s.CY - ry
}

// palmCorner maps hand-frame point (x, y) into the first quadrant relative
// to the centre of the palm's corner arc: the offsets (qx, qy) beyond the
// straight part of the outline and the corner radius c, which palmSDF and
// palmInside share.
func (s *HandSpec) palmCorner(x, y float64) (qx, qy, c float64) {
	c = max(min(s.PalmCorner, s.PalmHalfWidth, s.PalmHalfHeight), 0)
	return math.Abs(x) - (s.PalmHalfWidth - c), math.Abs(y) - (s.PalmHalfHeight - c), c
}

// palmSDF is the signed distance from hand-frame point (x, y) to the palm
// outline (negative inside).
func (s *HandSpec) palmSDF(x, y float64) float64 {
	qx, qy, c := s.palmCorner(x, y)
	switch {
	case qx > 0 && qy > 0:
		return math.Sqrt(qx*qx+qy*qy) - c
	default:
		return max(qx, qy) - c
	}
}

// segDist2 is the squared distance from point (px, py) to the segment from
// the origin to (dx, dy), whose squared length is l2.
func segDist2(px, py, dx, dy, l2 float64) float64 {
	t := 0.0
	if l2 > 0 {
		t = (px*dx + py*dy) / l2
		if t < 0 {
			t = 0
		} else if t > 1 {
			t = 1
		}
	}
	ex, ey := px-t*dx, py-t*dy
	return ex*ex + ey*ey
}

// palmInside reports whether hand-frame point (x, y) lies in the palm; it
// agrees with palmSDF(x, y) <= 0 but is cheaper.
func (s *HandSpec) palmInside(x, y float64) bool {
	qx, qy, c := s.palmCorner(x, y)
	switch {
	case qx <= 0 && qy <= 0:
		return true
	case qx > 0 && qy > 0:
		return qx*qx+qy*qy <= c*c
	default:
		return max(qx, qy) <= c
	}
}

// Bounds returns the bounding box of the drawn hand in image coordinates
// (RefSize units): columns [minU, maxU] and rows [minV, maxV].
func (s *HandSpec) Bounds() (minU, minV, maxU, maxV float64) {
	minU, minV = math.Inf(1), math.Inf(1)
	maxU, maxV = math.Inf(-1), math.Inf(-1)
	add := func(x, y, r float64) {
		u, v := s.toImage(x, y)
		minU, maxU = math.Min(minU, u-r), math.Max(maxU, u+r)
		minV, maxV = math.Min(minV, v-r), math.Max(maxV, v+r)
	}
	for _, sx := range []float64{-1, 1} {
		for _, sy := range []float64{-1, 1} {
			add(sx*s.PalmHalfWidth, sy*s.PalmHalfHeight, 0)
		}
	}
	for i := range s.Digits {
		d := &s.Digits[i]
		add(d.BaseX, d.BaseY, d.Radius)
		tx, ty := d.Tip()
		add(tx, ty, d.Radius)
	}
	return
}

// Draw renders the hand into a size x size grayscale image (row-major, values
// in [-1, 1]: background -1, hand +1), anti-aliased with Supersample x
// Supersample samples per pixel. Any size > 0 works; the spec is scaled by
// size/RefSize. Draw returns nil for size <= 0.
func Draw(spec HandSpec, size int) []float64 {
	if size <= 0 {
		return nil
	}
	img := make([]float64, size*size)
	drawInto(&spec, size, img)
	return img
}

// drawInto renders spec into img (len size*size). A pixel whose centre is
// farther than half a pixel diagonal from the outline is fully inside or
// outside; only the others are supersampled.
func drawInto(s *HandSpec, size int, img []float64) {
	const ss = Supersample
	px := float64(RefSize) / float64(size) // RefSize units per pixel
	half := px * math.Sqrt2 / 2
	sn, cs := math.Sincos(s.Rotation)
	// toHand without the trigonometry (see HandSpec.toHand).
	toHand := func(u, v float64) (x, y float64) {
		rx, ry := u-s.CX, -(v - s.CY)
		return cs*rx + sn*ry, -sn*rx + cs*ry
	}
	type seg struct{ bx, by, dx, dy, l2, r, in2, out2 float64 }
	segs := make([]seg, len(s.Digits))
	for i, d := range s.Digits {
		tx, ty := d.Tip()
		g := seg{bx: d.BaseX, by: d.BaseY, dx: tx - d.BaseX, dy: ty - d.BaseY, r: d.Radius}
		g.l2 = g.dx*g.dx + g.dy*g.dy
		g.in2 = -1 // no pixel is surely inside a digit thinner than a pixel
		if d.Radius > half {
			g.in2 = (d.Radius - half) * (d.Radius - half)
		}
		g.out2 = (d.Radius + half) * (d.Radius + half)
		segs[i] = g
	}
	// near lists the digits whose outline passes through the current pixel;
	// only they (and the palm when nearPalm) can cover its sub-samples.
	near := make([]int, 0, len(segs))
	nearPalm := false
	inside := func(x, y float64) bool {
		if nearPalm && s.palmInside(x, y) {
			return true
		}
		for _, i := range near {
			g := &segs[i]
			if segDist2(x-g.bx, y-g.by, g.dx, g.dy, g.l2) <= g.r*g.r {
				return true
			}
		}
		return false
	}
	// Pixels outside the bounding box (plus a pixel) are background.
	minU, minV, maxU, maxV := s.Bounds()
	c0, c1 := max(0, int(minU/px)-1), min(size-1, int(maxU/px)+1)
	r0, r1 := max(0, int(minV/px)-1), min(size-1, int(maxV/px)+1)
	for i := range img {
		img[i] = -1
	}
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			x, y := toHand((float64(c)+0.5)*px, (float64(r)+0.5)*px)
			// Classify the whole pixel when the outline is far enough.
			d := s.palmSDF(x, y)
			full := d <= -half
			nearPalm = d < half
			empty := !nearPalm
			near = near[:0]
			for i := 0; i < len(segs) && !full; i++ {
				g := &segs[i]
				d2 := segDist2(x-g.bx, y-g.by, g.dx, g.dy, g.l2)
				if d2 <= g.in2 {
					full = true
				}
				if d2 < g.out2 {
					empty = false
					near = append(near, i)
				}
			}
			switch {
			case full:
				img[r*size+c] = 1
			case empty:
				img[r*size+c] = -1
			default:
				k := 0
				for a := 0; a < ss; a++ {
					v := (float64(r) + (float64(a)+0.5)/ss) * px
					for b := 0; b < ss; b++ {
						if inside(toHand((float64(c)+(float64(b)+0.5)/ss)*px, v)) {
							k++
						}
					}
				}
				img[r*size+c] = float64(k)*(2.0/(ss*ss)) - 1
			}
		}
	}
}
