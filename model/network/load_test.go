package network

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeTemp writes data to dir/name (and the JSON side file when side is
// not empty) and returns the path.
func writeTemp(t *testing.T, dir, name string, data []byte, side string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if side != "" {
		if err := os.WriteFile(sidePath(p), []byte(side), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// rezip rewrites a torch zip archive, letting edit change each record
// (return nil to drop it).
func rezip(t *testing.T, data []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		nb := edit(f.Name, b.Bytes())
		if nb == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(nb)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// zipOf returns a zip archive with empty records of the given names.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, n := range names {
		if _, err := zw.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestLoadErrors checks that bad files give errors that name the problem.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	td := func(name string) string { return filepath.Join("testdata", name) }
	module := readFile(t, td("resnet_zeros.module.pt"))
	state := readFile(t, td("resnet_zeros.state.pt"))
	st := readFile(t, td("resnet_zeros.safetensors"))
	sideJSON := string(readFile(t, td("resnet_zeros.json")))
	unetJSON := string(readFile(t, td("unet_zeros.json")))
	condState := readFile(t, td("resnet_circular_gn_cond.state.pt"))
	condJSON := string(readFile(t, td("resnet_circular_gn_cond.json")))

	cases := []struct {
		name string
		data []byte
		side string
		want []string // every one must appear in the error
	}{
		{"empty.pt", nil, "", []string{"empty", "supported"}},
		{"text.pt", []byte("hello, world"), "", []string{"unrecognised format", "68 65 6c 6c", "supported"}},
		{"legacy.pt", []byte{0x80, 0x02, 0x8a, 0x0a}, "", []string{"legacy PyTorch", "1.6"}},
		{"truncated.pt", module[:len(module)/2], "", []string{"not a readable PyTorch zip"}},
		{"nopkl.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return nil
			}
			return b
		}), "", []string{"without data.pkl"}},
		{"rezipped.pt", rezip(t, module, func(n string, b []byte) []byte { return b }), "", nil}, // control: a rewritten archive loads
		{"jit.pt", zipOf(t, "m/constants.pkl", "m/data.pkl"), "", []string{"TorchScript", "torch.save(model)"}},
		{"missing-storage.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "/data/0") {
				return nil
			}
			return b
		}), "", []string{"storage record data/0 missing"}},
		{"short-storage.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "/data/0") {
				return b[:8]
			}
			return b
		}), "", []string{"storage data/0", "declares"}},
		{"cut-pickle.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return b[:len(b)/2]
			}
			return b
		}), "", []string{"data.pkl", "pickle"}},
		{"other-class.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return bytes.Replace(b, []byte("__main__\nMinimalResNet"), []byte("__main__\nSomeOtherNetX"), 1)
			}
			return b
		}), "", []string{"__main__.SomeOtherNetX", "submodules embedding, up_projection", "supported: MinimalResNet and MinimalUNet"}},
		{"other-layer.pt", rezip(t, module, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return bytes.Replace(b, []byte("activation\nReLU\n"), []byte("activation\nGELU\n"), 1)
			}
			return b
		}), "", []string{"torch.nn.modules.activation.GELU", "supported layers"}},
		{"state-no-json.pt", state, "", []string{"state_dict", "no hyper-parameters", ".json"}},
		{"state-wrong-arch.pt", state, unetJSON, []string{"MinimalUNet checkpoint does not match", "missing"}},
		{"state-wrong-layers.pt", state, strings.Replace(sideJSON, `"num_layers": 2`, `"num_layers": 3`, 1), []string{"tensor embs.3.0.weight missing"}},
		{"state-wrong-width.pt", state, strings.Replace(sideJSON, `"emb_dim": 16`, `"emb_dim": 24`, 1), []string{"up_projection.weight has shape [16 1 3 3], want [24 1 3 3]"}},
		{"state-fewer-layers.pt", state, strings.Replace(sideJSON, `"num_layers": 2`, `"num_layers": 1`, 1), []string{"more embedding MLPs than num_layers 1"}},
		{"state-extra.pt", condState, strings.Replace(condJSON, `"conditional": true`, `"conditional": false`, 1), []string{"unexpected tensors embedding.class_embeddings.weight"}},
		{"state-bad-mode.pt", state, strings.Replace(sideJSON, `"zeros"`, `"reflect"`, 1), []string{`padding mode "reflect" is not supported`}},
		{"state-bad-json.pt", state, "{", []string{"hyper-parameters state-bad-json.json"}},
		{"nojson.safetensors", st, "", []string{"safetensors file", "without hyper-parameters"}},
		{"short.safetensors", st[:len(st)-10], sideJSON, []string{"data offsets", "outside"}},
		{"header.safetensors", append(binary.LittleEndian.AppendUint64(nil, 4), []byte("{\"a\":")...), sideJSON, []string{"safetensors header"}},
		{"dtype.safetensors", bytes.Replace(st, []byte(`"F32"`), []byte(`"I32"`), 1), sideJSON, []string{`dtype "I32"`, "supported: F32, F64, F16, BF16"}},
	}
	for _, c := range cases {
		p := writeTemp(t, dir, c.name, c.data, c.side)
		_, err := Load(p)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: loaded", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.name, err, w)
			}
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", c.name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "absent.pt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// TestSafetensorsRoundTrip saves a loaded network and loads it back, with
// the side file and (after removing it) with the metadata alone.
func TestSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, fx := range []string{"resnet_circular_gn_cond", "unet_circular_gn_cond"} {
		net, err := Load(filepath.Join("testdata", fx+".module.pt"))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fx+".safetensors")
		if err := SaveSafetensors(p, net); err != nil {
			t.Fatal(err)
		}
		var side map[string]any
		if err := json.Unmarshal(readFile(t, sidePath(p)), &side); err != nil {
			t.Fatal(err)
		}
		if side["arch"] != net.Info().Arch || side["normalization"] != "GroupNorm" || side["conditional"] != true {
			t.Errorf("%s: side file %v", fx, side)
		}
		for _, withSide := range []bool{true, false} {
			if !withSide {
				os.Remove(sidePath(p))
			}
			back, err := Load(p)
			if err != nil {
				t.Fatalf("%s (side file %v): %v", fx, withSide, err)
			}
			a, b := net.Params(), back.Params()
			if len(a) != len(b) {
				t.Fatalf("%s: %d tensors back, want %d", fx, len(b), len(a))
			}
			for i := range a {
				if a[i].Name != b[i].Name || !slices.Equal(a[i].Shape, b[i].Shape) || !slices.Equal(a[i].Data, b[i].Data) {
					t.Fatalf("%s: tensor %d: %s %v back as %s %v", fx, i, a[i].Name, a[i].Shape, b[i].Name, b[i].Shape)
				}
			}
			want, got := net.Config(), back.Config()
			if !configEqual(want, got) {
				t.Errorf("%s: config %+v back as %+v", fx, want, got)
			}
		}
		if ents, _ := os.ReadDir(dir); slices.ContainsFunc(ents, func(e os.DirEntry) bool { return strings.Contains(e.Name(), ".tmp") }) {
			t.Errorf("temporary files left in %s", dir)
		}
	}
}

func configEqual(a, b Config) bool {
	ja, _ := a.marshal()
	jb, _ := b.marshal()
	return bytes.Equal(ja, jb)
}

// TestHalfPrecision checks the F16 and BF16 conversions on values that are
// exact in both, and F16's subnormals, infinities and NaN.
func TestHalfPrecision(t *testing.T) {
	cases := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x7bff, 65504},
		{0x0001, 1.0 / (1 << 24)}, {0x8001, -1.0 / (1 << 24)}, {0x0000, 0}, {0x7c00, float32(math.Inf(1))},
	}
	for _, c := range cases {
		if got := halfToFloat32(c.h); got != c.want {
			t.Errorf("half %#04x = %v, want %v", c.h, got, c.want)
		}
	}
	if v := halfToFloat32(0x7e00); !math.IsNaN(float64(v)) {
		t.Errorf("half NaN = %v", v)
	}
	raw := []byte{0x80, 0x3f, 0x40, 0xc0} // BF16 1, -3
	got, err := dtBF16.toFloat32(raw, 2)
	if err != nil || got[0] != 1 || got[1] != -3 {
		t.Errorf("bf16 = %v, %v", got, err)
	}
}

// TestCheckAndArguments checks the shape and argument errors of Eps.
func TestCheckAndArguments(t *testing.T) {
	unet, err := Load(filepath.Join("testdata", "unet_circular_gn_cond.module.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := unet.Check(3, 16, 16); err != nil {
		t.Errorf("16x16: %v", err)
	}
	for _, c := range []struct {
		c, h, w int
		want    string
	}{
		{1, 16, 16, "takes 3-channel images, not 1-channel"},
		{3, 16, 10, "divisible by 4; 16x10 is not"},
		{3, 0, 16, "empty"},
	} {
		if err := unet.Check(c.c, c.h, c.w); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%d, %d, %d) = %v, want %q", c.c, c.h, c.w, err, c.want)
		}
	}
	x := make([]float32, 3*16*16)
	ctx := context.Background()
	if _, err := unet.Eps(ctx, x, 1, 16, 16, []float64{0.5}, nil); err == nil || !strings.Contains(err.Error(), "needs a class in [0, 4)") {
		t.Errorf("conditional without class: %v", err)
	}
	if _, err := unet.Eps(ctx, x, 1, 16, 16, []float64{0.5}, []int{4}); err == nil || !strings.Contains(err.Error(), "not 4") {
		t.Errorf("class out of range: %v", err)
	}
	if _, err := unet.Eps(ctx, x[:10], 1, 16, 16, []float64{0.5}, []int{0}); err == nil || !strings.Contains(err.Error(), "10 values") {
		t.Errorf("short x: %v", err)
	}
	if _, err := unet.Eps(ctx, x, 1, 16, 16, []float64{math.NaN()}, []int{0}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN time: %v", err)
	}
	res, err := Load(filepath.Join("testdata", "resnet_zeros.state.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(1, 7, 5); err != nil {
		t.Errorf("the ResNet takes any size: %v", err)
	}
	// An unconditional network ignores labels.
	y := make([]float32, 7*5)
	a, err := res.Eps(ctx, y, 1, 7, 5, []float64{0.2}, []int{3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := res.Eps(ctx, y, 1, 7, 5, []float64{0.2}, nil)
	if err != nil || !slices.Equal(a, b) {
		t.Errorf("labels changed an unconditional network's output: %v", err)
	}
}

// TestCancel checks that a cancelled context stops a forward pass.
func TestCancel(t *testing.T) {
	net, err := Load(filepath.Join("testdata", "resnet_zeros.module.pt"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = net.Eps(ctx, make([]float32, 64), 1, 8, 8, []float64{0.5}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pass: %v", err)
	}
}

// TestBatchMatchesSingles checks, on every kernel path, that a batch gives
// what its images give one at a time (the two parallel schedules), on an
// image large enough to split between workers, for every fixture network.
func TestBatchMatchesSingles(t *testing.T) {
	eachKernel(t, func(t *testing.T) {
		for _, fx := range fixtures {
			net, err := Load(filepath.Join("testdata", fx.name+".safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			c, h, w, n := net.Info().Channels, 32, 48, 3
			x := randSlice(newRand(5), n*c*h*w)
			ts := []float64{0.1, 0.6, 0.9}
			cl := []int{0, 1, 0}
			all, err := net.Eps(context.Background(), x, n, h, w, ts, cl)
			if err != nil {
				t.Fatal(err)
			}
			size := c * h * w
			for i := range n {
				one, err := net.Eps(context.Background(), x[i*size:(i+1)*size], 1, h, w, ts[i:i+1], cl[i:i+1])
				if err != nil {
					t.Fatal(err)
				}
				if e := relErr(one, all[i*size:(i+1)*size]); e > 1e-6 {
					t.Errorf("%s image %d: batch and single differ by %.3g", fx.name, i, e)
				}
			}
		}
	})
}
