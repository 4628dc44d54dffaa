package widgets

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mosaic/internal/golden"
)

// The golden tests draw each widget in a fixed state with Fyne's test
// theme and compare its markup (positions, sizes, texts, colours) and,
// where the pixels matter, its image with the files in testdata/. Run
// `go test ./widgets/ -run Golden -update` to rewrite them after a
// deliberate change of the look, and look at the diff.

// gradient is a w×h test image with a distinct colour per pixel.
func gradient(w, h int) *image.NRGBA {
	return pattern(w, h, func(r, c int) color.NRGBA {
		return color.NRGBA{uint8(255 * c / max(w-1, 1)), uint8(255 * r / max(h-1, 1)), 128, 255}
	})
}

func TestGoldenImageView(t *testing.T) {
	test.NewTempApp(t)
	v := NewImageView()
	v.SetImage(gradient(8, 6))
	v.SetSelected(2, 3)
	v.SetRegion(image.Rect(4, 1, 7, 4))
	v.Resize(fyne.NewSize(160, 120))
	golden.ObjectMarkup(t, "imageview.xml", v)
	golden.ObjectImage(t, "imageview.png", v)
}

func TestGoldenTimeline(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	labels := make([]string, 10)
	for i := range labels {
		labels[i] = fmt.Sprintf("t=%.2f k=%d", 1-float64(i)/10, 2*(9-i)/3*2+1)
	}
	tl.SetSteps(labels)
	tl.SetCurrent(3)
	tl.Resize(fyne.NewSize(640, tl.MinSize().Height))
	golden.ObjectMarkup(t, "timeline.xml", tl)
}

func TestGoldenFilmstrip(t *testing.T) {
	test.NewTempApp(t)
	f := NewFilmstrip()
	f.SetThumbSize(40)
	n := 6
	top := make([]image.Image, n)
	bottom := make([]image.Image, n)
	caps := make([]string, n)
	for i := range n {
		caps[i] = fmt.Sprintf("%.2f", 1-float64(i)/float64(n))
		if i != 4 { // one not computed yet: a placeholder
			top[i], bottom[i] = gradient(4, 4), checker(4, 4)
		}
	}
	f.SetFrames(top, bottom, caps)
	f.SetCurrent(2)
	f.Resize(fyne.NewSize(400, f.MinSize().Height))
	golden.ObjectMarkup(t, "filmstrip.xml", f)
	golden.ObjectImage(t, "filmstrip.png", f)
}

func TestGoldenScheduleEditor(t *testing.T) {
	s, w := showSchedule(t, []int{3, 3, 5, 5, 7, 9, 11, 13})
	s.SetCurrent(3)
	golden.Markup(t, "schedule.xml", w.Canvas())
	// The chart is a gonum/plot raster: compared with a tolerance.
	golden.Plot(t, "schedule.png", w.Canvas().Capture(), 16, 0.002)
}

func TestGoldenPatchList(t *testing.T) {
	test.NewTempApp(t)
	p := NewPatchList()
	p.SetEntries([]PatchEntry{
		{Patch: gradient(3, 3), Source: gradient(8, 8), Outline: image.Rect(2, 2, 5, 5), Title: "#12 · 3 · at (3, 3)", Weight: 0.62},
		{Patch: checker(3, 3), Source: checker(8, 8), Outline: image.Rect(0, 4, 3, 7), Title: "#40 · 7 · at (5, 1)", Weight: 0.3},
		{Patch: gradient(3, 3), Source: gradient(8, 8), Outline: image.Rect(5, 0, 8, 3), Title: "#7 · at (1, 6)", Weight: 0.0004},
	})
	p.Resize(fyne.NewSize(360, 260))
	golden.ObjectMarkup(t, "patchlist.xml", p)
}

func TestGoldenWeightBars(t *testing.T) {
	test.NewTempApp(t)
	b := NewWeightBars()
	b.SetBars([]Bar{{Label: "#12 · 3", Value: 0.62}, {Label: "#40 · 7", Value: 0.3}, {Label: "#7", Value: 0.0004}})
	b.Resize(fyne.NewSize(300, b.MinSize().Height))
	golden.ObjectMarkup(t, "bars.xml", b)
	golden.ObjectImage(t, "bars.png", b)
}
