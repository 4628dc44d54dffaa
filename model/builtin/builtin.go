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
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"mosaic/assets"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/idx"
	"mosaic/model/internal/par"
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

// idxSource is an embedded pair of IDX files (images and labels). The labels
// (60 KB for MNIST) are decoded once on first use. The images are inflated
// lazily, as a prefix: a request for the first n images inflates the gzip
// stream only as far as image n and keeps the reader open, so a later, larger
// request continues where the last one stopped and nothing is inflated
// twice. The start-up default, the first 500 MNIST digits, thus costs 400 KB
// of the 47 MB stream (a few milliseconds instead of most of a second).
// Resized images are cached per size and image.
type idxSource struct {
	name, images, labels string
	classes              []string

	labOnce sync.Once
	labs    []int
	labErr  error

	imgMu  sync.Mutex
	opened bool
	f      io.Closer // the embedded file while the stream is open
	zr     io.Reader // the inflating stream, positioned after pix
	h, w   int
	total  int     // images declared by the header
	pix    []uint8 // decoded prefix, whole images, cap total*h*w
	imgErr error

	resized map[int]*resizedCache // by size; guarded by imgMu
}

// resizedCache holds the images of one size resized so far.
type resizedCache struct {
	pix  []uint8 // [total][size*size], filled where done
	done []bool
}

// labels decodes the embedded label file once.
func (s *idxSource) labelsOnce() ([]int, error) {
	s.labOnce.Do(func() {
		labs, err := readEmbedded(s.labels)
		if err != nil {
			s.labErr = err
			return
		}
		if labs.Type != idx.Uint8 || len(labs.Dims) != 1 || labs.Dims[0] == 0 {
			s.labErr = fmt.Errorf("%s: expected unsigned-byte labels [M], got %s %v", s.labels, labs.Type, labs.Dims)
			return
		}
		s.labs = make([]int, len(labs.Bytes))
		for i, l := range labs.Bytes {
			s.labs[i] = int(l)
		}
	})
	return s.labs, s.labErr
}

// open reads the image file's header and checks it against the labels.
// The caller holds imgMu.
func (s *idxSource) open() error {
	if s.opened {
		return s.imgErr
	}
	s.opened = true
	labs, err := s.labelsOnce()
	if err != nil {
		s.imgErr = err
		return err
	}
	f, err := assets.Data.Open(s.images)
	if err != nil {
		s.imgErr = fmt.Errorf("embedded file: %w", err)
		return s.imgErr
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		s.imgErr = fmt.Errorf("embedded %s: gzip: %w", s.images, err)
		return s.imgErr
	}
	var hdr [16]byte
	if _, err := io.ReadFull(zr, hdr[:]); err != nil {
		f.Close()
		s.imgErr = fmt.Errorf("embedded %s: IDX header: %w", s.images, err)
		return s.imgErr
	}
	be := binary.BigEndian
	m, h, w := int(be.Uint32(hdr[4:])), int(be.Uint32(hdr[8:])), int(be.Uint32(hdr[12:]))
	if hdr[0] != 0 || hdr[1] != 0 || idx.Type(hdr[2]) != idx.Uint8 || hdr[3] != 3 || m == 0 || h == 0 || w == 0 || h > 1024 || w > 1024 {
		f.Close()
		s.imgErr = fmt.Errorf("%s: expected unsigned-byte images [M, H, W], got header % x", s.images, hdr)
		return s.imgErr
	}
	if m != len(labs) {
		f.Close()
		s.imgErr = fmt.Errorf("%s: %d images but %d labels in %s", s.images, m, len(labs), s.labels)
		return s.imgErr
	}
	s.f, s.zr, s.h, s.w, s.total = f, zr, h, w, m
	// Untouched pages of the full capacity cost no memory.
	s.pix = make([]uint8, 0, m*h*w)
	return nil
}

// prefixLocked returns the first n images (n <= total), inflating the
// stream as far as needed. The caller holds imgMu.
func (s *idxSource) prefixLocked(n int) ([]uint8, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	want := n * s.h * s.w
	if have := len(s.pix); have < want {
		if s.imgErr != nil {
			return nil, s.imgErr
		}
		if _, err := io.ReadFull(s.zr, s.pix[have:want]); err != nil {
			s.imgErr = fmt.Errorf("embedded %s: image data: %w", s.images, err)
			s.f.Close()
			return nil, s.imgErr
		}
		s.pix = s.pix[:want]
		if want == cap(s.pix) {
			s.f.Close()
			s.f, s.zr = nil, nil
		}
	}
	return s.pix[:want], nil
}

// count returns the number of images and their side.
func (s *idxSource) shape() (m, h, w int, err error) {
	s.imgMu.Lock()
	defer s.imgMu.Unlock()
	err = s.open()
	return s.total, s.h, s.w, err
}

// load builds the whole set at size x size.
func (s *idxSource) load(size int) (*dataset.Dataset, error) {
	m, _, _, err := s.shape()
	if err != nil {
		return nil, err
	}
	all := make([]int, m)
	for i := range all {
		all[i] = i
	}
	return s.build(size, all, false)
}

// subset builds only the images Dataset.Subset(class, limit) would keep,
// resizing just those: the app's default of 500 images then costs a few
// milliseconds instead of resizing all 60,000.
func (s *idxSource) subset(size, class, limit int) (*dataset.Dataset, error) {
	labs, err := s.labelsOnce()
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
		return nil, fmt.Errorf("dataset %q has %w %d (classes present: %v)", s.name, dataset.ErrNoClass, class, classes)
	}
	// A subset of every image is not kept resized: the caller owns it, and
	// a second copy would cost 61 MB for MNIST at 32x32.
	return s.build(size, pick, len(pick) < len(labs))
}

// build resizes the picked images (increasing indices) to size x size and
// normalises them, inflating only the images up to the last one picked;
// keep says whether to keep the resized images for later subsets.
func (s *idxSource) build(size int, pick []int, keep bool) (*dataset.Dataset, error) {
	labs, err := s.labelsOnce()
	if err != nil {
		return nil, err
	}
	out := size * size
	pix := make([]uint8, len(pick)*out)
	labels := make([]int, len(pick))
	s.imgMu.Lock()
	err = s.resizeLocked(size, pick, pix, keep)
	s.imgMu.Unlock()
	if err != nil {
		return nil, err
	}
	for j, i := range pick {
		labels[j] = labs[i]
	}
	ds, err := dataset.FromUint8(s.name, len(pick), 1, size, size, pix, labels)
	if err != nil {
		return nil, err
	}
	ds.ClassNames = s.classes
	return ds, nil
}

// resizeLocked writes the picked images, resized to size x size, to dst,
// reusing the cache of resized images, and filling it if keep. The caller
// holds imgMu.
func (s *idxSource) resizeLocked(size int, pick []int, dst []uint8, keep bool) error {
	if len(pick) == 0 {
		return nil
	}
	src, err := s.prefixLocked(pick[len(pick)-1] + 1)
	if err != nil {
		return err
	}
	h, w := s.h, s.w
	in, out := h*w, size*size
	if h == size && w == size {
		for j, i := range pick {
			copy(dst[j*out:(j+1)*out], src[i*in:(i+1)*in])
		}
		return nil
	}
	if s.resized == nil {
		s.resized = map[int]*resizedCache{}
	}
	rc := s.resized[size]
	if rc == nil && keep {
		rc = &resizedCache{pix: make([]uint8, s.total*out), done: make([]bool, s.total)}
		s.resized[size] = rc
	}
	// pick holds distinct images, so the parts write disjoint bytes (of
	// dst and of the cache).
	par.Range(len(pick), in*4, func(lo, hi int) {
		for j, i := range pick[lo:hi] {
			d := dst[(lo+j)*out : (lo+j+1)*out]
			switch {
			case rc == nil:
				copy(d, dataset.Resize8(src[i*in:(i+1)*in], h, w, size, size))
			case rc.done[i]:
				copy(d, rc.pix[i*out:(i+1)*out])
			default:
				copy(rc.pix[i*out:(i+1)*out], dataset.Resize8(src[i*in:(i+1)*in], h, w, size, size))
				rc.done[i] = true
				copy(d, rc.pix[i*out:(i+1)*out])
			}
		}
	})
	return nil
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

// EmbeddedLabels returns the labels of an embedded IDX data set (MNIST,
// Fashion-MNIST), decoded once and cheap to ask for, and false for a set
// that would have to be generated or loaded to tell (the procedural
// hands): a caller on the UI goroutine, such as the app's memory estimate,
// asks this instead of Labels.
func EmbeddedLabels(name string) ([]int, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	mu.Lock()
	src := sources[n]
	mu.Unlock()
	if src == nil {
		return nil, false
	}
	labs, err := src.labelsOnce()
	if err != nil {
		return nil, false
	}
	return labs, true
}

// Labels returns the label of every image of built-in set name and its class
// names, without decoding or resizing the images of the embedded sets.
func Labels(name string) ([]int, []string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	mu.Lock()
	src := sources[n]
	mu.Unlock()
	if src != nil {
		labs, err := src.labelsOnce()
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
