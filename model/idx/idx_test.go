package idx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func hdr(t Type, dims ...uint32) []byte {
	b := []byte{0, 0, byte(t), byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

func TestReadUint8RawAndGzip(t *testing.T) {
	var b bytes.Buffer
	pix := []uint8{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}
	if err := WriteUint8(&b, []int{2, 2, 3}, pix); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes()[:4], []byte{0, 0, 8, 3}) {
		t.Fatalf("magic %x", b.Bytes()[:4])
	}
	for _, data := range [][]byte{b.Bytes(), gz(b.Bytes())} {
		a, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if a.Type != Uint8 || !reflect.DeepEqual(a.Dims, []int{2, 2, 3}) || !bytes.Equal(a.Bytes, pix) || a.Data != nil || a.Len() != 12 {
			t.Errorf("got %+v", a)
		}
		if f := a.Float64s(); f[6] != 250 || len(f) != 12 {
			t.Errorf("Float64s: %v", f)
		}
	}
	// Labels: 1-D.
	a, err := Read(bytes.NewReader(append(hdr(Uint8, 3), 5, 0, 4)))
	if err != nil || !reflect.DeepEqual(a.Dims, []int{3}) || !bytes.Equal(a.Bytes, []byte{5, 0, 4}) {
		t.Errorf("labels: %+v %v", a, err)
	}
}

func TestReadOtherTypes(t *testing.T) {
	be := binary.BigEndian
	var f32, f64, i16, i32 bytes.Buffer
	binary.Write(&f32, be, []float32{-1, 0.5})
	binary.Write(&f64, be, []float64{-1, 0.5})
	binary.Write(&i16, be, []int16{-300, 7})
	binary.Write(&i32, be, []int32{-70000, 7})
	for _, c := range []struct {
		t    Type
		data []byte
		want []float64
	}{
		{Int8, []byte{0xff, 7}, []float64{-1, 7}},
		{Int16, i16.Bytes(), []float64{-300, 7}},
		{Int32, i32.Bytes(), []float64{-70000, 7}},
		{Float32, f32.Bytes(), []float64{-1, 0.5}},
		{Float64, f64.Bytes(), []float64{-1, 0.5}},
	} {
		a, err := Read(bytes.NewReader(append(hdr(c.t, 2), c.data...)))
		if err != nil {
			t.Fatalf("%s: %v", c.t, err)
		}
		if !reflect.DeepEqual(a.Data, c.want) || a.Bytes != nil || !reflect.DeepEqual(a.Float64s(), c.want) {
			t.Errorf("%s: got %v want %v", c.t, a.Data, c.want)
		}
	}
}

func badInputs() []struct {
	name string
	data []byte
	want string
} {
	good := append(hdr(Uint8, 2, 2), 1, 2, 3, 4)
	type bad = struct {
		name string
		data []byte
		want string
	}
	return []bad{
		{"empty", nil, "truncated"},
		{"magic", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 1, 1}, "wrong magic number 0x89504e47"},
		{"type", append(hdr(0x07, 1), 1), "wrong magic number 0x00000701"},
		{"nodims", []byte{0, 0, 8, 0}, "wrong magic"},
		{"truncdims", good[:6], "truncated"},
		{"truncdata", good[:len(good)-1], "truncated"},
		{"gztruncdata", gz(good[:len(good)-1]), "truncated"},
		{"gzcut", gz(good)[:15], "truncated"},
		{"absurd", hdr(Uint8, 1<<20, 1<<20, 1<<20), "absurd"},
		{"gzabsurd", gz(hdr(Float64, 1<<16, 1<<16)), "absurd"},
		{"bigclaim", append(hdr(Uint8, 60000, 28, 28), 1, 2, 3), "truncated"},
		{"gzbigclaim", gz(append(hdr(Uint8, 60000, 28, 28), 1, 2, 3)), "truncated"},
		{"notgz", []byte{0x1f, 0x8b, 0, 0}, "gzip"},
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badInputs() {
		_, err := Read(bytes.NewReader(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
		path := filepath.Join(dir, c.name+"-ubyte")
		os.WriteFile(path, c.data, 0o644)
		_, err = ReadFile(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ReadFile error %v should name the file and say %q", c.name, err, c.want)
		}
	}
	// ReadFile rejects a header that claims more than the file holds before reading.
	path := filepath.Join(dir, "claim")
	os.WriteFile(path, append(hdr(Uint8, 100, 28, 28), make([]byte, 50)...), 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "need 78400 bytes but only 50 are present") {
		t.Errorf("size check: %v", err)
	}
	if err := WriteUint8(&bytes.Buffer{}, []int{2}, []byte{1}); err == nil {
		t.Error("WriteUint8 accepted a size mismatch")
	}
}

func FuzzReadIDX(f *testing.F) {
	for _, c := range badInputs() {
		f.Add(c.data)
	}
	f.Add(append(hdr(Uint8, 2, 2), 1, 2, 3, 4))
	f.Add(gz(append(hdr(Float32, 1), 0, 0, 0x80, 0x3f)))
	f.Add(append(hdr(Int16, 1, 1), 1, 2))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		if n := len(a.Bytes) + len(a.Data); n != a.Len() {
			t.Fatalf("dims %v but %d values", a.Dims, n)
		}
	})
}
