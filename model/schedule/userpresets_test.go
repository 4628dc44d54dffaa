package schedule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserPresetsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if u, err := UserPresets(); err != nil || len(u) != 0 {
		t.Fatalf("no file: %v, %v", u, err)
	}
	p := UserPreset{Preset: Preset{Name: "my-mnist", Dataset: "MNIST", Arch: "mnist-resnet-zeros", Boundary: "zeros", K: Patch{3, 3, 5, 7}}, Note: "calibrated"}
	if err := SaveUserPreset(p); err != nil {
		t.Fatal(err)
	}
	got, err := Lookup("My_Mnist")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "my-mnist" || got.K.String() != p.K.String() {
		t.Fatalf("Lookup gave %+v", got)
	}
	// Saving again under the same name replaces it.
	p.K = Patch{3, 3, 3, 3}
	if err := SaveUserPreset(p); err != nil {
		t.Fatal(err)
	}
	u, _ := UserPresets()
	if len(u) != 1 || u[0].K.String() != p.K.String() || u[0].Note != "calibrated" {
		t.Fatalf("after replacing: %+v", u)
	}
	if info, err := os.Stat(filepath.Join(dir, "mosaic", "presets.json")); err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("presets file: %v %v", info, err)
	}
	for _, bad := range []UserPreset{
		{Preset: Preset{Name: "mnist-resnet-zeros", K: Patch{3, 3}}},
		{Preset: Preset{Name: "Bad Name", K: Patch{3, 3}}},
		{Preset: Preset{Name: "even", K: Patch{3, 4}}},
	} {
		if err := SaveUserPreset(bad); err == nil {
			t.Errorf("saved %+v", bad)
		}
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "my-mnist") {
		t.Errorf("unknown preset error does not list the user's: %v", err)
	}
	// A corrupt file is reported, naming it.
	os.WriteFile(filepath.Join(dir, "mosaic", "presets.json"), []byte("{"), 0o644)
	if _, err := UserPresets(); err == nil || !strings.Contains(err.Error(), "presets.json") {
		t.Errorf("corrupt file: %v", err)
	}
}
