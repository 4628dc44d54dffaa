package app

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mosaic/app/trace"
	"mosaic/widgets"
)

// imageHost receives what the user does on the image panel.
type imageHost interface {
	selectPixel(p Pixel)
	setView(v View)
	setTolerance(tol float64)
	traceRegion(rect image.Rectangle)
	key(e *fyne.KeyEvent)
}

// imageFrame is what the image panel shows: a view of a frame of a result
// with the selected pixel, and the PCA-locality neighbourhood outline of
// that pixel (nil for none).
type imageFrame struct {
	res  *Result
	step int
	view View
	sel  Pixel
	tol  float64
	hood image.Image
}

// hoverHint is the readout line when no pixel is hovered.
const hoverHint = "hover a pixel to read it; click to inspect it"

// imagePanel is the large image with its view and tolerance selectors,
// its colour bar or legend, and the hover readout line.
type imagePanel struct {
	host      imageHost
	rc        *renders
	frame     imageFrame // what is shown (the readout reads it)
	noteShown bool       // the readout line holds a note about the view

	image     *widgets.ImageView
	viewSel   *widget.Select
	viewBox   fyne.CanvasObject
	tolSel    *widget.Select
	tolBox    *fyne.Container
	colorBar  *widgets.ColorBar // colour scales, under the image
	legend    *widgets.Legend   // mosaic sources, beside the image
	legendBox *fyne.Container
	hover     *widget.Label
}

func newImagePanel(host imageHost, rc *renders) *imagePanel {
	p := &imagePanel{host: host, rc: rc, image: widgets.NewImageView()}
	p.image.OnHover = p.onHover
	p.image.OnSelect = func(r, c int) { host.selectPixel(Pixel{r, c}) }
	p.image.OnRegion = host.traceRegion
	p.image.OnUnhandledKey = host.key
	p.viewSel = widget.NewSelect(viewTitleList(), func(s string) {
		for _, v := range Views {
			if v.Title() == s {
				host.setView(v)
			}
		}
	})
	p.viewSel.Selected = ViewX.Title()
	p.viewBox = container.New(&minWidth{w: 230}, p.viewSel)
	var tols []string
	for _, t := range trace.Tolerances {
		tols = append(tols, formatTolerance(t))
	}
	p.tolSel = widget.NewSelect(tols, func(s string) {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			host.setTolerance(v)
		}
	})
	p.tolSel.Selected = formatTolerance(trace.DefaultTolerance)
	p.tolBox = container.NewHBox(widget.NewLabel("tolerance"), p.tolSel)
	p.tolBox.Hide()
	p.colorBar = widgets.NewColorBar()
	p.colorBar.Hide()
	p.legend = widgets.NewLegend()
	p.legendBox = container.NewBorder(widget.NewLabelWithStyle("heaviest patch from", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, container.NewVScroll(p.legend))
	p.legendBox.Hide()
	p.hover = widget.NewLabel(hoverHint)
	p.hover.Truncation = fyne.TextTruncateEllipsis
	return p
}

func formatTolerance(t float64) string { return strconv.FormatFloat(t, 'g', -1, 64) }

func viewTitleList() []string {
	out := make([]string, len(Views))
	for i, v := range Views {
		out[i] = v.Title()
	}
	return out
}

// area lays out the panel around images (the image, or A and B side by
// side) with bar (compare's controls) after the selectors.
func (p *imagePanel) area(bar, images fyne.CanvasObject) fyne.CanvasObject {
	viewBar := container.NewHBox(widget.NewLabel("View"), p.viewBox, p.tolBox, widget.NewSeparator(), bar)
	footer := container.NewVBox(container.NewCenter(container.New(&minWidth{w: 360}, p.colorBar)), p.hover)
	return container.NewBorder(viewBar, footer, nil, p.legendBox, images)
}

// show shows frame f.
func (p *imagePanel) show(f imageFrame) {
	p.frame = f
	showSelected(p.viewSel, f.view.Title())
	showSelected(p.tolSel, formatTolerance(f.tol))
	setShown(p.tolBox, f.view == ViewCommitment)
	if f.res == nil {
		return
	}
	r := p.rc.get(f.res, f.step, f.view, f.tol)
	p.image.SetImage(r.Image)
	if f.hood != nil && r.Image != nil {
		p.image.SetOverlay(f.hood)
	} else {
		p.image.SetOverlay(r.Overlay)
	}
	p.image.SetSelected(f.sel.Row, f.sel.Col)
	p.setLegend(r, f.view)
	note := r.Note
	if f.res.Stale[f.step] {
		note = "previous settings (being recomputed)"
	}
	if note != "" {
		p.hover.SetText(note)
		p.noteShown = true
	} else if p.noteShown {
		p.hover.SetText(hoverHint)
		p.noteShown = false
	}
}

// setLegend shows the view's colours: a colour bar under the image for
// scales, the mosaic's sources beside it.
func (p *imagePanel) setLegend(r Rendered, v View) {
	lg := r.Legend
	showScale(p.colorBar, lg, v)
	var entries []widgets.LegendEntry
	for _, e := range lg.Entries {
		entries = append(entries, widgets.LegendEntry{Color: e.Color, Label: e.Label})
	}
	p.legend.SetEntries(entries)
	setShown(p.legendBox, len(entries) > 0)
}

// showScale shows a view's colour scale on bar, or hides the bar when the
// view has none.
func showScale(bar *widgets.ColorBar, lg Legend, v View) {
	if lg.Colors != nil {
		if v == ViewEffective {
			// The map is coloured on a log scale: label the bar in log10
			// so that its middle value is honest.
			bar.Set(func(v float64) color.Color { return lg.Colors(math.Pow(10, v)) },
				math.Log10(lg.Min), math.Log10(lg.Max), "log10 of the effective number of patches")
		} else {
			bar.Set(lg.Colors, lg.Min, lg.Max, lg.Title)
		}
	}
	setShown(bar, lg.Colors != nil)
}

// onHover shows the readout of the pixel under the pointer.
func (p *imagePanel) onHover(r, c int) {
	if p.frame.res == nil || r < 0 {
		p.hover.SetText(hoverHint)
		return
	}
	p.hover.SetText(p.readout(r, c))
}

// readout is the hover line of pixel (r, c) in the frame shown.
func (p *imagePanel) readout(r, c int) string {
	f := p.frame
	if f.view == ViewCommitment {
		rd := p.rc.get(f.res, f.step, ViewCommitment, f.tol)
		if rd.Commitment == nil {
			return rd.Note
		}
		return CommitmentReadout(rd.Commitment, f.res.Traj.K, r, c)
	}
	return Readout(f.res, f.step, f.view, r, c)
}

// showReadout puts the readout of pixel px on the readout line.
func (p *imagePanel) showReadout(px Pixel) {
	if p.frame.res != nil && px.Ok() {
		p.hover.SetText(p.readout(px.Row, px.Col))
	}
}

// say puts text on the readout line.
func (p *imagePanel) say(text string) { p.hover.SetText(text) }

// showSelected shows v in a selector without calling its OnChanged (which
// is for the user's picks).
func showSelected(s *widget.Select, v string) {
	if s.Selected != v {
		s.Selected = v
		s.Refresh()
	}
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}
