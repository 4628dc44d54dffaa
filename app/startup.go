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
// colour, before its widgets exist, and meanwhile loads the fonts those
// widgets measure on another goroutine. The two are the longest parts of
// start-up: creating the GL window (about a third of a second under
// Xvfb's software OpenGL), which only the main goroutine may do, and
// parsing the text, bold and monospace fonts with their fallbacks (the
// emoji font alone is 4 MB), which is most of building the widgets.
//
// With the window up, it requests the first trajectory at once (unless a
// session or a tour will choose the settings), so that the machine
// computes while the widgets are built and drawn; it returns that request
// for New to finish (Window.requested) once the widgets exist. Starting
// the machine any earlier slows the window's creation more than it gains:
// under Xvfb the window then took 0.84 - 0.97 s instead of 0.56 s in a
// slow hour of the host.
//
// It returns when the fonts are loaded too, so building the widgets never
// shares a font face with the loading goroutine. The theme must already
// be the one the widgets will use (Fyne empties its font cache when the
// theme changes).
func (w *Window) showEarly() *request {
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		loadFonts()
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
	<-loaded
	return first
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
