package gallery

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/internal/palette"
	"mosaic/model/hands"
)

// Badge colours, the palette's verdicts (as on the command line's contact
// sheets): green for five digits, red for any other count, grey when the
// counter cannot tell.
var (
	badgeFive    = palette.Right
	badgeWrong   = palette.Wrong
	badgeUnknown = palette.Neutral
)

// BadgeColor returns the badge colour of a count: green for 5, orange-red
// for another count, grey for "cannot tell".
func BadgeColor(r hands.Result) color.Color {
	switch {
	case !r.OK:
		return badgeUnknown
	case r.Fingers == 5:
		return badgeFive
	}
	return badgeWrong
}

// thumb is one sample of the gallery: a crisp thumbnail with its finger
// count as a badge in the top-right corner and its seed underneath. It is
// a placeholder until its image is set. Tapping a finished thumb calls
// onTap.
type thumb struct {
	widget.BaseWidget

	seed  uint64
	onTap func()

	bg      *canvas.Rectangle
	img     *canvas.Image
	badgeBg *canvas.Rectangle
	badge   *canvas.Text
	caption *canvas.Text

	done  bool
	count hands.Result
}

var (
	_ fyne.Tappable      = (*thumb)(nil)
	_ desktop.Cursorable = (*thumb)(nil)
)

// thumbSide is the side of the image area in Fyne units: 4 units per pixel
// of a 32x32 sample, so pixels stay square at scale 1 and 2.
const thumbSide = 128

func newThumb(seed uint64, caption string) *thumb {
	t := &thumb{seed: seed}
	t.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	t.img = &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillContain}
	t.badgeBg = canvas.NewRectangle(badgeUnknown)
	t.badgeBg.CornerRadius = 6
	t.badge = canvas.NewText("…", color.White)
	t.badge.TextStyle.Bold = true
	t.badge.TextSize = theme.TextSize() * 1.5
	t.badge.Alignment = fyne.TextAlignCenter
	t.caption = canvas.NewText(caption, theme.Color(theme.ColorNameForeground))
	t.caption.Alignment = fyne.TextAlignCenter
	t.caption.TextSize = theme.TextSize()
	t.ExtendBaseWidget(t)
	return t
}

// set shows the finished sample and its count.
func (t *thumb) set(img image.Image, r hands.Result) {
	t.done, t.count = true, r
	t.img.Image = img
	t.badge.Text = BadgeText(r)
	t.badgeBg.FillColor = BadgeColor(r)
	t.Refresh()
}

// Tapped calls onTap once the sample is finished.
func (t *thumb) Tapped(*fyne.PointEvent) {
	if t.done && t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows a pointing hand over finished samples.
func (t *thumb) Cursor() desktop.Cursor {
	if t.done {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// CreateRenderer implements fyne.Widget.
func (t *thumb) CreateRenderer() fyne.WidgetRenderer {
	return &thumbRenderer{t: t, objects: []fyne.CanvasObject{t.bg, t.img, t.badgeBg, t.badge, t.caption}}
}

type thumbRenderer struct {
	t       *thumb
	objects []fyne.CanvasObject
}

func (r *thumbRenderer) Destroy()                     {}
func (r *thumbRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *thumbRenderer) captionHeight() float32 {
	return fyne.MeasureText("0", r.t.caption.TextSize, r.t.caption.TextStyle).Height + theme.Padding()
}

func (r *thumbRenderer) MinSize() fyne.Size {
	return fyne.NewSize(thumbSide, thumbSide+r.captionHeight())
}

func (r *thumbRenderer) Layout(size fyne.Size) {
	ch := r.captionHeight()
	side := min(size.Width, size.Height-ch)
	x := (size.Width - side) / 2
	r.t.bg.Move(fyne.NewPos(x, 0))
	r.t.bg.Resize(fyne.NewSquareSize(side))
	r.t.img.Move(fyne.NewPos(x, 0))
	r.t.img.Resize(fyne.NewSquareSize(side))
	bs := fyne.MeasureText(r.t.badge.Text, r.t.badge.TextSize, r.t.badge.TextStyle)
	bw := max(bs.Width+12, bs.Height+4)
	bh := bs.Height + 4
	bp := fyne.NewPos(x+side-bw-4, 4)
	r.t.badgeBg.Move(bp)
	r.t.badgeBg.Resize(fyne.NewSize(bw, bh))
	r.t.badge.Move(bp.AddXY(0, 2))
	r.t.badge.Resize(fyne.NewSize(bw, bs.Height))
	r.t.caption.Move(fyne.NewPos(0, side+theme.Padding()/2))
	r.t.caption.Resize(fyne.NewSize(size.Width, ch))
}

func (r *thumbRenderer) Refresh() {
	r.t.badgeBg.Hidden = !r.t.done
	r.t.badge.Hidden = !r.t.done
	r.Layout(r.t.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
