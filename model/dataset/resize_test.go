package dataset

import (
	"math"
	"reflect"
	"testing"
)

func TestResize8TwoByTwo(t *testing.T) {
	// 2 -> 4 along an axis: output centres map to input 0.25, 0.75, 1.25,
	// 1.75 (times in/out = 0.5), i.e. src = -0.25, 0.25, 0.75, 1.25 in pixel
	// indices, clamped: [a, .75a+.25b, .25a+.75b, b]. Horizontal first, each
	// pass rounded to the nearest level (halves up).
	// Rows [0 100] -> [0 25 75 100]; [200 40] -> [200 160 80 40].
	// Columns: (0,200) -> 0 50 150 200; (25,160) -> 25 58.75 126.25 160;
	// (75,80) -> 75 76.25 78.75 80; (100,40) -> 100 85 55 40.
	got := Resize8([]uint8{0, 100, 200, 40}, 2, 2, 4, 4)
	want := []uint8{
		0, 25, 75, 100,
		50, 59, 76, 85,
		150, 126, 79, 55,
		200, 160, 80, 40,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("2x2 -> 4x4:\n got %v\nwant %v", got, want)
	}
	// Halves round up: .75*1 + .25*3 = 1.5 -> 2; .25*1 + .75*3 = 2.5 -> 3.
	if got := Resize8([]uint8{1, 3}, 1, 2, 1, 4); !reflect.DeepEqual(got, []uint8{1, 2, 3, 3}) {
		t.Errorf("1x2 -> 1x4: got %v", got)
	}
	// Vertical only.
	if got := Resize8([]uint8{0, 200}, 2, 1, 4, 1); !reflect.DeepEqual(got, []uint8{0, 50, 150, 200}) {
		t.Errorf("2x1 -> 4x1: got %v", got)
	}
	// Shrinking 4 -> 2 widens the filter to support 2: output 0 centre is 1.0,
	// inputs 0,1,2 with weights filter(-.5)=.5, filter(0)... normalised:
	// (x+0.5-1)/2 -> |-.25|,|.25|,|.75| -> .75,.75,.25 over 1.75.
	// [0 70 140 210]: (0*.75 + 70*.75 + 140*.25)/1.75 = 50.
	// output 1 centre 3.0: inputs 1,2,3: .25,.75,.75 -> (17.5+105+157.5)/1.75 = 160.
	if got := Resize8([]uint8{0, 70, 140, 210}, 1, 4, 1, 2); !reflect.DeepEqual(got, []uint8{50, 160}) {
		t.Errorf("1x4 -> 1x2: got %v", got)
	}
}

func TestResize8Properties(t *testing.T) {
	for _, v := range []uint8{0, 1, 127, 128, 254, 255} {
		pix := make([]uint8, 28*28)
		for i := range pix {
			pix[i] = v
		}
		for _, n := range []int{32, 28, 14, 5, 57} {
			got := Resize8(pix, 28, 28, n, n+1)
			if len(got) != n*(n+1) {
				t.Fatalf("len %d", len(got))
			}
			for i, g := range got {
				if g != v {
					t.Fatalf("constant %d image resized to %dx%d has %d at %d", v, n, n+1, g, i)
				}
			}
		}
	}
	// Same size is an identity copy.
	in := []uint8{1, 2, 3, 4, 5, 6}
	out := Resize8(in, 2, 3, 2, 3)
	out[0] = 9
	if in[0] != 1 || !reflect.DeepEqual(out[1:], in[1:]) {
		t.Error("same-size resize is not an independent copy")
	}
	// Bad input gives nil, never a panic.
	for _, c := range [][5]int{{0, 1, 1, 1}, {2, 2, 0, 4}, {2, 2, 4, -1}, {3, 3, 4, 4}} {
		if Resize8([]uint8{1, 2, 3, 4}, c[0], c[1], c[2], c[3]) != nil {
			t.Errorf("Resize8 %v: want nil", c)
		}
	}
}

func TestResizeDataset(t *testing.T) {
	ds, err := FromUint8("t", 2, 1, 2, 2, []uint8{0, 100, 200, 40, 7, 7, 7, 7}, []int{3, 4})
	if err != nil {
		t.Fatal(err)
	}
	r := Resize(ds, 4, 4)
	if r.M != 2 || r.C != 1 || r.H != 4 || r.W != 4 || len(r.Pixels) != 32 || !reflect.DeepEqual(r.Labels, []int{3, 4}) {
		t.Fatalf("shape %d %d %d %d", r.M, r.C, r.H, r.W)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Pixels[5], n8(59); got != want {
		t.Errorf("8-bit path: pixel (1,1) = %v want %v", got, want)
	}
	for _, v := range r.Image(1) {
		if v != n8(7) {
			t.Errorf("constant image changed: %v", v)
		}
	}
	// Float data that is not on 8-bit levels takes the float path.
	fd := &Dataset{Name: "f", M: 1, C: 1, H: 1, W: 2, Pixels: []float64{0.1, -0.3}}
	fr := Resize(fd, 1, 4)
	want := []float64{0.1, 0.75*0.1 + 0.25*-0.3, 0.25*0.1 + 0.75*-0.3, -0.3}
	for i := range want {
		if math.Abs(fr.Pixels[i]-want[i]) > 1e-12 {
			t.Errorf("float path: %v want %v", fr.Pixels, want)
			break
		}
	}
	if Resize(nil, 4, 4) != nil {
		t.Error("nil dataset")
	}
}
