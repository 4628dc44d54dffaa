// Package idx reads IDX files, the format of the MNIST and Fashion-MNIST
// distributions, raw or gzip-compressed (recognised by the gzip magic bytes,
// whatever the file name).
//
// An IDX file starts with two zero bytes, a type byte and the number of
// dimensions, then each dimension as a big-endian uint32, then the values in
// row-major order, big-endian. All the standard types are read: unsigned byte
// (0x08), signed byte (0x09), int16 (0x0B), int32 (0x0C), float32 (0x0D) and
// float64 (0x0E).
//
// Reading never panics on malformed input and guards against absurd
// dimensions in a corrupt header: raw data is read only as far as it really
// exists (and ReadFile checks the declared size against the file size before
// reading), and no file may declare more than MaxValues values.
package idx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"mosaic/model/internal/boundedread"
	"os"
)

// MaxValues bounds the number of values a file may declare (1<<31).
const MaxValues = 1 << 31

// Type is the IDX element type code (the third byte of the magic number).
type Type byte

// The IDX element types.
const (
	Uint8   Type = 0x08
	Int8    Type = 0x09
	Int16   Type = 0x0B
	Int32   Type = 0x0C
	Float32 Type = 0x0D
	Float64 Type = 0x0E
)

// Size returns the number of bytes of one element, or 0 for an unknown type.
func (t Type) Size() int {
	switch t {
	case Uint8, Int8:
		return 1
	case Int16:
		return 2
	case Int32, Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

// String returns the type's name, e.g. "unsigned byte".
func (t Type) String() string {
	switch t {
	case Uint8:
		return "unsigned byte"
	case Int8:
		return "signed byte"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("unknown type 0x%02x", byte(t))
}

// Array is the content of an IDX file.
type Array struct {
	// Dims are the dimensions, e.g. [60000 28 28] for MNIST images.
	Dims []int
	// Type is the element type stored in the file.
	Type Type
	// Bytes holds the values when Type is Uint8 (nil otherwise), so that the
	// common 8-bit case costs one byte per value.
	Bytes []uint8
	// Data holds the values converted to float64 for every other Type (nil
	// when Type is Uint8).
	Data []float64
}

// Len returns the number of values, the product of Dims.
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Dims {
		n *= d
	}
	return n
}

// Float64s returns all values as float64 (a copy for Uint8 data, Data itself
// otherwise).
func (a *Array) Float64s() []float64 {
	if a.Type != Uint8 {
		return a.Data
	}
	out := make([]float64, len(a.Bytes))
	for i, b := range a.Bytes {
		out[i] = float64(b)
	}
	return out
}

var gzipMagic = []byte{0x1f, 0x8b}

// Read decodes one IDX array from r, decompressing it first if it starts with
// the gzip magic bytes.
func Read(r io.Reader) (*Array, error) {
	return read(r, -1, MaxValues, false)
}

// ReadMax is Read refusing a header that declares more than maxValues
// values, before reading (or inflating) the data.
func ReadMax(r io.Reader, maxValues int) (*Array, error) {
	return read(r, -1, maxValues, false)
}

// Header is what an IDX header declares.
type Header struct {
	Dims []int
	Type Type
	// Values is the product of Dims.
	Values int
}

// ReadHeaderFile reads the header of an IDX file (inflating only the
// header of a gzipped one); errors name the file.
func ReadHeaderFile(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	a, err := read(f, -1, MaxValues, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Header{Dims: a.Dims, Type: a.Type, Values: a.Len()}, nil
}

// read decodes an IDX stream; rawSize, when >= 0, is the total size of the
// raw (uncompressed) input, used to reject absurd headers before reading.
// A header declaring more than maxValues values is refused before the data
// is read. headerOnly returns the dimensions and type without the data.
func read(r io.Reader, rawSize int64, maxValues int, headerOnly bool) (*Array, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if p, _ := br.Peek(2); bytes.Equal(p, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		a, err := read(zr, -1, maxValues, headerOnly)
		if err != nil {
			return nil, fmt.Errorf("gzipped IDX: %w", err)
		}
		return a, nil
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("not an IDX file: truncated before the end of the 4-byte magic number: %w", err)
	}
	t := Type(magic[2])
	if magic[0] != 0 || magic[1] != 0 || t.Size() == 0 || magic[3] == 0 {
		return nil, fmt.Errorf("not an IDX file: wrong magic number 0x%02x%02x%02x%02x (want 0x0000TTNN: type 08,09,0B,0C,0D,0E and 1+ dimensions)", magic[0], magic[1], magic[2], magic[3])
	}
	nd := int(magic[3])
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(br, dimBytes); err != nil {
		return nil, fmt.Errorf("IDX header: truncated file: %d dimensions declared but their sizes are cut off", nd)
	}
	dims := make([]int, nd)
	n := 1
	for i := range dims {
		d := int(binary.BigEndian.Uint32(dimBytes[4*i:]))
		dims[i] = d
		if d != 0 && n > MaxValues/d {
			return nil, fmt.Errorf("IDX dimensions %v are absurd: more than %d values (corrupt header?)", dims[:i+1], MaxValues)
		}
		n *= d
	}
	if n > maxValues {
		return nil, fmt.Errorf("IDX dimensions %v declare %d values, more than the limit of %d", dims, n, maxValues)
	}
	if headerOnly {
		return &Array{Dims: dims, Type: t}, nil
	}
	need := int64(n) * int64(t.Size())
	if rawSize >= 0 {
		have := rawSize - int64(4+4*nd)
		if have < need {
			return nil, fmt.Errorf("IDX data: truncated file: dimensions %v of %s need %d bytes but only %d are present", dims, t, need, have)
		}
	}
	raw, err := boundedread.ReadN(br, int(need))
	if err != nil {
		return nil, fmt.Errorf("IDX data for dimensions %v of %s: %w", dims, t, err)
	}
	a := &Array{Dims: dims, Type: t}
	if t == Uint8 {
		a.Bytes = raw
		return a, nil
	}
	a.Data = make([]float64, n)
	be := binary.BigEndian
	for i := range a.Data {
		switch t {
		case Int8:
			a.Data[i] = float64(int8(raw[i]))
		case Int16:
			a.Data[i] = float64(int16(be.Uint16(raw[2*i:])))
		case Int32:
			a.Data[i] = float64(int32(be.Uint32(raw[4*i:])))
		case Float32:
			a.Data[i] = float64(math.Float32frombits(be.Uint32(raw[4*i:])))
		case Float64:
			a.Data[i] = math.Float64frombits(be.Uint64(raw[8*i:]))
		}
	}
	return a, nil
}

// ReadFile reads an IDX file, raw or gzipped; errors name the file.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	a, err := read(f, size, MaxValues, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadFileMax is ReadFile refusing, before reading or inflating the data, a
// header that declares more than maxValues values.
func ReadFileMax(path string, maxValues int) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	a, err := read(f, size, maxValues, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// WriteUint8 writes an unsigned-byte IDX array with the given dimensions to w
// (uncompressed; wrap w in a gzip.Writer for a .gz file).
func WriteUint8(w io.Writer, dims []int, data []uint8) error {
	if len(dims) == 0 || len(dims) > 255 {
		return fmt.Errorf("idx: write: %d dimensions (want 1 to 255)", len(dims))
	}
	hdr := []byte{0, 0, byte(Uint8), byte(len(dims))}
	n := 1
	for _, d := range dims {
		if d < 0 || d > math.MaxUint32 {
			return fmt.Errorf("idx: write: dimension %d out of range", d)
		}
		n *= d
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	if n != len(data) {
		return fmt.Errorf("idx: write: dimensions %v hold %d values but %d were given", dims, n, len(data))
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("idx: write header: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("idx: write data: %w", err)
	}
	return nil
}
