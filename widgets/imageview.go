package widgets

import (
	"image"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ImageView shows a small raster (e.g. 32×32) scaled up to fill its space
// with crisp nearest-neighbour pixels, aspect ratio kept, centred. Pixel
// coordinates (r, c) are row and column from the image's Bounds().Min;
// rectangles are image.Rect(c0, r0, c1, r1) in the same coordinates
// (X = column, Y = row, Max exclusive).
//
// Interaction: hovering reports the pixel under the pointer (OnHover),
// tapping selects a pixel and focuses the view (OnSelect), the arrow keys
// move the selection while focused, and dragging selects a rectangle of
// pixels, reported on release (OnRegion) and kept as the region outline
// (a drag within a single pixel counts as a tap).
//
// Use from the UI goroutine only (see the package doc).
type ImageView struct {
	widget.BaseWidget

	// OnHover is called with the pixel under the pointer whenever it
	// changes; r = c = -1 when the pointer leaves the image.
	OnHover func(r, c int)
	// OnSelect is called when the user selects a pixel (tap or arrow key).
	OnSelect func(r, c int)
	// OnRegion is called when a drag ends, with the dragged rectangle.
	OnRegion func(rect image.Rectangle)
	// OnUnhandledKey receives the keys typed while the view has the focus
	// that it does not use itself (everything but the arrow keys), so that
	// the app's shortcuts (space, home/end, F11, ...) keep working after a
	// click on the image. Without it those keys are dropped.
	OnUnhandledKey func(e *fyne.KeyEvent)

	img, overlay image.Image
	selR, selC   int
	hasSel       bool
	region       image.Rectangle
	focused      bool

	hoverR, hoverC int // -1 when none

	pressed   bool
	pressPos  fyne.Position
	dragging  bool
	dragStart fyne.Position
	dragCur   fyne.Position

	rend *imageViewRenderer
}

var (
	_ fyne.Tappable       = (*ImageView)(nil)
	_ fyne.Focusable      = (*ImageView)(nil)
	_ fyne.Draggable      = (*ImageView)(nil)
	_ desktop.Hoverable   = (*ImageView)(nil)
	_ desktop.Mouseable   = (*ImageView)(nil)
	_ fyne.WidgetRenderer = (*imageViewRenderer)(nil)
)

// NewImageView returns an empty ImageView.
func NewImageView() *ImageView {
	v := &ImageView{hoverR: -1, hoverC: -1}
	v.ExtendBaseWidget(v)
	return v
}

// SetImage replaces the image. The selection and region are kept (clamped
// away if they no longer fit). Pixel coordinates count from the image's
// Bounds().Min (a SubImage is copied to the origin).
func (v *ImageView) SetImage(img image.Image) {
	if img == v.img {
		return // the same image: nothing to redraw
	}
	img = atOrigin(img)
	v.img = img
	w, h := imgSize(img)
	if v.hasSel && (v.selR >= h || v.selC >= w) {
		v.hasSel = false
	}
	v.Refresh()
}

// Image returns the current image (moved to the origin if it was not).
func (v *ImageView) Image() image.Image { return v.img }

// SetOverlay sets an image drawn on top of the main one on the same
// pixel grid (it is stretched to the main image's rectangle); the caller
// bakes in alpha. nil clears it.
func (v *ImageView) SetOverlay(img image.Image) {
	if img == v.overlay {
		return
	}
	v.overlay = atOrigin(img)
	v.Refresh()
}

// SetSelected moves the selection marker to pixel (r, c) without calling
// OnSelect; r < 0 (or c < 0) clears it.
func (v *ImageView) SetSelected(r, c int) {
	if sr, sc, ok := v.Selected(); ok == (r >= 0 && c >= 0) && (!ok || (sr == r && sc == c)) {
		return
	}
	if r < 0 || c < 0 {
		v.hasSel = false
	} else {
		v.selR, v.selC, v.hasSel = r, c, true
	}
	if v.rend != nil {
		v.rend.layoutMarkers()
		v.rend.selOuter.Refresh()
		v.rend.selInner.Refresh()
	}
}

// Selected returns the selected pixel, if any.
func (v *ImageView) Selected() (r, c int, ok bool) {
	if !v.hasSel {
		return -1, -1, false
	}
	return v.selR, v.selC, true
}

// SetRegion outlines a rectangle of pixels (image.Rect(c0, r0, c1, r1),
// Max exclusive); an empty rectangle clears it. OnRegion is not called.
func (v *ImageView) SetRegion(rect image.Rectangle) {
	if rect.Canon() == v.region {
		return
	}
	v.region = rect.Canon()
	if v.rend != nil {
		v.rend.layoutMarkers()
		v.rend.region.Refresh()
		v.rend.regionDark.Refresh()
	}
}

// Region returns the outlined rectangle (empty when none).
func (v *ImageView) Region() image.Rectangle { return v.region }

// grid returns the origin and cell size of the image in the widget at
// its current size.
func (v *ImageView) grid() (fyne.Position, float32, int, int) {
	w, h := imgSize(v.img)
	o, cell := fitGrid(v.Size(), w, h, canvasScale(v))
	return o, cell, w, h
}

// PixelAt maps a position in the widget (Fyne units, relative to its
// top-left) to the pixel shown there; ok is false outside the image.
func (v *ImageView) PixelAt(pos fyne.Position) (r, c int, ok bool) {
	o, cell, w, h := v.grid()
	if cell <= 0 {
		return -1, -1, false
	}
	fc := math.Floor(float64((pos.X - o.X) / cell))
	fr := math.Floor(float64((pos.Y - o.Y) / cell))
	if fc < 0 || fr < 0 || fc >= float64(w) || fr >= float64(h) {
		return -1, -1, false
	}
	return int(fr), int(fc), true
}

// pixelClamped is PixelAt clamped to the image (for drags that leave it).
func (v *ImageView) pixelClamped(pos fyne.Position) (r, c int, ok bool) {
	o, cell, w, h := v.grid()
	if cell <= 0 {
		return -1, -1, false
	}
	fc := math.Floor(float64((pos.X - o.X) / cell))
	fr := math.Floor(float64((pos.Y - o.Y) / cell))
	return clampInt(int(fr), 0, h-1), clampInt(int(fc), 0, w-1), true
}

// PixelRect returns the rectangle (Fyne units, relative to the widget)
// covered by pixel (r, c) at the current size.
func (v *ImageView) PixelRect(r, c int) (fyne.Position, fyne.Size) {
	o, cell, _, _ := v.grid()
	return fyne.NewPos(o.X+float32(c)*cell, o.Y+float32(r)*cell), fyne.NewSquareSize(cell)
}

// Tapped selects the pixel under the pointer and focuses the view.
func (v *ImageView) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil && c.Focused() != v {
		c.Focus(v)
	}
	r, col, ok := v.PixelAt(e.Position)
	if !ok {
		return
	}
	v.selectPixel(r, col)
}

func (v *ImageView) selectPixel(r, c int) {
	v.SetSelected(r, c)
	if v.OnSelect != nil {
		v.OnSelect(r, c)
	}
}

// FocusGained implements fyne.Focusable.
func (v *ImageView) FocusGained() {
	v.focused = true
	if v.rend != nil {
		v.rend.refreshFocus()
	}
}

// FocusLost implements fyne.Focusable.
func (v *ImageView) FocusLost() {
	v.focused = false
	if v.rend != nil {
		v.rend.refreshFocus()
	}
}

// TypedRune implements fyne.Focusable.
func (v *ImageView) TypedRune(rune) {}

// TypedKey moves the selection with the arrow keys (clamped at the
// edges). With no selection the first arrow selects the centre pixel.
// Other keys go to OnUnhandledKey.
func (v *ImageView) TypedKey(e *fyne.KeyEvent) {
	w, h := imgSize(v.img)
	dr, dc := 0, 0
	switch e.Name {
	case fyne.KeyUp:
		dr = -1
	case fyne.KeyDown:
		dr = 1
	case fyne.KeyLeft:
		dc = -1
	case fyne.KeyRight:
		dc = 1
	default:
		if v.OnUnhandledKey != nil {
			v.OnUnhandledKey(e)
		}
		return
	}
	if w == 0 || h == 0 {
		return
	}
	r, c := h/2, w/2
	if v.hasSel {
		r, c = clampInt(v.selR+dr, 0, h-1), clampInt(v.selC+dc, 0, w-1)
		if r == v.selR && c == v.selC {
			return // at the edge
		}
	}
	v.selectPixel(r, c)
}

// MouseIn implements desktop.Hoverable.
func (v *ImageView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

// MouseMoved implements desktop.Hoverable; OnHover fires only when the
// pixel under the pointer changes.
func (v *ImageView) MouseMoved(e *desktop.MouseEvent) {
	r, c, ok := v.PixelAt(e.Position)
	if !ok {
		r, c = -1, -1
	}
	v.setHover(r, c)
}

// MouseOut implements desktop.Hoverable.
func (v *ImageView) MouseOut() { v.setHover(-1, -1) }

func (v *ImageView) setHover(r, c int) {
	if r == v.hoverR && c == v.hoverC {
		return
	}
	v.hoverR, v.hoverC = r, c
	if v.rend != nil {
		v.rend.layoutHover()
		v.rend.hover.Refresh()
	}
	if v.OnHover != nil {
		v.OnHover(r, c)
	}
}

// MouseDown implements desktop.Mouseable: remembers where a drag starts.
func (v *ImageView) MouseDown(e *desktop.MouseEvent) {
	v.pressed = true
	v.pressPos = e.Position
}

// MouseUp implements desktop.Mouseable.
func (v *ImageView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// Dragged implements fyne.Draggable. The drag starts where the button
// went down (the first event's position minus its delta).
func (v *ImageView) Dragged(e *fyne.DragEvent) {
	if !v.dragging {
		v.dragging = true
		v.dragStart = e.Position.Subtract(e.Dragged)
		if v.pressed {
			v.dragStart = v.pressPos
		}
	}
	v.dragCur = e.Position
	if v.rend != nil {
		v.rend.layoutMarkers()
		v.rend.refreshDrag()
	}
}

// DragEnd implements fyne.Draggable: the dragged rectangle becomes the
// region and is reported through OnRegion. A drag that stays within one
// pixel selects that pixel instead (as a tap would).
func (v *ImageView) DragEnd() {
	if !v.dragging {
		return
	}
	v.dragging = false
	v.pressed = false
	rect, ok := v.dragRect()
	if v.rend != nil {
		v.rend.layoutMarkers()
		v.rend.refreshDrag()
	}
	if !ok {
		return
	}
	if rect.Dx() == 1 && rect.Dy() == 1 {
		// A shaky click (moved past the driver's drag threshold but
		// within one pixel) is a tap, not a one-pixel region.
		v.selectPixel(rect.Min.Y, rect.Min.X)
		return
	}
	v.SetRegion(rect)
	if v.OnRegion != nil {
		v.OnRegion(rect)
	}
}

// dragRect is the pixel rectangle spanned by the current drag.
func (v *ImageView) dragRect() (image.Rectangle, bool) {
	r0, c0, ok0 := v.pixelClamped(v.dragStart)
	r1, c1, ok1 := v.pixelClamped(v.dragCur)
	if !ok0 || !ok1 {
		return image.Rectangle{}, false
	}
	return image.Rect(min(c0, c1), min(r0, r1), max(c0, c1)+1, max(r0, r1)+1), true
}

// CreateRenderer implements fyne.Widget.
func (v *ImageView) CreateRenderer() fyne.WidgetRenderer {
	r := &imageViewRenderer{
		v:          v,
		bg:         newOutline(theme.Color(theme.ColorNameSeparator), 1),
		base:       newCrispImage(),
		over:       newCrispImage(),
		hover:      newOutline(theme.Color(theme.ColorNameHover), 1),
		region:     newOutline(regionColor, 2),
		drag:       newOutline(dragColor, 2),
		regionDark: newOutline(markerDark, 1),
		dragDark:   newOutline(markerDark, 1),
		selOuter:   newOutline(markerDark, 2),
		selInner:   newOutline(markerBright, 2),
		focus:      newOutline(theme.Color(theme.ColorNameFocus), 2),
	}
	v.rend = r
	r.objects = []fyne.CanvasObject{r.bg, r.base, r.over, r.hover, r.regionDark, r.region, r.dragDark, r.drag, r.selOuter, r.selInner, r.focus}
	r.Refresh()
	return r
}

type imageViewRenderer struct {
	v                         *ImageView
	bg                        *canvas.Rectangle
	base, over                *canvas.Image
	hover, region, drag       *canvas.Rectangle
	regionDark, dragDark      *canvas.Rectangle // dark rings outside region and drag, for contrast
	selOuter, selInner, focus *canvas.Rectangle
	objects                   []fyne.CanvasObject
}

func (r *imageViewRenderer) Destroy() {}

func (r *imageViewRenderer) Objects() []fyne.CanvasObject { return r.objects }

// MinSize is small: the view takes whatever space the layout gives it.
func (r *imageViewRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize() * 4)
}

func (r *imageViewRenderer) Layout(size fyne.Size) {
	o, cell, w, h := r.v.grid()
	isz := fyne.NewSize(cell*float32(w), cell*float32(h))
	for _, obj := range []fyne.CanvasObject{r.base, r.over} {
		obj.Move(o)
		obj.Resize(isz)
	}
	r.bg.Move(o.SubtractXY(1, 1))
	r.bg.Resize(isz.AddWidthHeight(2, 2))
	fw := r.focus.StrokeWidth
	r.focus.Move(o.SubtractXY(fw+1, fw+1))
	r.focus.Resize(isz.AddWidthHeight(2*fw+2, 2*fw+2))
	r.layoutMarkers()
	r.layoutHover()
}

// rectFor returns the on-screen rectangle of a pixel rectangle, grown by
// grow units on each side.
func (r *imageViewRenderer) rectFor(px image.Rectangle, grow float32) (fyne.Position, fyne.Size) {
	o, cell, _, _ := r.v.grid()
	p := fyne.NewPos(o.X+float32(px.Min.X)*cell-grow, o.Y+float32(px.Min.Y)*cell-grow)
	s := fyne.NewSize(float32(px.Dx())*cell+2*grow, float32(px.Dy())*cell+2*grow)
	return p, s
}

func (r *imageViewRenderer) layoutHover() {
	v := r.v
	if v.hoverR < 0 || v.img == nil || v.dragging {
		setVisible(r.v, r.hover, false)
		return
	}
	p, s := r.rectFor(image.Rect(v.hoverC, v.hoverR, v.hoverC+1, v.hoverR+1), 0)
	r.hover.Move(p)
	r.hover.Resize(s)
	setVisible(r.v, r.hover, true)
}

func (r *imageViewRenderer) layoutMarkers() {
	v := r.v
	_, cell, w, h := v.grid()
	// Marker stroke: a bit thicker on big pixels, readable from afar.
	sw := float32(math.Max(2, math.Min(4, float64(cell)*0.3)))
	r.selInner.StrokeWidth = sw
	r.selOuter.StrokeWidth = sw
	if v.hasSel && v.img != nil && v.selR < h && v.selC < w {
		px := image.Rect(v.selC, v.selR, v.selC+1, v.selR+1)
		p, s := r.rectFor(px, sw)
		r.selInner.Move(p)
		r.selInner.Resize(s)
		p, s = r.rectFor(px, 2*sw)
		r.selOuter.Move(p)
		r.selOuter.Resize(s)
		setVisible(r.v, r.selInner, true)
		setVisible(r.v, r.selOuter, true)
	} else {
		setVisible(r.v, r.selInner, false)
		setVisible(r.v, r.selOuter, false)
	}
	if reg := v.region.Intersect(image.Rect(0, 0, w, h)); !reg.Empty() && !v.dragging {
		r.ring(r.region, r.regionDark, reg)
	} else {
		setVisible(r.v, r.region, false)
		setVisible(r.v, r.regionDark, false)
	}
	if rect, ok := v.dragRect(); v.dragging && ok {
		r.ring(r.drag, r.dragDark, rect)
	} else {
		setVisible(r.v, r.drag, false)
		setVisible(r.v, r.dragDark, false)
	}
}

// ring places a coloured 2-unit ring just outside px and a dark 1-unit
// ring around it, so the outline shows on bright and dark images alike.
func (r *imageViewRenderer) ring(col, dark *canvas.Rectangle, px image.Rectangle) {
	p, s := r.rectFor(px, 2)
	col.Move(p)
	col.Resize(s)
	p, s = r.rectFor(px, 3)
	dark.Move(p)
	dark.Resize(s)
	setVisible(r.v, col, true)
	setVisible(r.v, dark, true)
}

func (r *imageViewRenderer) refreshDrag() {
	r.drag.Refresh()
	r.dragDark.Refresh()
	r.region.Refresh()
	r.regionDark.Refresh()
	r.layoutHover()
	r.hover.Refresh()
}

func (r *imageViewRenderer) refreshFocus() {
	if r.v.focused && r.v.img != nil {
		setVisible(r.v, r.focus, true)
	} else {
		setVisible(r.v, r.focus, false)
	}
	r.focus.Refresh()
}

func (r *imageViewRenderer) Refresh() {
	v := r.v
	r.base.Image = v.img
	setVisible(v, r.base, v.img != nil)
	r.over.Image = v.overlay
	setVisible(v, r.over, v.overlay != nil && v.img != nil)
	setVisible(v, r.bg, v.img != nil)
	r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.focus.StrokeColor = theme.Color(theme.ColorNameFocus)
	r.hover.StrokeColor = theme.Color(theme.ColorNameForeground)
	r.Layout(v.Size())
	r.refreshFocus()
	for _, o := range r.objects {
		o.Refresh()
	}
}
