package app

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"mosaic/app/gallery"
	"mosaic/app/trace"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/widgets"
)

// Options configure the window at start-up.
type Options struct {
	// Settings are computed first (DefaultSettings if zero).
	Settings Settings
	// Session, if set, is a session file opened instead of Settings.
	Session string
	// Present starts in presentation mode.
	Present bool
	// Size is the initial window size (1280x800 if zero).
	Size fyne.Size
	// Measure prints timings to Log: launch to the first complete
	// trajectory on screen, then a patch-size change at step 3 to its
	// first updated frame; the app quits afterwards.
	Measure bool
	// Log receives measurements and is os.Stderr if nil.
	Log io.Writer
	// Started is when the process started, for --measure (now if zero).
	Started time.Time

	library  *Library     // tests inject a library with a toy data set
	dispatch func(func()) // tests inject their own UI queue; fyne.Do if nil
}

// renderKey identifies a rendered view of immutable step data.
type renderKey struct {
	v    View
	x    *float64
	prev *float64
	st   *machine.Step
	tol  float64 // the commitment view's tolerance (0 for other views)
}

// Window is the Mosaic main window and all of its state. Every method runs
// on the UI goroutine.
type Window struct {
	app  fyne.App
	win  fyne.Window
	opts Options
	lib  *Library
	ctl  *Controller
	insp *Inspector

	settings  Settings // what the controls show and the last request
	res       *Result  // on screen
	step      int      // current frame i (N-1 .. 0)
	follow    bool     // move to each new frame of a full run as it arrives
	pinned    bool     // a restored session chose the step: do not follow
	noteShown bool     // the hover line shows a note about the view
	view      View
	selR      int
	selC      int
	hasSel    bool
	ins       *Inspection
	cache     map[renderKey]Rendered
	overlays  int // cached renders that hold an overlay
	launched  time.Time

	image      *widgets.ImageView
	viewSel    *widget.Select
	viewSelBox fyne.CanvasObject
	colorBar   *widgets.ColorBar // colour scales, under the image
	legendSide *widgets.Legend   // mosaic sources, beside the image
	legendBox  *fyne.Container
	hover      *widget.Label
	note       *widget.Label
	timeline   *widgets.Timeline
	film       *widgets.Filmstrip
	progress   *widget.ProgressBar
	status     *widget.Label

	controls *controls
	inspect  *inspectorPanel
	charts   []*widgets.PlotView
	cmp      *compare

	body       *fyne.Container
	presenting bool
	measure    *measurer

	// Issue 5: the hands gallery (its window and the settings, machine
	// and data set it samples with), the region-trace panel and the
	// commitment tolerance with its control.
	gallery    *gallery.Gallery
	galleryWin fyne.Window
	gallerySet Settings
	galleryM   *machine.Machine
	galleryD   *dataset.Dataset
	tracer     *trace.Panel
	traceWin   fyne.Window
	tol        float64
	tolSel     *widget.Select
	tolBox     *fyne.Container
}

// New builds the main window of a (not yet running) Fyne app and starts
// computing the first trajectory.
func New(a fyne.App, opts Options) *Window {
	if opts.Settings.Dataset == "" {
		opts.Settings = DefaultSettings()
	}
	if opts.Size.IsZero() {
		opts.Size = fyne.NewSize(1280, 800)
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	lib := opts.library
	if lib == nil {
		lib = NewLibrary()
	}
	w := &Window{app: a, opts: opts, lib: lib, settings: opts.Settings, cache: map[renderKey]Rendered{},
		launched: opts.Started, selR: -1, selC: -1, tol: trace.DefaultTolerance}
	if w.launched.IsZero() {
		w.launched = time.Now()
	}
	w.win = a.NewWindow("Mosaic")
	if opts.dispatch == nil {
		opts.dispatch = fyne.Do
		w.opts.dispatch = fyne.Do
	}
	w.ctl = NewController(w.lib, opts.dispatch)
	w.ctl.OnResult = w.onResult
	w.ctl.OnError = w.onError
	w.ctl.OnPrepare = w.onPrepare
	w.ctl.OnTiming = w.onTiming
	w.insp = NewInspector(opts.dispatch)
	w.insp.OnResult = w.onInspection
	w.insp.OnError = func(err error) { w.inspect.showError(err) }
	if opts.Measure {
		w.measure = &measurer{w: w, start: w.launched}
	}
	if opts.Present {
		a.Settings().SetTheme(PresentationTheme()) // before the widgets exist
	}
	w.build()
	w.win.Resize(opts.Size)
	if opts.Session != "" {
		if s, err := LoadSession(opts.Session); err != nil {
			w.onError(err)
		} else {
			w.restore(s)
		}
	}
	w.request(w.settings)
	if opts.Present {
		w.setPresenting(true)
	}
	return w
}

// Window returns the Fyne window.
func (w *Window) Window() fyne.Window { return w.win }

// ShowAndRun shows the window and runs the app until it closes.
func (w *Window) ShowAndRun() { w.win.ShowAndRun() }

// build creates the widgets and the layout.
func (w *Window) build() {
	w.status = widget.NewLabel("")
	w.status.Truncation = fyne.TextTruncateEllipsis
	w.controls = newControls(w)
	w.inspect = newInspectorPanel(w)
	w.cmp = newCompare(w)
	w.image = widgets.NewImageView()
	w.image.OnHover = w.onHover
	w.image.OnSelect = w.onSelect
	w.image.OnRegion = w.onRegion
	w.image.OnUnhandledKey = w.onKey
	w.viewSel = widget.NewSelect(viewTitleList(), func(s string) {
		for _, v := range Views {
			if v.Title() == s {
				w.setView(v)
			}
		}
	})
	w.viewSel.SetSelected(w.view.Title())
	w.viewSelBox = container.New(&minWidth{w: 230}, w.viewSel)
	var tols []string
	for _, t := range trace.Tolerances {
		tols = append(tols, strconv.FormatFloat(t, 'g', -1, 64))
	}
	w.tolSel = widget.NewSelect(tols, func(s string) {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			w.setTolerance(v)
		}
	})
	w.tolSel.SetSelected(strconv.FormatFloat(w.tol, 'g', -1, 64))
	w.tolBox = container.NewHBox(widget.NewLabel("tolerance"), w.tolSel)
	w.tolBox.Hide()
	w.colorBar = widgets.NewColorBar()
	w.colorBar.Hide()
	w.legendSide = widgets.NewLegend()
	w.legendBox = container.NewBorder(widget.NewLabelWithStyle("heaviest patch from", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, container.NewVScroll(w.legendSide))
	w.legendBox.Hide()
	w.hover = widget.NewLabel(hoverHint)
	w.hover.Truncation = fyne.TextTruncateEllipsis
	w.note = widget.NewLabel("")
	w.timeline = widgets.NewTimeline()
	w.timeline.OnChange = func(j int) { w.setStep(w.frameOf(j)) }
	w.timeline.SetSpeed(4)
	w.film = widgets.NewFilmstrip()
	w.film.SetThumbSize(52)
	w.film.OnSelect = func(j int) {
		w.win.Canvas().Unfocus() // give the keys back to the timeline
		w.setStep(w.frameOf(j))
	}
	w.progress = widget.NewProgressBar()
	w.progress.TextFormatter = func() string {
		if w.res == nil {
			return "loading…"
		}
		if w.res.Complete {
			return "complete"
		}
		return fmt.Sprintf("step %d of %d", w.res.Done, w.res.Total)
	}
	w.charts = w.makeCharts()
	w.win.SetMainMenu(w.menu())
	w.win.Canvas().SetOnTypedKey(w.onKey)
	w.layout()
}

func viewTitleList() []string {
	out := make([]string, len(Views))
	for i, v := range Views {
		out[i] = v.Title()
	}
	return out
}

// layout (re)builds the window content for normal or presentation mode.
func (w *Window) layout() {
	viewBar := container.NewHBox(widget.NewLabel("View"), w.viewSelBox, w.tolBox, widget.NewSeparator(), w.cmp.bar())
	images := container.NewGridWithColumns(1, w.image)
	if w.cmp.on {
		images = container.NewGridWithColumns(2, container.NewBorder(w.cmp.titleA, nil, nil, nil, w.image), container.NewBorder(w.cmp.headB, nil, nil, nil, w.cmp.image))
	}
	imageArea := container.NewBorder(viewBar, container.NewVBox(container.NewCenter(container.New(&minWidth{w: 360}, w.colorBar)), w.hover), nil, w.legendBox, images)
	bottom := container.NewVBox(w.timeline, w.film)
	status := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(220, w.progress.MinSize().Height), w.progress), w.status)
	if w.presenting {
		// The inspector stays: "which training patches made this pixel" is
		// what a lecture shows.
		center := container.NewBorder(nil, container.NewVBox(w.timeline, w.controls.essential()), nil, nil, imageArea)
		split := container.NewHSplit(center, container.New(&minWidth{w: 420}, w.inspect.panel()))
		split.SetOffset(0.62)
		w.body = container.NewBorder(nil, status, nil, nil, split)
		w.win.SetContent(w.body)
		return
	}
	center := container.NewBorder(nil, bottom, nil, nil, imageArea)
	left := container.NewVScroll(w.controls.panel())
	left.SetMinSize(fyne.NewSize(250, 100))
	chartTabs := container.NewAppTabs(
		container.NewTabItem("Per image", w.inspect.perImage()),
		container.NewTabItem("Schedule", w.charts[0]),
		container.NewTabItem("a(t), b(t)", w.charts[1]),
		container.NewTabItem("Pixel", w.charts[2]),
		container.NewTabItem("Spectrum", w.charts[3]),
	)
	right := container.NewVSplit(w.inspect.panel(), chartTabs)
	right.SetOffset(0.6)
	rightBox := container.NewStack(right)
	split := container.NewHSplit(center, container.New(&minWidth{w: 330}, rightBox))
	split.SetOffset(0.64)
	w.body = container.NewBorder(nil, status, container.New(&minWidth{w: 250}, left), nil, split)
	w.win.SetContent(w.body)
}

// minWidth is a layout that stacks its objects and asks for a minimum
// width.
type minWidth struct{ w float32 }

// Layout gives every object the whole size.
func (m *minWidth) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

// MinSize is the objects' minimum, at least m.w wide.
func (m *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := layout.NewStackLayout().MinSize(objs)
	return fyne.NewSize(max(s.Width, m.w), s.Height)
}
