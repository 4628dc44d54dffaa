package main

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

func TestSampleTheoriesMatchSampler(t *testing.T) {
	dir := t.TempDir()
	const m, c, h, w = 12, 1, 6, 6
	px := randomImages(3, m, c, h, w)
	for i := range px {
		px[i] = f32(px[i])
	}
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, c, h, w}, px)
	ds := &dataset.Dataset{Name: "t", M: m, C: c, H: h, W: w, Pixels: px}
	for _, tc := range []struct {
		args []string
		spec machine.Spec
	}{
		{[]string{"--machine", "wiener"}, machine.Spec{Kind: machine.Wiener}},
		{[]string{"--machine", "pca-locality", "--tau", "0.1", "--temperature", "0.5"}, machine.Spec{Kind: machine.PCALocality, Tau: 0.1, Temperature: 0.5}},
	} {
		frames := filepath.Join(dir, "f.npy")
		args := append([]string{"sample", "--train", train, "--seed", "5", "--steps", "5", "--frames", frames}, tc.args...)
		code, stdout, stderr := cli(t, args...)
		expectCode(t, 0, code, stdout, stderr)
		if !strings.Contains(stdout, "machine   "+tc.spec.String()) {
			t.Errorf("summary does not name %v:\n%s", tc.spec, stdout)
		}
		if !strings.Contains(stderr, "eigendecomposition") {
			t.Errorf("no progress of the one-time eigendecomposition on stderr:\n%s", stderr)
		}
		mach, err := machine.New(ds, tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := sampler.Run(context.Background(), mach, sampler.Noise(5, c, h, w), schedule.Constant(5, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		fa := readNpy(t, frames)
		size := c * h * w
		for f := range 5 {
			for j, want := range tr.X[4-f] {
				if got := fa.Data[f*size+j]; math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Fatalf("%v frame %d value %d = %v, want %v", tc.spec, f, j, got, want)
				}
			}
		}
	}
}

func TestTheoryFlagErrors(t *testing.T) {
	dir := t.TempDir()
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{4, 1, 5, 5}, randomImages(1, 4, 1, 5, 5))
	x := writeNpy(t, filepath.Join(dir, "x.npy"), []int{1, 5, 5}, randomImages(2, 1, 1, 5, 5))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--train", train, "--seed", "1", "--machine", "els", "--patch", "3", "--tau", "0.1"}, "--tau applies only to --machine pca-locality"},
		{[]string{"sample", "--train", train, "--seed", "1", "--machine", "pca-locality", "--tau", "0"}, "tau = 0 is outside (0, 1]"},
		{[]string{"sample", "--train", train, "--seed", "1", "--machine", "pca-locality", "--temperature", "-2"}, "temperature = -2 must be a positive number"},
		{[]string{"sample", "--train", train, "--seed", "1", "--machine", "gauss"}, "use ideal, ls, els, wiener, pca-locality or network"},
		{[]string{"weights", "--train", train, "--machine", "wiener", "--x", x, "--t", "0.5", "--pixel", "1,1"}, "has no training-image weights"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		expectCode(t, 2, code, stdout, stderr)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: stderr does not say %q:\n%s", tc.args, tc.want, stderr)
		}
	}
}

func TestWeightsPCALocality(t *testing.T) {
	dir := t.TempDir()
	const m, c, h, w = 9, 1, 5, 5
	px := randomImages(6, m, c, h, w)
	for i := range px {
		px[i] = f32(px[i])
	}
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, c, h, w}, px)
	xv := randomImages(7, 1, c, h, w)
	for i := range xv {
		xv[i] = f32(xv[i])
	}
	x := writeNpy(t, filepath.Join(dir, "x.npy"), []int{1, c, h, w}, xv)
	code, stdout, stderr := cli(t, "weights", "--train", train, "--machine", "pca-locality", "--x", x, "--t", "0.6", "--pixel", "2,3", "--top", "4")
	expectCode(t, 0, code, stdout, stderr)
	var out struct {
		Machine string
		K       int
		Top     []struct {
			Image, Row, Col int
			Weight          float64
		}
		Candidates int
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, stdout)
	}
	if out.Machine != "PCA-locality" || out.K != 0 || out.Candidates != m || len(out.Top) != 4 {
		t.Fatalf("unexpected answer %+v", out)
	}
	mach, _ := machine.New(&dataset.Dataset{Name: "t", M: m, C: c, H: h, W: w, Pixels: px}, machine.Spec{Kind: machine.PCALocality})
	src, _, err := mach.Weights(xv, 0.6, 0, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.Top {
		if s.Row != 2 || s.Col != 3 || math.Abs(s.Weight-src[s.Image].Weight) > 1e-12 {
			t.Fatalf("entry %+v; the machine gives image %d weight %v", s, s.Image, src[s.Image].Weight)
		}
	}
}

func TestSampleNetwork(t *testing.T) {
	dir := t.TempDir()
	net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 16, Mode: "circular", KernelSize: 3, LastKSize: 1, NumLayers: 2, ImageSize: 8}, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "net.safetensors")
	if err := network.SaveSafetensors(path, net); err != nil {
		t.Fatal(err)
	}
	frames := filepath.Join(dir, "f.npy")
	// No training data: the shape comes from the size the checkpoint records.
	code, stdout, stderr := cli(t, "sample", "--machine", "network", "--net", path, "--seed", "4", "--steps", "5", "--frames", frames, "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "machine   Network (net.safetensors)") || !strings.Contains(stdout, "[1,8,8]") {
		t.Errorf("summary:\n%s", stdout)
	}
	loaded, err := network.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := machine.NewNetwork(loaded, &dataset.Dataset{Name: "s", C: 1, H: 8, W: 8}, machine.Spec{Net: path}, -1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sampler.Run(context.Background(), m, sampler.Noise(4, 1, 8, 8), schedule.Constant(5, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	fa := readNpy(t, frames)
	for f := range 5 {
		for j, want := range tr.X[4-f] {
			if got := fa.Data[f*64+j]; math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("frame %d value %d = %v, want %v", f, j, got, want)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--machine", "network", "--seed", "1"}, "--machine network needs --net PATH"},
		{[]string{"sample", "--machine", "network", "--net", path, "--seed", "1", "--dataset", "mnist", "--limit", "5"}, "trained on 8x8 images, not 32x32 (mnist holds 32x32"},
		{[]string{"weights", "--machine", "network", "--net", path, "--dataset", "mnist", "--x", "x.npy", "--t", "0.5", "--pixel", "1,1"}, "no patch weights"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		expectCode(t, 2, code, stdout, stderr)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: stderr does not say %q:\n%s", tc.args, tc.want, stderr)
		}
	}
	missing := filepath.Join(dir, "missing.pt")
	code, stdout, stderr = cli(t, "sample", "--machine", "network", "--net", missing, "--seed", "1")
	expectCode(t, 1, code, stdout, stderr)
	if !strings.Contains(stderr, "missing.pt") {
		t.Errorf("a missing checkpoint: %s", stderr)
	}
}
