// Package dataset holds training sets of images for the score machines: the
// in-memory representation, class filtering, the built-in embedded data sets and
// the loaders for a user's own files (.npy, IDX, folders of PNG/JPEG images).
//
// Every image is a float64 array [C, H, W] with values in [-1, 1]; an 8-bit pixel
// v becomes v/127.5 - 1 (SPEC.md, "Images").
package dataset

import (
	"errors"
	"fmt"
	"sort"
)

// ErrNoClass is wrapped by the error of a class that has no images in a
// data set (Subset, and the built-in sets' subsets). Its text is part of the
// message, which lists the classes present.
var ErrNoClass = errors.New("no images of class")

// Dataset is M images of one shape [C, H, W], stored contiguously in image-major
// order ([M][C][H][W]), with an optional integer label per image.
type Dataset struct {
	// Name says where the data came from (a built-in name or a file path).
	Name string
	// M, C, H, W are the number of images, channels, rows and columns.
	M, C, H, W int
	// Pixels holds M*C*H*W values in [-1, 1], image after image.
	Pixels []float64
	// Labels holds one label per image, or is nil when the data has no labels.
	Labels []int
	// ClassNames optionally names labels (index = label), e.g. "T-shirt/top".
	ClassNames []string
}

// Size returns the number of values in one image, C*H*W.
func (d *Dataset) Size() int { return d.C * d.H * d.W }

// Image returns image mu as a slice of length C*H*W that aliases Pixels.
func (d *Dataset) Image(mu int) []float64 {
	n := d.Size()
	return d.Pixels[mu*n : (mu+1)*n : (mu+1)*n]
}

// Label returns the label of image mu, or -1 when the data has no labels.
func (d *Dataset) Label(mu int) int {
	if d.Labels == nil {
		return -1
	}
	return d.Labels[mu]
}

// ClassName returns a readable name for a label ("3", "Sneaker", "left").
func (d *Dataset) ClassName(label int) string {
	if label >= 0 && label < len(d.ClassNames) && d.ClassNames[label] != "" {
		return d.ClassNames[label]
	}
	return fmt.Sprint(label)
}

// Validate checks that the shape fields agree with the slices and that every
// value is finite.
func (d *Dataset) Validate() error {
	if d.M <= 0 || d.C <= 0 || d.H <= 0 || d.W <= 0 {
		return fmt.Errorf("dataset %q: empty or invalid shape [M=%d, C=%d, H=%d, W=%d]", d.Name, d.M, d.C, d.H, d.W)
	}
	if len(d.Pixels) != d.M*d.Size() {
		return fmt.Errorf("dataset %q: %d values for shape [%d,%d,%d,%d]", d.Name, len(d.Pixels), d.M, d.C, d.H, d.W)
	}
	if d.Labels != nil && len(d.Labels) != d.M {
		return fmt.Errorf("dataset %q: %d labels for %d images", d.Name, len(d.Labels), d.M)
	}
	for i, v := range d.Pixels {
		if v != v || v > 1e300 || v < -1e300 {
			mu := i / d.Size()
			return fmt.Errorf("dataset %q: image %d holds a NaN or infinite value", d.Name, mu)
		}
	}
	return nil
}

// Classes returns the distinct labels in increasing order (nil without labels).
func (d *Dataset) Classes() []int {
	if d.Labels == nil {
		return nil
	}
	seen := map[int]bool{}
	var out []int
	for _, l := range d.Labels {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Ints(out)
	return out
}

// Subset returns the images selected by the filter: at most limit images
// (limit <= 0 means all) whose label equals class (class < 0 means any label).
// The result shares no memory with d. Asking for a class on unlabelled data,
// or a class with no images, is an error that says which classes exist.
func (d *Dataset) Subset(class, limit int) (*Dataset, error) {
	if class >= 0 && d.Labels == nil {
		return nil, fmt.Errorf("dataset %q has no labels, so it cannot be restricted to class %d: drop the class or supply labels", d.Name, class)
	}
	n := d.Size()
	out := &Dataset{Name: d.Name, C: d.C, H: d.H, W: d.W, ClassNames: d.ClassNames}
	if d.Labels != nil {
		out.Labels = []int{}
	}
	for mu := 0; mu < d.M; mu++ {
		if limit > 0 && out.M >= limit {
			break
		}
		if class >= 0 && d.Labels[mu] != class {
			continue
		}
		out.Pixels = append(out.Pixels, d.Pixels[mu*n:(mu+1)*n]...)
		if d.Labels != nil {
			out.Labels = append(out.Labels, d.Labels[mu])
		}
		out.M++
	}
	if out.M == 0 {
		if class >= 0 {
			return nil, fmt.Errorf("dataset %q has %w %d (classes present: %v)", d.Name, ErrNoClass, class, d.Classes())
		}
		return nil, fmt.Errorf("dataset %q has no images", d.Name)
	}
	return out, nil
}
