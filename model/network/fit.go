package network

import "fmt"

// FitsImage reports whether the network takes h x w images as far as its
// checkpoint says: a network that records the size it was trained at
// (ImageSize > 0) fits only that size. The error names both sizes and the
// network (name); callers add how to fix it in their own terms (flags,
// controls).
func (in Info) FitsImage(name string, h, w int) error {
	if n := in.ImageSize; n > 0 && (h != n || w != n) {
		return fmt.Errorf("%s was trained on %dx%d images, not %dx%d", name, n, n, h, w)
	}
	return nil
}

// ClassFor returns the class label to give the network for the requested
// class (-1: none). An unconditional network takes no label (-1), whatever
// was requested: a class then only restricts the data. A conditional one
// needs 0 <= class < NumClasses; the error says so, naming the network.
func (in Info) ClassFor(name string, class int) (int, error) {
	if !in.Conditional {
		return -1, nil
	}
	if class < 0 || class >= in.NumClasses {
		what := "no class was chosen"
		if class >= 0 {
			what = fmt.Sprintf("class %d is not one of them", class)
		}
		return 0, fmt.Errorf("%s is class-conditional with classes 0 to %d, and %s", name, in.NumClasses-1, what)
	}
	return class, nil
}
