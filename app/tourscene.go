package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"strings"

	"mosaic/app/tour"
	"mosaic/assets"
	"mosaic/model/builtin"
	"mosaic/model/machine"
)

// Scene is a tour scene as the app shows it: a session (settings, step,
// view, selected pixel, side-by-side view), the traced region, whether
// the trajectory plays on arrival and which chart tab is shown, with a
// title and a caption. Its file form is a tour.Scene whose state is a
// session file's JSON.
type Scene struct {
	Title, Caption string
	Session        Session
	// Region is the traced region (empty for none).
	Region image.Rectangle
	// Play starts playback when the scene is shown.
	Play bool
	// Chart is the chart tab shown under the inspector ("" for none; see
	// ChartKeys).
	Chart string
}

// ChartKeys are the names of the chart tabs, in tab order, as a scene's
// "chart" field gives them.
var ChartKeys = []string{"per-image", "schedule", "r2", "signal-noise", "pixel", "spectrum"}

// chartIndex returns the tab index of a chart key, or -1.
func chartIndex(key string) int {
	for i, k := range ChartKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// BuiltinTourName is the file of the built-in tour in assets.Tours.
const BuiltinTourName = "tours/how-diffusion-models-create.json"

// BuiltinTour returns the built-in tour "How diffusion models create".
func BuiltinTour() (*tour.Tour, error) {
	data, err := assets.Tours.ReadFile(BuiltinTourName)
	if err != nil {
		return nil, fmt.Errorf("the built-in tour: %w", err)
	}
	t, err := tour.Parse(data, CheckScene)
	if err != nil {
		return nil, fmt.Errorf("the built-in tour: %w", err)
	}
	return t, nil
}

// LoadTour reads a tour file and checks every scene (CheckScene).
func LoadTour(path string) (*tour.Tour, error) { return tour.Load(path, CheckScene) }

// CheckScene is the tour.Checker of the app: it decodes the scene's state
// and checks every field, naming the first bad one.
func CheckScene(ts *tour.Scene) (string, error) {
	_, field, err := DecodeScene(ts)
	return field, err
}

// DecodeScene reads a tour scene: its state as a session (fields left out
// take DefaultSettings' values, no pixel selected, frame 0), checked field
// by field. On failure it returns the path of the first bad field.
func DecodeScene(ts *tour.Scene) (Scene, string, error) {
	f := session{Settings: DefaultSettings(), Row: -1, Col: -1}
	if err := tour.DecodeState(ts, &f); err != nil {
		var fe *tour.FieldError
		if errors.As(err, &fe) {
			return Scene{}, fe.Field, fe.Err
		}
		return Scene{}, "state", err
	}
	if field, err := checkState(&f); err != nil {
		return Scene{}, "state." + field, err
	}
	sc := Scene{Title: ts.Title, Caption: ts.Caption, Play: ts.Play, Chart: ts.Chart}
	v, _ := ParseView(f.View)
	sc.Session = Session{Settings: f.Settings, Step: f.Step, Row: f.Row, Col: f.Col, View: v, Compare: f.Compare}
	if ts.Chart != "" && chartIndex(ts.Chart) < 0 {
		return Scene{}, "chart", fmt.Errorf("unknown chart %q: use one of %s", ts.Chart, strings.Join(ChartKeys, ", "))
	}
	if r := ts.Region; r != nil {
		sc.Region = image.Rect(r.Col, r.Row, r.Col+r.Width, r.Row+r.Height)
		if s := f.Settings; IsBuiltin(s.Dataset) && !sc.Region.In(image.Rect(0, 0, s.Size, s.Size)) {
			return Scene{}, "region", fmt.Errorf("rows %d-%d, columns %d-%d leave the %dx%d image", r.Row, r.Row+r.Height-1, r.Col, r.Col+r.Width-1, s.Size, s.Size)
		}
	}
	return sc, "", nil
}

// checkState checks a scene's state; it returns the bad field's path
// within the state.
func checkState(f *session) (string, error) {
	s := f.Settings
	if f.Mosaic < 0 || f.Mosaic > sessionVersion {
		return "mosaic_session", fmt.Errorf("version %d: this Mosaic reads sessions of version 1 to %d (or leave it out)", f.Mosaic, sessionVersion)
	}
	if err := s.Validate(); err != nil {
		return "settings." + settingsField(s), err
	}
	for _, p := range []struct{ field, path string }{{"dataset", s.Dataset}, {"labels", s.Labels}} {
		if p.path == "" || (p.field == "dataset" && IsBuiltin(p.path)) {
			continue
		}
		if _, err := os.Stat(p.path); err != nil {
			return "settings." + p.field, fmt.Errorf("%w (use a built-in data set, %s, or the path of a file that exists)", err, strings.Join(builtin.Names(), ", "))
		}
	}
	if f.Step < 0 || f.Step >= s.Steps {
		return "step", fmt.Errorf("frame %d is outside 0..%d for %d steps (%d is pure noise, 0 the final image)", f.Step, s.Steps-1, s.Steps, s.Steps-1)
	}
	if _, ok := ParseView(f.View); f.View != "" && !ok {
		return "view", fmt.Errorf("unknown view %q: use one of %s", f.View, strings.Join(viewKeys, ", "))
	}
	if (f.Row < 0) != (f.Col < 0) {
		return "row", fmt.Errorf("row %d and col %d: give both (the selected pixel) or neither", f.Row, f.Col)
	}
	if IsBuiltin(s.Dataset) {
		if f.Row >= s.Size {
			return "row", fmt.Errorf("row %d is outside the %dx%d image", f.Row, s.Size, s.Size)
		}
		if f.Col >= s.Size {
			return "col", fmt.Errorf("col %d is outside the %dx%d image", f.Col, s.Size, s.Size)
		}
	}
	if c := f.Compare; c != nil {
		if _, err := machine.ParseKind(c.Machine); err != nil {
			return "compare.machine", err
		}
		if _, err := machine.ParseBoundary(c.Boundary); c.Boundary != "" && err != nil {
			return "compare.boundary", err
		}
	}
	return "", nil
}

// settingsField names the field of invalid settings that Validate
// complains about (it checks in the same order).
func settingsField(s Settings) string {
	switch {
	case strings.TrimSpace(s.Dataset) == "":
		return "dataset"
	case s.Size < 1 || s.Size > builtin.MaxSize:
		return "size"
	case s.Limit < 0:
		return "limit"
	case s.Class < -1:
		return "class"
	}
	if _, err := machine.ParseKind(s.Machine); err != nil {
		return "machine"
	}
	if _, err := machine.ParseBoundary(s.Boundary); err != nil {
		return "boundary"
	}
	if _, err := s.Spec(); err != nil {
		switch {
		case s.Machine == machine.Network.String():
			return "network"
		case s.Tau != 0 && !(s.Tau > 0 && s.Tau <= 1):
			return "tau"
		case s.Temperature != 0:
			return "temperature"
		}
		return "machine"
	}
	if s.Steps < 2 || s.Steps > MaxSteps {
		return "steps"
	}
	if k, err := s.Schedule(); err != nil || k.Max() > MaxPatch {
		switch s.Mode {
		case ScheduleConstant:
			return "patch_size"
		case SchedulePreset:
			return "preset"
		case ScheduleCustom:
			return "custom_schedule"
		}
		return "schedule_mode"
	}
	if s.TopK < 1 || s.TopK > MaxTopK {
		return "top_k"
	}
	return ""
}

// EncodeScene returns the file form of a scene (its state as a session
// file's JSON).
func EncodeScene(sc Scene) (tour.Scene, error) {
	s := sc.Session
	state, err := json.Marshal(session{Mosaic: sessionVersion, Settings: s.Settings, Step: s.Step, Row: s.Row, Col: s.Col, View: s.View.Key(), Compare: s.Compare})
	if err != nil {
		return tour.Scene{}, fmt.Errorf("encoding the scene %q: %w", sc.Title, err)
	}
	ts := tour.Scene{Title: sc.Title, Caption: sc.Caption, Play: sc.Play, Chart: sc.Chart, State: state}
	if r := sc.Region; !r.Empty() {
		ts.Region = &tour.Region{Row: r.Min.Y, Col: r.Min.X, Height: r.Dy(), Width: r.Dx()}
	}
	return ts, nil
}
