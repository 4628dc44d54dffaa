package widgets

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Filmstrip is a horizontally scrollable strip with, per position, two
// small crisp thumbnails stacked (e.g. x_t above D_t) and a caption. The
// current position is highlighted and scrolled into view; tapping a
// position calls OnSelect. Nil images show a placeholder ("not computed
// yet").
//
// Use from the UI goroutine only.
type Filmstrip struct {
	widget.BaseWidget

	// OnSelect is called with the position the user tapped.
	OnSelect func(i int)

	thumb  float32
	cells  []*filmCell
	box    *fyne.Container
	scroll *container.Scroll
	cur    int
}

// NewFilmstrip returns an empty filmstrip with 64-unit thumbnails.
func NewFilmstrip() *Filmstrip {
	f := &Filmstrip{thumb: 64, cur: -1}
	f.box = container.NewHBox()
	f.scroll = container.NewHScroll(f.box)
	f.ExtendBaseWidget(f)
	return f
}

// SetThumbSize sets the edge of each thumbnail in Fyne units.
func (f *Filmstrip) SetThumbSize(s float32) {
	f.thumb = s
	for _, c := range f.cells {
		c.setThumb(s)
	}
	f.box.Refresh()
	f.Refresh()
}

// Len returns the number of positions.
func (f *Filmstrip) Len() int { return len(f.cells) }

// SetFrames sets every position: n = the longest of the three slices
// (missing or nil entries show a placeholder / no caption).
func (f *Filmstrip) SetFrames(top, bottom []image.Image, captions []string) {
	n := max(len(top), len(bottom), len(captions))
	at := func(s []image.Image, i int) image.Image {
		if i < len(s) {
			return s[i]
		}
		return nil
	}
	for len(f.cells) < n {
		f.cells = append(f.cells, newFilmCell(f, len(f.cells)))
	}
	f.cells = f.cells[:n]
	objs := make([]fyne.CanvasObject, n)
	for i, c := range f.cells {
		text := ""
		if i < len(captions) {
			text = captions[i]
		}
		c.set(at(top, i), at(bottom, i), text, i == f.cur)
		objs[i] = c
	}
	f.box.Objects = objs
	f.box.Refresh()
	if f.cur >= n {
		f.cur = -1
	}
}

// SetFrame updates the images of position i (streaming); out of range
// is ignored.
func (f *Filmstrip) SetFrame(i int, top, bottom image.Image) {
	if i < 0 || i >= len(f.cells) {
		return
	}
	c := f.cells[i]
	c.top.SetImage(top)
	c.bottom.SetImage(bottom)
}

// Current returns the highlighted position (-1 when none).
func (f *Filmstrip) Current() int { return f.cur }

// SetCurrent highlights position i and scrolls it into view (centred
// when it was out of view). It does not call OnSelect; -1 clears.
func (f *Filmstrip) SetCurrent(i int) {
	if i >= len(f.cells) {
		i = len(f.cells) - 1
	}
	if i == f.cur {
		return
	}
	if f.cur >= 0 && f.cur < len(f.cells) {
		f.cells[f.cur].setCurrent(false)
	}
	f.cur = i
	if i < 0 {
		return
	}
	f.cells[i].setCurrent(true)
	f.scrollTo(i)
}

func (f *Filmstrip) scrollTo(i int) {
	cw := f.cells[i].MinSize().Width
	x := f.cells[i].Position().X
	if x == 0 && i > 0 { // not laid out yet: estimate
		x = float32(i) * (cw + theme.Padding())
	}
	vw := f.scroll.Size().Width
	off := f.scroll.Offset.X
	if vw <= 0 || (x >= off && x+cw <= off+vw) {
		return
	}
	total := max(f.box.MinSize().Width, x+cw)
	off = x + cw/2 - vw/2
	off = min(max(off, 0), max(total-vw, 0))
	f.scroll.ScrollToOffset(fyne.NewPos(off, 0))
}

// CreateRenderer implements fyne.Widget.
func (f *Filmstrip) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(f.scroll)
}

// filmCell is one position of the strip.
type filmCell struct {
	widget.BaseWidget
	f           *Filmstrip
	i           int
	top, bottom *PixelImage
	caption     *canvas.Text
	bg          *canvas.Rectangle
	current     bool
}

func newFilmCell(f *Filmstrip, i int) *filmCell {
	c := &filmCell{f: f, i: i}
	sz := fyne.NewSquareSize(f.thumb)
	c.top = NewPixelImage(nil, sz)
	c.bottom = NewPixelImage(nil, sz)
	c.caption = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.caption.Alignment = fyne.TextAlignCenter
	c.caption.TextSize = theme.TextSize()
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.ExtendBaseWidget(c)
	return c
}

func (c *filmCell) setThumb(s float32) {
	c.top.SetMinSize(fyne.NewSquareSize(s))
	c.bottom.SetMinSize(fyne.NewSquareSize(s))
	c.Refresh()
}

func (c *filmCell) set(top, bottom image.Image, caption string, current bool) {
	c.top.SetImage(top)
	c.bottom.SetImage(bottom)
	c.caption.Text = caption
	c.current = current
	c.Refresh()
}

func (c *filmCell) setCurrent(on bool) {
	c.current = on
	c.Refresh()
}

// Tapped selects this position.
func (c *filmCell) Tapped(*fyne.PointEvent) {
	f := c.f
	f.SetCurrent(c.i)
	if f.OnSelect != nil {
		f.OnSelect(c.i)
	}
}

func (c *filmCell) CreateRenderer() fyne.WidgetRenderer {
	return &filmCellRenderer{c: c, objects: []fyne.CanvasObject{c.bg, c.top, c.bottom, c.caption}}
}

type filmCellRenderer struct {
	c       *filmCell
	objects []fyne.CanvasObject
}

func (r *filmCellRenderer) Destroy()                     {}
func (r *filmCellRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *filmCellRenderer) MinSize() fyne.Size {
	p := theme.Padding()
	t := r.c.f.thumb
	tw := fyne.MeasureText(r.c.caption.Text, r.c.caption.TextSize, r.c.caption.TextStyle)
	return fyne.NewSize(max(t, tw.Width)+2*p, 2*t+tw.Height+3*p)
}

func (r *filmCellRenderer) Layout(size fyne.Size) {
	p := theme.Padding()
	t := r.c.f.thumb
	r.c.bg.Move(fyne.Position{})
	r.c.bg.Resize(size)
	x := (size.Width - t) / 2
	r.c.top.Move(fyne.NewPos(x, p))
	r.c.top.Resize(fyne.NewSquareSize(t))
	r.c.bottom.Move(fyne.NewPos(x, p+t+p/2))
	r.c.bottom.Resize(fyne.NewSquareSize(t))
	th := r.c.caption.MinSize().Height
	r.c.caption.Move(fyne.NewPos(0, 2*t+1.5*p+p/2))
	r.c.caption.Resize(fyne.NewSize(size.Width, th))
}

func (r *filmCellRenderer) Refresh() {
	c := r.c
	c.caption.Color = theme.Color(theme.ColorNameForeground)
	c.caption.TextSize = theme.TextSize()
	c.caption.TextStyle.Bold = c.current
	if c.current {
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
		c.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		c.bg.StrokeWidth = 2
	} else {
		c.bg.FillColor = theme.Color(theme.ColorNameBackground)
		c.bg.StrokeColor = theme.Color(theme.ColorNameBackground)
		c.bg.StrokeWidth = 0
	}
	r.Layout(c.Size())
	c.bg.Refresh()
	c.caption.Refresh()
}
