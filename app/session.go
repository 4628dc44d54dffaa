package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"mosaic/model/machine"
	"mosaic/model/render"
)

// ErrNotSession is wrapped by LoadSession's error for a file that is not a
// Mosaic session (or is of a newer version).
var ErrNotSession = errors.New("not a Mosaic session")

// sessionVersion is written into every session file.
const sessionVersion = 1

// session is the JSON form of a saved session.
type session struct {
	Mosaic   int      `json:"mosaic_session"`
	Settings Settings `json:"settings"`
	// Step and the selected pixel are restored too (Row -1 = none).
	Step int    `json:"step"`
	Row  int    `json:"row"`
	Col  int    `json:"col"`
	View string `json:"view,omitempty"`
	// Compare is the side-by-side view, when it was on.
	Compare *CompareState `json:"compare,omitempty"`
}

// CompareState is the side-by-side view a session restores: on or off,
// Network vs machine or not, and side B's machine and boundary (their
// command-line names).
type CompareState struct {
	On       bool   `json:"on"`
	Versus   bool   `json:"network_vs_machine,omitempty"`
	Machine  string `json:"machine"`
	Boundary string `json:"boundary,omitempty"`
}

// Session is what a session file restores: the settings (which determine
// the trajectory, seed included) and where the user was looking.
type Session struct {
	Settings Settings
	Step     int
	Row, Col int
	View     View
	// Compare is the side-by-side view (nil: off).
	Compare *CompareState
}

// SaveSession writes s to path as JSON, atomically.
func SaveSession(path string, s Session) error {
	data, err := json.MarshalIndent(session{Mosaic: sessionVersion, Settings: s.Settings, Step: s.Step, Row: s.Row, Col: s.Col, View: s.View.Key(), Compare: s.Compare}, "", "  ")
	if err != nil {
		return err
	}
	return render.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// LoadSession reads a session file written by SaveSession and validates
// its settings.
func LoadSession(path string) (Session, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Session{}, err
	}
	var f session
	f.Settings = DefaultSettings()
	if err := json.Unmarshal(data, &f); err != nil {
		return Session{}, fmt.Errorf("%s is %w: %w", path, ErrNotSession, err)
	}
	if f.Mosaic < 1 || f.Mosaic > sessionVersion {
		return Session{}, fmt.Errorf("%s is %w (or is of a newer version %d)", path, ErrNotSession, f.Mosaic)
	}
	if err := f.Settings.Validate(); err != nil {
		return Session{}, fmt.Errorf("session %s: %w", path, err)
	}
	v, _ := ParseView(f.View)
	if c := f.Compare; c != nil {
		if _, err := machine.ParseKind(c.Machine); err != nil {
			return Session{}, fmt.Errorf("session %s: side B: %w", path, err)
		}
		if _, err := machine.ParseBoundary(c.Boundary); c.Boundary != "" && err != nil {
			return Session{}, fmt.Errorf("session %s: side B: %w", path, err)
		}
	}
	return Session{Settings: f.Settings, Step: f.Step, Row: f.Row, Col: f.Col, View: v, Compare: f.Compare}, nil
}
