package budget

import (
	"mosaic/model/builtin"
	"mosaic/model/dataset"
)

// Shape is what a training set will hold once loaded, told before loading
// it: M images of C x H x W, and Load, the memory its loading needs at the
// peak beyond the loaded set (for Run.Load).
type Shape struct {
	M, C, H, W int
	Load       int64
}

// PeekBuiltin tells the shape of a built-in training set (by name) before
// loading it, from its embedded labels, cheaply enough for the UI
// goroutine. size is the image side; class >= 0 counts that label's
// images only; limit > 0 keeps the first limit. ok is false for a set that
// would have to be generated to tell (the procedural hands) or an unknown
// name or size (the loader then reports why).
func PeekBuiltin(name string, size, class, limit int) (sh Shape, ok bool) {
	if size < 1 || size > builtin.MaxSize {
		return Shape{}, false
	}
	labels, ok := builtin.EmbeddedLabels(name)
	if !ok {
		return Shape{}, false
	}
	for _, l := range labels {
		if class < 0 || l == class {
			sh.M++
		}
	}
	if limit > 0 {
		sh.M = min(sh.M, limit)
	}
	sh.C, sh.H, sh.W = 1, size, size
	// The 28x28 bytes inflated and the resized values.
	sh.Load = int64(sh.M) * int64(builtin.NativeSize*builtin.NativeSize+2*size*size)
	return sh, true
}

// PeekFile tells the shape of a training-set file before loading it, from
// its header (dataset.Peek). Its labels are not read, so a class keeps at
// most all of its images: limit > 0 keeps the first limit, an upper bound
// either way. ok is false when the header does not tell (a folder of
// images, an unreadable file: the loader then reports why).
func PeekFile(path string, limit int) (sh Shape, ok bool) {
	fs, ok, err := dataset.Peek(path)
	if err != nil || !ok {
		return Shape{}, false
	}
	sh = Shape{M: fs.M, C: fs.C, H: fs.H, W: fs.W}
	if limit > 0 {
		sh.M = min(sh.M, limit)
	}
	sh.Load = LoadBytes(int64(fs.M)*int64(fs.C*fs.H*fs.W), fs.BytesPerValue)
	return sh, true
}
