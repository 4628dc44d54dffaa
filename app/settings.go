package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"mosaic/model/builtin"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

// ScheduleMode says where the patch-size schedule comes from.
type ScheduleMode string

const (
	// ScheduleConstant uses one patch size at every step.
	ScheduleConstant ScheduleMode = "constant"
	// SchedulePreset uses one of the paper's calibrated schedules
	// (schedule.Presets), resampled when the number of steps is not 20.
	SchedulePreset ScheduleMode = "preset"
	// ScheduleCustom uses a schedule edited by the user, one entry per step.
	ScheduleCustom ScheduleMode = "custom"
)

// Limits of the settings that the controls offer.
const (
	MaxSteps = 200
	MaxTopK  = 64
	MaxPatch = 63
)

// Settings is everything that determines a trajectory (and the inspector's
// top-K). The same Settings always give the same trajectory, because the
// initial noise is sampler.Noise(Seed, ...).
type Settings struct {
	// Dataset is a built-in name ("mnist", "fashion", "hands", ...) or the
	// path of a file or folder that dataset.Load reads.
	Dataset string `json:"dataset"`
	// Labels is an optional labels file for a Dataset path.
	Labels string `json:"labels,omitempty"`
	// Size is the image side built-in data sets are resized to (32).
	Size int `json:"size"`
	// Limit is the number of training images used (0 = all).
	Limit int `json:"limit"`
	// Class restricts the training set to one label; -1 is unconditional.
	Class int `json:"class"`
	// Machine is "ideal", "ls", "els", "wiener" or "pca-locality";
	// Boundary "zeros", "circular" or "reflect" (used by ls and els).
	Machine  string `json:"machine"`
	Boundary string `json:"boundary"`
	// Tau and Temperature are the PCA-locality machine's parameters
	// (0 = the defaults of SPEC.md, 0.02 and 1).
	Tau         float64 `json:"tau,omitempty"`
	Temperature float64 `json:"temperature,omitempty"`
	// Network is the checkpoint file of the "network" machine.
	Network string `json:"network,omitempty"`
	// Mode selects the patch-size schedule: Constant, Preset or Custom.
	Mode     ScheduleMode `json:"schedule_mode"`
	Constant int          `json:"patch_size"`
	Preset   string       `json:"preset"`
	Custom   []int        `json:"custom_schedule,omitempty"`
	// Steps is N, the number of sampler steps.
	Steps int `json:"steps"`
	// Seed selects the initial noise.
	Seed uint64 `json:"seed"`
	// TopK is how many patches the inspector lists.
	TopK int `json:"top_k"`
}

// DefaultSettings is what the app opens with: ELS with zero padding and the
// calibrated MNIST ResNet schedule, over the first 500 MNIST digits, seed 1.
func DefaultSettings() Settings {
	return Settings{
		Dataset: "mnist", Size: builtin.DefaultSize, Limit: 500, Class: -1,
		Machine: "els", Boundary: "zeros",
		Mode: SchedulePreset, Constant: 7, Preset: "mnist-resnet-zeros",
		Steps: schedule.DefaultSteps, Seed: 1, TopK: 8,
	}
}

// Spec returns the machine the settings name.
func (s Settings) Spec() (machine.Spec, error) {
	k, err := machine.ParseKind(s.Machine)
	if err != nil {
		return machine.Spec{}, err
	}
	b, err := machine.ParseBoundary(s.Boundary)
	if err != nil {
		return machine.Spec{}, err
	}
	spec := machine.Spec{Kind: k, Boundary: b, Tau: s.Tau, Temperature: s.Temperature, Net: s.Network}
	if err := spec.Check(); err != nil {
		return machine.Spec{}, err
	}
	if k == machine.Network && s.Network == "" {
		return machine.Spec{}, errors.New("no network chosen: use Open network… to pick a checkpoint (.pt, or .safetensors with its .json)")
	}
	return spec.Normalized(), nil
}

// machineName returns the command-line name of a machine's display title
// or name ("PCA-locality" -> "pca-locality"; machine.ParseKind reads both),
// or "" when it names no machine.
func machineName(title string) string {
	k, err := machine.ParseKind(title)
	if err != nil {
		return ""
	}
	return k.String()
}

// boundaryName returns the command-line name of a boundary's display title
// ("reflect (extension)" -> "reflect"), or "" when it names none.
func boundaryName(title string) string {
	b, err := machine.ParseBoundary(title)
	if err != nil {
		return ""
	}
	return b.String()
}

// key returns a string that is equal for equal settings (Settings holds a
// slice, so it is not comparable with ==).
func (s Settings) key() string { return fmt.Sprintf("%+v", s) }

// Schedule returns the patch-size schedule, one entry per step.
func (s Settings) Schedule() (schedule.Patch, error) {
	switch s.Mode {
	case ScheduleConstant:
		if err := schedule.CheckSize(s.Constant); err != nil {
			return nil, err
		}
		return schedule.Constant(s.Steps, s.Constant), nil
	case SchedulePreset:
		p, err := schedule.Lookup(s.Preset)
		if err != nil {
			return nil, err
		}
		return p.K.Resample(s.Steps), nil
	case ScheduleCustom:
		if len(s.Custom) != s.Steps {
			return nil, fmt.Errorf("the custom schedule has %d entries for %d steps", len(s.Custom), s.Steps)
		}
		k := schedule.Patch(slices.Clone(s.Custom))
		if err := k.Check(); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, fmt.Errorf("unknown schedule mode %q: use constant, preset or custom", s.Mode)
}

// WithCustom switches the settings to a custom schedule holding k (which
// must have one entry per step).
func (s Settings) WithCustom(k []int) Settings {
	s.Mode = ScheduleCustom
	s.Custom = slices.Clone(k)
	return s
}

// WithSteps changes the number of steps, resampling a custom schedule so
// that it keeps its shape over t.
func (s Settings) WithSteps(n int) Settings {
	if s.Mode == ScheduleCustom && len(s.Custom) > 0 && n > 0 {
		s.Custom = schedule.Patch(s.Custom).Resample(n)
	}
	s.Steps = n
	return s
}

// Validate checks the settings without loading anything and returns a
// message that says what to change.
func (s Settings) Validate() error {
	if strings.TrimSpace(s.Dataset) == "" {
		return fmt.Errorf("no data set: choose a built-in one (%s) or open a file", strings.Join(builtin.Names(), ", "))
	}
	if s.Size < 1 || s.Size > builtin.MaxSize {
		return fmt.Errorf("image size %d is out of range 1..%d", s.Size, builtin.MaxSize)
	}
	if s.Limit < 0 {
		return fmt.Errorf("the number of training images must be positive (or 0 for all), not %d", s.Limit)
	}
	if s.Class < -1 {
		return fmt.Errorf("class %d is invalid: use a label >= 0, or -1 for unconditional", s.Class)
	}
	if _, err := s.Spec(); err != nil {
		return err
	}
	if s.Steps < 2 || s.Steps > MaxSteps {
		return fmt.Errorf("%d steps: the sampler needs between 2 and %d steps", s.Steps, MaxSteps)
	}
	k, err := s.Schedule()
	if err != nil {
		return err
	}
	if m := k.Max(); m > MaxPatch {
		return fmt.Errorf("patch size %d is larger than the app's limit of %d", m, MaxPatch)
	}
	if s.TopK < 1 || s.TopK > MaxTopK {
		return fmt.Errorf("top-K of %d: the inspector shows between 1 and %d patches", s.TopK, MaxTopK)
	}
	return nil
}

// Change classifies what separates two settings, and so how much must be
// recomputed to go from a trajectory of old to one of new.
type Change int

const (
	// ChangeNone: the trajectory is the same (only, e.g., TopK differs).
	ChangeNone Change = iota
	// ChangeSchedule: only the patch-size schedule differs; the steps
	// above the highest changed entry are kept.
	ChangeSchedule
	// ChangeAll: anything else; the trajectory is recomputed from the top.
	ChangeAll
)

// Compare says what changes between old and new, and for ChangeSchedule
// the highest step whose patch size differs. Both settings must be valid.
func Compare(old, new Settings) (Change, int) {
	ko, err1 := old.Schedule()
	kn, err2 := new.Schedule()
	same := old
	same.Mode, same.Constant, same.Preset, same.Custom, same.TopK = new.Mode, new.Constant, new.Preset, new.Custom, new.TopK
	if err1 != nil || err2 != nil || !equalSettings(same, new) || len(ko) != len(kn) {
		return ChangeAll, len(kn) - 1
	}
	for i := len(kn) - 1; i >= 1; i-- {
		if ko[i] != kn[i] {
			return ChangeSchedule, i
		}
	}
	return ChangeNone, 0
}

func equalSettings(a, b Settings) bool {
	return a.Dataset == b.Dataset && a.Labels == b.Labels && a.Size == b.Size && a.Limit == b.Limit &&
		a.Class == b.Class && a.Machine == b.Machine && a.Boundary == b.Boundary &&
		a.Tau == b.Tau && a.Temperature == b.Temperature && a.Network == b.Network &&
		a.Steps == b.Steps && a.Seed == b.Seed
}

// PresetFor returns the calibrated preset that fits a built-in data set
// and boundary ("fashion" and "circular" give fashion-resnet-zeros, the
// closest calibrated one), or current when none is closer.
func PresetFor(dataset, boundary, current string) string {
	prefix := map[string]string{"mnist": "mnist", "fashion": "fashion"}[strings.ToLower(dataset)]
	if prefix == "" {
		return current
	}
	if strings.HasPrefix(current, prefix+"-") {
		return current
	}
	best := ""
	for _, p := range schedule.Presets() {
		if strings.HasPrefix(p.Name, prefix+"-resnet-") {
			if p.Boundary == boundary {
				return p.Name
			}
			if best == "" {
				best = p.Name
			}
		}
	}
	if best == "" {
		return current
	}
	return best
}
