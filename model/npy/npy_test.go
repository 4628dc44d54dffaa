package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mk builds a .npy file by hand: header dict from descr/fortran/shape, the
// given format major version, then the raw data bytes.
func mk(major byte, descr string, fortran bool, shape string, data []byte) []byte {
	fo := "False"
	if fortran {
		fo = "True"
	}
	dict := "{'descr': '" + descr + "', 'fortran_order': " + fo + ", 'shape': " + shape + ", }"
	pre := 10
	if major > 1 {
		pre = 12
	}
	hl := padded(pre, dict)
	dict += strings.Repeat(" ", hl-len(dict)-1) + "\n"
	var b bytes.Buffer
	b.WriteString(Magic)
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(hl))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(hl))
	}
	b.WriteString(dict)
	b.Write(data)
	return b.Bytes()
}

// enc encodes vals with the given byte order as the given Go type.
func enc(bo binary.ByteOrder, vals any) []byte {
	var b bytes.Buffer
	binary.Write(&b, bo, vals)
	return b.Bytes()
}

func TestReadDTypes(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	want := []float64{-3, 0, 1, 2, 7, 100}
	cases := []struct {
		descr string
		data  []byte
		kind  Kind
		want  []float64
	}{
		{"|u1", []byte{0, 1, 2, 127, 128, 255}, Uint8, []float64{0, 1, 2, 127, 128, 255}},
		{"|i1", []byte{0xfd, 0, 1, 2, 7, 100}, Int, want},
		{"|b1", []byte{0, 1, 0, 2, 0, 1}, Bool, []float64{0, 1, 0, 1, 0, 1}},
		{"<i4", enc(le, []int32{-3, 0, 1, 2, 7, 100}), Int, want},
		{">i4", enc(be, []int32{-3, 0, 1, 2, 7, 100}), Int, want},
		{"<i8", enc(le, []int64{-3, 0, 1, 2, 7, 100}), Int, want},
		{">i8", enc(be, []int64{-3, 0, 1, 2, 7, 100}), Int, want},
		{"<u2", enc(le, []uint16{0, 1, 2, 7, 100, 65535}), Int, []float64{0, 1, 2, 7, 100, 65535}},
		{">i2", enc(be, []int16{-3, 0, 1, 2, 7, 100}), Int, want},
		{"<u4", enc(le, []uint32{0, 1, 2, 7, 100, 1 << 31}), Int, []float64{0, 1, 2, 7, 100, 1 << 31}},
		{">u8", enc(be, []uint64{0, 1, 2, 7, 100, 1 << 40}), Int, []float64{0, 1, 2, 7, 100, 1 << 40}},
		{"<f4", enc(le, []float32{-0.5, 0, 0.25, 1, -1, 3.5}), Float, []float64{-0.5, 0, 0.25, 1, -1, 3.5}},
		{">f4", enc(be, []float32{-0.5, 0, 0.25, 1, -1, 3.5}), Float, []float64{-0.5, 0, 0.25, 1, -1, 3.5}},
		{"<f8", enc(le, []float64{-0.5, 0, 0.1, 1, -1, 1e300}), Float, []float64{-0.5, 0, 0.1, 1, -1, 1e300}},
		{">f8", enc(be, []float64{-0.5, 0, 0.1, 1, -1, 1e300}), Float, []float64{-0.5, 0, 0.1, 1, -1, 1e300}},
	}
	for _, c := range cases {
		for _, major := range []byte{1, 2, 3} {
			a, err := Read(bytes.NewReader(mk(major, c.descr, false, "(2, 3)", c.data)))
			if err != nil {
				t.Fatalf("%s v%d: %v", c.descr, major, err)
			}
			if !reflect.DeepEqual(a.Shape, []int{2, 3}) || !reflect.DeepEqual(a.Data, c.want) || a.Kind != c.kind || a.DType != c.descr {
				t.Errorf("%s v%d: got shape %v data %v kind %v dtype %q; want [2 3] %v %v", c.descr, major, a.Shape, a.Data, a.Kind, a.DType, c.want, c.kind)
			}
		}
	}
}

func TestReadFortranOrder(t *testing.T) {
	// C-order [[1,2,3],[4,5,6]] stored column-major is 1,4,2,5,3,6.
	a, err := Read(bytes.NewReader(mk(1, ">f8", true, "(2, 3)", enc(binary.BigEndian, []float64{1, 4, 2, 5, 3, 6}))))
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2, 3, 4, 5, 6}; !reflect.DeepEqual(a.Data, want) {
		t.Errorf("fortran 2x3: got %v want %v", a.Data, want)
	}
	// 3-D: element (i,j,k) of shape (2,2,3) has value 100i+10j+k; Fortran
	// storage offset is i + 2j + 4k.
	shape := []int{2, 2, 3}
	raw := make([]uint8, 12)
	var wantC []float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			for k := 0; k < 3; k++ {
				raw[i+2*j+4*k] = uint8(100*i + 10*j + k)
				wantC = append(wantC, float64(100*i+10*j+k))
			}
		}
	}
	a, err = Read(bytes.NewReader(mk(3, "|u1", true, "(2, 2, 3)", raw)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Shape, shape) || !reflect.DeepEqual(a.Data, wantC) {
		t.Errorf("fortran 2x2x3: got %v %v want %v", a.Shape, a.Data, wantC)
	}
}

func TestReadShapes(t *testing.T) {
	for _, c := range []struct {
		shape string
		want  []int
		n     int
	}{{"()", []int{}, 1}, {"(4,)", []int{4}, 4}, {"(0, 5)", []int{0, 5}, 0}, {"(2L, 2L)", []int{2, 2}, 4}} {
		a, err := Read(bytes.NewReader(mk(1, "|u1", false, c.shape, make([]byte, c.n))))
		if err != nil {
			t.Fatalf("shape %s: %v", c.shape, err)
		}
		if !reflect.DeepEqual(a.Shape, c.want) || len(a.Data) != c.n || a.Len() != c.n {
			t.Errorf("shape %s: got %v (%d values)", c.shape, a.Shape, len(a.Data))
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range [][]int{{5}, {2, 3}, {2, 1, 2, 2}, {}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = float64(i)*0.25 - 1
		}
		var b bytes.Buffer
		if err := WriteFloat32(&b, shape, data); err != nil {
			t.Fatal(err)
		}
		if hl := int(binary.LittleEndian.Uint16(b.Bytes()[8:])); (10+hl)%64 != 0 || b.Bytes()[10+hl-1] != '\n' {
			t.Errorf("header length %d not aligned to 64 or not newline-terminated", hl)
		}
		a, err := Read(&b)
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		if !reflect.DeepEqual(a.Shape, shape) || !reflect.DeepEqual(a.Data, data) || a.Kind != Float || a.DType != "<f4" {
			t.Errorf("round trip %v: got %v %v", shape, a.Shape, a.Data)
		}
		path := filepath.Join(dir, "x.npy")
		if err := WriteFileFloat32(path, shape, data); err != nil {
			t.Fatal(err)
		}
		a, err = ReadFile(path)
		if err != nil || !reflect.DeepEqual(a.Data, data) {
			t.Errorf("file round trip %v: %v %v", shape, a, err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("atomic write left temporary files: %v", ents)
	}
	// Overwrite keeps a valid file; a failing write leaves the old one.
	path := filepath.Join(dir, "x.npy")
	if err := WriteFileFloat32(path, []int{3}, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), "holds 3 values but 2") {
		t.Errorf("size mismatch: got %v", err)
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("old file damaged by failed write: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("failed write left temporary files: %v", ents)
	}
	if err := WriteFileFloat32(filepath.Join(dir, "nope", "x.npy"), []int{1}, []float64{1}); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// badInputs are malformed .npy files and the message each must produce.
func badInputs() []struct {
	name string
	data []byte
	want string
} {
	good := mk(1, "<f4", false, "(2, 2)", enc(binary.LittleEndian, []float32{1, 2, 3, 4}))
	return []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"magic", append([]byte("\x89PNG\r\n\x1a\n"), good[8:]...), "wrong magic"},
		{"version", append(append([]byte(Magic), 9, 0), good[8:]...), "unsupported .npy format version 9.0"},
		{"truncheaderlen", good[:9], "truncated"},
		{"truncheader", good[:40], "truncated"},
		{"truncdata", good[:len(good)-3], "truncated file: 13 of 16"},
		{"dtype", mk(1, "<c16", false, "(2,)", make([]byte, 32)), "unsupported dtype \"<c16\""},
		{"order", mk(1, "!f4", false, "(2,)", make([]byte, 8)), "unsupported dtype"},
		{"structured", []byte(strings.Replace(string(mk(1, "<f4", false, "(1,)", make([]byte, 4))), "'<f4'", "[('a', '<f4')]", 1)), "structured"},
		{"huge", mk(1, "<f8", false, "(100000, 100000, 100000)", nil), "absurd"},
		{"hugeok", mk(1, "<f8", false, "(1000, 1000, 1000)", make([]byte, 10)), "truncated"},
		{"notdict", mk(1, "<f4", false, "(1,)", nil)[:10], "truncated"},
		{"negshape", mk(1, "<f4", false, "(-1,)", nil), "non-negative"},
		{"hugeheader", append(append([]byte(Magic), 2, 0), 0xff, 0xff, 0xff, 0x7f), "absurd"},
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badInputs() {
		_, err := Read(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		path := filepath.Join(dir, c.name+".npy")
		os.WriteFile(path, c.data, 0o644)
		_, err = ReadFile(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ReadFile error %v should name the file and say %q", c.name, err, c.want)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.npy")); err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: %v", err)
	}
}

func TestFirstNonFinite(t *testing.T) {
	if i := FirstNonFinite([]float64{0, 1, -1}); i != -1 {
		t.Errorf("finite: got %d", i)
	}
	if i := FirstNonFinite([]float64{0, math.Inf(-1), math.NaN()}); i != 1 {
		t.Errorf("inf: got %d", i)
	}
	if i := FirstNonFinite([]float64{0, 0, math.NaN()}); i != 2 {
		t.Errorf("nan: got %d", i)
	}
}

func FuzzReadNpy(f *testing.F) {
	for _, c := range badInputs() {
		f.Add(c.data)
	}
	f.Add(mk(1, "<f4", false, "(2, 2)", enc(binary.LittleEndian, []float32{1, 2, 3, 4})))
	f.Add(mk(2, ">i8", true, "(2, 1)", enc(binary.BigEndian, []int64{1, 2})))
	f.Add(mk(3, "|u1", true, "(2, 2, 1)", []byte{1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Read(bytes.NewReader(data))
		if err == nil && len(a.Data) != a.Len() {
			t.Fatalf("shape %v but %d values", a.Shape, len(a.Data))
		}
	})
}
