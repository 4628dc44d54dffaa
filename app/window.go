package app

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"mosaic/app/trace"
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
	// OneCoreUntilShown computes on one core until the window is on
	// screen (at most untilShownAtMost): the first trajectory starts at once,
	// and the window's first frame does not wait for a CPU. The desktop
	// entry point sets it; the test driver never reports the start.
	OneCoreUntilShown bool
	// GCOffUntilShown turns Go's garbage collector off until the window is
	// on screen (at most untilShownAtMost), with the heap bounded by
	// startupHeapLimit: start-up allocates about 170 MB, 140 MB of it
	// kept, which the collector traced seven times, on the two cores the
	// window and the widgets were being made on. The desktop entry point
	// sets it.
	GCOffUntilShown bool
	// ShowEarly shows the window, in its background colour, while another
	// goroutine builds and lays out the widgets and then starts the first
	// trajectory (see showEarly): the widgets and the first frame come on
	// screen sooner. The desktop entry point sets it.
	ShowEarly bool
	// Versus, if set, starts compare mode in Network vs machine with this
	// machine ("els", "ls", "ideal", "wiener", "pca-locality") on side B,
	// and Boundary as its boundary ("" = A's); View is the view to start
	// in and Tab the chart tab ("r2" for the r² chart).
	Versus, VersusBoundary string
	View                   View
	Tab                    string
	// ViewSet says that View was asked for explicitly: with a Session,
	// View replaces the session's view only then.
	ViewSet bool
	// Tour, if set, is a tour file ("builtin" for the built-in tour)
	// presented from scene Scene (1 if zero) at start-up.
	Tour  string
	Scene int

	library  *Library     // tests inject a library with a toy data set
	dispatch func(func()) // tests inject their own UI queue; fyne.Do if nil
}

// Window is the Mosaic main window: it builds the panels, owns the State
// and the Controller, and carries the data flow between them (see
// dataflow.go). Every method runs on the UI goroutine.
type Window struct {
	app     fyne.App
	win     fyne.Window
	opts    Options
	lib     *Library
	ctl     *Controller
	insp    *Inspector
	dialogs dialogs

	state   *State
	res     *Result     // on screen
	ins     *Inspection // the inspector's last answer
	follow  bool        // move to each new frame of a full run as it arrives
	pinned  bool        // a restored session chose the step: do not follow
	renders *renders

	image    *imagePanel
	steps    *stepsPanel
	status   *statusBar
	controls *controls
	inspect  *inspectorPanel
	charts   *chartsPanel
	// chartTabs hold the charts under the inspector (built once, so that
	// the tab chosen survives a new layout).
	chartTabs *widgets.Tabs
	cmp       *compare
	tools     handTools

	presenting bool
	tour       tourPlayer // the lecture tour (tourplay.go)
	measure    *measurer
	// confirmed is the key of the slow settings the user agreed to start
	// (admit asks once per settings).
	confirmed string
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
	if opts.dispatch == nil {
		opts.dispatch = fyne.Do
	}
	if opts.Started.IsZero() {
		opts.Started = time.Now()
	}
	lib := opts.library
	if lib == nil {
		lib = NewLibrary()
	}
	// Network vs machine's r² chart uses five machines beside the network
	// and side B: keep them all built.
	lib.Keep = max(lib.Keep, 8)
	w := &Window{app: a, opts: opts, lib: lib, state: NewState(opts.Settings, trace.DefaultTolerance), renders: newRenders()}
	w.tools.loads.Dispatch = opts.dispatch
	w.ctl = NewController(w.lib, opts.dispatch)
	w.ctl.OnResult = w.onResult
	w.ctl.OnError = w.onError
	w.ctl.OnPrepare = w.onPrepare
	w.ctl.OnTiming = w.onTiming
	w.insp = NewInspector(opts.dispatch)
	w.insp.OnResult = w.onInspection
	w.insp.OnError = func(err error) { w.inspect.showError(err) }
	if opts.Measure {
		w.measure = &measurer{w: w, start: opts.Started}
	}
	restore := tuneUntilShown(opts)
	if opts.Measure || restore != nil {
		a.Lifecycle().SetOnStarted(func() {
			if w.measure != nil {
				w.measure.started()
			}
			if restore != nil {
				restore()
			}
		})
	}
	if opts.Present {
		a.Settings().SetTheme(PresentationTheme()) // before the widgets exist
	}
	var building <-chan built
	if opts.ShowEarly {
		building = w.buildBeside()
	}
	w.win = a.NewWindow("Mosaic") // the first window starts GLFW: the panels are being made meanwhile
	w.dialogs = dialogs{app: a, win: w.win}
	var first *request
	var content fyne.CanvasObject
	if opts.ShowEarly {
		first, content = w.showEarly(building)
	} else {
		w.makePanels()
		content = w.content()
	}
	w.attach(content)
	w.state.Observe(w.onState)
	w.win.Resize(opts.Size)
	if opts.Session != "" {
		if s, err := LoadSession(opts.Session); err != nil {
			w.onError(err)
		} else {
			w.restore(s)
		}
	}
	if first != nil {
		w.requested(first.settings, first.kind, first.err)
	} else {
		w.apply(w.state.Settings())
	}
	if opts.Session == "" || opts.ViewSet {
		w.state.SetView(opts.View)
	}
	if opts.Versus != "" && !opts.Measure { // --measure chooses it on the complete trajectory
		w.startVersus(opts.Versus, opts.VersusBoundary)
	}
	if opts.Present {
		w.setPresenting(true)
	}
	if opts.Tour != "" {
		w.openTourAtStart(opts.Tour, opts.Scene)
	}
	return w
}

// Window returns the Fyne window.
func (w *Window) Window() fyne.Window { return w.win }

// ShowAndRun shows the window and runs the app until it closes.
func (w *Window) ShowAndRun() { w.win.ShowAndRun() }

// makePanels creates the panels. It touches no window, so that
// showEarly can run it while the window is being created.
func (w *Window) makePanels() {
	w.status = newStatusBar()
	w.controls = newControls(w)
	w.inspect = newInspectorPanel()
	w.cmp = newCompare(w, w.lib, w.opts.dispatch, w.renders)
	w.image = newImagePanel(w, w.renders)
	w.steps = newStepsPanel(w.setStep, func() { w.win.Canvas().Unfocus() }) // give the keys back to the timeline
	w.steps.timeline.Dispatch = w.opts.dispatch                             // playback's frames arrive like every other result
	w.charts = newChartsPanel()
	v := w.charts.views
	w.chartTabs = widgets.NewTabs(
		widgets.TabPage{Title: "Per image", Content: w.inspect.perImage()},
		widgets.TabPage{Title: "Schedule", Content: v[chartSchedule]},
		widgets.TabPage{Title: "r² over t", Content: container.NewBorder(w.cmp.chartBar(), nil, nil, nil, v[chartR2])},
		widgets.TabPage{Title: "a(t), b(t)", Content: v[chartSignalNoise]},
		widgets.TabPage{Title: "Pixel", Content: v[chartPixel]},
		widgets.TabPage{Title: "Spectrum", Content: v[chartSpectrum]},
	)
	w.chartTabs.OnSelected = func(int) { w.charts.redrawShown() }
	tabOf := [numCharts]int{chartSchedule: chartIndex("schedule"), chartR2: chartIndex("r2"), chartSignalNoise: chartIndex("signal-noise"), chartPixel: chartIndex("pixel"), chartSpectrum: chartIndex("spectrum")}
	w.charts.onTab = func(i int) bool { return w.chartTabs.SelectedIndex() == tabOf[i] }
	if w.opts.Tab == "r2" {
		w.chartTabs.SelectIndex(2)
	}
}

// attach gives the window its menu, its keys and the content made of the
// panels.
func (w *Window) attach(content fyne.CanvasObject) {
	w.win.SetMainMenu(w.menu())
	w.win.Canvas().SetOnTypedKey(w.key)
	w.win.SetContent(content)
}

// layout (re)builds the window content for normal or presentation mode.
func (w *Window) layout() { w.win.SetContent(w.content()) }

// content arranges the panels for normal or presentation mode.
func (w *Window) content() fyne.CanvasObject {
	imageArea := w.image.area(w.cmp.bar(), w.cmp.images(w.image.image))
	status := w.status.object()
	if w.presenting {
		// The inspector stays: "which training patches made this pixel" is
		// what a lecture shows.
		center := container.NewBorder(nil, w.presentBar(), nil, nil, imageArea)
		side, offset := w.tourSide(w.inspect.panel())
		split := container.NewHSplit(center, container.New(&minWidth{w: 420}, side))
		split.SetOffset(offset)
		return container.NewBorder(nil, w.tourFooter(status), nil, nil, split)
	}
	center := container.NewBorder(nil, w.steps.object(), nil, nil, imageArea)
	left := container.NewVScroll(w.controls.panel())
	left.SetMinSize(fyne.NewSize(250, 100))
	right := container.NewVSplit(w.inspect.panel(), w.chartTabs)
	right.SetOffset(0.6)
	split := container.NewHSplit(center, container.New(&minWidth{w: 330}, container.NewStack(right)))
	split.SetOffset(0.64)
	return container.NewBorder(nil, status, container.New(&minWidth{w: 250}, left), nil, split)
}

// startVersus turns on Network vs machine with machine name (and
// boundary, if set) on side B.
func (w *Window) startVersus(name, boundary string) {
	if k, err := machine.ParseKind(name); err == nil && slices.Contains(w.cmp.machine.Options, k.Title()) {
		showSelected(w.cmp.machine, k.Title())
	} else {
		w.warn(fmt.Sprintf("--vs %s: side B takes one of %s", name, strings.Join(w.cmp.machine.Options, ", ")))
	}
	if boundary == "" {
		boundary = w.state.Settings().Boundary
	}
	if b, err := machine.ParseBoundary(boundary); err == nil {
		showSelected(w.cmp.bound, b.Title())
	}
	w.cmp.setNetworkVsMachine(true)
}

// setPresenting switches presentation mode: full screen, the larger
// high-contrast theme and only the essential controls.
func (w *Window) setPresenting(on bool) {
	if !on {
		w.stopTour() // a tour is presented only in presentation mode
	}
	w.presenting = on
	if on {
		w.app.Settings().SetTheme(PresentationTheme())
	} else {
		w.app.Settings().SetTheme(nil)
	}
	w.steps.setPresenting(on)
	w.win.SetFullScreen(on)
	w.layout()
	w.redraw()
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
