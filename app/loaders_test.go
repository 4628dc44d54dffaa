package app

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppLoadersGiveTheCLIsAnswers (issue 9, item 7): the app opens data
// and sessions through the same loaders as mosaic-cli, so a corrupt session
// file, a session naming a missing data file and the loaders' refusals reach
// its error dialog with the same messages.
func TestAppLoadersGiveTheCLIsAnswers(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }

	// A corrupt session file.
	os.WriteFile(p("corrupt.json"), []byte(`{"mosaic": 1, "settings": {`), 0o644)
	if _, err := LoadSession(p("corrupt.json")); !errors.Is(err, ErrNotSession) {
		t.Errorf("corrupt session: %v", err)
	}

	// A session naming a missing data file loads; its data does not, with
	// the file named.
	s := DefaultSettings()
	s.Dataset = p("missing.npy")
	if err := SaveSession(p("s.json"), Session{Settings: s, Row: -1}); err != nil {
		t.Fatal(err)
	}
	lib := NewLibrary()
	if sess, err := LoadSession(p("s.json")); err == nil {
		if _, err := lib.Dataset(sess.Settings); err == nil || !strings.Contains(err.Error(), "missing.npy") {
			t.Errorf("missing data file: %v", err)
		}
	} else if !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("session naming a missing file: %v", err)
	}

	// The loaders' limits: a PNG larger than 512x512 in a folder.
	os.Mkdir(p("big"), 0o755)
	var pb bytes.Buffer
	png.Encode(&pb, image.NewGray(image.Rect(0, 0, 1024, 600)))
	os.WriteFile(p("big/a.png"), pb.Bytes(), 0o644)
	s.Dataset = p("big")
	if _, err := lib.Dataset(s); err == nil || !strings.Contains(err.Error(), "at most 512x512") {
		t.Errorf("large PNG: %v", err)
	}
}
