// Package tour reads, checks, edits and writes Mosaic's lecture tours: an
// ordered list of scenes, each a complete view of the app (its state, in
// the form of a session file) with a title and a caption, that a presenter
// steps through with a clicker.
//
// A tour is a JSON file:
//
//	{
//	  "mosaic_tour": 1,
//	  "title": "How diffusion models create",
//	  "scenes": [
//	    {
//	      "title": "Memorisation",
//	      "caption": "One or two sentences shown under the scene.",
//	      "play": true,
//	      "chart": "schedule",
//	      "region": {"row": 4, "col": 20, "height": 6, "width": 6},
//	      "state": {"settings": {"dataset": "mnist", "machine": "ideal"}, "step": 0, "view": "x"}
//	    }
//	  ]
//	}
//
// "state" holds exactly what a session file holds (settings, step, row,
// col, view, compare); this package keeps it as raw JSON and leaves its
// meaning to a Checker supplied by the app. Loading checks the whole file
// and reports the first problem as a *FieldError naming the scene (from 1)
// and the field. The package imports no GUI.
package tour

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"mosaic/model/render"
)

// Version is the format version written into every tour file.
const Version = 1

// Tour is a titled, ordered list of scenes.
type Tour struct {
	Title  string
	Scenes []Scene
}

// Scene is one view of the app with its title and caption.
type Scene struct {
	// Title is the scene's heading; Caption one or two sentences under it.
	Title   string `json:"title"`
	Caption string `json:"caption"`
	// Play starts the trajectory playing when the scene is shown.
	Play bool `json:"play,omitempty"`
	// Chart is the chart tab the scene shows ("" for none).
	Chart string `json:"chart,omitempty"`
	// Region is the traced region (nil for none).
	Region *Region `json:"region,omitempty"`
	// State is the app's state, in the form of a session file.
	State json.RawMessage `json:"state"`
}

// Region is a rectangle of pixels: its top-left pixel and its size.
type Region struct {
	Row    int `json:"row"`
	Col    int `json:"col"`
	Height int `json:"height"`
	Width  int `json:"width"`
}

// Checker checks a scene's State (and whatever of the scene depends on
// it, such as the region against the image size). It returns the bad
// field's path ("state.settings.machine", "region") with the error, or
// "" and nil.
type Checker func(s *Scene) (field string, err error)

// FieldError is a problem with one field of a tour file.
type FieldError struct {
	// Scene is the scene's number from 1, or 0 for the file itself.
	Scene int
	// Field is the path of the bad field ("state.settings.size"), or ""
	// when the problem is not one field's.
	Field string
	Err   error
}

// Error says where the problem is ("scene 3, field "state.step": ") and
// what it is.
func (e *FieldError) Error() string {
	var where []string
	if e.Scene > 0 {
		where = append(where, fmt.Sprintf("scene %d", e.Scene))
	}
	if e.Field != "" {
		where = append(where, fmt.Sprintf("field %q", e.Field))
	}
	if len(where) == 0 {
		return e.Err.Error()
	}
	return strings.Join(where, ", ") + ": " + e.Err.Error()
}

// Unwrap returns the problem without its place.
func (e *FieldError) Unwrap() error { return e.Err }

// ErrNotTour is wrapped by the error of a file that is not a Mosaic tour.
var ErrNotTour = errors.New("not a Mosaic tour")

// file is the JSON form of a tour.
type file struct {
	Mosaic int               `json:"mosaic_tour"`
	Title  string            `json:"title"`
	Scenes []json.RawMessage `json:"scenes"`
}

// Parse reads a tour from JSON and checks every scene with check (nil
// checks only the file's structure). The first problem is returned as a
// *FieldError.
func Parse(data []byte, check Checker) (*Tour, error) {
	var f file
	if err := decodeStrict(data, &f); err != nil {
		return nil, jsonError(data, 0, "", err)
	}
	switch {
	case f.Mosaic == 0:
		return nil, &FieldError{Field: "mosaic_tour", Err: fmt.Errorf("missing: the file is %w (it starts with \"mosaic_tour\": %d)", ErrNotTour, Version)}
	case f.Mosaic < 0 || f.Mosaic > Version:
		return nil, &FieldError{Field: "mosaic_tour", Err: fmt.Errorf("version %d: this Mosaic reads tours of version 1 to %d", f.Mosaic, Version)}
	case strings.TrimSpace(f.Title) == "":
		return nil, &FieldError{Field: "title", Err: errors.New("the tour needs a title")}
	case len(f.Scenes) == 0:
		return nil, &FieldError{Field: "scenes", Err: errors.New("the tour has no scenes: it needs at least one")}
	}
	t := &Tour{Title: f.Title, Scenes: make([]Scene, len(f.Scenes))}
	for i, raw := range f.Scenes {
		s := &t.Scenes[i]
		if err := decodeStrict(raw, s); err != nil {
			return nil, jsonError(raw, i+1, "", err)
		}
		if field, err := CheckScene(s, check); err != nil {
			return nil, &FieldError{Scene: i + 1, Field: field, Err: err}
		}
	}
	return t, nil
}

// CheckScene checks one scene: its title, its region's shape, that it has
// a state, and then check (if not nil). It returns the bad field with the
// error.
func CheckScene(s *Scene, check Checker) (string, error) {
	if strings.TrimSpace(s.Title) == "" {
		return "title", errors.New("the scene needs a title")
	}
	if r := s.Region; r != nil && (r.Row < 0 || r.Col < 0 || r.Height < 1 || r.Width < 1) {
		return "region", fmt.Errorf("row %d, col %d, height %d, width %d: the row and column start at 0 and the size is at least 1x1", r.Row, r.Col, r.Height, r.Width)
	}
	if len(bytes.TrimSpace(s.State)) == 0 || string(bytes.TrimSpace(s.State)) == "null" {
		return "state", errors.New("missing: every scene needs a state (what a session file holds)")
	}
	if check != nil {
		return check(s)
	}
	return "", nil
}

// Load reads and checks the tour file at path.
func Load(path string, check Checker) (*Tour, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the tour: %w", err)
	}
	t, err := Parse(data, check)
	if err != nil {
		return nil, fmt.Errorf("tour %s: %w", path, err)
	}
	return t, nil
}

// Marshal returns the tour as indented JSON (what Save writes).
func (t *Tour) Marshal() ([]byte, error) {
	f := struct {
		Mosaic int     `json:"mosaic_tour"`
		Title  string  `json:"title"`
		Scenes []Scene `json:"scenes"`
	}{Version, t.Title, t.Scenes}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encoding the tour: %w", err)
	}
	return b.Bytes(), nil
}

// Save writes the tour to path as JSON, atomically (nothing on disk is
// replaced unless the whole file was written).
func (t *Tour) Save(path string) error {
	data, err := t.Marshal()
	if err != nil {
		return err
	}
	return render.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Insert puts s at position i (0 .. len), moving the later scenes down.
func (t *Tour) Insert(i int, s Scene) error {
	if i < 0 || i > len(t.Scenes) {
		return fmt.Errorf("cannot insert a scene at %d of %d", i+1, len(t.Scenes))
	}
	t.Scenes = append(t.Scenes[:i], append([]Scene{s}, t.Scenes[i:]...)...)
	return nil
}

// Move moves scene i by delta places (-1 up, +1 down) and returns its new
// index; a move past either end is an error and changes nothing.
func (t *Tour) Move(i, delta int) (int, error) {
	j := i + delta
	if i < 0 || i >= len(t.Scenes) || j < 0 || j >= len(t.Scenes) {
		return i, fmt.Errorf("scene %d of %d cannot move %+d", i+1, len(t.Scenes), delta)
	}
	s := t.Scenes[i]
	if j > i {
		copy(t.Scenes[i:j], t.Scenes[i+1:j+1])
	} else {
		copy(t.Scenes[j+1:i+1], t.Scenes[j:i])
	}
	t.Scenes[j] = s
	return j, nil
}

// Delete removes scene i.
func (t *Tour) Delete(i int) error {
	if i < 0 || i >= len(t.Scenes) {
		return fmt.Errorf("there is no scene %d (the tour has %d)", i+1, len(t.Scenes))
	}
	t.Scenes = append(t.Scenes[:i], t.Scenes[i+1:]...)
	return nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// anything after the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected text after the end of the JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a FieldError that names the field
// (a wrong type, an unknown field) or the line (a syntax error) in data.
func jsonError(data []byte, scene int, prefix string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return &FieldError{Scene: scene, Err: fmt.Errorf("invalid JSON on line %d: %w", line, err)}
	case errors.As(err, &typ):
		return &FieldError{Scene: scene, Field: prefix + typ.Field, Err: fmt.Errorf("a %s cannot be a %s", typ.Type, typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &FieldError{Scene: scene, Field: prefix + name, Err: errors.New("unknown field (check its spelling against the README)")}
	case errors.Is(err, io.EOF):
		return &FieldError{Scene: scene, Err: errors.New("the file is empty")}
	}
	return &FieldError{Scene: scene, Err: err}
}

// DecodeState decodes a scene's State into v (fields not present keep
// v's values), refusing unknown fields; a problem is returned as a
// *FieldError whose field starts with "state.". The app's Checker uses it.
func DecodeState(s *Scene, v any) error {
	if err := decodeStrict(s.State, v); err != nil {
		if path := unknownField(s.State, reflect.TypeOf(v)); path != "" {
			return &FieldError{Field: "state." + path, Err: errors.New("unknown field (check its spelling against the README)")}
		}
		return jsonError(s.State, 0, "state.", err)
	}
	return nil
}

// unknownField returns the dotted path of the first key in the JSON
// object data that struct type t (or a struct inside it) does not have,
// or "" (encoding/json names an unknown field without its path).
func unknownField(data []byte, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var obj map[string]json.RawMessage
	if t.Kind() != reflect.Struct || json.Unmarshal(data, &obj) != nil {
		return ""
	}
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[strings.ToLower(name)] = f.Type
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ft, ok := fields[strings.ToLower(k)]
		if !ok {
			return k
		}
		if sub := unknownField(obj[k], ft); sub != "" {
			return k + "." + sub
		}
	}
	return ""
}
