package network

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"mosaic/model/npy"
	"mosaic/model/schedule"
)

// fixtures are the networks gen_fixtures.py saves, with what each covers.
var fixtures = []struct {
	name       string
	arch, mode string
	norm, cond bool
}{
	{"resnet_zeros", "resnet", "zeros", false, false},
	{"resnet_tiny", "resnet", "zeros", false, false},
	{"resnet_circular_gn_cond", "resnet", "circular", true, true},
	{"resnet_zeros_gn", "resnet", "zeros", true, false},
	{"resnet_circular_cond_k5", "resnet", "circular", false, true},
	{"unet_zeros", "unet", "zeros", false, false},
	{"unet_circular_gn_cond", "unet", "circular", true, true},
	{"unet_zeros_gn_cond", "unet", "zeros", true, true},
	{"unet_circular", "unet", "circular", false, false},
}

// formats are the files of one fixture that must load to the same network.
var formats = []string{".module.pt", ".state.pt", ".safetensors"}

func readNpy(t *testing.T, path string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type fixtureIO struct {
	x       []float32
	n, c    int
	h, w    int
	times   []float64
	classes []int
	eps     []float32
}

func readFixtureIO(t *testing.T, name string) fixtureIO {
	t.Helper()
	base := filepath.Join("testdata", name)
	x := readNpy(t, base+".x.npy")
	tt := readNpy(t, base+".t.npy")
	lab := readNpy(t, base+".label.npy")
	eps := readNpy(t, base+".eps.npy")
	f := fixtureIO{n: x.Shape[0], c: x.Shape[1], h: x.Shape[2], w: x.Shape[3]}
	f.x = make([]float32, len(x.Data))
	for i, v := range x.Data {
		f.x[i] = float32(v)
	}
	f.eps = make([]float32, len(eps.Data))
	for i, v := range eps.Data {
		f.eps[i] = float32(v)
	}
	f.times = tt.Data
	for _, v := range lab.Data {
		f.classes = append(f.classes, int(v))
	}
	return f
}

// relErr is max |got - want| / max |want|.
func relErr(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		d = math.Max(d, math.Abs(float64(got[i])-float64(want[i])))
		m = math.Max(m, math.Abs(float64(want[i])))
	}
	return d / m
}

// TestFixturesMatchTorch loads every fixture in every format and checks, on
// every kernel path, that the forward pass reproduces torch's output to
// 1e-5 relative (max abs difference over max abs value).
func TestFixturesMatchTorch(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		for _, fx := range fixtures {
			io := readFixtureIO(t, fx.name)
			for _, ext := range formats {
				path := filepath.Join("testdata", fx.name+ext)
				net, err := Load(path)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				info := net.Info()
				if info.Arch != fx.arch || info.Padding != fx.mode || info.Normalization != fx.norm || info.Conditional != fx.cond || info.Channels != io.c || info.Source != path {
					t.Errorf("%s: info %+v", path, info)
				}
				got, err := net.Eps(context.Background(), io.x, io.n, io.h, io.w, io.times, io.classes)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				e := relErr(got, io.eps)
				t.Logf("%s: relative error %.2g", path, e)
				if e > 1e-5 || math.IsNaN(e) {
					t.Errorf("%s: relative error %.3g against torch", path, e)
				}
			}
		}
	})
}

// TestFloat64Safetensors loads a fixture stored as F64 safetensors.
func TestFloat64Safetensors(t *testing.T) {
	io := readFixtureIO(t, "resnet_zeros")
	net, err := Load(filepath.Join("testdata", "resnet_zeros_f64.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := net.Eps(context.Background(), io.x, io.n, io.h, io.w, io.times, io.classes)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(got, io.eps); e > 1e-5 {
		t.Errorf("relative error %.3g", e)
	}
}

// TestDenoise checks D = (x - b eps)/a against the fixture's eps, image by
// image, and that a batch gives what single images give.
func TestDenoise(t *testing.T) {
	for _, name := range []string{"resnet_circular_gn_cond", "unet_zeros_gn_cond"} {
		io := readFixtureIO(t, name)
		net, err := Load(filepath.Join("testdata", name+".module.pt"))
		if err != nil {
			t.Fatal(err)
		}
		size := io.c * io.h * io.w
		for i := range io.n {
			x := make([]float64, size)
			for j := range x {
				x[j] = float64(io.x[i*size+j])
			}
			d, err := net.Denoise(context.Background(), x, io.c, io.h, io.w, io.times[i], io.classes[i])
			if err != nil {
				t.Fatal(err)
			}
			a, b := schedule.A(io.times[i]), schedule.B(io.times[i])
			var worst, scale float64
			for j := range x {
				want := (x[j] - b*float64(io.eps[i*size+j])) / a
				worst = math.Max(worst, math.Abs(d[j]-want))
				scale = math.Max(scale, math.Abs(want))
			}
			if worst > 1e-5*scale {
				t.Errorf("%s image %d: D off by %.3g (scale %.3g)", name, i, worst, scale)
			}
		}
	}
}
