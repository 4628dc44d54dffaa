package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// UserPreset is a schedule the user saved (mosaic-cli calibrate --save):
// a Preset with where it came from.
type UserPreset struct {
	Preset
	// Note says how the schedule was made, e.g. "calibrated: ELS (zeros)
	// against mnist-resnet-zeros, seeds 1-8, median r^2 0.93".
	Note string
}

// userFile is the JSON form of the user's presets file.
type userFile struct {
	Presets []userEntry `json:"presets"`
}

type userEntry struct {
	Name     string `json:"name"`
	Dataset  string `json:"dataset"`
	Arch     string `json:"arch"`
	Boundary string `json:"boundary"`
	K        []int  `json:"k"`
	Note     string `json:"note,omitempty"`
}

// UserPresetsPath returns the file that holds the user's presets:
// presets.json in Mosaic's folder of the user's configuration directory
// ($XDG_CONFIG_HOME/mosaic, usually ~/.config/mosaic).
func UserPresetsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("user presets: %w", err)
	}
	return filepath.Join(dir, "mosaic", "presets.json"), nil
}

// UserPresets returns the user's saved presets (none when the file does
// not exist). A file that cannot be read is an error naming it.
func UserPresets() ([]UserPreset, error) {
	path, err := UserPresetsPath()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("user presets: %w", err)
	}
	var f userFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("user presets %s: not a presets file (%v): fix or delete it", path, err)
	}
	out := make([]UserPreset, 0, len(f.Presets))
	for _, e := range f.Presets {
		p := UserPreset{Preset: Preset{Name: e.Name, Dataset: e.Dataset, Arch: e.Arch, Boundary: e.Boundary, K: Patch(e.K)}, Note: e.Note}
		if err := p.K.Check(); err != nil || len(p.K) < 2 {
			return nil, fmt.Errorf("user presets %s: preset %q has a bad schedule %v: fix or delete it", path, e.Name, e.K)
		}
		out = append(out, p)
	}
	return out, nil
}

var presetName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// SaveUserPreset adds p to the user's presets, replacing a saved preset of
// the same name. The name must be new to the built-in presets and made of
// lower-case letters, digits and '-'. The file is replaced atomically.
func SaveUserPreset(p UserPreset) error {
	if !presetName.MatchString(p.Name) {
		return fmt.Errorf("preset name %q: use lower-case letters, digits and '-' (e.g. my-mnist-els), at most 63", p.Name)
	}
	if slices.ContainsFunc(presets, func(b Preset) bool { return b.Name == p.Name }) {
		return fmt.Errorf("preset name %q is one of the paper's presets: choose another", p.Name)
	}
	if err := p.K.Check(); err != nil {
		return err
	}
	all, err := UserPresets()
	if err != nil {
		return err
	}
	all = slices.DeleteFunc(all, func(u UserPreset) bool { return u.Name == p.Name })
	all = append(all, p)
	var f userFile
	for _, u := range all {
		f.Presets = append(f.Presets, userEntry{Name: u.Name, Dataset: u.Dataset, Arch: u.Arch, Boundary: u.Boundary, K: u.K, Note: u.Note})
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	path, err := UserPresetsPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("user presets: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".presets-*.json")
	if err != nil {
		return fmt.Errorf("user presets: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("user presets %s: %w", path, errors.Join(werr, cerr))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("user presets: %w", err)
	}
	return nil
}

// lookupUser finds a user preset by name (normalised as Lookup does).
func lookupUser(n string) (Preset, bool, error) {
	user, err := UserPresets()
	if err != nil {
		return Preset{}, false, err
	}
	for _, u := range user {
		if u.Name == n {
			u.K = append(Patch(nil), u.K...)
			return u.Preset, true, nil
		}
	}
	return Preset{}, false, nil
}

// userNames lists the user presets' names for error messages.
func userNames() []string {
	user, _ := UserPresets()
	var out []string
	for _, u := range user {
		out = append(out, u.Name)
	}
	return out
}

// normalise is the name form Lookup compares.
func normalise(name string) string {
	return strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(strings.TrimSpace(name)))
}
