package builtin

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"mosaic/model/dataset"
)

func TestMNIST(t *testing.T) {
	start := time.Now()
	ds, err := Load("mnist", 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load(\"mnist\", 32) took %v", time.Since(start))
	if ds.M != 60000 || ds.C != 1 || ds.H != 32 || ds.W != 32 || len(ds.Pixels) != 60000*32*32 {
		t.Fatalf("shape [%d %d %d %d]", ds.M, ds.C, ds.H, ds.W)
	}
	if ds.Label(0) != 5 || ds.Label(1) != 0 || ds.Label(2) != 4 || ds.ClassName(5) != "5" {
		t.Errorf("first labels %v", ds.Labels[:3])
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	// Cached: the same pointer comes back.
	again, _ := Load(" MNIST ", 32)
	if again != ds {
		t.Error("second load not cached")
	}
	nat, err := Load("mnist", NativeSize)
	if err != nil {
		t.Fatal(err)
	}
	if nat.H != 28 || nat.M != 60000 || nat.Label(0) != 5 {
		t.Fatalf("native: %d %d", nat.H, nat.M)
	}
	// The resized set is the 8-bit resize of the native one.
	img := nat.Image(0)
	pix := make([]uint8, len(img))
	for i, v := range img {
		pix[i] = uint8((v+1)*127.5 + 0.5)
	}
	want := dataset.Resize8(pix, 28, 28, 32, 32)
	for i, q := range want {
		if got := ds.Image(0)[i]; got != float64(q)/127.5-1 {
			t.Fatalf("pixel %d: %v want level %d", i, got, q)
		}
	}
	// MNIST digits have black borders and white strokes.
	if img[0] != -1 || maxOf(img) != 1 {
		t.Errorf("first image range: corner %v max %v", img[0], maxOf(img))
	}
}

func maxOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func TestFashion(t *testing.T) {
	ds, err := Load("fashion", DefaultSize)
	if err != nil {
		t.Fatal(err)
	}
	if ds.M != 10000 || ds.H != 32 || ds.W != 32 || ds.C != 1 || len(ds.Labels) != 10000 {
		t.Fatalf("shape [%d %d %d %d]", ds.M, ds.C, ds.H, ds.W)
	}
	// Fashion-MNIST's first training label is 9 (Ankle boot).
	if ds.Label(0) != 9 || ds.ClassName(9) != "Ankle boot" || ds.ClassName(0) != "T-shirt/top" {
		t.Errorf("label 0 = %d (%s)", ds.Label(0), ds.ClassName(ds.Label(0)))
	}
	if got := ds.Classes(); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("classes %v", got)
	}
}

func TestErrorsAndRegister(t *testing.T) {
	_, err := Load("cifar", 32)
	if err == nil || !strings.Contains(err.Error(), `"cifar"`) || !strings.Contains(err.Error(), "mnist, fashion") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := Load("mnist", 0); err == nil || !strings.Contains(err.Error(), "size 0") {
		t.Errorf("size 0: %v", err)
	}
	calls := 0
	fn := func(size int) (*dataset.Dataset, error) {
		calls++
		if size == 3 {
			return nil, fmt.Errorf("no size 3")
		}
		return &dataset.Dataset{Name: "toy", M: 1, C: 1, H: size, W: size, Pixels: make([]float64, size*size)}, nil
	}
	if err := Register("toy", fn); err != nil {
		t.Fatal(err)
	}
	if err := Register("toy", fn); err == nil {
		t.Error("duplicate registration accepted")
	}
	if err := Register("Bad", fn); err == nil {
		t.Error("upper-case name accepted")
	}
	if err := Register("nil", nil); err == nil {
		t.Error("nil loader accepted")
	}
	if n := Names(); !reflect.DeepEqual(n[:2], []string{"mnist", "fashion"}) || n[len(n)-1] != "toy" {
		t.Errorf("names %v", n)
	}
	a, _ := Load("toy", 4)
	b, _ := Load("toy", 4)
	if a == nil || a != b || calls != 1 || a.H != 4 {
		t.Errorf("cache: %v %v calls=%d", a, b, calls)
	}
	if _, err := Load("toy", 3); err == nil || !strings.Contains(err.Error(), "no size 3") || !strings.Contains(err.Error(), "toy") {
		t.Errorf("loader error: %v", err)
	}
}

func TestLoadSubsetEqualsSubsetOfLoad(t *testing.T) {
	for _, name := range []string{"fashion", "mnist"} {
		for _, c := range []struct{ class, limit int }{{-1, 7}, {3, 20}, {9, 0}} {
			// The subsetter resizes only the picked images; LoadSubset uses
			// it until the whole set is cached.
			got, err := subsetters[name](32, c.class, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			full, err := Load(name, 32)
			if err != nil {
				t.Fatal(err)
			}
			want, err := full.Subset(c.class, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Pixels, want.Pixels) || !reflect.DeepEqual(got.Labels, want.Labels) || got.M != want.M || got.H != 32 {
				t.Errorf("%s class %d limit %d: LoadSubset differs from Load+Subset (M %d vs %d)", name, c.class, c.limit, got.M, want.M)
			}
			if got.ClassName(c.class) != want.ClassName(c.class) {
				t.Errorf("class names differ")
			}
		}
	}
	if got, err := LoadSubset("mnist", 32, 2, 3); err != nil || got.M != 3 || got.Label(2) != 2 {
		t.Errorf("LoadSubset: %v", err)
	}
	if _, err := LoadSubset("fashion", 28, 12, 5); !errors.Is(err, dataset.ErrNoClass) || !strings.Contains(err.Error(), "no images of class 12") {
		t.Errorf("missing class: %v", err)
	}
	if _, err := LoadSubset("nope", 32, -1, 5); err == nil || !strings.Contains(err.Error(), "valid names") {
		t.Errorf("unknown name: %v", err)
	}
	h, err := LoadSubset("hands", 32, 1, 10)
	if err != nil || h.M != 10 || h.Label(0) != 1 {
		t.Errorf("hands subset: %v", err)
	}
}

func TestLabelsWithoutImages(t *testing.T) {
	labels, names, err := Labels("fashion")
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Load("fashion", 32)
	if !reflect.DeepEqual(labels, full.Labels) || names[9] != "Ankle boot" {
		t.Errorf("fashion labels differ from the loaded set's")
	}
	labels, names, err = Labels("hands")
	if err != nil || len(labels) != 2000 || names[1] != "right" {
		t.Errorf("hands labels: %d %v %v", len(labels), names, err)
	}
	if _, _, err := Labels("nope"); err == nil {
		t.Error("unknown set accepted")
	}
}

// TestLazyPrefixEqualsFullDecode checks the streaming decoder against a
// full decode of the embedded file with idx.Read: growing prefixes, class
// subsets (scattered indices, resized through the cache and straight from
// it) and finally the whole set must equal the same images decoded in one
// go.
func TestLazyPrefixEqualsFullDecode(t *testing.T) {
	for _, name := range []string{"mnist", "fashion"} {
		orig := sources[name]
		src := &idxSource{name: orig.name, images: orig.images, labels: orig.labels, classes: orig.classes}
		all, err := readEmbedded(src.images)
		if err != nil {
			t.Fatal(err)
		}
		m, h, w := all.Dims[0], all.Dims[1], all.Dims[2]
		labs, _ := readEmbedded(src.labels)
		check := func(what string, ds *dataset.Dataset, pick []int, size int) {
			t.Helper()
			if ds.M != len(pick) {
				t.Fatalf("%s %s: %d images, want %d", name, what, ds.M, len(pick))
			}
			for j, i := range pick {
				img := all.Bytes[i*h*w : (i+1)*h*w]
				if size != h {
					img = dataset.Resize8(img, h, w, size, size)
				}
				for p, q := range img {
					if got := ds.Image(j)[p]; got != float64(q)/127.5-1 {
						t.Fatalf("%s %s: image %d (index %d) pixel %d = %v, want level %d", name, what, j, i, p, got, q)
					}
				}
				if ds.Label(j) != int(labs.Bytes[i]) {
					t.Fatalf("%s %s: label of index %d = %d, want %d", name, what, i, ds.Label(j), labs.Bytes[i])
				}
			}
		}
		first := func(n int) []int {
			p := make([]int, n)
			for i := range p {
				p[i] = i
			}
			return p
		}
		ofClass := func(c, n int) []int {
			var p []int
			for i, l := range labs.Bytes {
				if int(l) == c && len(p) < n {
					p = append(p, i)
				}
			}
			return p
		}
		for _, c := range []struct {
			class, limit, size int
		}{{-1, 7, 28}, {-1, 500, 32}, {3, 20, 32}, {3, 40, 32}, {9, 300, 28}, {-1, 3, 32}} {
			ds, err := src.subset(c.size, c.class, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			pick := first(c.limit)
			if c.class >= 0 {
				pick = ofClass(c.class, c.limit)
			}
			check(fmt.Sprintf("subset(%d, %d, %d)", c.size, c.class, c.limit), ds, pick, c.size)
		}
		full, err := src.load(NativeSize)
		if err != nil {
			t.Fatal(err)
		}
		check("load", full, first(m), NativeSize)
		if src.f != nil || len(src.pix) != m*h*w {
			t.Errorf("%s: stream not closed after the last image (%d of %d bytes)", name, len(src.pix), m*h*w)
		}
	}
}

func TestEmbeddedLabelsAreLabelsOfTheEmbeddedSets(t *testing.T) {
	got, ok := EmbeddedLabels("MNIST")
	want, _, err := Labels("mnist")
	if !ok || err != nil || len(got) != 60000 || !slices.Equal(got, want) {
		t.Fatalf("EmbeddedLabels(MNIST): %d labels, ok %v; Labels: %d, %v", len(got), ok, len(want), err)
	}
	if _, ok := EmbeddedLabels("hands"); ok {
		t.Error("the procedural hands would have to be generated: EmbeddedLabels must say no")
	}
}
