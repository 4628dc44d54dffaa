package widgets

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PixelImage is a non-interactive crisp image: scaled up with nearest
// neighbour at a whole number of device pixels per source pixel, aspect
// ratio kept, centred, with an optional pixel-rectangle outline drawn on
// top (a dark and a bright ring, visible on any image). A nil image shows
// a placeholder. Taps fall through to the parent.
//
// Use from the UI goroutine only.
type PixelImage struct {
	widget.BaseWidget

	img     image.Image
	outline image.Rectangle
	minSize fyne.Size
}

// NewPixelImage returns a PixelImage with the given minimum size.
func NewPixelImage(img image.Image, minSize fyne.Size) *PixelImage {
	p := &PixelImage{img: atOrigin(img), minSize: minSize}
	p.ExtendBaseWidget(p)
	return p
}

// SetImage replaces the image (nil = placeholder). An image whose bounds
// do not start at the origin (a SubImage) is copied to the origin.
func (p *PixelImage) SetImage(img image.Image) {
	p.img = atOrigin(img)
	p.Refresh()
}

// SetOutline outlines a rectangle of pixels (X = column, Y = row, Max
// exclusive); an empty rectangle clears it.
func (p *PixelImage) SetOutline(r image.Rectangle) {
	p.outline = r.Canon()
	p.Refresh()
}

// SetMinSize sets the minimum size.
func (p *PixelImage) SetMinSize(s fyne.Size) {
	p.minSize = s
	p.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (p *PixelImage) CreateRenderer() fyne.WidgetRenderer {
	r := &pixelImageRenderer{
		p:     p,
		ph:    canvas.NewRectangle(placeholderColor()),
		img:   newCrispImage(),
		outer: newOutline(markerDark, 2),
		inner: newOutline(regionColor, 2),
	}
	r.ph.CornerRadius = theme.InputRadiusSize()
	r.objects = []fyne.CanvasObject{r.ph, r.img, r.outer, r.inner}
	r.Refresh()
	return r
}

type pixelImageRenderer struct {
	p            *PixelImage
	ph           *canvas.Rectangle
	img          *canvas.Image
	outer, inner *canvas.Rectangle
	objects      []fyne.CanvasObject
}

func (r *pixelImageRenderer) Destroy()                     {}
func (r *pixelImageRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *pixelImageRenderer) MinSize() fyne.Size           { return r.p.minSize }

func (r *pixelImageRenderer) Layout(size fyne.Size) {
	w, h := imgSize(r.p.img)
	if w == 0 {
		r.ph.Move(fyne.Position{})
		r.ph.Resize(size)
		return
	}
	o, cell := fitGrid(size, w, h, canvasScale(r.p))
	r.img.Move(o)
	r.img.Resize(fyne.NewSize(cell*float32(w), cell*float32(h)))
	out := r.p.outline.Intersect(image.Rect(0, 0, w, h))
	if out.Empty() {
		return
	}
	// The bright ring lies just outside the outlined pixels, the dark one
	// just outside it, so no outlined pixel is covered.
	place := func(rect *canvas.Rectangle, grow float32) {
		rect.Move(fyne.NewPos(o.X+float32(out.Min.X)*cell-grow, o.Y+float32(out.Min.Y)*cell-grow))
		rect.Resize(fyne.NewSize(float32(out.Dx())*cell+2*grow, float32(out.Dy())*cell+2*grow))
	}
	place(r.inner, 2)
	place(r.outer, 4)
}

func (r *pixelImageRenderer) Refresh() {
	p := r.p
	r.ph.FillColor = placeholderColor()
	setVisible(p, r.ph, p.img == nil)
	r.img.Image = p.img
	setVisible(p, r.img, p.img != nil)
	w, h := imgSize(p.img)
	noOutline := p.img == nil || p.outline.Intersect(image.Rect(0, 0, w, h)).Empty()
	setVisible(p, r.outer, !noOutline)
	setVisible(p, r.inner, !noOutline)
	r.Layout(p.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
