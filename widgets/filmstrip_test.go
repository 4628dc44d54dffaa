package widgets

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestFilmstripTapAndCurrent(t *testing.T) {
	test.NewTempApp(t)
	f := NewFilmstrip()
	n := 30
	top := make([]image.Image, n)
	bottom := make([]image.Image, n)
	caps := make([]string, n)
	for i := range caps {
		caps[i] = fmt.Sprintf("t=%.2f", float64(i)/float64(n))
		if i%3 != 0 { // some not computed yet
			top[i] = checker(4, 4)
		}
	}
	f.SetFrames(top, bottom, caps)
	w := test.NewWindow(f)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 220))
	defer w.Close()

	var got []int
	f.OnSelect = func(i int) { got = append(got, i) }
	// Tap on the canvas where the third cell is.
	c2 := f.cells[2]
	test.TapCanvas(w.Canvas(), c2.Position().AddXY(c2.Size().Width/2, 10))
	if fmt.Sprint(got) != "[2]" || f.Current() != 2 || !c2.current {
		t.Fatalf("tap: OnSelect %v, current %d", got, f.Current())
	}
	// SetCurrent far right scrolls it into view without OnSelect.
	f.SetCurrent(25)
	c := f.cells[25]
	off := f.scroll.Offset.X
	if x := c.Position().X; x < off || x+c.Size().Width > off+f.scroll.Size().Width {
		t.Fatalf("cell 25 at %v..%v not in view %v..%v", x, x+c.Size().Width, off, off+f.scroll.Size().Width)
	}
	if c2.current || !c.current || len(got) != 1 {
		t.Fatalf("highlight not moved or OnSelect called: %v", got)
	}
	// Streaming update of one frame.
	img := pattern(2, 2, func(int, int) color.NRGBA { return blue })
	f.SetFrame(0, img, img)
	if f.cells[0].top.img != img || f.cells[0].bottom.img != img {
		t.Fatalf("SetFrame did not update")
	}
	f.SetFrame(99, img, img) // ignored
	// Shrinking keeps the strip consistent.
	f.SetFrames(top[:5], nil, caps[:5])
	if f.Len() != 5 || len(f.box.Objects) != 5 || f.Current() != -1 {
		t.Fatalf("after shrink: len %d objects %d current %d", f.Len(), len(f.box.Objects), f.Current())
	}
}

func TestPatchList(t *testing.T) {
	test.NewTempApp(t)
	p := NewPatchList()
	src := pattern(8, 8, func(int, int) color.NRGBA { return blue })
	patch := pattern(3, 3, func(int, int) color.NRGBA { return red })
	p.SetEntries([]PatchEntry{
		{Patch: patch, Source: src, Outline: image.Rect(2, 2, 5, 5), Title: "#1 · label 3 · at (2,2)", Weight: 0.5},
		{Patch: patch, Source: src, Outline: image.Rect(0, 0, 3, 3), Title: "#2", Weight: 0.25},
		{Patch: nil, Source: nil, Title: "#3 not loaded", Weight: 0},
	})
	w := test.NewWindow(p)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(500, 400))
	defer w.Close()

	var got []int
	p.OnSelect = func(i int) { got = append(got, i) }
	p.Select(1)
	if fmt.Sprint(got) != "[1]" {
		t.Fatalf("OnSelect %v", got)
	}
	img := w.Canvas().Capture()
	// Both thumbnails and the source's outline are on screen.
	var reds, blues, outline int
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			switch color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) {
			case red:
				reds++
			case blue:
				blues++
			case regionColor:
				outline++
			}
		}
	}
	if reds == 0 || blues == 0 || outline == 0 {
		t.Fatalf("rendered: %d red, %d blue, %d outline pixels", reds, blues, outline)
	}
	// The rows' bars: full for the largest weight, half for half of it.
	if p.list.Length() != 3 {
		t.Fatalf("rows %d", p.list.Length())
	}
	r0 := rowFor(t, p, 0)
	r1 := rowFor(t, p, 1)
	if r0.bar.frac != 1 || r1.bar.frac != 0.5 || r1.bar.text != "0.250" || r0.title.Text != "#1 · label 3 · at (2,2)" {
		t.Fatalf("rows: %v %q / %v %q", r0.bar.frac, r0.bar.text, r1.bar.frac, r1.bar.text)
	}
	p.SetEntries(nil)
	if p.list.Length() != 0 {
		t.Fatalf("not cleared")
	}
}

// rowFor renders row i into a fresh template and returns it.
func rowFor(t *testing.T, p *PatchList, i int) *patchRow {
	t.Helper()
	o := p.newRow()
	p.updateRow(i, o)
	return o.(*patchRow)
}

func TestPixelImageSubImageAndOutline(t *testing.T) {
	test.NewTempApp(t)
	src := pattern(8, 8, func(r, c int) color.NRGBA {
		if r >= 4 {
			return red
		}
		return blue
	})
	// A SubImage whose bounds start at (2, 4): all red.
	sub := src.SubImage(image.Rect(2, 4, 6, 8))
	p := NewPixelImage(sub, fyne.NewSquareSize(80))
	w := test.NewWindow(p)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(80, 80))
	defer w.Close()
	shot := w.Canvas().Capture()
	sc := float32(shot.Bounds().Dx()) / 80
	for _, pt := range [][2]float32{{5, 5}, {40, 40}, {75, 75}} {
		if c := color.NRGBAModel.Convert(shot.At(int(pt[0]*sc), int(pt[1]*sc))).(color.NRGBA); c != red {
			t.Fatalf("SubImage pixel at %v = %v, want red", pt, c)
		}
	}
	// An outline is drawn around (not over) the outlined pixels.
	p.SetImage(src)
	p.SetOutline(image.Rect(2, 2, 4, 4)) // 10 units per pixel: 20..40
	shot = w.Canvas().Capture()
	at := func(x, y float32) color.NRGBA {
		return color.NRGBAModel.Convert(shot.At(int(x*sc), int(y*sc))).(color.NRGBA)
	}
	if c := at(30, 30); c != blue {
		t.Fatalf("outlined pixel covered: %v", c)
	}
	if c := at(18.5, 30); c != regionColor {
		t.Fatalf("no outline beside the region: %v", c)
	}
}
