package widgets

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"mosaic/internal/palette"
)

// canvasScale returns the device pixels per Fyne unit of the canvas that
// shows obj, or 1 when obj is not on a canvas yet.
func canvasScale(obj fyne.CanvasObject) float32 {
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(obj); c != nil {
			if s := c.Scale(); s > 0 {
				return s
			}
		}
	}
	return 1
}

// fitGrid fits a w×h pixel grid into a box of the given size, keeping the
// aspect ratio and centring it. The cell size is snapped down to a whole
// number of device pixels (when at least one fits) and the origin to a
// device pixel, so that every source pixel becomes the same number of
// device pixels: no uneven rows or columns when scaled up.
func fitGrid(size fyne.Size, w, h int, scale float32) (origin fyne.Position, cell float32) {
	if w <= 0 || h <= 0 || size.Width <= 0 || size.Height <= 0 {
		return fyne.Position{}, 0
	}
	if scale <= 0 {
		scale = 1
	}
	cell = float32(math.Min(float64(size.Width)/float64(w), float64(size.Height)/float64(h)))
	dev := cell * scale
	if dev >= 1 {
		dev = float32(math.Floor(float64(dev) + 1e-4))
	}
	cell = dev / scale
	ox := (size.Width - cell*float32(w)) / 2
	oy := (size.Height - cell*float32(h)) / 2
	ox = float32(math.Round(float64(ox*scale))) / scale
	oy = float32(math.Round(float64(oy*scale))) / scale
	return fyne.NewPos(ox, oy), cell
}

// newCrispImage returns a canvas.Image that scales with nearest
// neighbour and stretches to whatever rectangle it is given (callers
// keep the aspect ratio themselves).
func newCrispImage() *canvas.Image {
	img := &canvas.Image{}
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillStretch
	return img
}

// newOutline returns a rectangle with a transparent fill and the given
// stroke.
func newOutline(c color.Color, width float32) *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor = c
	r.StrokeWidth = width
	return r
}

// atOrigin returns img, or a copy of it moved to the origin when its
// bounds do not start at (0, 0) (e.g. a SubImage): Fyne's painters
// assume images start at the origin. Nil stays nil.
func atOrigin(img image.Image) image.Image {
	if img == nil || img.Bounds().Min == (image.Point{}) {
		return img
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// imgSize returns the width and height of img, 0 for nil.
func imgSize(img image.Image) (w, h int) {
	if img == nil {
		return 0, 0
	}
	b := img.Bounds()
	return b.Dx(), b.Dy()
}

// placeholderColor is the fill for "not computed yet" cells.
func placeholderColor() color.Color {
	return theme.Color(theme.ColorNameInputBackground)
}

// clampInt clamps v to [lo, hi].
func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// markerColors are the two colours of a selection marker: a dark outer
// ring and a bright inner ring, visible on any image.
var (
	markerDark   = color.NRGBA{0, 0, 0, 255}
	markerBright = color.NRGBA{255, 255, 255, 255}
	regionColor  = color.NRGBA(palette.Highlight) // opaque: the same values
	dragColor    = palette.Cursor
)

// refreshCanvas asks the canvas that shows obj to repaint it (a variable
// so that tests can watch the calls).
var refreshCanvas = canvas.Refresh

// setVisible shows or hides child, a canvas object drawn by the widget
// owner, through Show and Hide. A driver only learns about the objects it
// walks, and it walks only visible ones: a child that was hidden when the
// window was last drawn is unknown to the canvas, so its own Refresh
// reaches no canvas and nothing repaints (the first image of a freshly
// laid-out ImageView stayed blank). When child becomes visible, the owner
// (which the canvas knows) is refreshed through its canvas instead, so the
// next frame walks and paints the child.
func setVisible(owner, child fyne.CanvasObject, on bool) {
	if child.Visible() == on {
		return
	}
	if on {
		child.Show()
		refreshCanvas(owner)
	} else {
		child.Hide()
	}
}
