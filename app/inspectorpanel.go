package app

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/widgets"
)

// perImageRows is how many training images the per-image weights show.
const perImageRows = 12

// inspectorPanel shows the attribution of the selected pixel: the query
// patch, the effective number, the top-K patches with their source images
// and the weight per training image.
type inspectorPanel struct {
	w       *Window
	title   *widget.Label
	query   *widgets.PixelImage
	summary *widget.Label
	patches *widgets.PatchList
	perImg  *widgets.WeightBars
	box     fyne.CanvasObject
	perBox  fyne.CanvasObject
}

func newInspectorPanel(w *Window) *inspectorPanel {
	p := &inspectorPanel{w: w}
	p.title = widget.NewLabelWithStyle("Pixel inspector", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.query = widgets.NewPixelImage(nil, fyne.NewSize(64, 64))
	p.summary = widget.NewLabel("Click a pixel of the image to see which training patches it copies.")
	p.summary.Wrapping = fyne.TextWrapWord
	p.patches = widgets.NewPatchList()
	p.perImg = widgets.NewWeightBars()
	head := container.NewBorder(nil, nil, container.NewVBox(widget.NewLabel("query patch"), p.query), nil, p.summary)
	pad := canvas.NewRectangle(color.Transparent)
	pad.SetMinSize(fyne.NewSize(theme.Padding()*3, 1))
	p.perBox = container.NewVScroll(container.NewBorder(nil, nil, nil, pad, p.perImg))
	p.box = container.NewBorder(container.NewVBox(p.title, head), nil, nil, nil, p.patches)
	return p
}

// panel is the inspector proper: pixel, query patch, top-K patches.
func (p *inspectorPanel) panel() fyne.CanvasObject { return p.box }

// perImage is the weight-per-training-image list (shown in a tab).
func (p *inspectorPanel) perImage() fyne.CanvasObject { return p.perBox }

func (p *inspectorPanel) showError(err error) {
	p.summary.SetText("⚠ " + err.Error())
}

// show fills the panel with an inspection.
func (p *inspectorPanel) show(ins *Inspection) {
	a := ins.Attr
	res := ins.Query.Res
	p.title.SetText(fmt.Sprintf("Pixel (%d, %d) at t = %.2f, k = %d", a.Row, a.Col, a.T, a.K))
	p.query.SetImage(ins.QueryPatch)
	val := ""
	if len(a.Value) == 1 {
		val = fmt.Sprintf("D = %+.3f", a.Value[0])
	}
	stale := ""
	if res.Stale[ins.Query.Step] {
		stale = " (previous settings, being recomputed)"
	}
	note := ""
	if ins.Query.Step == 0 {
		note = "\nx_0 = D_1: weights of step 1"
	}
	p.summary.SetText(fmt.Sprintf("effective number of patches: %s of %s candidates\n%s%s%s", effective(a.Effective), thousands(a.Candidates), val, stale, note))
	entries := make([]widgets.PatchEntry, len(a.Top))
	for j, s := range a.Top {
		lbl := ""
		if ins.Labels[j] != "" {
			lbl = " · " + ins.Labels[j]
		}
		entries[j] = widgets.PatchEntry{Patch: ins.Patches[j], Source: ins.Sources[j], Outline: ins.Outlines[j],
			Title: fmt.Sprintf("#%d%s · at (%d, %d)", s.Image, lbl, s.Row, s.Col), Weight: s.Weight}
	}
	p.patches.SetEntries(entries)
	var bars []widgets.Bar
	for j, iw := range a.PerImage {
		if j >= perImageRows {
			break
		}
		name := fmt.Sprintf("#%d", iw.Image)
		if iw.Label >= 0 && res.Machine != nil {
			name += " · " + res.Machine.Data().ClassName(iw.Label)
		}
		bars = append(bars, widgets.Bar{Label: name, Value: iw.Weight})
	}
	p.perImg.SetBars(bars)
}

// thousands formats n with a comma between groups of three digits
// ("450,000"), which a hall can read at a glance.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// effective formats an effective number of patches: one decimal below
// 1,000 ("19.3"), whole and grouped above ("287,021").
func effective(e float64) string {
	if e < 1000 {
		return fmt.Sprintf("%.1f", e)
	}
	return thousands(int(math.Round(e)))
}
