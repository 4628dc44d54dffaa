// Package builtin provides the training sets built into the program: "mnist"
// (the 60,000 MNIST training digits) and "fashion" (the first 10,000
// Fashion-MNIST training images), both embedded in mosaic/assets as gzipped
// IDX files, plus any set added with Register.
//
// Images are 28x28 natively; Load resizes them to the requested size with
// dataset.Resize8 (Pillow's bilinear, on 8-bit values, SPEC.md "Images"),
// DefaultSize (32) being what the paper uses. Decoded sets are cached, one per
// name and size, so only the first Load of each pays for decoding.
//
// Adding a data set (for example the procedural "hands" of model/hands):
// write a func(size int) (*dataset.Dataset, error) and register it once,
// before the first Load, e.g. from this package's init:
//
//	func init() { Register("hands", hands.Generate) }
//
// (model/hands must then not import this package), or from the hands
// package's own init with builtin.Register, if the program imports it.
package builtin

import (
	"fmt"
	"strings"
	"sync"

	"mosaic/assets"
	"mosaic/model/dataset"
	"mosaic/model/idx"
)

// NativeSize is the side of the embedded MNIST and Fashion-MNIST images.
const NativeSize = 28

// DefaultSize is the image side the paper trains on (28x28 images are
// resized to 32x32).
const DefaultSize = 32

// MaxSize is the largest image side Load accepts.
const MaxSize = 512

// LoaderFunc makes a data set of size x size images. It is called at most
// once per size; its result is cached and shared.
type LoaderFunc func(size int) (*dataset.Dataset, error)

// FashionClasses names the ten Fashion-MNIST labels.
var FashionClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// DigitClasses names the ten MNIST labels.
var DigitClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

type key struct {
	name string
	size int
}

type entry struct {
	once sync.Once
	ds   *dataset.Dataset
	err  error
}

var (
	mu      sync.Mutex
	names   []string
	loaders = map[string]LoaderFunc{}
	cache   = map[key]*entry{}
)

func init() {
	Register("mnist", idxLoader("mnist", "data/mnist-train-images-idx3-ubyte.gz", "data/mnist-train-labels-idx1-ubyte.gz", DigitClasses))
	Register("fashion", idxLoader("fashion", "data/fashion-train-images-idx3-ubyte.gz", "data/fashion-train-labels-idx1-ubyte.gz", FashionClasses))
}

// Register adds a built-in data set under name (lower case, not empty). It is
// an error to register a name twice or to pass a nil function.
func Register(name string, fn LoaderFunc) error {
	if name == "" || name != strings.ToLower(strings.TrimSpace(name)) {
		return fmt.Errorf("builtin: register %q: the name must be non-empty lower case without surrounding spaces", name)
	}
	if fn == nil {
		return fmt.Errorf("builtin: register %q: nil loader", name)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := loaders[name]; dup {
		return fmt.Errorf("builtin: register %q: the name is already registered", name)
	}
	loaders[name] = fn
	names = append(names, name)
	return nil
}

// Names returns the names of the built-in data sets in registration order
// ("mnist", "fashion", then any registered later).
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), names...)
}

// Load returns the built-in data set name with size x size images (use
// NativeSize for the original 28x28, DefaultSize for the paper's 32x32).
// Names are matched ignoring case and surrounding spaces.
//
// The result is cached and shared by every caller asking for the same name
// and size: do not modify it (Subset returns a private copy).
func Load(name string, size int) (*dataset.Dataset, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	mu.Lock()
	fn, ok := loaders[n]
	valid := strings.Join(names, ", ")
	mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("unknown built-in data set %q (valid names: %s)", name, valid)
	}
	if size < 1 || size > MaxSize {
		return nil, fmt.Errorf("built-in data set %q: image size %d is out of range 1..%d (%d is native, %d the default)", n, size, MaxSize, NativeSize, DefaultSize)
	}
	mu.Lock()
	e := cache[key{n, size}]
	if e == nil {
		e = &entry{}
		cache[key{n, size}] = e
	}
	mu.Unlock()
	e.once.Do(func() {
		e.ds, e.err = fn(size)
		if e.err == nil && e.ds == nil {
			e.err = fmt.Errorf("built-in data set %q: loader returned no data", n)
		}
		if e.err != nil {
			e.err = fmt.Errorf("built-in data set %q at %dx%d: %w", n, size, size, e.err)
		}
	})
	return e.ds, e.err
}

// idxLoader returns a LoaderFunc decoding an embedded pair of IDX files.
func idxLoader(name, imagesPath, labelsPath string, classes []string) LoaderFunc {
	return func(size int) (*dataset.Dataset, error) {
		imgs, err := readEmbedded(imagesPath)
		if err != nil {
			return nil, err
		}
		labs, err := readEmbedded(labelsPath)
		if err != nil {
			return nil, err
		}
		if imgs.Type != idx.Uint8 || len(imgs.Dims) != 3 || imgs.Dims[0] == 0 {
			return nil, fmt.Errorf("%s: expected unsigned-byte images [M, H, W], got %s %v", imagesPath, imgs.Type, imgs.Dims)
		}
		if labs.Type != idx.Uint8 || len(labs.Dims) != 1 || labs.Dims[0] != imgs.Dims[0] {
			return nil, fmt.Errorf("%s: expected %d unsigned-byte labels, got %s %v", labelsPath, imgs.Dims[0], labs.Type, labs.Dims)
		}
		m, h, w := imgs.Dims[0], imgs.Dims[1], imgs.Dims[2]
		pix := imgs.Bytes
		if h != size || w != size {
			in, out := h*w, size*size
			pix = make([]uint8, m*out)
			for i := 0; i < m; i++ {
				copy(pix[i*out:(i+1)*out], dataset.Resize8(imgs.Bytes[i*in:(i+1)*in], h, w, size, size))
			}
			h, w = size, size
		}
		labels := make([]int, m)
		for i, l := range labs.Bytes {
			labels[i] = int(l)
		}
		ds, err := dataset.FromUint8(name, m, 1, h, w, pix, labels)
		if err != nil {
			return nil, err
		}
		ds.ClassNames = classes
		return ds, nil
	}
}

func readEmbedded(path string) (*idx.Array, error) {
	f, err := assets.Data.Open(path)
	if err != nil {
		return nil, fmt.Errorf("embedded file: %w", err)
	}
	defer f.Close()
	a, err := idx.Read(f)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", path, err)
	}
	return a, nil
}
