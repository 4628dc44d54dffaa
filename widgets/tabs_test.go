package widgets

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newTabs returns tabs over three rectangles in a test window of the
// given width, and the indices OnSelected reported.
func newTabs(t *testing.T, width float32) (*Tabs, *[]int) {
	t.Helper()
	test.NewTempApp(t)
	tabs := NewTabs(
		TabPage{"Per image", canvas.NewRectangle(nil)},
		TabPage{"Schedule", canvas.NewRectangle(nil)},
		TabPage{"r² over t", canvas.NewRectangle(nil)},
	)
	var got []int
	tabs.OnSelected = func(i int) { got = append(got, i) }
	w := test.NewWindow(tabs)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(width, 300))
	t.Cleanup(w.Close)
	return tabs, &got
}

// shown returns the indices of the visible pages.
func shown(tabs *Tabs) []int {
	var out []int
	for i, p := range tabs.pages {
		if p.Content.Visible() {
			out = append(out, i)
		}
	}
	return out
}

// positions returns the tabs' top-left corners.
func positions(rs []tabRect) []fyne.Position {
	out := make([]fyne.Position, len(rs))
	for i, r := range rs {
		out[i] = r.pos
	}
	return out
}

// tapTab taps the middle of tab i.
func tapTab(tabs *Tabs, i int) {
	r := tabs.bar.rects(tabs.bar.Size().Width)[i]
	test.TapAt(tabs.bar, r.pos.Add(fyne.NewPos(r.size.Width/2, r.size.Height/2)))
}

// TestTabsSelect: the first tab starts selected with only its page shown;
// a tap on another tab, or SelectIndex, shows its page alone, colours its
// title and moves the underline under it, and reports it once; selecting
// the selected tab again or an index out of range changes nothing.
func TestTabsSelect(t *testing.T) {
	tabs, got := newTabs(t, 600)
	if tabs.SelectedIndex() != 0 || !slices.Equal(shown(tabs), []int{0}) {
		t.Fatalf("start: selected %d, shown %v", tabs.SelectedIndex(), shown(tabs))
	}
	tapTab(tabs, 2)
	if tabs.SelectedIndex() != 2 || !slices.Equal(shown(tabs), []int{2}) || !slices.Equal(*got, []int{2}) {
		t.Fatalf("after tapping tab 2: selected %d, shown %v, reported %v", tabs.SelectedIndex(), shown(tabs), *got)
	}
	r := test.WidgetRenderer(tabs.bar).(*tabBarRenderer)
	primary, fg := theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameForeground)
	if r.titles[2].Color != primary || r.titles[0].Color != fg {
		t.Errorf("title colours %v (selected) and %v, want %v and %v", r.titles[2].Color, r.titles[0].Color, primary, fg)
	}
	p, s := tabs.bar.rects(600)[2].pos, tabs.bar.tabSize("r² over t")
	if r.indicator.Position() != fyne.NewPos(p.X, p.Y+s.Height-indicatorHeight) || r.indicator.Size().Width != s.Width {
		t.Errorf("underline at %v size %v, want under tab 2 at %v width %v", r.indicator.Position(), r.indicator.Size(), p, s.Width)
	}
	tapTab(tabs, 2)
	tabs.SelectIndex(2)
	tabs.SelectIndex(-1)
	tabs.SelectIndex(3)
	if tabs.SelectedIndex() != 2 || len(*got) != 1 {
		t.Fatalf("reselecting and out-of-range indices: selected %d, reported %v", tabs.SelectedIndex(), *got)
	}
	tabs.SelectIndex(1)
	if !slices.Equal(shown(tabs), []int{1}) || !slices.Equal(*got, []int{2, 1}) {
		t.Fatalf("SelectIndex(1): shown %v, reported %v", shown(tabs), *got)
	}
	test.TapAt(tabs.bar, fyne.NewPos(599, 1)) // right of the last tab
	if tabs.SelectedIndex() != 1 {
		t.Fatalf("a tap beside the tabs selected %d", tabs.SelectedIndex())
	}
	if !slices.Equal(tabs.Titles(), []string{"Per image", "Schedule", "r² over t"}) {
		t.Errorf("titles %v", tabs.Titles())
	}
}

// TestTabsWrap: tabs that fit share one row, the page starting under it;
// at a width that holds two tabs the third starts a second row, the page
// starting under that; no tab leaves the bar; the minimum width is the
// widest tab's.
func TestTabsWrap(t *testing.T) {
	tabs, _ := newTabs(t, 600)
	var widths []float32
	for _, p := range tabs.pages {
		widths = append(widths, tabs.bar.tabSize(p.Title).Width)
	}
	h := tabs.bar.tabSize("Per image").Height
	line := theme.Size(theme.SizeNameSeparatorThickness)
	wide := positions(tabs.bar.rects(600))
	if wide[0] != (fyne.Position{}) || wide[1] != fyne.NewPos(widths[0], 0) || wide[2] != fyne.NewPos(widths[0]+widths[1], 0) {
		t.Fatalf("one row at 600: %v (tab widths %v)", wide, widths)
	}
	if got := tabs.pages[0].Content.Position().Y; got != h+line {
		t.Errorf("page at y = %v under one row, want %v", got, h+line)
	}
	narrow := widths[0] + widths[1] + 1
	tabs.Resize(fyne.NewSize(narrow, 300))
	pos := positions(tabs.bar.rects(narrow))
	if pos[1].Y != 0 || pos[2] != fyne.NewPos(0, h) {
		t.Fatalf("at width %v: %v, want the third tab at the start of a second row", narrow, pos)
	}
	if got := tabs.pages[0].Content.Position().Y; got != 2*h+line {
		t.Errorf("page at y = %v under two rows, want %v", got, 2*h+line)
	}
	for i, p := range pos {
		if p.X+widths[i] > narrow {
			t.Errorf("tab %d ends at %v, beyond the bar's %v", i, p.X+widths[i], narrow)
		}
	}
	if got, want := tabs.MinSize().Width, slices.Max(widths); got != want {
		t.Errorf("minimum width %v, want the widest tab's %v", got, want)
	}
	if got := positions(tabs.bar.rects(1)); got[1] != fyne.NewPos(0, h) || got[2] != fyne.NewPos(0, 2*h) {
		t.Errorf("too narrow for any tab: %v, want one tab per row", got)
	}
}

// TestTabsHover: the tab under the pointer is shaded and shows a hand; off
// the tabs, neither.
func TestTabsHover(t *testing.T) {
	tabs, _ := newTabs(t, 600)
	r := test.WidgetRenderer(tabs.bar).(*tabBarRenderer)
	p := tabs.bar.rects(600)[1].pos
	tabs.bar.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p.Add(fyne.NewPos(2, 2))}})
	if !r.hover.Visible() || r.hover.Position() != p || tabs.bar.Cursor() != desktop.PointerCursor {
		t.Fatalf("over tab 1: shade visible %v at %v, want at %v; cursor %v", r.hover.Visible(), r.hover.Position(), p, tabs.bar.Cursor())
	}
	tabs.bar.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(599, 1)}})
	if r.hover.Visible() || tabs.bar.Cursor() != desktop.DefaultCursor {
		t.Fatalf("beside the tabs: shade visible %v, cursor %v", r.hover.Visible(), tabs.bar.Cursor())
	}
	tabs.bar.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p.Add(fyne.NewPos(2, 2))}})
	tabs.bar.MouseOut()
	if r.hover.Visible() {
		t.Fatal("shade still visible after the pointer left")
	}
}

// countedPage is a page that counts its refreshes.
type countedPage struct {
	widget.BaseWidget
	refreshes int
}

func newCountedPage() *countedPage {
	p := &countedPage{}
	p.ExtendBaseWidget(p)
	return p
}

func (p *countedPage) Refresh() { p.refreshes++; p.BaseWidget.Refresh() }

func (p *countedPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(nil))
}

// TestTabsLayOutOnlyTheShownPage: a hidden page is neither laid out nor
// refreshed with the tabs (a hidden chart is not rendered); it is laid out
// when shown. A widget refreshes itself when shown; a container page hidden
// while the theme changed is refreshed when it is shown, once.
func TestTabsLayOutOnlyTheShownPage(t *testing.T) {
	a := test.NewTempApp(t)
	p0, p1, inner := newCountedPage(), newCountedPage(), newCountedPage()
	tabs := NewTabs(TabPage{"One", p0}, TabPage{"Two", p1}, TabPage{"Three", container.NewStack(inner)})
	w := test.NewWindow(tabs)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	t.Cleanup(w.Close)
	if !p1.Size().IsZero() || p0.Size().Width != 400 {
		t.Fatalf("sizes %v (shown) and %v (hidden), want 400 wide and zero", p0.Size(), p1.Size())
	}
	r1, ri := p1.refreshes, inner.refreshes
	tabs.Refresh()
	if p1.refreshes != r1 || inner.refreshes != ri {
		t.Fatalf("hidden pages refreshed %d and %d times with the tabs", p1.refreshes-r1, inner.refreshes-ri)
	}
	tabs.SelectIndex(1)
	if p1.Size().Width != 400 || p1.Position().Y <= 0 {
		t.Fatalf("page shown at %v size %v, want under the bar, 400 wide", p1.Position(), p1.Size())
	}
	tabs.SelectIndex(2)
	if inner.refreshes != ri {
		t.Fatalf("the container page was refreshed %d times when shown with the theme unchanged", inner.refreshes-ri)
	}
	tabs.SelectIndex(0)
	a.Settings().SetTheme(theme.LightTheme())
	tabs.Refresh() // as the window's content is on a theme change
	r1, ri = p1.refreshes, inner.refreshes
	for _, i := range []int{1, 2, 0, 1, 2} {
		tabs.SelectIndex(i)
	}
	if p1.refreshes != r1+2 || inner.refreshes != ri+1 {
		t.Fatalf("shown twice after the theme changed: the widget page refreshed %d times (want 2, once per show), the container page %d (want 1)", p1.refreshes-r1, inner.refreshes-ri)
	}
}
