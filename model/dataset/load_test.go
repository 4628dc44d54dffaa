package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"mosaic/model/idx"
	"mosaic/model/npy"
)

// npyBytes builds a .npy file by hand.
func npyBytes(descr, shape string, data []byte) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	var b bytes.Buffer
	b.WriteString(npy.Magic)
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	b.Write(data)
	return b.Bytes()
}

func le(v any) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func write(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func wantErr(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestLoadNpyUint8WithLabels(t *testing.T) {
	dir := t.TempDir()
	imgs := write(t, filepath.Join(dir, "x.npy"), npyBytes("|u1", "(2, 2, 3)", []byte{0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6}))
	labs := write(t, filepath.Join(dir, "y.npy"), npyBytes("<i8", "(2,)", le([]int64{7, 2})))
	ds, err := Load(imgs, labs)
	if err != nil {
		t.Fatal(err)
	}
	if ds.M != 2 || ds.C != 1 || ds.H != 2 || ds.W != 3 || !reflect.DeepEqual(ds.Labels, []int{7, 2}) || ds.Name != imgs {
		t.Fatalf("got %+v", ds)
	}
	if ds.Pixels[0] != -1 || ds.Pixels[1] != 1 || ds.Pixels[2] != n8(51) || ds.Pixels[11] != n8(6) {
		t.Errorf("pixels %v", ds.Pixels)
	}
	if err := ds.Validate(); err != nil {
		t.Error(err)
	}
	// Float labels with integral values; int32 labels.
	write(t, labs, npyBytes("<f4", "(2,)", le([]float32{3, 0})))
	if ds, err = Load(imgs, labs); err != nil || !reflect.DeepEqual(ds.Labels, []int{3, 0}) {
		t.Errorf("float labels: %v %v", ds, err)
	}
	write(t, labs, npyBytes(">i4", "(2, 1)", []byte{0, 0, 0, 1, 0, 0, 0, 9}))
	if ds, err = Load(imgs, labs); err != nil || !reflect.DeepEqual(ds.Labels, []int{1, 9}) {
		t.Errorf("int32 labels: %v %v", ds, err)
	}
}

func TestLoadNpyLayouts(t *testing.T) {
	dir := t.TempDir()
	// [M=1, H=2, W=2, C=3] channels-last float32; pixel (y,x) channel c = (10y+3x+c)/100.
	var vals []float32
	for y := 0; y < 2; y++ {
		for x := 0; x < 2; x++ {
			for c := 0; c < 3; c++ {
				vals = append(vals, float32(10*y+3*x+c)/100)
			}
		}
	}
	ds, err := Load(write(t, filepath.Join(dir, "hwc.npy"), npyBytes("<f4", "(1, 2, 2, 3)", le(vals))), "")
	if err != nil {
		t.Fatal(err)
	}
	if ds.C != 3 || ds.H != 2 || ds.W != 2 {
		t.Fatalf("channels-last shape: %d %d %d", ds.C, ds.H, ds.W)
	}
	for c := 0; c < 3; c++ {
		for y := 0; y < 2; y++ {
			for x := 0; x < 2; x++ {
				got := ds.Pixels[c*4+y*2+x]
				if want := float64(float32(10*y+3*x+c) / 100); got != want {
					t.Errorf("c%d y%d x%d: got %v want %v", c, y, x, got, want)
				}
			}
		}
	}
	// [M, C, H, W] with C=3, and [M, 1, H, W].
	for _, c := range []struct {
		shape       string
		n           int
		m, ch, h, w int
	}{
		{"(2, 3, 4, 5)", 120, 2, 3, 4, 5},
		{"(2, 1, 4, 5)", 40, 2, 1, 4, 5},
		{"(2, 6, 5, 1)", 60, 2, 1, 6, 5},
		{"(2, 3, 5, 3)", 90, 2, 3, 5, 3}, // second dim 3 wins: channels-first
		{"(3, 4, 5)", 60, 3, 1, 4, 5},
	} {
		ds, err := Load(write(t, filepath.Join(dir, "a.npy"), npyBytes("|u1", c.shape, make([]byte, c.n))), "")
		if err != nil {
			t.Fatalf("%s: %v", c.shape, err)
		}
		if ds.M != c.m || ds.C != c.ch || ds.H != c.h || ds.W != c.w {
			t.Errorf("%s: got [%d %d %d %d]", c.shape, ds.M, ds.C, ds.H, ds.W)
		}
	}
	// A file with no extension is recognised by its magic.
	if _, err := Load(write(t, filepath.Join(dir, "noext"), npyBytes("|u1", "(1, 2, 2)", make([]byte, 4))), ""); err != nil {
		t.Errorf("sniffing: %v", err)
	}
}

func TestLoadNpyErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(name string, data []byte) string { return write(t, filepath.Join(dir, name), data) }
	good := npyBytes("|u1", "(2, 2, 2)", make([]byte, 8))
	imgs := p("imgs.npy", good)

	_, err := Load(p("trunc.npy", good[:len(good)-3]), "")
	wantErr(t, err, "trunc.npy", "truncated")
	_, err = Load(p("magic.npy", append([]byte("GIF89a"), good[6:]...)), "")
	wantErr(t, err, "magic.npy", "wrong magic")
	_, err = Load(p("range.npy", npyBytes("<f4", "(2, 1, 2)", le([]float32{0, 0.5, -0.5, 255}))), "")
	wantErr(t, err, "range.npy", "image 1", "expected values in [-1,1]; uint8 data is scaled automatically")
	_, err = Load(p("nan.npy", npyBytes("<f8", "(3, 1, 1)", le([]float64{0, 0, math.NaN()}))), "")
	wantErr(t, err, "nan.npy", "image 2", "NaN")
	_, err = Load(p("inf.npy", npyBytes("<f8", "(2, 1, 1)", le([]float64{math.Inf(1), 0}))), "")
	wantErr(t, err, "inf.npy", "image 0", "infinite")
	_, err = Load(p("int.npy", npyBytes("<i8", "(1, 1, 2)", le([]int64{3, 300}))), "")
	wantErr(t, err, "int.npy", "0..255")
	_, err = Load(p("shape2.npy", npyBytes("|u1", "(4, 4)", make([]byte, 16))), "")
	wantErr(t, err, "shape2.npy", "[M,H,W]")
	_, err = Load(p("chan.npy", npyBytes("|u1", "(1, 2, 2, 2)", make([]byte, 8))), "")
	wantErr(t, err, "chan.npy", "2 channels")
	_, err = Load(p("empty.npy", npyBytes("|u1", "(0, 2, 2)", nil)), "")
	wantErr(t, err, "empty.npy", "no images")
	_, err = Load(p("dtype.npy", npyBytes("<c8", "(1, 1, 1)", make([]byte, 8))), "")
	wantErr(t, err, "dtype.npy", "unsupported dtype")

	_, err = Load(imgs, p("labs3.npy", npyBytes("<i8", "(3,)", le([]int64{1, 2, 3}))))
	wantErr(t, err, "labs3.npy", "3 labels", "imgs.npy", "2 images")
	_, err = Load(imgs, p("labsfrac.npy", npyBytes("<f8", "(2,)", le([]float64{1, 2.5}))))
	wantErr(t, err, "labsfrac.npy", "label 1 is 2.5")
	_, err = Load(imgs, p("labsneg.npy", npyBytes("<i4", "(2,)", le([]int32{1, -1}))))
	wantErr(t, err, "labsneg.npy", "label 1 is -1")
	_, err = Load(imgs, p("labs2d.npy", npyBytes("<i4", "(1, 2)", le([]int32{1, 1}))))
	wantErr(t, err, "labs2d.npy", "1-D")
	_, err = Load(imgs, filepath.Join(dir, "nolabels.npy"))
	wantErr(t, err, "nolabels.npy")
	_, err = Load(filepath.Join(dir, "missing.npy"), "")
	wantErr(t, err, "missing.npy")
	_, err = Load(p("notes.txt", []byte("hello")), "")
	wantErr(t, err, "notes.txt", "unsupported file type")
}

func idxBytes(dims []int, data []byte, gz bool) []byte {
	var b bytes.Buffer
	if err := idx.WriteUint8(&b, dims, data); err != nil {
		panic(err)
	}
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

func TestLoadIDX(t *testing.T) {
	dir := t.TempDir()
	for _, gz := range []bool{false, true} {
		suf := "-ubyte"
		if gz {
			suf = "-ubyte.gz"
		}
		imgs := write(t, filepath.Join(dir, "train-images-idx3"+suf), idxBytes([]int{3, 2, 2}, []byte{0, 255, 0, 255, 1, 1, 1, 1, 2, 2, 2, 2}, gz))
		labs := write(t, filepath.Join(dir, "train-labels-idx1"+suf), idxBytes([]int{3}, []byte{5, 0, 4}, gz))
		ds, err := Load(imgs, labs)
		if err != nil {
			t.Fatal(err)
		}
		if ds.M != 3 || ds.C != 1 || ds.H != 2 || ds.W != 2 || !reflect.DeepEqual(ds.Labels, []int{5, 0, 4}) || ds.Pixels[1] != 1 || ds.Pixels[0] != -1 {
			t.Errorf("gz=%v: got %+v", gz, ds)
		}
		// Count mismatch.
		bad := write(t, filepath.Join(dir, "short-labels"+suf), idxBytes([]int{2}, []byte{5, 0}, gz))
		_, err = Load(imgs, bad)
		wantErr(t, err, "short-labels", "2 labels", "train-images-idx3", "3 images")
	}
	raw := idxBytes([]int{3, 2, 2}, make([]byte, 12), false)
	_, err := Load(write(t, filepath.Join(dir, "trunc.idx"), raw[:len(raw)-2]), "")
	wantErr(t, err, "trunc.idx", "truncated")
	_, err = Load(write(t, filepath.Join(dir, "magic.idx"), append([]byte{1, 2, 3, 4}, raw[4:]...)), "")
	wantErr(t, err, "magic.idx", "wrong magic number")
	_, err = Load(write(t, filepath.Join(dir, "huge-ubyte"), []byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1}), "")
	wantErr(t, err, "huge-ubyte", "absurd")
	_, err = Load(write(t, filepath.Join(dir, "bad.gz"), []byte{0x1f, 0x8b, 1, 2, 3}), "")
	wantErr(t, err, "bad.gz", "gzip")
}

func pngBytes(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func grayImg(w, h int, v uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = v
	}
	return g
}

func TestLoadFolderClasses(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "dog", "b.png"), pngBytes(t, grayImg(3, 2, 255)))
	write(t, filepath.Join(dir, "dog", "a.png"), pngBytes(t, grayImg(3, 2, 0)))
	write(t, filepath.Join(dir, "cat", "z.png"), pngBytes(t, grayImg(3, 2, 51)))
	write(t, filepath.Join(dir, "cat", "notes.txt"), []byte("ignored"))
	write(t, filepath.Join(dir, "cat", "deeper", "x.png"), []byte("ignored: too deep"))
	write(t, filepath.Join(dir, ".hidden", "x.png"), []byte("ignored"))
	ds, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if ds.M != 3 || ds.C != 1 || ds.H != 2 || ds.W != 3 || !reflect.DeepEqual(ds.Labels, []int{0, 1, 1}) || !reflect.DeepEqual(ds.ClassNames, []string{"cat", "dog"}) {
		t.Fatalf("got M=%d C=%d H=%d W=%d labels %v classes %v", ds.M, ds.C, ds.H, ds.W, ds.Labels, ds.ClassNames)
	}
	if ds.Image(0)[0] != n8(51) || ds.Image(1)[5] != -1 || ds.Image(2)[0] != 1 || ds.ClassName(1) != "dog" {
		t.Errorf("pixels: %v", ds.Pixels)
	}
	if err := ds.Validate(); err != nil {
		t.Error(err)
	}
}

func TestLoadFolderColour(t *testing.T) {
	dir := t.TempDir()
	// An RGB image with gray content counts as gray.
	rgbGray := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := 0; i < 4; i++ {
		rgbGray.Set(i%2, i/2, color.NRGBA{100, 100, 100, 255})
	}
	write(t, filepath.Join(dir, "a.png"), pngBytes(t, rgbGray))
	write(t, filepath.Join(dir, "b.png"), pngBytes(t, grayImg(2, 2, 10)))
	ds, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if ds.C != 1 || ds.Labels != nil || ds.ClassNames != nil || ds.Pixels[0] != n8(100) {
		t.Fatalf("gray folder: C=%d labels %v %v", ds.C, ds.Labels, ds.Pixels)
	}
	// Adding a colour image makes the set RGB; gray images are replicated.
	col := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	for i := 0; i < 4; i++ {
		col.Set(i%2, i/2, color.NRGBA{255, 0, 51, 128}) // alpha ignored
	}
	write(t, filepath.Join(dir, "c.png"), pngBytes(t, col))
	ds, err = Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if ds.C != 3 || ds.M != 3 {
		t.Fatalf("mixed folder: M=%d C=%d", ds.M, ds.C)
	}
	img1 := ds.Image(1) // b.png gray 10 in all three channels
	for i, v := range img1 {
		if v != n8(10) {
			t.Fatalf("gray->RGB value %d = %v", i, v)
		}
	}
	img2 := ds.Image(2)
	if img2[0] != 1 || img2[4] != -1 || img2[8] != n8(51) {
		t.Errorf("RGB planes: %v", img2)
	}
	// JPEG decodes too (lossy: just check shape).
	var jb bytes.Buffer
	jpeg.Encode(&jb, grayImg(2, 2, 200), nil)
	write(t, filepath.Join(dir, "d.JPG"), jb.Bytes())
	if ds, err = Load(dir, ""); err != nil || ds.M != 4 || ds.C != 3 {
		t.Errorf("with jpeg: %v %v", ds, err)
	}
}

func TestLoadFolderErrors(t *testing.T) {
	base := t.TempDir()
	mk := func(name string) string { d := filepath.Join(base, name); os.MkdirAll(d, 0o755); return d }

	d := mk("sizes")
	write(t, filepath.Join(d, "a.png"), pngBytes(t, grayImg(28, 28, 0)))
	write(t, filepath.Join(d, "b.png"), pngBytes(t, grayImg(32, 28, 0)))
	_, err := Load(d, "")
	wantErr(t, err, "a.png", "28x28", "b.png", "32x28", "different sizes")

	d = mk("emptyclass")
	write(t, filepath.Join(d, "one", "a.png"), pngBytes(t, grayImg(2, 2, 0)))
	mk("emptyclass/two")
	_, err = Load(d, "")
	wantErr(t, err, "two", "has no images")

	d = mk("empty")
	write(t, filepath.Join(d, "readme.txt"), []byte("x"))
	_, err = Load(d, "")
	wantErr(t, err, "empty", "empty folder")

	d = mk("corrupt")
	good := pngBytes(t, grayImg(4, 4, 0))
	write(t, filepath.Join(d, "a.png"), good)
	write(t, filepath.Join(d, "b.png"), good[:len(good)-20])
	_, err = Load(d, "")
	wantErr(t, err, "b.png", "truncated or corrupt")

	d = mk("notimage")
	write(t, filepath.Join(d, "a.png"), []byte("this is not a png"))
	_, err = Load(d, "")
	wantErr(t, err, "a.png", "not a readable PNG or JPEG")

	d = mk("both")
	write(t, filepath.Join(d, "a.png"), good)
	write(t, filepath.Join(d, "cls", "b.png"), good)
	_, err = Load(d, "")
	wantErr(t, err, "both", "top level")

	_, err = Load(mk("withlabels"), "labels.npy")
	wantErr(t, err, "withlabels", "labels.npy", "sub-folder names")
}

// FuzzLoadFolder feeds arbitrary bytes as the second image of a class
// folder through the folder loader (in memory: the file-system walk is
// covered by the tests above, and disk I/O would slow fuzzing to a crawl).
func FuzzLoadFolder(f *testing.F) {
	good := pngBytes(f, grayImg(4, 4, 7))
	f.Add(good)
	f.Add(good[:len(good)-20])
	f.Add([]byte("not a png"))
	f.Add(pngBytes(f, grayImg(5, 4, 7)))
	f.Add(pngBytes(f, image.NewNRGBA(image.Rect(0, 0, 4, 4))))
	var jb bytes.Buffer
	jpeg.Encode(&jb, grayImg(4, 4, 200), nil)
	f.Add(jb.Bytes())
	// A PNG header claiming an enormous size.
	huge := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(huge[16:], 1<<30)
	f.Add(huge)
	f.Fuzz(func(t *testing.T, data []byte) {
		ld := &folderLoader{}
		if err := ld.addReader("c/a.png", bytes.NewReader(good), 0); err != nil {
			t.Fatal(err)
		}
		if err := ld.addReader("c/b.png", bytes.NewReader(data), 0); err != nil {
			if !strings.Contains(err.Error(), "b.png") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		ds, err := ld.dataset("fuzz", []string{"c"})
		if err != nil {
			t.Fatal(err)
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzLoadNpy feeds arbitrary bytes through the .npy image loader (in memory).
func FuzzLoadNpy(f *testing.F) {
	f.Add(npyBytes("|u1", "(2, 2, 2)", make([]byte, 8)))
	f.Add(npyBytes("<f4", "(1, 2, 2, 3)", make([]byte, 48)))
	f.Add(npyBytes("<f8", "(3, 1, 1)", le([]float64{0, 0, math.NaN()})))
	f.Add(npyBytes("<f4", "(2, 1, 2)", le([]float32{0, 0.5, -0.5, 255})))
	f.Add(npyBytes("|u1", "(0, 2, 2)", nil))
	f.Add(npyBytes(">i8", "(1, 1, 2)", le([]int64{3, 300})))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := npy.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		ds, err := fromValues("x.npy", a.Shape, a.Kind != npy.Float, a.Data, nil)
		if err != nil {
			if !strings.Contains(err.Error(), "x.npy") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

// n8 is the normalised value of 8-bit level q.
func n8(q int) float64 { return float64(q)/127.5 - 1 }
