// Package trace is Mosaic's "Trace a region" panel (issue 5): for a
// rectangle of a generated image it shows, step by step from pure noise to
// the final image, which training images and patches carried the region's
// weight (the aggregated attribution of analysis.TraceRegion) and marks the
// step at which the region committed to its final shape. It also renders
// the commitment-time map (CommitmentImage, CommitmentLegend), a view of
// when every pixel was decided.
//
// Threading: NewPanel, Content, Run, SetTrace, Cancel, SetTolerance and the
// accessors must be called on the Fyne UI goroutine. The trace runs on a
// worker goroutine, one per Run; a newer Run or Cancel supersedes it, and
// results come back through Panel.Dispatch (fyne.Do by default).
package trace

import (
	"fmt"
	"image"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/app/internal/worker"
	"mosaic/model/analysis"
	"mosaic/model/machine"
	"mosaic/model/render"
	"mosaic/model/sampler"
)

// DefaultTolerance is the commitment tolerance the panel starts with, in
// units of [-1, 1] pixel values.
const DefaultTolerance = 0.1

// Tolerances are the values offered by the tolerance control.
var Tolerances = []float64{0.02, 0.05, 0.1, 0.2, 0.3, 0.5}

// Panel is the region-trace panel. Build it with NewPanel.
type Panel struct {
	// Dispatch runs a function on the UI goroutine; nil means fyne.Do.
	// Tests inject a queue that they drain themselves.
	Dispatch func(func())
	// TopImages is the number of training images shown per step (4 when
	// <= 0).
	TopImages int
	// TopK is the number of candidate patches kept per pixel and per step
	// by the trace (24 when <= 0).
	TopK int

	tol     float64
	running bool
	work    worker.Worker // one trace; a newer Run supersedes it

	m      *machine.Machine
	tr     *sampler.Trajectory
	rect   image.Rectangle // the region shown (clipped to the image)
	result *analysis.RegionTrace
	commit int // commitment step of the region at tol (0 when nothing is shown)
	rows   []*row

	content  fyne.CanvasObject
	heading  *widget.Label // wraps: the region's numbers are long in a tour's narrow panel
	verdict  *widget.Label
	explain  *widget.Label
	progress *widget.ProgressBar
	status   *widget.Label
	stop     *widget.Button
	jump     *widget.Button
	tolSel   *widget.Select
	finalImg *canvas.Image
	comImg   *canvas.Image
	legBar   *canvas.Image
	legTop   *widget.Label
	legBot   *widget.Label
	list     *fyne.Container
	scroll   *container.Scroll
}

// NewPanel returns an empty panel; Run fills it.
func NewPanel() *Panel {
	p := &Panel{tol: DefaultTolerance}
	p.work.Dispatch = p.dispatch
	p.build()
	return p
}

func (p *Panel) dispatch(f func()) {
	if p.Dispatch != nil {
		p.Dispatch(f)
		return
	}
	fyne.Do(f)
}

func (p *Panel) topImages() int {
	if p.TopImages <= 0 {
		return 4
	}
	return p.TopImages
}

func (p *Panel) topK() int {
	if p.TopK <= 0 {
		return 24
	}
	return p.TopK
}

// bigText returns a canvas.Text scaled from the theme's text size.
func bigText(s string, scale float32, bold bool) *canvas.Text {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.TextSize() * scale
	t.TextStyle.Bold = bold
	return t
}

// bigLabel returns a bold label in the theme's text size size that wraps
// at word boundaries; importance colours it (HighImportance: the primary
// colour).
func bigLabel(s string, size fyne.ThemeSizeName, importance widget.Importance) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = size
	l.Importance = importance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// crisp returns an image object drawn with nearest-neighbour sampling at
// the given minimum size.
func crisp(img image.Image, side float32) *canvas.Image {
	ci := &canvas.Image{Image: img, ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillContain}
	ci.SetMinSize(fyne.NewSquareSize(side))
	return ci
}

// headSide is the side of the header images, listSide that of the per-step
// thumbnails (Fyne units).
const headSide, listSide = 160, 96

func (p *Panel) build() {
	p.heading = bigLabel("Trace a region", theme.SizeNameHeadingText, widget.MediumImportance)
	p.verdict = bigLabel("Drag a rectangle on the image, then trace it.", theme.SizeNameSubHeadingText, widget.HighImportance)
	p.explain = widget.NewLabel("")
	p.explain.Wrapping = fyne.TextWrapWord
	p.progress = widget.NewProgressBar()
	p.status = widget.NewLabel("")
	p.stop = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), p.Cancel)
	p.stop.Disable()
	p.jump = widget.NewButtonWithIcon("Show commit step", theme.MoveDownIcon(), p.ScrollToCommit)
	p.jump.Disable()
	var opts []string
	for _, t := range Tolerances {
		opts = append(opts, strconv.FormatFloat(t, 'g', -1, 64))
	}
	p.tolSel = widget.NewSelect(opts, func(s string) {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v != p.tol {
			p.SetTolerance(v)
		}
	})
	p.tolSel.SetSelected(strconv.FormatFloat(p.tol, 'g', -1, 64))

	p.finalImg = crisp(nil, headSide)
	p.comImg = crisp(nil, headSide)
	p.legBar = &canvas.Image{ScaleMode: canvas.ImageScalePixels, FillMode: canvas.ImageFillStretch}
	p.legBar.SetMinSize(fyne.NewSize(20, headSide))
	p.legTop = widget.NewLabel("early\n")
	p.legBot = widget.NewLabel("late\n")
	legend := container.NewHBox(container.NewVBox(p.legBar),
		container.NewGridWrap(fyne.NewSize(legendW, headSide), container.NewBorder(p.legTop, p.legBot, nil, nil)))
	caption := func(s string) fyne.CanvasObject {
		l := widget.NewLabel(s)
		l.Alignment = fyne.TextAlignCenter
		return l
	}
	images := container.NewHBox(
		container.NewVBox(p.finalImg, caption("final image")),
		container.NewVBox(p.comImg, caption("commitment time")),
		legend,
	)
	tol := container.NewHBox(widget.NewLabel("Tolerance"), p.tolSel, p.jump, p.stop)
	info := container.NewVBox(p.heading, p.verdict, tol, p.explain)
	header := container.NewBorder(nil, nil, images, nil, info)
	cols := container.NewHBox(
		colHead("step", stepColW), colHead("denoised", listSide+theme.Padding()),
		widget.NewLabelWithStyle("training images carrying the region (patches outlined, share of the weight)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.list = container.NewVBox()
	p.scroll = container.NewVScroll(p.list)
	bottom := container.NewVBox(p.progress, p.status)
	p.content = container.NewBorder(container.NewVBox(header, widget.NewSeparator(), cols), bottom, nil, nil, p.scroll)
}

// legendW is the width of the commitment legend's labels.
const legendW = 90

// stepColW is the width of the step column (t, k, effective number).
const stepColW = 170

func colHead(s string, w float32) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewGridWrap(fyne.NewSize(w, l.MinSize().Height), l)
}

// Content returns the panel to put in a window, a tab or a split.
func (p *Panel) Content() fyne.CanvasObject { return p.content }

// ShowWindow opens the panel in a new window of app a and returns it.
// Closing the window cancels a running trace.
func (p *Panel) ShowWindow(a fyne.App) fyne.Window {
	w := a.NewWindow("Trace a region")
	w.SetContent(p.Content())
	w.Resize(fyne.NewSize(1200, 900))
	w.SetOnClosed(p.Cancel)
	w.Show()
	return w
}

// Running reports whether a trace is being computed.
func (p *Panel) Running() bool { return p.running }

// Result returns the trace shown, or nil.
func (p *Panel) Result() *analysis.RegionTrace { return p.result }

// CommitStep returns the step at which the shown region committed to its
// final shape at the current tolerance (analysis.Commitment.RegionStep;
// the trajectory's N when it was fixed from the start), or 0 without a
// result.
func (p *Panel) CommitStep() int { return p.commit }

// Rows returns the number of step rows shown (N-1 for a complete trace).
func (p *Panel) Rows() int { return len(p.rows) }

// Tolerance returns the commitment tolerance.
func (p *Panel) Tolerance() float64 { return p.tol }

// Wait blocks until every worker has returned. It is for tests and
// shutdown.
func (p *Panel) Wait() { p.work.Wait() }

// Cancel stops a running trace, if any; its results are dropped and the
// rows already shown stay.
func (p *Panel) Cancel() {
	p.work.Cancel()
	if p.running {
		p.running = false
		p.status.SetText("Cancelled.")
	}
	p.stop.Disable()
}

// Run traces rect (pixel coordinates, X = column, Y = row, Max exclusive)
// of the complete trajectory tr, which machine m produced, superseding any
// trace still running. Progress is shown per step; the rows appear when
// the trace is done.
func (p *Panel) Run(m *machine.Machine, tr *sampler.Trajectory, rect image.Rectangle) {
	p.Cancel()
	if m == nil || tr == nil || !tr.Complete() {
		p.status.SetText("Nothing to trace: the trajectory is not complete yet.")
		return
	}
	rect = rect.Intersect(image.Rect(0, 0, tr.W, tr.H))
	if rect.Empty() {
		p.status.SetText("Nothing to trace: the region is empty or outside the image.")
		return
	}
	// The commitment needs no attribution: show it at once, rows follow.
	p.m, p.tr, p.rect, p.result = m, tr, rect, nil
	p.clearRows()
	p.showHeader()
	p.running = true
	p.stop.Enable()
	p.progress.SetValue(0)
	p.status.SetText(fmt.Sprintf("Tracing %d×%d pixels over %d steps: which training patches carried them…", rect.Dx(), rect.Dy(), tr.N-1))
	tol, topK, topN := p.tol, p.topK(), p.topImages()
	p.work.Start(func(j *worker.Job) {
		rt, err := analysis.TraceRegion(j.Context(), m, tr, rect, topK, tol, func(done, total int) {
			f := float64(done) / float64(total)
			j.Progress(func() { p.progress.SetValue(f) })
		})
		if err != nil {
			if j.Context().Err() != nil {
				return
			}
			j.Deliver(func() {
				p.running = false
				p.stop.Disable()
				p.status.SetText("Error: " + err.Error())
			})
			return
		}
		v := prepare(m, tr, rt, topN)
		j.Deliver(func() {
			p.running = false
			p.stop.Disable()
			p.progress.SetValue(1)
			p.show(m, tr, rt, v)
		})
	})
}

// SetTrace shows a trace computed elsewhere (for example by the CLI or a
// test) without running anything; it cancels a running trace. The panel's
// tolerance is used for the commitment step.
func (p *Panel) SetTrace(m *machine.Machine, tr *sampler.Trajectory, rt *analysis.RegionTrace) {
	p.Cancel()
	if m == nil || tr == nil || rt == nil || !tr.Complete() {
		return
	}
	p.show(m, tr, rt, prepare(m, tr, rt, p.topImages()))
}

// SetTolerance changes the commitment tolerance and re-marks the commit
// step of the shown trace (the attribution itself does not depend on it).
func (p *Panel) SetTolerance(tol float64) {
	if !(tol > 0) {
		return
	}
	p.tol = tol
	if s := strconv.FormatFloat(tol, 'g', -1, 64); p.tolSel.Selected != s {
		p.tolSel.SetSelected(s)
	}
	p.recommit()
}

// view is everything the rows need, rendered off the UI goroutine.
type view struct {
	steps []stepView
}

type stepView struct {
	rs   analysis.RegionStep
	d    image.Image // D_i upscaled with the region outlined
	tops []topView
}

type topView struct {
	mu     int
	label  string
	weight float64
	img    image.Image // the whole training image with its patches outlined
}

// prepare renders the thumbnails of a trace.
func prepare(m *machine.Machine, tr *sampler.Trajectory, rt *analysis.RegionTrace, topN int) *view {
	d := m.Data()
	f := thumbFactor(listSide, tr.W, tr.H)
	region := []image.Rectangle{rt.Rect}
	v := &view{}
	for _, rs := range rt.Steps {
		sv := stepView{rs: rs}
		if di := tr.D(rs.Step); di != nil {
			sv.d = outlined(render.Image(di, tr.C, tr.H, tr.W), f, region, RegionColor, 2)
		}
		for _, iw := range rs.PerImage {
			if len(sv.tops) >= topN {
				break
			}
			var rects []image.Rectangle
			for _, s := range rs.Top {
				if s.Image == iw.Image {
					rects = append(rects, patchRect(s.Row, s.Col, rs.K))
				}
			}
			label := fmt.Sprintf("#%d", iw.Image)
			if iw.Label >= 0 {
				label += " " + d.ClassName(iw.Label)
			}
			src := render.Image(d.Image(iw.Image), d.C, d.H, d.W)
			sv.tops = append(sv.tops, topView{mu: iw.Image, label: label, weight: iw.Weight,
				img: outlined(src, thumbFactor(listSide, d.W, d.H), rects, PatchColor, 2)})
		}
		v.steps = append(v.steps, sv)
	}
	return v
}

// row is one step of the trace in the list.
type row struct {
	step int
	bg   *canvas.Rectangle
	mark *canvas.Text
	obj  fyne.CanvasObject
}

// show displays a finished trace (UI goroutine).
func (p *Panel) show(m *machine.Machine, tr *sampler.Trajectory, rt *analysis.RegionTrace, v *view) {
	p.m, p.tr, p.rect, p.result = m, tr, rt.Rect, rt
	p.clearRows()
	for _, sv := range v.steps {
		p.rows = append(p.rows, p.newRow(sv))
		p.list.Add(p.rows[len(p.rows)-1].obj)
	}
	p.showHeader()
	p.status.SetText(fmt.Sprintf("Traced %d steps; each row lists the training images whose patches carried the region at that step.", len(v.steps)))
	p.list.Refresh()
	p.scroll.Refresh()
	p.ScrollToCommit()
}

// clearRows empties the list (UI goroutine).
func (p *Panel) clearRows() {
	p.list.RemoveAll()
	p.rows = nil
	p.list.Refresh()
	p.jump.Disable()
}

// showHeader shows the final image and the region, and marks the commit
// step (UI goroutine).
func (p *Panel) showHeader() {
	p.finalImg.Image = outlined(render.Image(p.tr.Final(), p.tr.C, p.tr.H, p.tr.W), thumbFactor(headSide, p.tr.W, p.tr.H), []image.Rectangle{p.rect}, RegionColor, 2)
	p.finalImg.Refresh()
	r := p.rect
	p.heading.SetText(fmt.Sprintf("Region: columns %d–%d, rows %d–%d (%d pixels)", r.Min.X, r.Max.X-1, r.Min.Y, r.Max.Y-1, r.Dx()*r.Dy()))
	p.recommit()
}

// ScrollToCommit scrolls the list so that the row of the commit step is
// near the top, with the step before it in view.
func (p *Panel) ScrollToCommit() {
	for i, rw := range p.rows {
		if rw.step != p.commit {
			continue
		}
		y := rw.obj.Position().Y
		if i > 0 {
			y = p.rows[i-1].obj.Position().Y
		}
		maxY := max(0, p.list.MinSize().Height-p.scroll.Size().Height)
		p.scroll.ScrollToOffset(fyne.NewPos(0, min(y, maxY)))
		return
	}
}

func (p *Panel) newRow(sv stepView) *row {
	rs := sv.rs
	rw := &row{step: rs.Step}
	tl := bigText(fmt.Sprintf("t = %.2f", rs.T), 1.6, true)
	kl := bigText(fmt.Sprintf("k = %d", rs.K), 1.2, false)
	el := bigText(fmt.Sprintf("%s patches (eff.)", formatEff(rs.Effective)), 1.0, false)
	rw.mark = bigText("", 1.1, true)
	rw.mark.Color = theme.Color(theme.ColorNamePrimary)
	stepCol := container.NewGridWrap(fyne.NewSize(stepColW, listSide), container.NewVBox(tl, kl, el, rw.mark))
	items := []fyne.CanvasObject{stepCol, container.NewVBox(crisp(sv.d, listSide))}
	for _, tv := range sv.tops {
		caption := widget.NewLabelWithStyle(tv.label, fyne.TextAlignCenter, fyne.TextStyle{})
		cell := container.NewVBox(crisp(tv.img, listSide), newWeightBar(tv.weight), caption)
		items = append(items, container.NewGridWrap(fyne.NewSize(listSide+8, cell.MinSize().Height), cell))
	}
	if len(sv.tops) == 0 {
		items = append(items, widget.NewLabel("no weight"))
	}
	rw.bg = canvas.NewRectangle(color.Transparent)
	rw.bg.CornerRadius = 6
	rw.obj = container.NewStack(rw.bg, container.NewPadded(container.NewHBox(append(items, layout.NewSpacer())...)))
	return rw
}

// formatEff prints an effective number of patches compactly.
func formatEff(e float64) string {
	switch {
	case e >= 1000:
		return fmt.Sprintf("%.0f", e)
	case e >= 10:
		return fmt.Sprintf("%.1f", e)
	}
	return fmt.Sprintf("%.2f", e)
}

// recommit recomputes the region's commitment step at the current
// tolerance, marks its row and redraws the commitment map (UI goroutine;
// cheap: one pass over the trajectory).
func (p *Panel) recommit() {
	if p.tr == nil || p.rect.Empty() {
		p.commit = 0
		return
	}
	com, err := analysis.CommitmentMap(p.tr, p.tol)
	if err != nil {
		p.status.SetText("Error: " + err.Error())
		return
	}
	rect := p.rect
	var pixels []int
	for r := rect.Min.Y; r < rect.Max.Y; r++ {
		for c := rect.Min.X; c < rect.Max.X; c++ {
			pixels = append(pixels, r*p.tr.W+c)
		}
	}
	p.commit = com.RegionStep(pixels)
	p.comImg.Image = outlined(CommitmentImage(com), thumbFactor(headSide, com.W, com.H), []image.Rectangle{rect}, RegionColor, 2)
	p.comImg.Refresh()
	p.setLegend(com.N)

	highlight := theme.Color(theme.ColorNameSelection)
	hasRow := false
	for _, rw := range p.rows {
		if rw.step == p.commit {
			hasRow = true
			rw.bg.FillColor = highlight
			rw.mark.Text = "committed here"
		} else {
			rw.bg.FillColor = color.Transparent
			rw.mark.Text = ""
		}
		rw.bg.Refresh()
		rw.mark.Refresh()
	}
	if hasRow {
		p.jump.Enable()
	} else {
		p.jump.Disable()
	}
	n := p.tr.N
	if p.commit >= n {
		p.verdict.SetText("Fixed from the start")
		p.explain.SetText(fmt.Sprintf("Every pixel of the region was within %g of its final value at every step.", p.tol))
	} else {
		p.verdict.SetText(fmt.Sprintf("Committed at t = %.2f (k = %d)", float64(p.commit)/float64(n), p.tr.K[p.commit]))
		p.explain.SetText(fmt.Sprintf("Step %d was the last at which a pixel of the region was more than %g from its final value; after it the region only sharpens. A late commitment means small patches, which never see the whole hand, decided the shape.", p.commit, p.tol))
	}
}

// setLegend shows the commitment colour bar of an n-step trajectory.
func (p *Panel) setLegend(n int) {
	leg := CommitmentLegend(n)
	if len(leg) == 0 {
		return
	}
	p.legBar.Image = CommitmentBar(n, 1)
	p.legBar.Refresh()
	p.legTop.SetText(fmt.Sprintf("early\nt = %.2f", leg[0].T))
	p.legBot.SetText(fmt.Sprintf("late\nt = %.2f", leg[len(leg)-1].T))
}
