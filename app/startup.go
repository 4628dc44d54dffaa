package app

import (
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"mosaic/model/machine"
)

// request is a request made to the Controller and its answer.
type request struct {
	settings Settings
	kind     Change
	err      error
}

// built is what buildBeside's goroutine hands back: the first request
// (nil if a session or a tour will choose the settings) and the content.
type built struct {
	first   *request
	content fyne.CanvasObject
}

// buildBeside starts, on another goroutine, what showEarly waits for: it
// makes the panels, lays them out once, detached from any window (which
// loads the fonts they use), and then requests the first trajectory
// (unless a session or a tour will choose the settings). Loading the
// text, bold and monospace fonts with their fallbacks (the emoji font
// alone is 4 MB), shaping every label's text and decoding every icon is
// most of start-up after the window itself, and so runs beside the
// window's creation: New calls it before it creates the window, whose
// first one starts GLFW (10 to 50 ms under Xvfb), then showEarly. The
// layout pass leaves the widgets' renderers, text sizes and icon sizes in
// Fyne's caches, so that attaching the content to the window (New) finds
// them ready.
//
// When to request the first trajectory was measured (Xvfb, Zen 3, ten
// rounds of four variants, medians): from the main goroutine once the
// window is up, the window came first (339 ms) but its first frame last
// (418 ms); before the window, 384 and 391 ms; from the goroutine after
// the fonts, 354 and 381 ms; after the panels, as here, 351 and 387 ms.
//
// Until the channel delivers, the main goroutine touches neither the
// panels nor the Controller (nor w.win, which it is creating: the
// panels' callbacks read it only once they run). The theme must already
// be the one the widgets will use (Fyne empties its font cache when the
// theme changes).
func (w *Window) buildBeside() <-chan built {
	done := make(chan built, 1)
	go func() {
		w.makePanels()
		c := w.content()
		c.Resize(w.opts.Size) // the window's own size follows; the caches stay
		var first *request
		if w.opts.Session == "" && w.opts.Tour == "" {
			s := w.state.Settings()
			kind, err := w.ctl.Request(s)
			first = &request{settings: s, kind: kind, err: err}
		}
		done <- built{first, c}
	}()
	return done
}

// showEarly shows the window, plain in the theme's background colour,
// while buildBeside's goroutine makes its widgets. Creating the GL window
// (a fifth to a third of a second under Xvfb's software OpenGL) only the
// main goroutine may do. It returns the goroutine's request, for New to
// finish (Window.requested) once the widgets are attached, and the
// content.
func (w *Window) showEarly(building <-chan built) (*request, fyne.CanvasObject) {
	w.win.SetContent(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
	w.win.Resize(w.opts.Size)
	w.win.Show()
	if w.measure != nil {
		w.measure.shown()
	}
	b := <-building
	return b.first, b.content
}

// untilShownAtMost bounds how long tuneUntilShown's changes last should the
// event loop never report its start.
const untilShownAtMost = 2 * time.Second

// startupHeapLimit bounds the heap while GCOffUntilShown keeps the
// collector off: past it, Go collects anyway.
const startupHeapLimit = 1 << 30

// tuneUntilShown makes the changes opts asks for until the window is on
// screen: the machines on one core (OneCoreUntilShown), the garbage
// collector off (GCOffUntilShown). It returns the function that undoes
// them, once however often it is called, and calls it itself
// untilShownAtMost later; nil if opts asks for neither.
func tuneUntilShown(opts Options) (restore func()) {
	var undo []func()
	if opts.OneCoreUntilShown {
		machine.SetMaxWorkers(1)
		undo = append(undo, func() { machine.SetMaxWorkers(0) })
	}
	if opts.GCOffUntilShown {
		limit := debug.SetMemoryLimit(-1) // -1 reads it
		debug.SetMemoryLimit(min(limit, startupHeapLimit))
		percent := debug.SetGCPercent(-1)
		undo = append(undo, func() {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(limit)
		})
	}
	if undo == nil {
		return nil
	}
	var once sync.Once
	restore = func() {
		once.Do(func() {
			for _, f := range undo {
				f()
			}
		})
	}
	time.AfterFunc(untilShownAtMost, restore)
	return restore
}
