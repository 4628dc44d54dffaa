package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mosaic/model/builtin"
	"mosaic/model/network"
	"mosaic/model/schedule"
)

// tinyTrain are the flags of a small, fast training run on 64 MNIST digits
// at 8x8.
func tinyTrain(out string, extra ...string) []string {
	return append([]string{"train", "--dataset", "mnist", "--size", "8", "--limit", "64",
		"--width", "8", "--layers", "2", "--batch", "16", "--checkpoint-every", "0", "--quiet", "--out", out}, extra...)
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// denoisingLoss is the mean squared noise prediction error of net on the
// images at the times ts, with noise from a fixed seed.
func denoisingLoss(t *testing.T, net *network.Net, pix []float64, m, s int, ts []float64) float64 {
	t.Helper()
	x := make([]float32, len(pix))
	for i, v := range pix {
		x[i] = float32(v)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	total := 0.0
	for _, tt := range ts {
		a, b := schedule.A(tt), schedule.B(tt)
		eta := make([]float32, len(x))
		xt := make([]float32, len(x))
		for i := range x {
			eta[i] = float32(rng.NormFloat64())
			xt[i] = float32(a*float64(x[i]) + b*float64(eta[i]))
		}
		eps, err := net.Eps(context.Background(), xt, m, s, s, []float64{tt}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range eps {
			d := float64(eps[i] - eta[i])
			total += d * d
		}
	}
	return total / float64(len(ts)*len(x))
}

// TestTrainLowersLossAndLoads trains a tiny network and checks that its
// checkpoint loads with the hyper-parameters asked for (and the image
// size), and that its denoising loss on held-out digits fell well below
// that of its initial weights.
func TestTrainLowersLossAndLoads(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "net.safetensors")
	code, stdout, stderr := cli(t, tinyTrain(out, "--steps", "200", "--lr", "0.003", "--padding", "circular")...)
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "steps 1 to 200") || !strings.Contains(stdout, "net.adam") {
		t.Errorf("summary %q", stdout)
	}
	net, err := network.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	info := net.Info()
	if info.Arch != "resnet" || info.EmbDim != 8 || info.Layers != 2 || info.Padding != "circular" || info.ImageSize != 8 || info.Conditional || info.Normalization {
		t.Errorf("loaded %+v", info)
	}
	init, err := network.NewRandom(net.Config(), 1)
	if err != nil {
		t.Fatal(err)
	}
	held, err := builtin.LoadSubset("mnist", 8, -1, 192)
	if err != nil {
		t.Fatal(err)
	}
	pix := held.Pixels[64*64:]
	ts := []float64{0.1, 0.3, 0.5, 0.7}
	before := denoisingLoss(t, init, pix, 128, 8, ts)
	after := denoisingLoss(t, net, pix, 128, 8, ts)
	t.Logf("held-out denoising loss %.4f at initialisation, %.4f after 200 steps", before, after)
	if !(after < 0.5*before) {
		t.Errorf("held-out loss %.4f after training, %.4f before: not halved", after, before)
	}
}

// TestTrainDeterministicAndResume checks that two runs with the same seed
// write identical files, that a run stopped at step 5 and resumed to step
// 12 writes the files of the uninterrupted 12-step run byte for byte, and
// that a conditional GroupNorm network trains too.
func TestTrainDeterministicAndResume(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.safetensors")
	b := filepath.Join(dir, "b.safetensors")
	c := filepath.Join(dir, "c.safetensors")
	flags := []string{"--steps", "12", "--norm", "--conditional", "--seed", "3", "--lr-decay", "0.9"}
	for _, p := range []string{a, b} {
		code, stdout, stderr := cli(t, tinyTrain(p, flags...)...)
		expectCode(t, 0, code, stdout, stderr)
	}
	for _, ext := range []string{".safetensors", ".json", ".adam"} {
		if !bytes.Equal(readBytes(t, strings.TrimSuffix(a, ".safetensors")+ext), readBytes(t, strings.TrimSuffix(b, ".safetensors")+ext)) {
			t.Errorf("two runs with the same seed wrote different %s files", ext)
		}
	}
	code, stdout, stderr := cli(t, tinyTrain(c, "--steps", "5", "--norm", "--conditional", "--seed", "3", "--lr-decay", "0.9")...)
	expectCode(t, 0, code, stdout, stderr)
	code, stdout, stderr = cli(t, "train", "--dataset", "mnist", "--size", "8", "--limit", "64", "--resume", c, "--steps", "12", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "steps 6 to 12") {
		t.Errorf("resumed summary %q", stdout)
	}
	for _, ext := range []string{".safetensors", ".json", ".adam"} {
		if !bytes.Equal(readBytes(t, strings.TrimSuffix(a, ".safetensors")+ext), readBytes(t, strings.TrimSuffix(c, ".safetensors")+ext)) {
			t.Errorf("resumed run wrote another %s file than the uninterrupted one", ext)
		}
	}
	net, err := network.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	if info := net.Info(); !info.Conditional || info.NumClasses != 10 || !info.Normalization {
		t.Errorf("loaded %+v", info)
	}
}

// cancelWriter cancels a context once it has seen n progress lines.
type cancelWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	n      int
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.HasPrefix(p, []byte("step ")) {
		w.n--
		if w.n == 0 {
			w.cancel()
		}
	}
	return w.buf.Write(p)
}

// TestTrainInterrupt cancels a run (as Ctrl-C does) after its third step,
// checks that it wrote a checkpoint and said how to continue, and that
// resuming from it reaches the uninterrupted run's weights.
func TestTrainInterrupt(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0 // a progress line after every step
	dir := t.TempDir()
	full := filepath.Join(dir, "full.safetensors")
	part := filepath.Join(dir, "part.safetensors")
	code, stdout, stderr := cli(t, tinyTrain(full, "--steps", "8")...)
	expectCode(t, 0, code, stdout, stderr)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := tinyTrain(part, "--steps", "8")
	args = slicesDelete(args, "--quiet")
	w := &cancelWriter{n: 3, cancel: cancel}
	var out bytes.Buffer
	code = runContext(ctx, args, &out, w)
	msg := w.buf.String()
	if code != 1 || !strings.Contains(msg, "stopped at step 3 of 8") || !strings.Contains(msg, "--resume "+part) || !strings.Contains(msg, "interrupted") {
		t.Fatalf("interrupted run: status %d, stderr:\n%s", code, msg)
	}
	st, err := network.ReadState(strings.TrimSuffix(part, ".safetensors") + ".adam")
	if err != nil || st.Step != 3 {
		t.Fatalf("optimizer state after the interrupt: %+v, %v", st, err)
	}
	code, stdout, stderr = cli(t, "train", "--dataset", "mnist", "--size", "8", "--limit", "64", "--resume", part, "--steps", "8", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !bytes.Equal(readBytes(t, full), readBytes(t, part)) {
		t.Errorf("interrupted and resumed run differs from the uninterrupted one")
	}
}

func slicesDelete(s []string, v string) []string {
	var out []string
	for _, a := range s {
		if a != v {
			out = append(out, a)
		}
	}
	return out
}

// TestTrainUsageErrors checks that mistakes are usage errors (status 2)
// with a message that names the problem, before any training.
func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "n.safetensors")
	existing := filepath.Join(dir, "old.safetensors")
	os.WriteFile(existing, []byte("x"), 0o644)
	dirOut := filepath.Join(dir, "d.safetensors")
	os.Mkdir(dirOut, 0o755)
	unlabelled := writeNpy(t, filepath.Join(dir, "x.npy"), []int{4, 8, 8}, randomImages(1, 4, 1, 8, 8))
	base := []string{"train", "--dataset", "mnist", "--size", "8", "--limit", "16", "--steps", "1"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(base, "--out", out, "--arch", "unet"), "not supported yet"},
		{append(base, "--out", out, "--arch", "vit"), "use resnet"},
		{append(base, "--out", out, "--width", "12"), "multiple of 8"},
		{append(base, "--out", out, "--width", "0"), "multiple of 8"},
		{append(base, "--out", out, "--layers", "-1"), "--layers"},
		{append(base, "--out", out, "--padding", "reflect"), "zeros or circular"},
		{append(base, "--out", out, "--steps", "0"), "--steps"},
		{append(base, "--out", out, "--batch", "0"), "--batch"},
		{append(base, "--out", out, "--lr", "-1"), "--lr"},
		{append(base, "--out", out, "--checkpoint-every", "-2"), "--checkpoint-every"},
		{base, "no output"},
		{append(base, "--out", filepath.Join(dir, "n.pt")), ".safetensors"},
		{append(base, "--out", filepath.Join(dir, "missing", "n.safetensors")), "does not exist"},
		{append(base, "--out", dirOut), "directory"},
		{append(base, "--out", filepath.Join(existing, "n.safetensors")), "not a folder"},
		{append(base, "--out", existing), "exists"},
		{append(base, "--out", out, "--class", "99"), "--class 99"},
		{[]string{"train", "--train", unlabelled, "--out", out, "--conditional"}, "needs labels"},
		{[]string{"train", "--out", out}, "no training data"},
		{append(base, "--resume", existing, "--width", "16"), "--width with --resume"},
		{append(base, "--out", out, "--init", existing, "--width", "16"), "--width with --init"},
		{append(base, "--out", out, "--init", existing, "--resume", existing), "--init and --resume"},
		{append(base, "--out", out, "--size", "0"), "--size"},
	} {
		code, stdout, stderr := cli(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want status 2 and %q", c.args[1:], code, stderr, c.want)
		}
		_ = stdout
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused run wrote %s", out)
	}
}

// TestTrainInit checks fine-tuning: --init starts a new run from a
// network's weights with another padding, keeping its width and layers,
// with Adam afresh at step 0; one step at a tiny learning rate barely
// moves the weights, so the new network is the old one with circular
// padding (its output on a noise differs from the old one's only at the
// border's reach and by the step's change).
func TestTrainInit(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.safetensors")
	b := filepath.Join(dir, "b.safetensors")
	code, stdout, stderr := cli(t, tinyTrain(a, "--steps", "3", "--width", "16", "--layers", "2")...)
	expectCode(t, 0, code, stdout, stderr)
	code, stdout, stderr = cli(t, "train", "--dataset", "mnist", "--size", "8", "--limit", "64", "--init", a, "--padding", "circular",
		"--steps", "1", "--lr", "1e-9", "--out", b, "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "steps 1 to 1") {
		t.Errorf("fine-tuning summary %q: want a new run from step 1", stdout)
	}
	na, err := network.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := network.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	ia, ib := na.Info(), nb.Info()
	if ib.Padding != "circular" || ia.Padding != "zeros" || ib.EmbDim != 16 || ib.Layers != 2 || ib.ImageSize != 8 {
		t.Errorf("fine-tuned network %+v from %+v: want width 16, 2 layers, circular, 8x8", ib, ia)
	}
	pa, pb := na.Params(), nb.Params()
	if len(pa) != len(pb) {
		t.Fatalf("%d parameters after --init, %d before", len(pb), len(pa))
	}
	for i := range pa {
		if pa[i].Name != pb[i].Name {
			t.Fatalf("parameter %d: %s, was %s", i, pb[i].Name, pa[i].Name)
		}
		for j := range pa[i].Data {
			if d := math.Abs(float64(pa[i].Data[j] - pb[i].Data[j])); d > 1e-6 {
				t.Fatalf("%s[%d] moved by %g in one step at lr 1e-9: the weights were not taken from --init", pa[i].Name, j, d)
			}
		}
	}
}

// TestTrainReadOnlyOut checks that an --out in a folder that cannot be
// written is refused before training.
func TestTrainReadOnlyOut(t *testing.T) {
	ro := "/proc" // not writable even by root
	if os.Geteuid() != 0 {
		ro = filepath.Join(t.TempDir(), "ro")
		os.Mkdir(ro, 0o555)
	} else if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("running as root without /proc: no read-only folder to try")
	}
	code, _, stderr := cli(t, tinyTrain(filepath.Join(ro, "n.safetensors"), "--steps", "1")...)
	if code != 2 || !strings.Contains(stderr, "cannot write") {
		t.Errorf("status %d, stderr %q", code, stderr)
	}
}
