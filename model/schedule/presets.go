package schedule

import (
	"fmt"
	"strings"
)

// Preset is one of the paper's calibrated patch-size schedules for N = 20
// steps at 32x32 (SPEC.md, "Calibrated patch-size schedules").
type Preset struct {
	// Name is the identifier used on the command line, e.g. "mnist-resnet-zeros".
	Name string
	// Dataset, Arch and Boundary describe the network the schedule was
	// calibrated against ("MNIST", "ResNet", "zeros").
	Dataset, Arch, Boundary string
	// K holds the patch size for i = 0 .. 19.
	K Patch
}

// Title is a human-readable label such as "MNIST, ResNet, zeros".
func (p Preset) Title() string { return p.Dataset + ", " + p.Arch + ", " + p.Boundary }

var presets = []Preset{
	{"mnist-resnet-zeros", "MNIST", "ResNet", "zeros", Patch{3, 3, 5, 5, 5, 7, 7, 7, 9, 9, 11, 11, 11, 11, 13, 15, 15, 15, 15, 15}},
	{"mnist-resnet-circular", "MNIST", "ResNet", "circular", Patch{3, 3, 5, 5, 5, 7, 7, 9, 9, 9, 11, 11, 11, 11, 9, 9, 7, 7, 3, 3}},
	{"mnist-unet-zeros", "MNIST", "UNet", "zeros", Patch{3, 3, 3, 5, 5, 7, 7, 7, 9, 9, 9, 11, 13, 15, 17, 21, 23, 23, 25, 27}},
	{"fashion-resnet-zeros", "Fashion-MNIST", "ResNet", "zeros", Patch{3, 3, 5, 5, 7, 7, 9, 9, 9, 11, 11, 11, 13, 13, 13, 15, 15, 15, 17, 17}},
	{"fashion-unet-zeros", "Fashion-MNIST", "UNet", "zeros", Patch{3, 3, 5, 5, 7, 7, 7, 9, 11, 11, 11, 13, 15, 15, 21, 23, 25, 25, 25, 25}},
	{"cifar10-resnet-zeros", "CIFAR-10", "ResNet", "zeros", Patch{3, 3, 3, 3, 5, 5, 5, 7, 7, 7, 7, 9, 9, 11, 11, 13, 15, 17, 17, 17}},
	{"cifar10-resnet-circular", "CIFAR-10", "ResNet", "circular", Patch{3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15, 15}},
	{"cifar10-unet-zeros", "CIFAR-10", "UNet", "zeros", Patch{3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 7, 9, 9, 11, 13, 13, 15, 17, 25}},
	{"celeba-resnet-zeros", "CelebA", "ResNet", "zeros", Patch{3, 3, 3, 5, 5, 5, 5, 5, 7, 7, 9, 9, 9, 11, 11, 11, 13, 15, 19, 19}},
	{"celeba-unet-zeros", "CelebA", "UNet", "zeros", Patch{3, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 7, 7, 9, 9, 9, 13, 19, 27}},
}

// Presets returns the ten calibrated schedules in the order of SPEC.md.
// The returned slice is a copy; callers may modify it.
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, p := range presets {
		p.K = append(Patch(nil), p.K...)
		out[i] = p
	}
	return out
}

// Lookup returns the preset with the given name (case-insensitive; "_" and
// " " are accepted for "-"): one of the paper's, or else one the user saved
// (UserPresets). An unknown name is an error listing the names.
func Lookup(name string) (Preset, error) {
	n := normalise(name)
	for _, p := range Presets() {
		if p.Name == n {
			return p, nil
		}
	}
	p, ok, err := lookupUser(n)
	if err != nil {
		return Preset{}, err
	}
	if ok {
		return p, nil
	}
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	names = append(names, userNames()...)
	return Preset{}, fmt.Errorf("unknown preset %q: choose one of %s", name, strings.Join(names, ", "))
}
