package widgets

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// pattern returns a w×h image where pixel (r, c) has colour f(r, c).
func pattern(w, h int, f func(r, c int) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			img.SetNRGBA(c, r, f(r, c))
		}
	}
	return img
}

var (
	red  = color.NRGBA{220, 30, 40, 255}
	blue = color.NRGBA{20, 60, 230, 255}
)

func checker(w, h int) *image.NRGBA {
	return pattern(w, h, func(r, c int) color.NRGBA {
		if (r+c)%2 == 0 {
			return red
		}
		return blue
	})
}

// showImageView puts an ImageView with a 4×4 image in an unpadded window
// of 200×100: cell 25, image at x 50..150, y 0..100.
func showImageView(t *testing.T) (*ImageView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	v := NewImageView()
	v.SetImage(checker(4, 4))
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(200, 100))
	t.Cleanup(w.Close)
	if got := v.Size(); got != fyne.NewSize(200, 100) {
		t.Fatalf("view size %v", got)
	}
	return v, w
}

func TestImageViewPixelAt(t *testing.T) {
	v, _ := showImageView(t)
	cases := []struct {
		x, y   float32
		r, c   int
		inside bool
	}{
		{50, 0, 0, 0, true},
		{74.9, 24.9, 0, 0, true},
		{75, 25, 1, 1, true},
		{149, 99, 3, 3, true},
		{50 + 25*2 + 3, 25*1 + 3, 1, 2, true},
		{49, 50, -1, -1, false},
		{150, 50, -1, -1, false},
	}
	for _, tc := range cases {
		r, c, ok := v.PixelAt(fyne.NewPos(tc.x, tc.y))
		if ok != tc.inside || (ok && (r != tc.r || c != tc.c)) {
			t.Errorf("PixelAt(%v,%v) = %d,%d,%v; want %d,%d,%v", tc.x, tc.y, r, c, ok, tc.r, tc.c, tc.inside)
		}
	}
}

func TestImageViewTapSelectsAndFocuses(t *testing.T) {
	v, w := showImageView(t)
	var got [][2]int
	v.OnSelect = func(r, c int) { got = append(got, [2]int{r, c}) }

	test.TapAt(v, fyne.NewPos(50+25*2+3, 25*1+3))
	if len(got) != 1 || got[0] != [2]int{1, 2} {
		t.Fatalf("OnSelect calls %v, want [[1 2]]", got)
	}
	if r, c, ok := v.Selected(); !ok || r != 1 || c != 2 {
		t.Fatalf("Selected = %d,%d,%v", r, c, ok)
	}
	if w.Canvas().Focused() != v {
		t.Fatalf("tap did not focus the view")
	}
	// A tap beside the image selects nothing.
	test.TapAt(v, fyne.NewPos(10, 10))
	if len(got) != 1 {
		t.Fatalf("tap outside the image called OnSelect: %v", got)
	}
	// SetSelected does not call OnSelect; r < 0 clears.
	v.SetSelected(3, 3)
	if len(got) != 1 {
		t.Fatalf("SetSelected called OnSelect")
	}
	v.SetSelected(-1, 0)
	if _, _, ok := v.Selected(); ok {
		t.Fatalf("SetSelected(-1, 0) did not clear")
	}
}

func TestImageViewArrowKeys(t *testing.T) {
	v, w := showImageView(t)
	var got [][2]int
	v.OnSelect = func(r, c int) { got = append(got, [2]int{r, c}) }
	w.Canvas().Focus(v)
	key := func(k fyne.KeyName) { w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k}) }

	key(fyne.KeyDown) // no selection yet: the centre
	if r, c, _ := v.Selected(); r != 2 || c != 2 {
		t.Fatalf("first arrow selected %d,%d, want centre 2,2", r, c)
	}
	v.SetSelected(0, 0)
	got = nil
	key(fyne.KeyUp)   // clamped: nothing
	key(fyne.KeyLeft) // clamped: nothing
	if len(got) != 0 {
		t.Fatalf("arrows at the edge called OnSelect: %v", got)
	}
	key(fyne.KeyRight)
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	want := [][2]int{{0, 1}, {1, 1}, {2, 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	v.SetSelected(3, 3)
	got = nil
	key(fyne.KeyDown)
	key(fyne.KeyRight)
	if r, c, _ := v.Selected(); r != 3 || c != 3 || len(got) != 0 {
		t.Fatalf("arrows past the bottom-right edge moved to %d,%d (%v)", r, c, got)
	}
	key(fyne.KeyA) // ignored
	if len(got) != 0 {
		t.Fatalf("letter key moved the selection")
	}
}

func TestImageViewHover(t *testing.T) {
	v, w := showImageView(t)
	var got [][2]int
	v.OnHover = func(r, c int) { got = append(got, [2]int{r, c}) }
	c := w.Canvas()

	test.MoveMouse(c, fyne.NewPos(60, 10))
	test.MoveMouse(c, fyne.NewPos(70, 20)) // same pixel: no call
	test.MoveMouse(c, fyne.NewPos(140, 90))
	test.MoveMouse(c, fyne.NewPos(20, 50)) // beside the image, still in the widget
	test.MoveMouse(c, fyne.NewPos(110, 60))
	test.MoveMouse(c, fyne.NewPos(300, 300)) // leaves the widget
	want := [][2]int{{0, 0}, {3, 3}, {-1, -1}, {2, 2}, {-1, -1}}
	if len(got) != len(want) {
		t.Fatalf("hover calls %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("hover calls %v, want %v", got, want)
		}
	}
}

// drag sends the events the GLFW driver sends: MouseDown at the start,
// then Dragged with the current position and the delta since the last
// event, then DragEnd.
func drag(v *ImageView, from fyne.Position, to ...fyne.Position) {
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Button: desktop.MouseButtonPrimary})
	last := from
	for _, p := range to {
		v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(p.X-last.X, p.Y-last.Y)})
		last = p
	}
	v.DragEnd()
}

func TestImageViewDragRegion(t *testing.T) {
	v, _ := showImageView(t)
	var got []image.Rectangle
	v.OnRegion = func(r image.Rectangle) { got = append(got, r) }

	// From pixel (r0, c1) to pixel (r2, c3): columns 1..3, rows 0..2.
	drag(v, fyne.NewPos(80, 10), fyne.NewPos(100, 30), fyne.NewPos(140, 60))
	want := image.Rect(1, 0, 4, 3)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("OnRegion %v, want %v", got, want)
	}
	if v.Region() != want {
		t.Fatalf("Region %v, want %v", v.Region(), want)
	}
	// Dragging up-left and out of the image clamps to the image.
	got = nil
	drag(v, fyne.NewPos(110, 60), fyne.NewPos(0, -20))
	if want := image.Rect(0, 0, 3, 3); len(got) != 1 || got[0] != want {
		t.Fatalf("OnRegion %v, want %v", got, want)
	}
	// Without a MouseDown (some drivers), the start is the first event's
	// position minus its delta.
	got = nil
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(130, 30)}, Dragged: fyne.NewDelta(50, 0)})
	v.DragEnd()
	if want := image.Rect(1, 1, 4, 2); len(got) != 1 || got[0] != want {
		t.Fatalf("OnRegion %v, want %v", got, want)
	}
	// A drag within one pixel is a tap: it selects, no region.
	var sel [][2]int
	v.OnSelect = func(r, c int) { sel = append(sel, [2]int{r, c}) }
	got = nil
	drag(v, fyne.NewPos(80, 30), fyne.NewPos(84, 33))
	if len(got) != 0 || len(sel) != 1 || sel[0] != [2]int{1, 1} {
		t.Fatalf("one-pixel drag: OnRegion %v, OnSelect %v", got, sel)
	}
	v.SetRegion(image.Rectangle{})
	if !v.Region().Empty() {
		t.Fatalf("SetRegion(empty) did not clear")
	}
}

func TestImageViewCrispCapture(t *testing.T) {
	test.NewTempApp(t)
	v := NewImageView()
	v.SetImage(checker(2, 2))
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(200, 200))
	defer w.Close()

	img := w.Canvas().Capture()
	sc := float32(img.Bounds().Dx()) / 200
	at := func(x, y float32) color.NRGBA {
		return color.NRGBAModel.Convert(img.At(int(x*sc), int(y*sc))).(color.NRGBA)
	}
	// Deep inside each quadrant: the exact source colour.
	for _, q := range []struct {
		x, y float32
		want color.NRGBA
	}{{50, 50, red}, {150, 50, blue}, {50, 150, blue}, {150, 150, red}, {98, 98, red}, {102, 98, blue}} {
		if got := at(q.x, q.y); got != q.want {
			t.Errorf("pixel at (%v,%v) = %v, want %v", q.x, q.y, got, q.want)
		}
	}
	// No blending anywhere inside the image: every pixel is one of the
	// two source colours (a blurred scale would put purple at the seams).
	for y := int(5 * sc); y < int(195*sc); y++ {
		for x := int(5 * sc); x < int(195*sc); x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c != red && c != blue {
				t.Fatalf("pixel (%d,%d) = %v: not a source colour", x, y, c)
			}
		}
	}

	// An overlay is drawn on the same grid on top.
	ov := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	ov.SetNRGBA(1, 1, color.NRGBA{0, 255, 0, 255})
	v.SetOverlay(ov)
	img = w.Canvas().Capture()
	if got := at(150, 150); got != (color.NRGBA{0, 255, 0, 255}) {
		t.Errorf("overlay pixel = %v, want green", got)
	}
	if got := at(50, 50); got != red {
		t.Errorf("transparent overlay changed pixel to %v", got)
	}
}

func TestImageViewSelectionMarkerVisible(t *testing.T) {
	test.NewTempApp(t)
	v := NewImageView()
	v.SetImage(pattern(4, 4, func(int, int) color.NRGBA { return red }))
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(200, 200))
	defer w.Close()
	v.SetSelected(1, 1) // pixel at 50..100
	img := w.Canvas().Capture()
	sc := float32(img.Bounds().Dx()) / 200
	// The marker draws over the rim of the pixel's neighbourhood but not
	// its centre.
	centre := color.NRGBAModel.Convert(img.At(int(75*sc), int(75*sc))).(color.NRGBA)
	if centre != red {
		t.Errorf("selected pixel centre covered: %v", centre)
	}
	changed := false
	for d := float32(0); d < 8; d++ {
		c := color.NRGBAModel.Convert(img.At(int((50-d)*sc), int(75*sc))).(color.NRGBA)
		if c != red {
			changed = true
		}
	}
	if !changed {
		t.Errorf("no marker drawn around the selected pixel")
	}
}

func TestImageViewPassesUnhandledKeys(t *testing.T) {
	v, w := showImageView(t)
	var sel, other []fyne.KeyName
	v.OnSelect = func(int, int) { sel = append(sel, "sel") }
	v.OnUnhandledKey = func(e *fyne.KeyEvent) { other = append(other, e.Name) }
	w.Canvas().Focus(v)
	for _, k := range []fyne.KeyName{fyne.KeySpace, fyne.KeyHome, fyne.KeyLeft, fyne.KeyEnd, fyne.KeyF11} {
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k})
	}
	want := []fyne.KeyName{fyne.KeySpace, fyne.KeyHome, fyne.KeyEnd, fyne.KeyF11}
	if len(other) != len(want) {
		t.Fatalf("unhandled keys %v, want %v", other, want)
	}
	for i := range want {
		if other[i] != want[i] {
			t.Fatalf("unhandled keys %v, want %v", other, want)
		}
	}
	if len(sel) != 1 {
		t.Errorf("the arrow key selected %d times", len(sel))
	}
	// Without a handler (and without an image) keys are dropped quietly.
	v.OnUnhandledKey = nil
	v.SetImage(nil)
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
}

// TestImageViewFirstImageRepaints checks the fix for a freshly laid-out
// view that did not paint its first image: its children were hidden when
// the window was first drawn, so the driver never learned about them and
// their own refreshes reached no canvas. Showing them must refresh the
// view itself through its canvas. (The test driver maps every object to
// its window's canvas, so the call is watched rather than the pixels.)
func TestImageViewFirstImageRepaints(t *testing.T) {
	test.NewTempApp(t)
	var refreshed []fyne.CanvasObject
	saved := refreshCanvas
	refreshCanvas = func(o fyne.CanvasObject) { refreshed = append(refreshed, o); saved(o) }
	t.Cleanup(func() { refreshCanvas = saved })

	v := NewImageView()
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(200, 100))
	w.Canvas().Refresh(v)
	if v.rend.base.Visible() {
		t.Fatal("an empty view shows its image object")
	}
	refreshed = nil
	v.SetImage(checker(4, 4))
	if !v.rend.base.Visible() || !v.rend.bg.Visible() {
		t.Fatal("the image is not shown")
	}
	found := false
	for _, o := range refreshed {
		found = found || o == v
	}
	if !found {
		t.Fatal("showing the first image did not refresh the view through its canvas")
	}
	// Pixels: the image is drawn where the grid says.
	img := w.Canvas().Capture()
	p, _ := v.PixelRect(0, 0)
	x, y := int(p.X)+5+int(theme.Padding()), int(p.Y)+5+int(theme.Padding())
	if got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA); got != red {
		t.Errorf("pixel (0,0) painted %v, want %v", got, red)
	}
	// No second refresh when nothing becomes visible.
	refreshed = nil
	v.SetImage(checker(4, 4))
	for _, o := range refreshed {
		if o == v {
			t.Error("an image swap refreshed the whole view")
		}
	}
}
