// Package palette is Mosaic's one set of colours, named by what they show:
// the chart series, the mosaic map's sources, the verdicts of a count, the
// highlights drawn over images, and the dark background with its text.
//
// It imports only image/color, so that every layer may use it: model/
// (render, the command lines' plots and sheets), widgets/ (which may
// import neither model/ nor app/) and app/. Change a colour here and every
// view that shows the same thing follows.
package palette

import "image/color"

// Series are the colours of chart series, in the order they are assigned:
// Tableau 10, matplotlib's default cycle.
var Series = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

// The first series colours by name, for charts whose series have fixed
// meanings.
var (
	Blue   = Series[0]
	Orange = Series[1]
	Green  = Series[2]
	Red    = Series[3]
)

// Mosaic holds distinct, saturated colours for the most frequent sources
// of the mosaic map (after Kelly's and Tableau's categorical palettes).
var Mosaic = []color.RGBA{
	{230, 25, 75, 255}, {60, 180, 75, 255}, {255, 225, 25, 255}, {0, 130, 200, 255},
	{245, 130, 48, 255}, {145, 30, 180, 255}, {70, 240, 240, 255}, {240, 50, 230, 255},
	{210, 245, 60, 255}, {250, 190, 212, 255}, {0, 128, 128, 255}, {220, 190, 255, 255},
	{170, 110, 40, 255}, {255, 250, 200, 255}, {128, 0, 0, 255}, {170, 255, 195, 255},
	{128, 128, 0, 255}, {255, 215, 180, 255}, {0, 0, 128, 255}, {255, 255, 255, 255},
}

var (
	// Neutral is a mid grey for what is neither one thing nor another: the
	// mosaic legend's "other" sources, a count that cannot tell.
	Neutral = color.RGBA{110, 110, 110, 255}
	// NoSource is the mosaic map's colour of pixels without a dominant
	// source.
	NoSource = color.RGBA{38, 38, 38, 255}
	// Edge is the colour of the lines between the mosaic map's regions.
	Edge = color.RGBA{0, 0, 0, 235}
)

// Verdicts of a finger count: five, as it should be, and not five.
// (Neutral is the count that cannot tell.)
var (
	Right = color.RGBA{0, 150, 0, 255}
	Wrong = color.RGBA{210, 0, 0, 255}
)

var (
	// Highlight outlines a region drawn over an image (a neighbourhood, a
	// patch): a warm yellow that stands out on the gray images and on the
	// colour maps alike.
	Highlight = color.RGBA{255, 200, 40, 255}
	// Cursor marks what the user is pointing at or dragging, or the region
	// being traced: a cyan that differs from Highlight.
	Cursor = color.RGBA{0, 220, 255, 255}
	// Patch outlines the heaviest patches in a training image (the trace
	// panel): an orange, next to the Cursor region it explains.
	Patch = color.RGBA{255, 170, 0, 255}
)

// Histograms that compare generated samples with the training set
// (ColorBrewer Dark2's orange and teal), and a trained network's samples
// beside a machine's (Dark2's purple).
var (
	Sample   = color.RGBA{0xd9, 0x5f, 0x02, 0xff}
	Training = color.RGBA{0x1b, 0x9e, 0x77, 0xff}
	Network  = color.RGBA{0x75, 0x70, 0xb3, 0xff}
)

// The dark background of image sheets and the text drawn on it.
var (
	Background = color.RGBA{40, 40, 40, 255}
	Text       = color.RGBA{255, 255, 255, 255}
)

// Theory returns the colour of a machine's line in the r^2 charts of the
// command line and the app, by its command-line name, so that a theory has
// one colour everywhere: IS grey (the memorising baseline), LS orange, ELS
// blue, Wiener green, PCA-locality purple; anything else the next free
// series colour (brown).
func Theory(name string) color.RGBA {
	switch name {
	case "ideal", "is":
		return Series[7]
	case "ls":
		return Orange
	case "els":
		return Blue
	case "wiener":
		return Green
	case "pca-locality":
		return Series[4]
	}
	return Series[5]
}
