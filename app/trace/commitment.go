package trace

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"mosaic/model/analysis"
	"mosaic/model/render"
)

// CommitmentFraction returns the position on the heat scale of commitment
// step s of an n-step trajectory: 0 for s >= n (fixed from the start, the
// earliest possible decision), 1 for s <= 1 (still changing at the very last
// step), linear in between. Late decisions are bright.
func CommitmentFraction(s, n int) float64 {
	if n <= 1 {
		return 0
	}
	s = min(max(s, 1), n)
	return float64(n-s) / float64(n-1)
}

// CommitmentColor returns the colour of commitment step s of an n-step
// trajectory (see CommitmentFraction).
func CommitmentColor(s, n int) color.RGBA { return render.Inferno(CommitmentFraction(s, n)) }

// CommitmentImage renders a commitment map as a W x H image, one pixel per
// image pixel (scale it up with nearest-neighbour sampling to show it): each
// pixel is coloured by the step at which it was last still changing, with
// late decisions (small t, small patches) bright and early ones dark.
// A nil map gives nil.
func CommitmentImage(c *analysis.Commitment) image.Image {
	if c == nil || c.W <= 0 || c.H <= 0 || len(c.Step) < c.W*c.H {
		return nil
	}
	img := image.NewRGBA(image.Rect(0, 0, c.W, c.H))
	for p := range c.W * c.H {
		col := CommitmentColor(c.Step[p], c.N)
		o := 4 * p
		img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = col.R, col.G, col.B, 255
	}
	return img
}

// LegendEntry is one entry of the commitment map's legend: the colour of
// the pixels that committed at Step (time T = Step/N), with a label such as
// "t = 0.15".
type LegendEntry struct {
	// Step is the commitment step; Step = N means "fixed from the start".
	Step int
	// T is the commitment time Step/N.
	T float64
	// Color is the colour CommitmentImage uses for Step.
	Color color.RGBA
	// Label is the text to show beside the colour.
	Label string
}

// CommitmentLegend returns the legend of the commitment map of an n-step
// trajectory: one entry per possible commitment step, from n (fixed from
// the start, dark) down to 1 (decided at the last step, bright), so that it
// reads top to bottom as the sampler runs. It returns nil for n < 2.
func CommitmentLegend(n int) []LegendEntry {
	if n < 2 {
		return nil
	}
	out := make([]LegendEntry, 0, n)
	for s := n; s >= 1; s-- {
		t := float64(s) / float64(n)
		label := fmt.Sprintf("t = %.2f", t)
		switch s {
		case n:
			label = "fixed from the start"
		case 1:
			label = fmt.Sprintf("t = %.2f (last step)", t)
		}
		out = append(out, LegendEntry{Step: s, T: t, Color: CommitmentColor(s, n), Label: label})
	}
	return out
}

// CommitmentBar returns a vertical colour bar of the commitment scale of an
// n-step trajectory, one row per legend entry of CommitmentLegend (early at
// the top, late at the bottom), width pixels wide. Scale it up with
// nearest-neighbour sampling to show it.
func CommitmentBar(n, width int) image.Image {
	leg := CommitmentLegend(n)
	if len(leg) == 0 || width < 1 {
		return nil
	}
	img := image.NewRGBA(image.Rect(0, 0, width, len(leg)))
	for y, e := range leg {
		for x := range width {
			img.SetRGBA(x, y, e.Color)
		}
	}
	return img
}

// LatestRegion returns the size x size window of the commitment map whose
// pixels were decided latest on average (the smallest mean commitment
// step; ties go to the first in row-major order): a good first region to
// trace when looking for an artifact. size is clamped to the image.
func LatestRegion(c *analysis.Commitment, size int) image.Rectangle {
	if c == nil || c.W <= 0 || c.H <= 0 {
		return image.Rectangle{}
	}
	sw, sh := min(max(size, 1), c.W), min(max(size, 1), c.H)
	best, bestSum := image.Rectangle{}, math.MaxInt
	for r := 0; r+sh <= c.H; r++ {
		for col := 0; col+sw <= c.W; col++ {
			sum := 0
			for y := r; y < r+sh; y++ {
				for x := col; x < col+sw; x++ {
					sum += c.Step[y*c.W+x]
				}
			}
			if sum < bestSum {
				best, bestSum = image.Rect(col, r, col+sw, r+sh), sum
			}
		}
	}
	return best
}
