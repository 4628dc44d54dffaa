package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// request is a request made to the Controller and its answer.
type request struct {
	settings Settings
	kind     Change
	err      error
}

// showEarly creates and shows the window, plain in the theme's background
// colour, before its widgets exist, and meanwhile, on another goroutine,
// loads the fonts, makes the panels and lays them out once, detached from
// any window. The two are the longest parts of start-up: creating the GL
// window (about a third of a second under Xvfb's software OpenGL), which
// only the main goroutine may do, and parsing the text, bold and monospace
// fonts with their fallbacks (the emoji font alone is 4 MB), shaping every
// label's text and decoding every icon, which is most of building the
// widgets. The layout pass leaves the widgets' renderers, text sizes and
// icon sizes in Fyne's caches, so that attaching the content to the window
// (New) finds them ready.
//
// With the window up, it requests the first trajectory at once (unless a
// session or a tour will choose the settings), so that the machine
// computes while the widgets are finished and drawn; it returns that
// request for New to finish (Window.requested) once the widgets exist.
// Starting the machine any earlier slows the window's creation more than
// it gains: under Xvfb the window then took 0.84 - 0.97 s instead of
// 0.56 s in a slow hour of the host.
//
// It returns the content when the goroutine is done, so no widget is ever
// touched by two goroutines at once. Until then the main goroutine touches
// only the window and the Controller, never the panels; the theme must
// already be the one the widgets will use (Fyne empties its font cache when
// the theme changes).
func (w *Window) showEarly() (*request, fyne.CanvasObject) {
	built := make(chan fyne.CanvasObject, 1)
	go func() {
		loadFonts()
		w.makePanels()
		c := w.content()
		c.Resize(w.opts.Size) // the window's own size follows; the caches stay
		built <- c
	}()
	w.win.SetContent(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
	w.win.Resize(w.opts.Size)
	w.win.Show()
	if w.measure != nil {
		w.measure.shown()
	}
	var first *request
	if w.opts.Session == "" && w.opts.Tour == "" {
		s := w.state.Settings()
		kind, err := w.ctl.Request(s)
		first = &request{settings: s, kind: kind, err: err}
	}
	return first, <-built
}

// startupStyles are the text styles of the window's first frame: labels
// and buttons, bold headings, and the monospace of the inspector's
// figures.
var startupStyles = []fyne.TextStyle{{}, {Bold: true}, {Monospace: true}}

// loadFonts makes Fyne load and cache the fonts of startupStyles (at the
// theme's text size; the cache is keyed on the style) by measuring a word
// in each.
func loadFonts() {
	for _, st := range startupStyles {
		fyne.MeasureText("Mosaic", theme.TextSize(), st)
	}
}
