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
		{[]string{"sample", "--train", train, "--seed", "1", "--machine", "gauss"}, "use ideal, ls, els, wiener or pca-locality"},
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
