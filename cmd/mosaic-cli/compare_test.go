package main

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mosaic/model/compare"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// compareFixture writes a small training set and a random network that
// fits it, and returns their paths and the data.
func compareFixture(t *testing.T) (train, net string, ds *dataset.Dataset) {
	t.Helper()
	dir := t.TempDir()
	const m, c, h, w = 10, 1, 6, 6
	px := randomImages(9, m, c, h, w)
	for i := range px {
		px[i] = f32(px[i])
	}
	train = writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, c, h, w}, px)
	nw, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 8, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 1, ImageSize: 6}, 5)
	if err != nil {
		t.Fatal(err)
	}
	net = filepath.Join(dir, "net.safetensors")
	if err := network.SaveSafetensors(net, nw); err != nil {
		t.Fatal(err)
	}
	return train, net, &dataset.Dataset{Name: "t", M: m, C: c, H: h, W: w, Pixels: px}
}

func TestCompareCSVHoldsTheR2OfEachSample(t *testing.T) {
	train, net, ds := compareFixture(t)
	dir := t.TempDir()
	csvPath, plotPath := filepath.Join(dir, "r2.csv"), filepath.Join(dir, "r2.png")
	code, stdout, stderr := cli(t, "compare", "--net", net, "--train", train, "--machines", "els,wiener", "--boundary", "zeros,circular",
		"--patch", "3", "--steps", "4", "--seeds", "2-3", "--csv", csvPath, "--plot", plotPath, "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	for _, want := range []string{"ELS (zeros)", "ELS (circular)", "Wiener", "overall median"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "seed,step,t,k,machine,r2" {
		t.Fatalf("header %q", got)
	}
	if len(rows) != 1+2*3*3 { // 2 seeds, steps 3..1, 3 machines
		t.Fatalf("%d rows", len(rows))
	}
	// Recompute one row by hand: seed 3, step 2, ELS (circular).
	loaded, _ := network.Load(net)
	nm, _ := machine.NewNetwork(loaded, ds, machine.Spec{Net: net}, -1)
	tr, err := sampler.Run(context.Background(), nm, sampler.Noise(3, 1, 6, 6), schedule.Constant(4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	els, _ := machine.New(ds, machine.Spec{Kind: machine.ELS, Boundary: machine.Circular})
	st, err := els.Step(context.Background(), tr.X[2], tr.Time(2), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := compare.R2(tr.Steps[2].D, st.D)
	found := false
	for _, r := range rows[1:] {
		if r[0] == "3" && r[1] == "2" && r[4] == "ELS (circular)" {
			found = true
			got, _ := strconv.ParseFloat(r[5], 64)
			if math.Abs(got-want) > 1e-6 || r[3] != "3" || r[2] != "0.5000" {
				t.Errorf("row %v; r^2 by hand %v", r, want)
			}
		}
		if r[4] == "Wiener" && r[3] != "" {
			t.Errorf("the Wiener machine has a patch size in %v", r)
		}
	}
	if !found {
		t.Fatal("no row for seed 3, step 2, ELS (circular)")
	}
	if info, err := os.Stat(plotPath); err != nil || info.Size() < 1000 {
		t.Errorf("plot: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", "--train", train, "--patch", "3"}, "no network"},
		{[]string{"compare", "--net", net, "--patch", "3"}, "training data"},
		{[]string{"compare", "--net", net, "--train", train, "--patch", "3", "--seeds", "5-2"}, "--seeds"},
		{[]string{"compare", "--net", net, "--train", train, "--patch", "3", "--machines", "els,network"}, "list machines only"},
		{[]string{"compare", "--net", net, "--train", train, "--machines", "els"}, "needs patch sizes"},
		{[]string{"compare", "--net", net, "--train", train, "--patch", "3", "--csv", dir}, "is a directory"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		expectCode(t, 2, code, stdout, stderr)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: stderr does not say %q:\n%s", tc.args[1:], tc.want, stderr)
		}
	}
}

func TestCalibrateSavesAUserPreset(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	train, net, _ := compareFixture(t)
	code, stdout, stderr := cli(t, "calibrate", "--net", net, "--train", train, "--machine", "els", "--boundary", "zeros",
		"--seeds", "1-2", "--steps", "5", "--kmax", "5", "--save", "toy-cal", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	var line string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "calibrated k0,...,k4: ") {
			line = strings.TrimPrefix(l, "calibrated k0,...,k4: ")
		}
	}
	k, err := schedule.Parse(line)
	if err != nil || len(k) != 5 {
		t.Fatalf("calibrated schedule %q: %v\n%s", line, err, stdout)
	}
	for _, v := range k {
		if v != 1 && v != 3 && v != 5 {
			t.Fatalf("k %d outside 1..5 in %v", v, k)
		}
	}
	p, err := schedule.Lookup("toy-cal")
	if err != nil || p.K.String() != k.String() {
		t.Fatalf("saved preset %+v, %v; printed %v", p, err, k)
	}
	code, stdout, stderr = cli(t, "presets")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "toy-cal") || !strings.Contains(stdout, "calibrated: ELS (zeros)") {
		t.Errorf("presets does not list the saved one:\n%s", stdout)
	}
	code, stdout, stderr = cli(t, "sample", "--train", train, "--preset", "toy-cal", "--steps", "5", "--seed", "1", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	code, stdout, stderr = cli(t, "calibrate", "--net", net, "--train", train, "--machine", "wiener")
	expectCode(t, 2, code, stdout, stderr)
}

func TestDenoiseWritesTheMachinesD(t *testing.T) {
	train, net, ds := compareFixture(t)
	dir := t.TempDir()
	x := randomImages(4, 1, 1, 6, 6)
	for i := range x {
		x[i] = f32(x[i])
	}
	xPath := writeNpy(t, filepath.Join(dir, "x.npy"), []int{1, 6, 6}, x)
	for _, tc := range []struct {
		args []string
		m    func() *machine.Machine
	}{
		{[]string{"--train", train, "--machine", "els", "--boundary", "circular", "--patch", "3"}, func() *machine.Machine {
			m, _ := machine.New(ds, machine.Spec{Kind: machine.ELS, Boundary: machine.Circular})
			return m
		}},
		{[]string{"--machine", "network", "--net", net}, func() *machine.Machine {
			n, _ := network.Load(net)
			m, _ := machine.NewNetwork(n, ds, machine.Spec{}, -1)
			return m
		}},
	} {
		out := filepath.Join(dir, "d.npy")
		args := append([]string{"denoise", "--x", xPath, "--t", "0.4", "--out", out}, tc.args...)
		code, stdout, stderr := cli(t, args...)
		expectCode(t, 0, code, stdout, stderr)
		st, err := tc.m().Step(context.Background(), x, 0.4, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := readNpy(t, out)
		if len(got.Shape) != 3 || got.Shape[1] != 6 {
			t.Fatalf("shape %v", got.Shape)
		}
		for i, v := range st.D {
			if math.Abs(got.Data[i]-v) > 1e-6*math.Max(1, math.Abs(v)) {
				t.Fatalf("%v: D[%d] = %v, want %v", tc.args, i, got.Data[i], v)
			}
		}
	}
}
