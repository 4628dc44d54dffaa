package app

import "slices"

// State is the one owner of what the user has chosen and where they are
// looking: the settings of the trajectory, the step on screen, the view,
// the selected pixel and the commitment tolerance. Panels never keep their
// own copies: they are shown these values and report the user's moves to
// the Window, which sets them here. Every setter is a no-op when the value
// does not change; otherwise it tells the observers what changed, once.
// UI goroutine only.
type State struct {
	settings Settings
	step     int // frame i: N-1 (pure noise) down to 0 (the final image)
	view     View
	sel      Pixel
	tol      float64

	observers []func(Aspect)
}

// Pixel is a selected pixel; Row < 0 means none.
type Pixel struct{ Row, Col int }

// NoPixel is the selection when no pixel is selected.
var NoPixel = Pixel{-1, -1}

// Ok reports whether p is a pixel (not NoPixel).
func (p Pixel) Ok() bool { return p.Row >= 0 && p.Col >= 0 }

// Aspect says which part of the State changed (a bit set).
type Aspect uint8

// The parts of the State.
const (
	AspectSettings Aspect = 1 << iota
	AspectStep
	AspectView
	AspectSelection
	AspectTolerance
)

// NewState returns the state of settings s at frame 0, view x_t, no
// pixel selected and tolerance tol.
func NewState(s Settings, tol float64) *State {
	return &State{settings: s, sel: NoPixel, tol: tol}
}

// Observe calls f after every change, with what changed.
func (st *State) Observe(f func(Aspect)) { st.observers = append(st.observers, f) }

func (st *State) notify(a Aspect) {
	for _, f := range st.observers {
		f(a)
	}
}

// Settings returns the settings of the trajectory on screen (or being
// computed).
func (st *State) Settings() Settings { return st.settings }

// Step returns the frame on screen, i (N-1 .. 0).
func (st *State) Step() int { return st.step }

// View returns what the large image shows.
func (st *State) View() View { return st.view }

// Selected returns the selected pixel (NoPixel when none).
func (st *State) Selected() Pixel { return st.sel }

// Tolerance returns the commitment tolerance.
func (st *State) Tolerance() float64 { return st.tol }

// SetSettings changes the settings.
func (st *State) SetSettings(s Settings) {
	if sameSettings(s, st.settings) {
		return
	}
	st.settings = s
	st.notify(AspectSettings)
}

// sameSettings reports whether a and b are identical, field by field.
func sameSettings(a, b Settings) bool {
	return equalSettings(a, b) && a.Mode == b.Mode && a.Constant == b.Constant && a.Preset == b.Preset &&
		a.TopK == b.TopK && slices.Equal(a.Custom, b.Custom)
}

// SetStep moves to frame i.
func (st *State) SetStep(i int) {
	if i == st.step {
		return
	}
	st.step = i
	st.notify(AspectStep)
}

// SetView changes the view.
func (st *State) SetView(v View) {
	if v == st.view {
		return
	}
	st.view = v
	st.notify(AspectView)
}

// Select selects pixel p (NoPixel clears the selection).
func (st *State) Select(p Pixel) {
	if !p.Ok() {
		p = NoPixel
	}
	if p == st.sel {
		return
	}
	st.sel = p
	st.notify(AspectSelection)
}

// SetTolerance changes the commitment tolerance (a positive value).
func (st *State) SetTolerance(tol float64) {
	if !(tol > 0) || tol == st.tol {
		return
	}
	st.tol = tol
	st.notify(AspectTolerance)
}

// Restore sets everything a session holds at once (one notification).
func (st *State) Restore(s Session) {
	var a Aspect
	if !sameSettings(s.Settings, st.settings) {
		a |= AspectSettings
	}
	if s.Step != st.step {
		a |= AspectStep
	}
	if s.View != st.view {
		a |= AspectView
	}
	sel := NoPixel
	if s.Row >= 0 && s.Col >= 0 {
		sel = Pixel{s.Row, s.Col}
	}
	if sel != st.sel {
		a |= AspectSelection
	}
	st.settings, st.step, st.view, st.sel = s.Settings, s.Step, s.View, sel
	if a != 0 {
		st.notify(a)
	}
}

// Session captures the state for saving.
func (st *State) Session() Session {
	return Session{Settings: st.settings, Step: st.step, Row: st.sel.Row, Col: st.sel.Col, View: st.view}
}
