// Package builtin provides the training sets built into the program: "mnist"
// (the 60,000 MNIST training digits) and "fashion" (the first 10,000
// Fashion-MNIST training images), both embedded in mosaic/assets as gzipped
// IDX files; "hands", the procedural hands of model/hands; and any set added
// with Register.
//
// Images are 28x28 natively; Load resizes them to the requested size with
// dataset.Resize8 (Pillow's bilinear, on 8-bit values, SPEC.md "Images"),
// DefaultSize (32) being what the paper uses. Decoded sets are cached, one per
// name and size, so only the first Load of each pays for decoding.
//
// The procedural hands of model/hands are registered as "hands". Adding
// another data set: write a func(size int) (*dataset.Dataset, error) and
// Register it once, before the first Load.
package builtin

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"mosaic/assets"
	"mosaic/model/dataset"
	"mosaic/model/hands"
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
	// subsetters build a class/limit subset without decoding the whole set.
	subsetters = map[string]func(size, class, limit int) (*dataset.Dataset, error){}
	// sources are the embedded IDX sets by name.
	sources = map[string]*idxSource{}
)

func init() {
	for _, s := range []*idxSource{
		{name: "mnist", images: "data/mnist-train-images-idx3-ubyte.gz", labels: "data/mnist-train-labels-idx1-ubyte.gz", classes: DigitClasses},
		{name: "fashion", images: "data/fashion-train-images-idx3-ubyte.gz", labels: "data/fashion-train-labels-idx1-ubyte.gz", classes: FashionClasses},
	} {
		Register(s.name, s.load)
		subsetters[s.name] = s.subset
		sources[s.name] = s
	}
	Register(hands.Name, hands.Builtin)
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

// idxSource is an embedded pair of IDX files (images and labels), decoded
// once on first use and kept as 8-bit values.
type idxSource struct {
	name, images, labels string
	classes              []string

	once sync.Once
	imgs *idx.Array
	labs []int
	err  error
}

// raw decodes the embedded files once.
func (s *idxSource) raw() (*idx.Array, []int, error) {
	s.once.Do(func() {
		imgs, err := readEmbedded(s.images)
		if err != nil {
			s.err = err
			return
		}
		labs, err := readEmbedded(s.labels)
		if err != nil {
			s.err = err
			return
		}
		if imgs.Type != idx.Uint8 || len(imgs.Dims) != 3 || imgs.Dims[0] == 0 {
			s.err = fmt.Errorf("%s: expected unsigned-byte images [M, H, W], got %s %v", s.images, imgs.Type, imgs.Dims)
			return
		}
		if labs.Type != idx.Uint8 || len(labs.Dims) != 1 || labs.Dims[0] != imgs.Dims[0] {
			s.err = fmt.Errorf("%s: expected %d unsigned-byte labels, got %s %v", s.labels, imgs.Dims[0], labs.Type, labs.Dims)
			return
		}
		s.imgs = imgs
		s.labs = make([]int, len(labs.Bytes))
		for i, l := range labs.Bytes {
			s.labs[i] = int(l)
		}
	})
	return s.imgs, s.labs, s.err
}

// load builds the whole set at size x size.
func (s *idxSource) load(size int) (*dataset.Dataset, error) {
	imgs, _, err := s.raw()
	if err != nil {
		return nil, err
	}
	all := make([]int, imgs.Dims[0])
	for i := range all {
		all[i] = i
	}
	return s.build(size, all)
}

// subset builds only the images Dataset.Subset(class, limit) would keep,
// resizing just those: the app's default of 500 images then costs a few
// milliseconds instead of resizing all 60,000.
func (s *idxSource) subset(size, class, limit int) (*dataset.Dataset, error) {
	_, labs, err := s.raw()
	if err != nil {
		return nil, err
	}
	var pick []int
	for i, l := range labs {
		if limit > 0 && len(pick) >= limit {
			break
		}
		if class < 0 || l == class {
			pick = append(pick, i)
		}
	}
	if len(pick) == 0 {
		present := map[int]bool{}
		var classes []int
		for _, l := range labs {
			if !present[l] {
				present[l] = true
				classes = append(classes, l)
			}
		}
		slices.Sort(classes)
		return nil, fmt.Errorf("dataset %q has no images of class %d (classes present: %v)", s.name, class, classes)
	}
	return s.build(size, pick)
}

// build resizes the picked images to size x size and normalises them.
func (s *idxSource) build(size int, pick []int) (*dataset.Dataset, error) {
	imgs, labs, _ := s.raw()
	h, w := imgs.Dims[1], imgs.Dims[2]
	in, out := h*w, size*size
	pix := make([]uint8, len(pick)*out)
	labels := make([]int, len(pick))
	for j, i := range pick {
		src := imgs.Bytes[i*in : (i+1)*in]
		if h == size && w == size {
			copy(pix[j*out:(j+1)*out], src)
		} else {
			copy(pix[j*out:(j+1)*out], dataset.Resize8(src, h, w, size, size))
		}
		labels[j] = labs[i]
	}
	ds, err := dataset.FromUint8(s.name, len(pick), 1, size, size, pix, labels)
	if err != nil {
		return nil, err
	}
	ds.ClassNames = s.classes
	return ds, nil
}

// LoadSubset returns the images of built-in set name that
// Load(name, size).Subset(class, limit) would return (class < 0: any label;
// limit <= 0: all), without decoding and resizing the whole set when it is
// not cached yet. The result is the caller's own copy.
func LoadSubset(name string, size, class, limit int) (*dataset.Dataset, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	mu.Lock()
	_, cached := cache[key{n, size}]
	sub := subsetters[n]
	mu.Unlock()
	if sub != nil && !cached && size >= 1 && size <= MaxSize {
		ds, err := sub(size, class, limit)
		if err != nil {
			return nil, fmt.Errorf("built-in data set %q at %dx%d: %w", n, size, size, err)
		}
		return ds, nil
	}
	ds, err := Load(name, size)
	if err != nil {
		return nil, err
	}
	return ds.Subset(class, limit)
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

// Labels returns the label of every image of built-in set name and its class
// names, without decoding or resizing the images of the embedded sets.
func Labels(name string) ([]int, []string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	mu.Lock()
	src := sources[n]
	mu.Unlock()
	if src != nil {
		_, labs, err := src.raw()
		if err != nil {
			return nil, nil, fmt.Errorf("built-in data set %q: %w", n, err)
		}
		return append([]int(nil), labs...), src.classes, nil
	}
	ds, err := Load(name, DefaultSize)
	if err != nil {
		return nil, nil, err
	}
	return append([]int(nil), ds.Labels...), ds.ClassNames, nil
}
