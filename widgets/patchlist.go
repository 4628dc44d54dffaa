package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// PatchEntry is one row of a PatchList.
type PatchEntry struct {
	Patch   image.Image     // the training patch (shown crisp)
	Source  image.Image     // the whole training image it comes from
	Outline image.Rectangle // the patch in Source's pixel coordinates (X = column, Y = row, Max exclusive)
	Title   string          // e.g. "#1234 · label 3 · at (12,7)"
	Weight  float64         // e.g. 0.412
}

// PatchList is the pixel inspector's list of top-K training patches.
// Each row shows the patch thumbnail, the whole source image with the
// patch outlined on top, the title, and the weight as a bar plus a
// number with three decimals. Bars are scaled to the largest weight in
// the list (so the top entry is a full bar); the number is the weight
// itself. Selecting a row calls OnSelect.
//
// Use from the UI goroutine only.
type PatchList struct {
	widget.BaseWidget

	// OnSelect is called with the index of the row the user selected.
	OnSelect func(i int)

	entries []PatchEntry
	maxW    float64
	thumb   float32
	list    *widget.List
}

// NewPatchList returns an empty list with 72-unit thumbnails.
func NewPatchList() *PatchList {
	p := &PatchList{thumb: 72}
	p.list = widget.NewList(
		func() int { return len(p.entries) },
		p.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { p.updateRow(id, o) },
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		if p.OnSelect != nil && id >= 0 && id < len(p.entries) {
			p.OnSelect(id)
		}
	}
	p.ExtendBaseWidget(p)
	return p
}

// SetEntries replaces the rows and clears the selection.
func (p *PatchList) SetEntries(e []PatchEntry) {
	p.entries = append(p.entries[:0], e...)
	p.maxW = 0
	for _, x := range e {
		p.maxW = max(p.maxW, x.Weight)
	}
	p.list.UnselectAll()
	p.list.Refresh()
	if len(e) > 0 {
		p.list.ScrollToTop()
	}
}

// Entries returns the rows.
func (p *PatchList) Entries() []PatchEntry { return p.entries }

// Select selects row i (calling OnSelect, as a user selection would).
func (p *PatchList) Select(i int) { p.list.Select(i) }

// CreateRenderer implements fyne.Widget.
func (p *PatchList) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.list)
}

// patchRow is one row: patch, source with outline, title and weight bar.
type patchRow struct {
	widget.BaseWidget
	patch, source *PixelImage
	title         *widget.Label
	bar           *ValueBar
}

func (r *patchRow) CreateRenderer() fyne.WidgetRenderer {
	text := container.New(vCenter{}, container.NewVBox(r.title, r.bar))
	// Room on the right for the list's scroll bar.
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(theme.Padding()*2, 0))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(r.patch, r.source), gap, text))
}

func (p *PatchList) newRow() fyne.CanvasObject {
	sz := fyne.NewSquareSize(p.thumb)
	r := &patchRow{
		patch:  NewPixelImage(nil, sz),
		source: NewPixelImage(nil, sz),
		title:  widget.NewLabel(""),
		bar:    NewValueBar(0, ""),
	}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.bar.TextWidth = fyne.MeasureText("0.000", theme.TextSize(), fyne.TextStyle{Monospace: true}).Width
	r.ExtendBaseWidget(r)
	return r
}

func (p *PatchList) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*patchRow)
	if id < 0 || id >= len(p.entries) {
		return
	}
	e := p.entries[id]
	r.patch.SetImage(e.Patch)
	r.source.outline = e.Outline.Canon()
	r.source.SetImage(e.Source)
	r.title.SetText(e.Title)
	frac := 0.0
	if p.maxW > 0 {
		frac = e.Weight / p.maxW
	}
	r.bar.Set(frac, FormatWeight(e.Weight), nil)
}

// vCenter lays out its objects at full width, vertically centred at
// their minimum height.
type vCenter struct{}

func (vCenter) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (vCenter) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		h := min(o.MinSize().Height, size.Height)
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
		o.Resize(fyne.NewSize(size.Width, h))
	}
}
