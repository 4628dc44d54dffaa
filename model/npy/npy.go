// Package npy reads and writes NumPy .npy files (format versions 1.0, 2.0
// and 3.0).
//
// Read accepts the dtypes bool, int8/uint8, int16/uint16, int32/uint32,
// int64/uint64, float32 and float64, in little-endian ('<'), big-endian ('>')
// or byte-order-free ('|') form, stored in C order or Fortran order. Values are
// returned as float64 in C (row-major) order. Writing always produces
// little-endian float32 in C order.
//
// Reading never panics on malformed input: a wrong magic string, a truncated
// header or data section, an unsupported dtype or a shape whose size does not
// fit are reported as errors. NaN and infinite values are returned as read;
// callers that need finite data can check with FirstNonFinite.
package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"mosaic/model/internal/boundedread"
	"mosaic/model/outfile"
	"os"
	"strconv"
	"strings"
)

// Magic is the six bytes every .npy file starts with.
const Magic = "\x93NUMPY"

// MaxValues bounds the number of elements Read accepts (1<<31), to guard
// against absurd shapes in corrupt headers.
const MaxValues = 1 << 31

// maxHeaderLen bounds the header dictionary length accepted by Read.
const maxHeaderLen = 1 << 20

// Kind tells what sort of values a file held before conversion to float64.
type Kind int

const (
	// Uint8 is an unsigned 8-bit dtype ('u1'), typically image pixels 0..255.
	Uint8 Kind = iota
	// Int is any other integer dtype (signed or unsigned, 8 to 64 bits).
	Int
	// Float is a floating-point dtype ('f4' or 'f8').
	Float
	// Bool is the dtype bool ('b1'), read as 0 and 1.
	Bool
)

// String returns "uint8", "int" or "float".
func (k Kind) String() string {
	switch k {
	case Uint8:
		return "uint8"
	case Int:
		return "int"
	case Float:
		return "float"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Array is the content of a .npy file.
type Array struct {
	// Shape is the array's shape; an empty Shape is a scalar (one value).
	Shape []int
	// Data holds the product of Shape values in C (row-major) order.
	Data []float64
	// Kind says whether the values were uint8, another integer type or float.
	Kind Kind
	// DType is the dtype descriptor as written in the header, e.g. "<f4".
	DType string
}

// Len returns the number of values the shape describes.
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Read decodes one .npy array from r.
func Read(r io.Reader) (*Array, error) { return ReadMax(r, MaxValues) }

// Header is what a .npy header declares.
type Header struct {
	Shape []int
	DType string
	Kind  Kind
	// Size is the number of bytes of one value.
	Size int
	// Values is the product of Shape.
	Values int
}

// ReadHeader reads and checks a .npy header, leaving r at the data.
func ReadHeader(r io.Reader) (*Header, error) {
	h, _, err := readHeader(r, MaxValues)
	if err != nil {
		return nil, err
	}
	return &h.Header, nil
}

// ReadHeaderFile reads the header of a .npy file; errors name the file.
func ReadHeaderFile(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	h, err := ReadHeader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// ReadMax is Read refusing, before reading the data, a header that declares
// more than maxValues values.
func ReadMax(r io.Reader, maxValues int) (*Array, error) {
	hd, dt, err := readHeader(r, min(maxValues, MaxValues))
	if err != nil {
		return nil, err
	}
	raw, err := boundedread.ReadN(r, hd.Values*dt.size)
	if err != nil {
		return nil, fmt.Errorf(".npy data for shape %v dtype %s: %w", hd.Shape, hd.DType, err)
	}
	data := make([]float64, hd.Values)
	dt.decode(raw, data)
	if hd.fortran && len(hd.Shape) > 1 {
		data = fortranToC(data, hd.Shape)
	}
	return &Array{Shape: hd.Shape, Data: data, Kind: dt.kind, DType: hd.DType}, nil
}

// headerInfo is a Header with the data layout.
type headerInfo struct {
	Header
	fortran bool
}

// readHeader reads the header, checks its shape against maxValues and
// returns the dtype's decoder.
func readHeader(r io.Reader, maxValues int) (*headerInfo, dtype, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, dtype{}, fmt.Errorf("not a .npy file: truncated before the end of the magic string (%d bytes needed)", len(pre))
		}
		return nil, dtype{}, fmt.Errorf("reading .npy magic: %w", err)
	}
	if string(pre[:6]) != Magic {
		return nil, dtype{}, fmt.Errorf("not a .npy file: wrong magic number %q (want %q)", pre[:6], Magic)
	}
	major, minor := pre[6], pre[7]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, dtype{}, fmt.Errorf(".npy header length: truncated file: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, dtype{}, fmt.Errorf(".npy header length: truncated file: %w", err)
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > maxHeaderLen {
			return nil, dtype{}, fmt.Errorf(".npy header length %d is absurd (limit %d): corrupt file", h, maxHeaderLen)
		}
		hlen = int(h)
	default:
		return nil, dtype{}, fmt.Errorf("unsupported .npy format version %d.%d (supported: 1.0, 2.0, 3.0)", major, minor)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, dtype{}, fmt.Errorf(".npy header: truncated file (header says %d bytes): %w", hlen, err)
	}
	h, err := parseHeader(string(hdr))
	if err != nil {
		return nil, dtype{}, fmt.Errorf(".npy header %q: %w", strings.TrimSpace(string(hdr)), err)
	}
	dt, err := parseDType(h.descr)
	if err != nil {
		return nil, dtype{}, err
	}
	n := 1
	for _, d := range h.shape {
		if d < 0 {
			return nil, dtype{}, fmt.Errorf(".npy shape %v has a negative dimension", h.shape)
		}
		if d != 0 && n > MaxValues/d {
			return nil, dtype{}, fmt.Errorf(".npy shape %v is absurd: more than %d values", h.shape, MaxValues)
		}
		n *= d
	}
	if n > maxValues {
		return nil, dtype{}, fmt.Errorf(".npy shape %v holds %d values, more than the limit of %d", h.shape, n, maxValues)
	}
	hd := &headerInfo{Header: Header{Shape: h.shape, DType: h.descr, Kind: dt.kind, Size: dt.size, Values: n}, fortran: h.fortran}
	return hd, dt, nil
}

// ReadFile reads a .npy file; errors name the file.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	a, err := Read(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadFileMax is ReadFile with the limit of ReadMax.
func ReadFileMax(path string, maxValues int) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	a, err := ReadMax(bufio.NewReaderSize(f, 1<<16), maxValues)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// FirstNonFinite returns the index of the first NaN or infinite value in data,
// or -1 when every value is finite.
func FirstNonFinite(data []float64) int {
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// checkShape reports a shape that does not hold n values.
func checkShape(shape []int, n int) error {
	size := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("npy: write: negative dimension in shape %v", shape)
		}
		size *= d
	}
	if size != n {
		return fmt.Errorf("npy: write: shape %v holds %d values but %d were given", shape, size, n)
	}
	return nil
}

// WriteFloat32 writes data with the given shape to w as a little-endian
// float32 .npy array in C order (format 1.0, or 2.0 for very long headers).
// The product of shape must equal len(data).
func WriteFloat32(w io.Writer, shape []int, data []float64) error {
	return WriteFloat32Parts(w, shape, data)
}

// WriteFloat32Parts is WriteFloat32 of the concatenation of parts (e.g. the
// frames of a trajectory), without building it.
func WriteFloat32Parts(w io.Writer, shape []int, parts ...[]float64) error {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	if err := checkShape(shape, total); err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("{'descr': '<f4', 'fortran_order': False, 'shape': (")
	for i, d := range shape {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		sb.WriteString(",")
	}
	sb.WriteString("), }")
	dict := sb.String()
	// The whole header (magic, version, length field, dict, padding, '\n')
	// is a multiple of 64 bytes long.
	var pre []byte
	if hl := padded(10, dict); hl <= math.MaxUint16 {
		dict += strings.Repeat(" ", hl-len(dict)-1) + "\n"
		pre = append([]byte(Magic), 1, 0, 0, 0)
		binary.LittleEndian.PutUint16(pre[8:], uint16(hl))
	} else {
		hl := padded(12, dict)
		dict += strings.Repeat(" ", hl-len(dict)-1) + "\n"
		pre = append([]byte(Magic), 2, 0, 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(pre[8:], uint32(hl))
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(pre)
	bw.WriteString(dict)
	var b [4]byte
	for _, data := range parts {
		for _, v := range data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(float32(v)))
			bw.Write(b[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("npy: write: %w", err)
	}
	return nil
}

// padded returns the header dict length, including padding and the final
// newline, that makes prefix+dict a multiple of 64 bytes.
func padded(prefix int, dict string) int {
	total := prefix + len(dict) + 1
	total += (64 - total%64) % 64
	return total - prefix
}

// WriteFileFloat32 writes data as a float32 .npy file atomically: it writes a
// temporary file in the same directory, syncs it to disk and renames it over
// path, so readers see either the old file or the complete new one. A
// symbolic link is followed (its target is replaced), and a device or a pipe
// is written directly; see mosaic/model/outfile.
func WriteFileFloat32(path string, shape []int, data []float64) error {
	if err := checkShape(shape, len(data)); err != nil {
		return err
	}
	return outfile.WriteFile(path, func(w io.Writer) error { return WriteFloat32(w, shape, data) })
}

// dtype describes one supported element type.
type dtype struct {
	size   int
	kind   Kind
	decode func(raw []byte, out []float64)
}

func parseDType(descr string) (dtype, error) {
	if len(descr) < 2 {
		return dtype{}, fmt.Errorf("unsupported dtype %q", descr)
	}
	var bo binary.ByteOrder
	switch descr[0] {
	case '<', '|', '=':
		bo = binary.LittleEndian
	case '>':
		bo = binary.BigEndian
	default:
		return dtype{}, fmt.Errorf("unsupported dtype %q: unknown byte order %q", descr, descr[0])
	}
	code := descr[1:]
	switch code {
	case "u1":
		return dtype{1, Uint8, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(raw[i])
			}
		}}, nil
	case "b1":
		return dtype{1, Bool, func(raw []byte, out []float64) {
			for i := range out {
				if raw[i] != 0 {
					out[i] = 1
				} else {
					out[i] = 0
				}
			}
		}}, nil
	case "i1":
		return dtype{1, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(int8(raw[i]))
			}
		}}, nil
	case "i2":
		return dtype{2, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(int16(bo.Uint16(raw[2*i:])))
			}
		}}, nil
	case "u2":
		return dtype{2, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(bo.Uint16(raw[2*i:]))
			}
		}}, nil
	case "i4":
		return dtype{4, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(int32(bo.Uint32(raw[4*i:])))
			}
		}}, nil
	case "u4":
		return dtype{4, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(bo.Uint32(raw[4*i:]))
			}
		}}, nil
	case "i8":
		return dtype{8, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(int64(bo.Uint64(raw[8*i:])))
			}
		}}, nil
	case "u8":
		return dtype{8, Int, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(bo.Uint64(raw[8*i:]))
			}
		}}, nil
	case "f4":
		return dtype{4, Float, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = float64(math.Float32frombits(bo.Uint32(raw[4*i:])))
			}
		}}, nil
	case "f8":
		return dtype{8, Float, func(raw []byte, out []float64) {
			for i := range out {
				out[i] = math.Float64frombits(bo.Uint64(raw[8*i:]))
			}
		}}, nil
	}
	return dtype{}, fmt.Errorf("unsupported dtype %q (supported: bool, int8..int64, uint8..uint64, float32, float64)", descr)
}

// fortranToC reorders column-major data into row-major order.
func fortranToC(data []float64, shape []int) []float64 {
	n := len(data)
	out := make([]float64, n)
	nd := len(shape)
	idx := make([]int, nd) // C-order multi-index of out[i]
	// fstride[k] = product of shape[:k]
	fstride := make([]int, nd)
	s := 1
	for k := 0; k < nd; k++ {
		fstride[k] = s
		s *= shape[k]
	}
	for i := 0; i < n; i++ {
		off := 0
		for k := 0; k < nd; k++ {
			off += idx[k] * fstride[k]
		}
		out[i] = data[off]
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (header, error) {
	p := &hparser{s: s}
	var h header
	var seen [3]bool
	p.space()
	if !p.eat('{') {
		return h, errors.New("header is not a dictionary")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("header key: %w", err)
		}
		p.space()
		if !p.eat(':') {
			return h, fmt.Errorf("header: missing ':' after %q", key)
		}
		p.space()
		switch key {
		case "descr":
			v, err := p.str()
			if err != nil {
				return h, fmt.Errorf("header 'descr' (structured dtypes are not supported): %w", err)
			}
			h.descr, seen[0] = v, true
		case "fortran_order":
			switch {
			case strings.HasPrefix(p.s[p.i:], "True"):
				h.fortran = true
				p.i += 4
			case strings.HasPrefix(p.s[p.i:], "False"):
				p.i += 5
			default:
				return h, errors.New("header 'fortran_order' is not True or False")
			}
			seen[1] = true
		case "shape":
			v, err := p.tuple()
			if err != nil {
				return h, fmt.Errorf("header 'shape': %w", err)
			}
			h.shape, seen[2] = v, true
		default:
			return h, fmt.Errorf("header has unexpected key %q", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat('}') {
			break
		}
		return h, errors.New("header: expected ',' or '}'")
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return h, errors.New("header lacks one of 'descr', 'fortran_order', 'shape'")
	}
	return h, nil
}

type hparser struct {
	s string
	i int
}

func (p *hparser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *hparser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *hparser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, nil
}

func (p *hparser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("expected a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("expected a non-negative integer")
		}
		// Python 2 era files may write 3L for longs.
		v, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || v > MaxValues {
			return nil, fmt.Errorf("dimension %q is absurd", p.s[p.i:j])
		}
		shape = append(shape, v)
		p.i = j
		p.eat('L')
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		return nil, errors.New("expected ',' or ')'")
	}
}
