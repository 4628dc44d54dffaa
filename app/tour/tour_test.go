package tour

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkSeed is a Checker that accepts states {"seed": N} with N >= 0.
func checkSeed(s *Scene) (string, error) {
	var st struct {
		Seed int `json:"seed"`
	}
	if err := DecodeState(s, &st); err != nil {
		var fe *FieldError
		errors.As(err, &fe)
		return fe.Field, fe.Err
	}
	if st.Seed < 0 {
		return "state.seed", fmt.Errorf("seed %d is negative", st.Seed)
	}
	return "", nil
}

const good = `{
  "mosaic_tour": 1,
  "title": "Two scenes",
  "scenes": [
    {"title": "One", "caption": "First.", "play": true, "state": {"seed": 1}},
    {"title": "Two", "caption": "Second.", "chart": "schedule",
     "region": {"row": 1, "col": 2, "height": 3, "width": 4}, "state": {"seed": 2}}
  ]
}`

func TestParseGoodTour(t *testing.T) {
	tr, err := Parse([]byte(good), checkSeed)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Title != "Two scenes" || len(tr.Scenes) != 2 {
		t.Fatalf("tour %q with %d scenes", tr.Title, len(tr.Scenes))
	}
	a, b := tr.Scenes[0], tr.Scenes[1]
	if a.Title != "One" || a.Caption != "First." || !a.Play || a.Region != nil || string(a.State) != `{"seed": 1}` {
		t.Errorf("scene 1 %+v", a)
	}
	if b.Play || b.Chart != "schedule" || *b.Region != (Region{Row: 1, Col: 2, Height: 3, Width: 4}) {
		t.Errorf("scene 2 %+v", b)
	}
}

// TestParseBadTours checks that each bad file is refused with the scene
// and field of its first problem.
func TestParseBadTours(t *testing.T) {
	cases := []struct {
		name, file string
		scene      int
		field      string
		msg        string
	}{
		{"no version", `{"title": "T", "scenes": [{"title": "a", "state": {}}]}`, 0, "mosaic_tour", "not a Mosaic tour"},
		{"newer version", `{"mosaic_tour": 9, "title": "T", "scenes": [{"title": "a", "state": {}}]}`, 0, "mosaic_tour", "version 9"},
		{"no title", `{"mosaic_tour": 1, "scenes": [{"title": "a", "state": {}}]}`, 0, "title", "needs a title"},
		{"no scenes", `{"mosaic_tour": 1, "title": "T", "scenes": []}`, 0, "scenes", "no scenes"},
		{"unknown top field", `{"mosaic_tour": 1, "title": "T", "scene": []}`, 0, "scene", "unknown field"},
		{"title of wrong type", `{"mosaic_tour": 1, "title": 3, "scenes": []}`, 0, "title", "cannot be a number"},
		{"scene without title", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "state": {}}, {"caption": "x", "state": {}}]}`, 2, "title", "needs a title"},
		{"misspelt scene field", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "captoin": "x", "state": {}}]}`, 1, "captoin", "unknown field"},
		{"scene without state", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a"}]}`, 1, "state", "missing"},
		{"empty region", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "region": {"row": 0, "col": 0, "height": 0, "width": 2}, "state": {}}]}`, 1, "region", "at least 1x1"},
		{"region of wrong type", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "region": {"row": "top"}, "state": {}}]}`, 1, "region.row", "cannot be a string"},
		{"bad state (checker)", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "state": {"seed": 1}}, {"title": "b", "state": {"seed": 2}}, {"title": "c", "state": {"seed": -4}}]}`, 3, "state.seed", "seed -4 is negative"},
		{"state of wrong type", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "state": {"seed": "x"}}]}`, 1, "state.seed", "cannot be a string"},
		{"unknown state field", `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "state": {"sed": 1}}]}`, 1, "state.sed", "unknown field"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.file), checkSeed)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v is not a FieldError", c.name, err)
			continue
		}
		if fe.Scene != c.scene || fe.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: scene %d field %q (%v), want scene %d field %q with %q", c.name, fe.Scene, fe.Field, err, c.scene, c.field, c.msg)
		}
		if c.scene > 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("scene %d, field %q: ", c.scene, c.field)) {
			t.Errorf("%s: message %q does not start with the scene and field", c.name, err)
		}
	}
}

func TestParseSyntaxErrorNamesTheLine(t *testing.T) {
	_, err := Parse([]byte("{\n  \"mosaic_tour\": 1,\n  \"title\": \"T\"\n  \"scenes\": []\n}"), nil)
	if err == nil || !strings.Contains(err.Error(), "invalid JSON on line 4") {
		t.Errorf("got %v", err)
	}
	if _, err := Parse(nil, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: %v", err)
	}
}

func TestSaveAndLoadRoundTrip(t *testing.T) {
	tr, err := Parse([]byte(good), checkSeed)
	if err != nil {
		t.Fatal(err)
	}
	tr.Scenes[0].Caption = "Quotes \" and <brackets> & ampersands survive."
	p := filepath.Join(t.TempDir(), "t.json")
	if err := tr.Save(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "<brackets> & ampersands") || !strings.Contains(string(data), "\n  \"scenes\": [\n") {
		t.Errorf("the file is not readable JSON:\n%s", data)
	}
	back, err := Load(p, checkSeed)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(tr.Scenes)
	b, _ := json.Marshal(back.Scenes)
	if back.Title != tr.Title || string(a) != string(b) {
		t.Errorf("round trip:\n%s\n%s", a, b)
	}
	// A failed load names the file.
	os.WriteFile(p, []byte(`{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "a", "state": {"seed": -1}}]}`), 0o644)
	if _, err := Load(p, checkSeed); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "scene 1") {
		t.Errorf("load error %v", err)
	}
}

func TestEditing(t *testing.T) {
	titles := func(tr *Tour) string {
		var s []string
		for _, sc := range tr.Scenes {
			s = append(s, sc.Title)
		}
		return strings.Join(s, ",")
	}
	tr := &Tour{Title: "T"}
	for i, n := range []string{"a", "b", "c", "d"} {
		if err := tr.Insert(i, Scene{Title: n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Insert(1, Scene{Title: "x"}); err != nil || titles(tr) != "a,x,b,c,d" {
		t.Errorf("insert: %s %v", titles(tr), err)
	}
	if j, err := tr.Move(1, +1); err != nil || j != 2 || titles(tr) != "a,b,x,c,d" {
		t.Errorf("move down: %s to %d %v", titles(tr), j, err)
	}
	if j, err := tr.Move(2, -1); err != nil || j != 1 || titles(tr) != "a,x,b,c,d" {
		t.Errorf("move up: %s to %d %v", titles(tr), j, err)
	}
	if _, err := tr.Move(0, -1); err == nil || titles(tr) != "a,x,b,c,d" {
		t.Errorf("moving the first scene up: %s %v", titles(tr), err)
	}
	if _, err := tr.Move(4, +1); err == nil {
		t.Error("moving the last scene down succeeded")
	}
	if err := tr.Delete(1); err != nil || titles(tr) != "a,b,c,d" {
		t.Errorf("delete: %s %v", titles(tr), err)
	}
	if err := tr.Delete(4); err == nil || tr.Insert(9, Scene{}) == nil {
		t.Error("out-of-range delete or insert succeeded")
	}
}
