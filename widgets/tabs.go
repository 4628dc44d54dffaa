package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TabPage is one page of a Tabs: its tab's title and its content.
type TabPage struct {
	Title   string
	Content fyne.CanvasObject
}

// Tabs shows one of several pages under a row of text tabs, the selected
// one underlined, like container.AppTabs but light and with every tab in
// sight:
//
//   - its tabs are text on the canvas, with no icons: AppTabs decodes and
//     colours its tab buttons' SVG icons (their hidden close icons
//     included) again on every refresh, which was a third of the work of
//     attaching Mosaic's widgets to the window at start-up;
//   - tabs that do not fit the width wrap onto further rows instead of
//     hiding in an overflow menu, so that every chart stays one click away.
//
// Use from the UI goroutine only.
type Tabs struct {
	widget.BaseWidget

	// OnSelected is called with the index of the tab that became selected,
	// by a tap or by SelectIndex (not when it was selected already).
	OnSelected func(i int)

	pages []TabPage
	bar   *tabBar
	line  *canvas.Rectangle // under the bar
	// look is the theme's foreground colour and text size at the last
	// refresh; stale marks the hidden pages refreshed since it changed.
	look  tabsLook
	stale []bool
}

// tabsLook is what tells Tabs that the theme changed.
type tabsLook struct {
	fg   color.Color
	text float32
}

// currentLook returns the theme's look for t now.
func (t *Tabs) currentLook() tabsLook {
	return tabsLook{theme.ColorForWidget(theme.ColorNameForeground, t), theme.SizeForWidget(theme.SizeNameText, t)}
}

// NewTabs returns tabs over pages, the first one selected.
func NewTabs(pages ...TabPage) *Tabs {
	t := &Tabs{pages: pages, line: canvas.NewRectangle(nil), stale: make([]bool, len(pages))}
	t.bar = &tabBar{tabs: t, hovered: -1}
	t.bar.ExtendBaseWidget(t.bar)
	t.ExtendBaseWidget(t)
	t.showSelected()
	return t
}

// SelectedIndex returns the index of the selected tab.
func (t *Tabs) SelectedIndex() int { return t.bar.selected }

// SelectIndex selects tab i and shows its page; an index out of range is
// ignored.
func (t *Tabs) SelectIndex(i int) {
	if i < 0 || i >= len(t.pages) || i == t.bar.selected {
		return
	}
	t.bar.selected = i
	t.showSelected()
	if size := t.Size(); !size.IsZero() {
		t.placeSelected(size)
	}
	if t.stale[i] { // the theme changed while it was hidden
		t.stale[i] = false
		if _, ok := t.pages[i].Content.(fyne.Widget); !ok {
			t.pages[i].Content.Refresh() // a widget refreshed itself when shown
		}
	}
	t.bar.Refresh()
	if t.OnSelected != nil {
		t.OnSelected(i)
	}
}

// Titles returns the tabs' titles in order.
func (t *Tabs) Titles() []string {
	out := make([]string, len(t.pages))
	for i, p := range t.pages {
		out[i] = p.Title
	}
	return out
}

// showSelected shows the selected page and hides the others.
func (t *Tabs) showSelected() {
	for i, p := range t.pages {
		if i == t.bar.selected {
			p.Content.Show()
		} else {
			p.Content.Hide()
		}
	}
}

// placeSelected lays out the bar, the separator line under it and the
// selected page below, in tabs of the given size. The hidden pages are
// left as they are, as AppTabs leaves them: a page is laid out when it is
// shown, so that hidden charts are not rendered.
func (t *Tabs) placeSelected(size fyne.Size) {
	barH := t.bar.height(size.Width)
	t.bar.Move(fyne.NewPos(0, 0))
	t.bar.Resize(fyne.NewSize(size.Width, barH))
	lineH := theme.SizeForWidget(theme.SizeNameSeparatorThickness, t)
	t.line.Move(fyne.NewPos(0, barH))
	t.line.Resize(fyne.NewSize(size.Width, lineH))
	if len(t.pages) == 0 {
		return
	}
	top := barH + lineH
	p := t.pages[t.bar.selected].Content
	p.Move(fyne.NewPos(0, top))
	p.Resize(fyne.NewSize(size.Width, max(size.Height-top, 0)))
}

// CreateRenderer implements fyne.Widget.
func (t *Tabs) CreateRenderer() fyne.WidgetRenderer {
	r := &tabsRenderer{t: t}
	t.look = t.currentLook()
	r.objects = []fyne.CanvasObject{t.bar, t.line}
	for _, p := range t.pages {
		r.objects = append(r.objects, p.Content)
	}
	r.Refresh()
	return r
}

// tabsRenderer lays out the bar, a separator line under it and the
// selected page below.
type tabsRenderer struct {
	t       *Tabs
	objects []fyne.CanvasObject
}

func (r *tabsRenderer) Destroy()                     {}
func (r *tabsRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Layout gives the bar the rows its tabs need at this width, and the
// selected page the rest.
func (r *tabsRenderer) Layout(size fyne.Size) { r.t.placeSelected(size) }

// MinSize is the widest tab or page beside one row of tabs over the
// tallest page.
func (r *tabsRenderer) MinSize() fyne.Size {
	bar := r.t.bar.MinSize()
	w, h := bar.Width, float32(0)
	for _, p := range r.t.pages {
		m := p.Content.MinSize()
		w, h = max(w, m.Width), max(h, m.Height)
	}
	return fyne.NewSize(w, bar.Height+theme.SizeForWidget(theme.SizeNameSeparatorThickness, r.t)+h)
}

// Refresh applies the theme and refreshes the bar and the page on show;
// if the theme changed, the hidden pages are refreshed when shown.
func (r *tabsRenderer) Refresh() {
	t := r.t
	t.line.FillColor = theme.ColorForWidget(theme.ColorNameSeparator, t)
	t.line.Refresh()
	t.bar.Refresh()
	if look := t.currentLook(); look != t.look {
		t.look = look
		for i := range t.stale {
			t.stale[i] = i != t.bar.selected
		}
	}
	if len(t.pages) > 0 {
		t.pages[t.bar.selected].Content.Refresh()
	}
}

// tabBar is the row (or rows) of tabs: it draws their titles, underlines
// the selected one, shades the one under the pointer and selects the one
// tapped.
type tabBar struct {
	widget.BaseWidget
	tabs     *Tabs
	selected int
	hovered  int // -1: none
}

var (
	_ fyne.Tappable      = (*tabBar)(nil)
	_ desktop.Hoverable  = (*tabBar)(nil)
	_ desktop.Cursorable = (*tabBar)(nil)
)

// tabStyle is the tabs' text style.
var tabStyle = fyne.TextStyle{Bold: true}

// indicatorHeight is the thickness of the selected tab's underline.
const indicatorHeight = 3

// tabSize returns the size of the tab titled title: its text with inner
// padding all round.
func (b *tabBar) tabSize(title string) fyne.Size {
	pad := theme.SizeForWidget(theme.SizeNameInnerPadding, b.tabs)
	text := fyne.MeasureText(title, theme.SizeForWidget(theme.SizeNameText, b.tabs), tabStyle)
	return fyne.NewSize(text.Width+2*pad, text.Height+2*pad)
}

// tabRect is where a tab goes in the bar: its top-left corner and size.
type tabRect struct {
	pos  fyne.Position
	size fyne.Size
}

// contains reports whether p falls on the tab.
func (r tabRect) contains(p fyne.Position) bool {
	return p.X >= r.pos.X && p.X < r.pos.X+r.size.Width && p.Y >= r.pos.Y && p.Y < r.pos.Y+r.size.Height
}

// rects returns where each tab goes in a bar of the given width: left to
// right, a tab that would overflow the row starting the next one (a tab
// wider than the bar gets a row of its own).
func (b *tabBar) rects(width float32) []tabRect {
	out := make([]tabRect, len(b.tabs.pages))
	var x, y, rowH float32
	for i, p := range b.tabs.pages {
		s := b.tabSize(p.Title)
		if x > 0 && x+s.Width > width {
			x, y, rowH = 0, y+rowH, 0
		}
		out[i] = tabRect{fyne.NewPos(x, y), s}
		x += s.Width
		rowH = max(rowH, s.Height)
	}
	return out
}

// height returns the bar's height at the given width.
func (b *tabBar) height(width float32) float32 {
	var h float32
	for _, r := range b.rects(width) {
		h = max(h, r.pos.Y+r.size.Height)
	}
	return h
}

// at returns the index of the tab under pos, or -1.
func (b *tabBar) at(pos fyne.Position) int {
	for i, r := range b.rects(b.Size().Width) {
		if r.contains(pos) {
			return i
		}
	}
	return -1
}

// Tapped selects the tab tapped.
func (b *tabBar) Tapped(e *fyne.PointEvent) {
	if i := b.at(e.Position); i >= 0 {
		b.tabs.SelectIndex(i)
	}
}

// MouseIn implements desktop.Hoverable.
func (b *tabBar) MouseIn(e *desktop.MouseEvent) { b.MouseMoved(e) }

// MouseMoved shades the tab under the pointer.
func (b *tabBar) MouseMoved(e *desktop.MouseEvent) { b.hover(b.at(e.Position)) }

// MouseOut implements desktop.Hoverable.
func (b *tabBar) MouseOut() { b.hover(-1) }

// hover shades tab i (-1: none).
func (b *tabBar) hover(i int) {
	if i != b.hovered {
		b.hovered = i
		b.Refresh()
	}
}

// Cursor is the pointer over the bar: a hand over a tab.
func (b *tabBar) Cursor() desktop.Cursor {
	if b.hovered >= 0 {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// CreateRenderer implements fyne.Widget.
func (b *tabBar) CreateRenderer() fyne.WidgetRenderer {
	r := &tabBarRenderer{b: b, hover: canvas.NewRectangle(nil), indicator: canvas.NewRectangle(nil)}
	r.objects = []fyne.CanvasObject{r.hover}
	for _, p := range b.tabs.pages {
		t := canvas.NewText(p.Title, nil)
		t.TextStyle = tabStyle
		r.titles = append(r.titles, t)
		r.objects = append(r.objects, t)
	}
	r.objects = append(r.objects, r.indicator)
	r.Refresh()
	return r
}

// tabBarRenderer draws the titles, the hover shade and the selected tab's
// underline.
type tabBarRenderer struct {
	b                *tabBar
	hover, indicator *canvas.Rectangle
	titles           []*canvas.Text
	objects          []fyne.CanvasObject
}

func (r *tabBarRenderer) Destroy()                     {}
func (r *tabBarRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *tabBarRenderer) Layout(size fyne.Size) {
	pad := theme.SizeForWidget(theme.SizeNameInnerPadding, r.b.tabs)
	r.hover.Hide()
	for i, t := range r.b.rects(size.Width) {
		r.titles[i].Move(t.pos.AddXY(pad, pad))
		r.titles[i].Resize(t.size.SubtractWidthHeight(2*pad, 2*pad))
		if i == r.b.hovered {
			r.hover.Move(t.pos)
			r.hover.Resize(t.size)
			r.hover.Show()
		}
		if i == r.b.selected {
			r.indicator.Move(t.pos.AddXY(0, t.size.Height-indicatorHeight))
			r.indicator.Resize(fyne.NewSize(t.size.Width, indicatorHeight))
		}
	}
}

// MinSize is the widest tab over one row.
func (r *tabBarRenderer) MinSize() fyne.Size {
	var m fyne.Size
	for _, t := range r.titles {
		m = m.Max(r.b.tabSize(t.Text))
	}
	return m
}

func (r *tabBarRenderer) Refresh() {
	th := r.b.tabs
	size := theme.SizeForWidget(theme.SizeNameText, th)
	for i, t := range r.titles {
		t.TextSize = size
		if i == r.b.selected {
			t.Color = theme.ColorForWidget(theme.ColorNamePrimary, th)
		} else {
			t.Color = theme.ColorForWidget(theme.ColorNameForeground, th)
		}
		t.Refresh()
	}
	r.hover.FillColor = theme.ColorForWidget(theme.ColorNameHover, th)
	r.indicator.FillColor = theme.ColorForWidget(theme.ColorNamePrimary, th)
	r.Layout(r.b.Size())
	r.hover.Refresh()
	r.indicator.Refresh()
}
