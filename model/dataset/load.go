package dataset

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"mosaic/model/idx"
	"mosaic/model/npy"
)

// MaxValues bounds the number of pixel values (M*C*H*W) a loaded data set may
// have, 1<<28 (2 GiB of float64), so a corrupt or enormous file is refused
// with an error rather than exhausting memory.
const MaxValues = 1 << 28

// MaxSide is the largest image side a data set may have: images are at
// most 512x512 (the built-in sets' largest size too).
const MaxSide = 512

// maxLabel bounds label values read from files.
const maxLabel = 1 << 20

// valueTolerance is how far float values may stray outside [-1, 1] (float32
// rounding) before they are an error; such values are clamped.
const valueTolerance = 1e-6

// Load reads a training set from path, which may be:
//
//   - a directory: a folder of PNG/JPEG images (see LoadFolder);
//   - a .npy file of images (see LoadNpy);
//   - an IDX images file, raw or gzipped, e.g. "train-images-idx3-ubyte" or
//     "train-images-idx3-ubyte.gz" or "images.idx" (see LoadIDX).
//
// Files with another extension are recognised by their first bytes (the .npy
// magic string, the gzip magic or an IDX magic number).
//
// labelsPath is optional (""): a .npy file of M integer labels, or an IDX
// labels file. It cannot be used with a folder, whose labels come from its
// sub-folder names. Every error names the file and the problem.
func Load(path, labelsPath string) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("loading training images: %w", err)
	}
	if st.IsDir() {
		if labelsPath != "" {
			return nil, fmt.Errorf("%s is a folder of images, whose labels come from its sub-folder names; a separate labels file (%s) cannot be used with it", path, labelsPath)
		}
		return LoadFolder(path)
	}
	switch sniff(path) {
	case "npy":
		return LoadNpy(path, labelsPath)
	case "idx":
		return LoadIDX(path, labelsPath)
	}
	return nil, fmt.Errorf("%s: unsupported file type: expected a folder of PNG/JPEG images, a .npy file or an IDX file (.idx, -ubyte, .gz)", path)
}

// sniff tells a file's format ("npy", "idx" or "") from its name, or failing
// that its first bytes.
func sniff(path string) string {
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".npy"):
		return "npy"
	case strings.HasSuffix(lower, ".idx"), strings.HasSuffix(lower, "-ubyte"), strings.HasSuffix(lower, ".gz"),
		strings.Contains(filepath.Base(lower), "-idx"):
		return "idx"
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var b [6]byte
	n, _ := bufio.NewReader(f).Read(b[:])
	switch {
	case n == 6 && string(b[:]) == npy.Magic:
		return "npy"
	case n >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return "idx"
	case n >= 4 && b[0] == 0 && b[1] == 0 && b[3] > 0:
		return "idx"
	}
	return ""
}

// LoadNpy reads images from a .npy file and, if labelsPath is not "", labels
// from a .npy or IDX file.
//
// Accepted shapes are [M, H, W] (grayscale), [M, C, H, W] (channels first)
// and [M, H, W, C] (channels last), with C = 1 (grayscale) or 3 (RGB). The
// layout of a 4-D array is decided by this rule: it is channels-last when
// the last dimension is 1, 3 or 4 and the second is not; otherwise it is
// channels-first. (So [M, 28, 28, 1] and [M, 32, 32, 3] are channels-last,
// [M, 1, 28, 28] and [M, 3, 32, 32] channels-first.)
//
// uint8 data is scaled by v/127.5 - 1; other integer data must hold 0..255
// and is scaled the same way; float data is used as is and must lie in
// [-1, 1] with no NaN or infinite value.
func LoadNpy(path, labelsPath string) (*Dataset, error) {
	a, err := npy.ReadFileMax(path, MaxValues)
	if err != nil {
		return nil, err
	}
	if a.Kind == npy.Bool {
		return nil, fmt.Errorf("%s: holds bool values (dtype %s), not pixels: store 8-bit levels as uint8 (e.g. 0 and 255 for a binary image) or floats in [-1,1]", path, a.DType)
	}
	ds, err := fromValues(path, a.Shape, a.Kind != npy.Float, a.Data, nil)
	if err != nil {
		return nil, err
	}
	if err := attachLabels(ds, path, labelsPath); err != nil {
		return nil, err
	}
	return ds, nil
}

// LoadIDX reads images from an IDX file (raw or gzipped) of shape [M, H, W]
// (or 4-D, laid out by the rule of LoadNpy) and, if labelsPath is not "",
// labels from an IDX or .npy file. Unsigned-byte and other integer data must
// hold 0..255 and are scaled by v/127.5 - 1; float data is used as is and
// must lie in [-1, 1].
func LoadIDX(path, labelsPath string) (*Dataset, error) {
	a, err := idx.ReadFileMax(path, MaxValues)
	if err != nil {
		return nil, err
	}
	isInt := a.Type != idx.Float32 && a.Type != idx.Float64
	ds, err := fromValues(path, a.Dims, isInt, a.Data, a.Bytes)
	if err != nil {
		return nil, err
	}
	if err := attachLabels(ds, path, labelsPath); err != nil {
		return nil, err
	}
	return ds, nil
}

// layout turns an array shape into M, C, H, W and whether the data is
// channels-last.
func layout(shape []int) (m, c, h, w int, last bool, err error) {
	is134 := func(d int) bool { return d == 1 || d == 3 || d == 4 }
	switch len(shape) {
	case 3:
		m, c, h, w = shape[0], 1, shape[1], shape[2]
	case 4:
		if is134(shape[3]) && !is134(shape[1]) {
			m, h, w, c, last = shape[0], shape[1], shape[2], shape[3], true
		} else {
			m, c, h, w = shape[0], shape[1], shape[2], shape[3]
		}
	default:
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v is not one of [M,H,W], [M,C,H,W] or [M,H,W,C]", shape)
	}
	if m == 0 {
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v holds no images", shape)
	}
	if h == 0 || w == 0 {
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v has empty images", shape)
	}
	if h > MaxSide || w > MaxSide {
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v has images of %dx%d pixels: at most %dx%d are supported (resize them first)", shape, w, h, MaxSide, MaxSide)
	}
	if c != 1 && c != 3 {
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v has %d channels per image; only 1 (grayscale) or 3 (RGB) are supported (drop an alpha channel first)", shape, c)
	}
	if m*c*h*w > MaxValues {
		return 0, 0, 0, 0, false, fmt.Errorf("shape %v is too large: %d values (the limit is %d, e.g. %d images of 32x32x3)", shape, m*c*h*w, MaxValues, MaxValues/3072)
	}
	return m, c, h, w, last, nil
}

// fromValues builds a Dataset from array values in the array's own layout:
// either bytes (8-bit pixels) or vals, which are integers (scaled like 8-bit
// pixels, and must be in 0..255) when isInt and normalised floats otherwise.
func fromValues(name string, shape []int, isInt bool, vals []float64, bytes8 []uint8) (*Dataset, error) {
	m, c, h, w, last, err := layout(shape)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ds := &Dataset{Name: name, M: m, C: c, H: h, W: w, Pixels: make([]float64, m*c*h*w)}
	hw := h * w
	size := c * hw
	for mu := 0; mu < m; mu++ {
		for ch := 0; ch < c; ch++ {
			for p := 0; p < hw; p++ {
				src := mu*size + ch*hw + p
				if last {
					src = mu*size + p*c + ch
				}
				dst := mu*size + ch*hw + p
				if bytes8 != nil {
					ds.Pixels[dst] = norm8[bytes8[src]]
					continue
				}
				v := vals[src]
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("%s: %s holds a NaN or infinite value (%v)", name, where(mu, p, ch, w, c), v)
				}
				if isInt {
					if v < 0 || v > 255 {
						return nil, fmt.Errorf("%s: %s holds %v; integer pixel values must be 8-bit levels 0..255", name, where(mu, p, ch, w, c), v)
					}
					ds.Pixels[dst] = norm8[int(v)]
					continue
				}
				if v < -1-valueTolerance || v > 1+valueTolerance {
					return nil, fmt.Errorf("%s: %s holds %v: expected values in [-1,1]; uint8 data is scaled automatically (store 8-bit pixels as uint8, or map floats x in [0,1] to 2x-1)", name, where(mu, p, ch, w, c), v)
				}
				ds.Pixels[dst] = max(-1, min(1, v))
			}
		}
	}
	return ds, nil
}

// attachLabels reads labelsPath (if not "") and sets ds.Labels, checking the
// count against the images.
func attachLabels(ds *Dataset, imagesPath, labelsPath string) error {
	if labelsPath == "" {
		return nil
	}
	labels, err := LoadLabels(labelsPath)
	if err != nil {
		return err
	}
	if len(labels) != ds.M {
		return fmt.Errorf("%s holds %d labels but %s holds %d images: the counts must agree", labelsPath, len(labels), imagesPath, ds.M)
	}
	ds.Labels = labels
	return nil
}

// LoadLabels reads integer labels from a .npy file (shape [M] or [M, 1], any
// integer dtype, or floats with integral values) or an IDX file (1-D, raw or
// gzipped). Labels must be in 0..1048575.
func LoadLabels(path string) ([]int, error) {
	var shape []int
	var vals []float64
	var bytes8 []uint8
	switch sniff(path) {
	case "npy":
		a, err := npy.ReadFile(path)
		if err != nil {
			return nil, err
		}
		shape, vals = a.Shape, a.Data
	case "idx":
		a, err := idx.ReadFile(path)
		if err != nil {
			return nil, err
		}
		shape, vals, bytes8 = a.Dims, a.Data, a.Bytes
	default:
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("loading labels: %w", err)
		}
		return nil, fmt.Errorf("%s: unsupported labels file: expected a .npy or IDX file", path)
	}
	if !(len(shape) == 1 || (len(shape) == 2 && shape[1] == 1)) {
		return nil, fmt.Errorf("%s: labels must be a 1-D array of M integers, not shape %v", path, shape)
	}
	n := shape[0]
	if n == 0 {
		return nil, fmt.Errorf("%s: the labels file is empty", path)
	}
	labels := make([]int, n)
	for i := range labels {
		if bytes8 != nil {
			labels[i] = int(bytes8[i])
			continue
		}
		v := vals[i]
		if v != math.Trunc(v) || v < 0 || v > maxLabel { // NaN fails v == Trunc(v)
			return nil, fmt.Errorf("%s: label %d is %v; labels must be whole numbers from 0 to %d", path, i, v, maxLabel)
		}
		labels[i] = int(v)
	}
	return labels, nil
}

// where names a pixel in an error message.
func where(mu, p, ch, w, c int) string {
	s := fmt.Sprintf("image %d (counting from 0), row %d, column %d", mu, p/w, p%w)
	if c > 1 {
		s += fmt.Sprintf(", channel %d", ch)
	}
	return s
}

// Shape is what a training file declares, read from its header only.
type Shape struct {
	M, C, H, W int
	// BytesPerValue is the size of one stored value (1 for 8-bit pixels).
	BytesPerValue int
}

// Peek reads the shape a .npy or IDX file of images declares without
// reading its data (for a memory estimate before loading). A folder or an
// unrecognised file gives ok = false.
func Peek(path string) (sh Shape, ok bool, err error) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return Shape{}, false, nil
	}
	var dims []int
	switch sniff(path) {
	case "npy":
		h, err := npy.ReadHeaderFile(path)
		if err != nil {
			return Shape{}, false, err
		}
		dims, sh.BytesPerValue = h.Shape, h.Size
	case "idx":
		h, err := idx.ReadHeaderFile(path)
		if err != nil {
			return Shape{}, false, err
		}
		dims, sh.BytesPerValue = h.Dims, h.Type.Size()
	default:
		return Shape{}, false, nil
	}
	m, c, h, w, _, err := layout(dims)
	if err != nil {
		return Shape{}, false, fmt.Errorf("%s: %w", path, err)
	}
	sh.M, sh.C, sh.H, sh.W = m, c, h, w
	return sh, true, nil
}
