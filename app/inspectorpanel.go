package app

import (
	"fmt"
	"image"
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
	title   *widget.Label
	query   *widgets.PixelImage
	summary *widget.Label
	patches *widgets.PatchList
	perImg  *widgets.WeightBars
	box     fyne.CanvasObject
	perBox  fyne.CanvasObject
	// queryLbl names what the small image beside the summary shows.
	queryLbl *widget.Label
	// filter shows the Wiener machine's filter row in place of the patch
	// list, with filterNote under it.
	filter     *widgets.PixelImage
	filterNote *widget.Label
	filterBox  *fyne.Container
}

func newInspectorPanel() *inspectorPanel {
	p := &inspectorPanel{}
	p.title = widget.NewLabelWithStyle("Pixel inspector", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.query = widgets.NewPixelImage(nil, fyne.NewSize(64, 64))
	p.summary = widget.NewLabel("Click a pixel of the image to see which training patches it copies.")
	p.summary.Wrapping = fyne.TextWrapWord
	p.patches = widgets.NewPatchList()
	p.perImg = widgets.NewWeightBars()
	p.queryLbl = widget.NewLabel("query patch")
	head := container.NewBorder(nil, nil, container.NewVBox(p.queryLbl, p.query), nil, p.summary)
	pad := canvas.NewRectangle(color.Transparent)
	pad.SetMinSize(fyne.NewSize(theme.Padding()*3, 1))
	p.perBox = container.NewVScroll(container.NewBorder(nil, nil, nil, pad, p.perImg))
	p.filter = widgets.NewPixelImage(nil, fyne.NewSize(160, 160))
	p.filterNote = widget.NewLabel("")
	p.filterNote.Wrapping = fyne.TextWrapWord
	p.filterBox = container.NewBorder(nil, p.filterNote, nil, nil, p.filter)
	p.filterBox.Hide()
	p.box = container.NewBorder(container.NewVBox(p.title, head), nil, nil, nil, container.NewStack(p.patches, p.filterBox))
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
	val := ""
	if len(a.Value) == 1 {
		val = fmt.Sprintf("D = %+.3f", a.Value[0])
	}
	along := ""
	if len(ins.NetValue) == 1 && len(a.Value) == 1 {
		// Network vs machine: the machine at the network's x_t.
		val = fmt.Sprintf("machine D = %+.3f · network D = %+.3f (D_net − D_machine = %+.3f)", a.Value[0], ins.NetValue[0], ins.NetValue[0]-a.Value[0])
		along = " · " + res.Machine.Spec().String() + " at the network's x_t"
	} else if ins.NetValue != nil {
		val = fmt.Sprintf("machine D = %s · network D = %s", vector(a.Value), vector(ins.NetValue))
		along = " · " + res.Machine.Spec().String() + " at the network's x_t"
	}
	stale := ""
	if res.Stale[ins.Query.Step] {
		stale = " (previous settings, being recomputed)"
	}
	note := ""
	if ins.Query.Step == 0 {
		note = "\nx_0 = D_1: weights of step 1"
	}
	if ins.Filter != nil {
		p.showFilter(ins, val+stale+note)
		return
	}
	if ins.Note != "" {
		p.title.SetText(fmt.Sprintf("Pixel (%d, %d) at t = %.2f: network", a.Row, a.Col, a.T))
		p.queryLbl.Hide()
		p.query.Hide()
		p.summary.SetText(ins.Note + "\n" + val + stale)
		p.patches.SetEntries(nil)
		p.perImg.SetBars(nil)
		p.filterBox.Hide()
		return
	}
	p.filterBox.Hide()
	p.patches.Show()
	p.queryLbl.Show()
	p.query.Show()
	if ins.Hood != nil {
		p.title.SetText(fmt.Sprintf("Pixel (%d, %d) at t = %.2f%s", a.Row, a.Col, a.T, along))
		p.queryLbl.SetText("x in the box")
		p.summary.SetText(fmt.Sprintf("effective number of images: %s of %s\nneighbourhood: %s values (yellow outline)\n%s%s%s",
			effective(a.Effective), thousands(a.Candidates), thousands(ins.HoodSize), val, stale, note))
	} else {
		p.title.SetText(fmt.Sprintf("Pixel (%d, %d) at t = %.2f, k = %d%s", a.Row, a.Col, a.T, a.K, along))
		p.queryLbl.SetText("query patch")
		p.summary.SetText(fmt.Sprintf("effective number of patches: %s of %s candidates\n%s%s%s", effective(a.Effective), thousands(a.Candidates), val, stale, note))
	}
	p.query.SetImage(ins.QueryPatch)
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

// showFilter shows the Wiener machine's answer: the pixel's filter row as a
// diverging map instead of the patch list (the machine copies nothing).
func (p *inspectorPanel) showFilter(ins *Inspection, extra string) {
	a := ins.Attr
	p.title.SetText(fmt.Sprintf("Pixel (%d, %d) at t = %.2f: Wiener filter", a.Row, a.Col, a.T))
	p.queryLbl.Hide()
	p.query.Hide()
	p.summary.SetText("D = mu + F_t (x/a - mu): one linear filter, no training image is copied.\n" + extra)
	p.filter.SetImage(ins.FilterImage)
	p.filter.SetOutline(image.Rect(a.Col, a.Row, a.Col+1, a.Row+1))
	p.filterNote.SetText(fmt.Sprintf("Row F_t[p, :] over the image: red values of x/a - mu raise D at p, blue ones lower it (scale ±%.3g). It widens as t grows.", ins.FilterLimit))
	p.patches.Hide()
	p.filterBox.Show()
	p.perImg.SetBars(nil)
}

// vector formats a pixel's channel values ("(+0.12, -0.30, +0.55)").
func vector(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%+.2f", x)
	}
	return "(" + strings.Join(parts, ", ") + ")"
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
