package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mosaic/model/bench"
	"mosaic/model/compare"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/npy"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// cli runs the program in-process and returns its exit status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runContext(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// randomImages returns m images of c x h x w values uniform in [-1, 1].
func randomImages(seed uint64, m, c, h, w int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, m*c*h*w)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

func writeNpy(t *testing.T, path string, shape []int, data []float64) string {
	t.Helper()
	if err := npy.WriteFileFloat32(path, shape, data); err != nil {
		t.Fatal(err)
	}
	return path
}

func readNpy(t *testing.T, path string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// f32 rounds like the float32 .npy files do.
func f32(v float64) float64 { return float64(float32(v)) }

func expectCode(t *testing.T, want, got int, stdout, stderr string) {
	t.Helper()
	if got != want {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", got, want, stdout, stderr)
	}
}

func TestSampleIdealOneImageGivesThatImage(t *testing.T) {
	dir := t.TempDir()
	const c, h, w, n = 1, 6, 5, 5
	img := randomImages(1, 1, c, h, w)
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{1, c, h, w}, img)
	noise := randomImages(2, 1, c, h, w)
	for i := range noise {
		noise[i] *= 2
	}
	noisePath := writeNpy(t, filepath.Join(dir, "z.npy"), []int{c, h, w}, noise)
	frames, den, pngPath := filepath.Join(dir, "f.npy"), filepath.Join(dir, "d.npy"), filepath.Join(dir, "x.png")
	code, stdout, stderr := cli(t, "sample", "--train", train, "--noise", noisePath, "--machine", "ideal",
		"--steps", "5", "--frames", frames, "--denoised", den, "--png", pngPath, "--scale", "3")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stderr, "step 4/4") || !strings.Contains(stderr, "step 1/4") {
		t.Errorf("no progress lines on stderr:\n%s", stderr)
	}
	if !strings.Contains(stdout, "nearest   training image 0") {
		t.Errorf("summary lacks the nearest image:\n%s", stdout)
	}

	fa := readNpy(t, frames)
	if want := []int{n, c, h, w}; !slices.Equal(fa.Shape, want) {
		t.Fatalf("frames shape %v, want %v", fa.Shape, want)
	}
	size := c * h * w
	for j := 0; j < size; j++ {
		// frames[0] is x_{N-1}, the noise; frames[N-1] is x_0, the final image.
		if got, want := fa.Data[j], f32(noise[j]); got != want {
			t.Fatalf("frames[0][%d] = %v, want the noise %v", j, got, want)
		}
		if got, want := fa.Data[(n-1)*size+j], f32(img[j]); math.Abs(got-want) > 1e-6 {
			t.Fatalf("final frame [%d] = %v, want the training image %v", j, got, want)
		}
	}
	da := readNpy(t, den)
	if want := []int{n - 1, c, h, w}; !slices.Equal(da.Shape, want) {
		t.Fatalf("denoised shape %v, want %v", da.Shape, want)
	}
	for j := 0; j < size; j++ { // one training image: every D_i is that image
		if got, want := da.Data[(n-2)*size+j], f32(img[j]); math.Abs(got-want) > 1e-6 {
			t.Fatalf("D_1[%d] = %v, want %v", j, got, want)
		}
	}

	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pic, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := pic.Bounds(); b.Dx() != 3*w || b.Dy() != 3*h {
		t.Fatalf("PNG is %v, want %dx%d", b, 3*w, 3*h)
	}
	for _, p := range [][2]int{{0, 0}, {2, 4}, {5, 1}} {
		r, cc := p[0], p[1]
		g, _, _, _ := pic.At(3*cc+2, 3*r+1).RGBA()
		if want := render.Byte(img[r*w+cc]); uint8(g>>8) != want {
			t.Errorf("PNG pixel (%d,%d) = %d, want %d", r, cc, g>>8, want)
		}
	}
}

// TestSampleELSMatchesSampler checks the CLI's frames against the sampler
// run in-process with the same seed, schedule and data.
func TestSampleELSMatchesSampler(t *testing.T) {
	dir := t.TempDir()
	const m, c, h, w = 4, 1, 7, 7
	px := randomImages(3, m, c, h, w)
	for i := range px {
		px[i] = f32(px[i])
	}
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, c, h, w}, px)
	frames := filepath.Join(dir, "f.npy")
	code, stdout, stderr := cli(t, "sample", "--train", train, "--seed", "5", "--machine", "els", "--boundary", "zeros",
		"--schedule", "3,3,5,3", "--steps", "4", "--frames", frames, "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if stderr != "" {
		t.Errorf("--quiet printed:\n%s", stderr)
	}
	ds := &dataset.Dataset{Name: "t", M: m, C: c, H: h, W: w, Pixels: px}
	mach, err := machine.New(ds, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sampler.Run(context.Background(), mach, sampler.Noise(5, c, h, w), schedule.Patch{3, 3, 5, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fa := readNpy(t, frames)
	size := c * h * w
	for f := 0; f < 4; f++ {
		x := tr.X[3-f]
		for j := range x {
			// Float32 rounding; the engine may sum in a different order.
			if got, want := fa.Data[f*size+j], x[j]; math.Abs(got-want) > 1e-6 {
				t.Fatalf("frame %d value %d = %v, want %v", f, j, got, want)
			}
		}
	}
}

func TestSamplePresetResampledAndClass(t *testing.T) {
	dir := t.TempDir()
	const m, c, h, w = 6, 1, 5, 5
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, h, w}, randomImages(4, m, c, h, w))
	labels := writeNpy(t, filepath.Join(dir, "labels.npy"), []int{m}, []float64{0, 1, 0, 1, 1, 0})
	frames := filepath.Join(dir, "f.npy")
	code, stdout, stderr := cli(t, "sample", "--train", train, "--labels", labels, "--class", "1", "--limit", "2",
		"--seed", "1", "--machine", "ls", "--boundary", "circular", "--preset", "mnist-resnet-circular", "--steps", "3", "--frames", frames)
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stderr, "resampled") {
		t.Errorf("no note about resampling the preset:\n%s", stderr)
	}
	if !strings.Contains(stdout, "2 images") || !strings.Contains(stdout, "(label 1)") {
		t.Errorf("summary does not show 2 images of class 1:\n%s", stdout)
	}
	if got := readNpy(t, frames).Shape; !slices.Equal(got, []int{3, 1, 5, 5}) {
		t.Errorf("frames shape %v", got)
	}

	// No images of the class: a usage error naming the classes present.
	code, stdout, stderr = cli(t, "sample", "--train", train, "--labels", labels, "--class", "7", "--seed", "1", "--machine", "ideal")
	expectCode(t, 2, code, stdout, stderr)
	if !strings.Contains(stderr, "class 7") || !strings.Contains(stderr, "[0 1]") {
		t.Errorf("unhelpful class error:\n%s", stderr)
	}
}

func TestSampleUsageErrors(t *testing.T) {
	dir := t.TempDir()
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{2, 1, 5, 5}, randomImages(5, 2, 1, 5, 5))
	base := []string{"sample", "--train", train, "--seed", "1"}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--patch", "4"}, "--patch must be an odd integer such as 3 or 5"},
		{[]string{"--patch", "x"}, "--patch must be an odd integer such as 3 or 5"},
		{[]string{"--schedule", "3,3,5"}, "--schedule has 3 entries but 20 steps need 20"},
		{[]string{"--schedule", "3,5,5", "--steps", "4"}, "has 3 entries but 4 steps need 4"},
		{[]string{"--patch", "3", "--preset", "mnist-resnet-zeros"}, "only one of"},
		{[]string{"--machine", "els"}, "--patch K"},
		{[]string{"--machine", "foo", "--patch", "3"}, "use ideal, ls, els, wiener, pca-locality or network"},
		{[]string{"--boundary", "mirror", "--patch", "3"}, "zeros, circular or reflect"},
		{[]string{"--preset", "nope"}, "mnist-resnet-zeros"},
		{[]string{"--patch", "7", "--boundary", "circular"}, "k <= 5"},
		{[]string{"--patch", "3", "--steps", "1"}, "--steps must be at least 2"},
		{[]string{"--patch", "3", "--noise", "z.npy"}, "not both"},
		{[]string{"--patch", "3", "--dataset", "mnist"}, "not both"},
		{[]string{"--patch", "3", "--bogus"}, "flag provided but not defined"},
		{[]string{"--patch", "3", "extra"}, "unexpected argument"},
	}
	for _, tc := range cases {
		args := append(append([]string{}, base...), tc.args...)
		code, stdout, stderr := cli(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tc.args, code, stderr, tc.want)
		}
		if stdout != "" {
			t.Errorf("%v: wrote to stdout: %s", tc.args, stdout)
		}
	}
	// The unknown flag prints the usage.
	if _, _, stderr := cli(t, append(base, "--bogus")...); !strings.Contains(stderr, "Usage: mosaic-cli sample") {
		t.Errorf("unknown flag without usage:\n%s", stderr)
	}
	if code, _, stderr := cli(t, "sample", "--seed", "1", "--patch", "3"); code != 2 || !strings.Contains(stderr, "--train PATH") {
		t.Errorf("no data: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, "sample", "--train", train, "--patch", "3"); code != 2 || !strings.Contains(stderr, "--seed S") {
		t.Errorf("no noise: exit %d\n%s", code, stderr)
	}
}

func TestSampleFailures(t *testing.T) {
	dir := t.TempDir()
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{2, 1, 5, 5}, randomImages(5, 2, 1, 5, 5))
	badNoise := writeNpy(t, filepath.Join(dir, "z.npy"), []int{1, 4, 4}, make([]float64, 16))
	code, stdout, stderr := cli(t, "sample", "--train", filepath.Join(dir, "missing.npy"), "--seed", "1", "--patch", "3")
	expectCode(t, 1, code, stdout, stderr)
	if !strings.Contains(stderr, "missing.npy") {
		t.Errorf("error does not name the file:\n%s", stderr)
	}
	code, stdout, stderr = cli(t, "sample", "--train", train, "--noise", badNoise, "--patch", "3")
	expectCode(t, 1, code, stdout, stderr)
	if !strings.Contains(stderr, "[1 4 4]") || !strings.Contains(stderr, "[1,5,5]") {
		t.Errorf("noise shape error unclear:\n%s", stderr)
	}
	code, stdout, stderr = cli(t, "sample", "--train", train, "--noise", filepath.Join(dir, "nope.npy"), "--patch", "3")
	expectCode(t, 1, code, stdout, stderr)
}

func TestWeights(t *testing.T) {
	dir := t.TempDir()
	const m, c, h, w = 5, 1, 7, 7
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{m, c, h, w}, randomImages(6, m, c, h, w))
	x := writeNpy(t, filepath.Join(dir, "x.npy"), []int{1, c, h, w}, randomImages(7, 1, c, h, w))
	code, stdout, stderr := cli(t, "weights", "--train", train, "--machine", "els", "--boundary", "zeros",
		"--x", x, "--t", "0.5", "--patch", "3", "--pixel", "3,3", "--top", "7")
	expectCode(t, 0, code, stdout, stderr)
	var out struct {
		Effective float64
		Top       []struct {
			Image, Row, Col int
			Weight          float64
		}
		Candidates int
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, stdout)
	}
	if len(out.Top) != 7 {
		t.Fatalf("%d entries in top, want 7", len(out.Top))
	}
	// Interior pixel of a 7x7 image with k=3: 5x5 interior centres per image.
	if out.Candidates != m*25 {
		t.Errorf("candidates = %d, want %d", out.Candidates, m*25)
	}
	sum := 0.0
	for i, s := range out.Top {
		sum += s.Weight
		if i > 0 && s.Weight > out.Top[i-1].Weight {
			t.Errorf("top not sorted: %v after %v", s.Weight, out.Top[i-1].Weight)
		}
		if s.Row < 1 || s.Row > 5 || s.Col < 1 || s.Col > 5 || s.Image < 0 || s.Image >= m {
			t.Errorf("candidate %+v outside the interior", s)
		}
	}
	if sum > 1+1e-12 || sum <= 0 {
		t.Errorf("top weights sum to %v", sum)
	}
	if out.Effective < 1 || out.Effective > float64(out.Candidates) {
		t.Errorf("effective = %v", out.Effective)
	}

	// The ideal machine needs no patch; one image carries all the weight.
	one := writeNpy(t, filepath.Join(dir, "one.npy"), []int{1, c, h, w}, randomImages(8, 1, c, h, w))
	code, stdout, stderr = cli(t, "weights", "--train", one, "--machine", "ideal", "--x", x, "--t", "1", "--pixel", "0,6")
	expectCode(t, 0, code, stdout, stderr)
	out.Top = nil
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Top) != 1 || out.Top[0].Weight != 1 || out.Effective != 1 {
		t.Errorf("ideal with one image: %s", stdout)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--x", x, "--t", "0.5", "--pixel", "3,3"}, "--patch K"},
		{[]string{"--x", x, "--t", "0", "--patch", "3", "--pixel", "3,3"}, "0 < T <= 1"},
		{[]string{"--x", x, "--t", "0.5", "--patch", "3", "--pixel", "3"}, "ROW,COL"},
		{[]string{"--x", x, "--t", "0.5", "--patch", "3", "--pixel", "7,0"}, "outside"},
		{[]string{"--t", "0.5", "--patch", "3", "--pixel", "1,1"}, "--x X.npy"},
		{[]string{"--x", x, "--t", "0.5", "--patch", "3", "--pixel", "1,1", "--top", "0"}, "--top"},
	} {
		code, _, stderr := cli(t, append([]string{"weights", "--train", train}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	code, stdout, stderr = cli(t, "weights", "--train", train, "--x", filepath.Join(dir, "no.npy"), "--t", "0.5", "--patch", "3", "--pixel", "1,1")
	expectCode(t, 1, code, stdout, stderr)
}

func TestPresets(t *testing.T) {
	code, stdout, stderr := cli(t, "presets")
	expectCode(t, 0, code, stdout, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want a header and 10 presets:\n%s", len(lines), stdout)
	}
	for i, p := range schedule.Presets() {
		l := lines[i+1]
		if !strings.HasPrefix(l, p.Name+" ") || !strings.Contains(l, p.Title()) || !strings.HasSuffix(l, p.K.String()) {
			t.Errorf("line %q does not show preset %s", l, p.Name)
		}
	}
	if code, _, _ := cli(t, "presets", "extra"); code != 2 {
		t.Errorf("presets extra: exit %d, want 2", code)
	}
}

func TestTopLevel(t *testing.T) {
	if code, _, stderr := cli(t); code != 2 || !strings.Contains(stderr, "mosaic-cli sample") {
		t.Errorf("no args: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, "smaple"); code != 2 || !strings.Contains(stderr, `unknown command "smaple"`) {
		t.Errorf("unknown command: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := cli(t, "help"); code != 0 || !strings.Contains(stdout, "mosaic-cli fingers") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := cli(t, "help", "weights"); code != 0 || !strings.Contains(stdout, "--pixel ROW,COL") {
		t.Errorf("help weights: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := cli(t, "sample", "-h"); code != 0 || !strings.Contains(stderr, "--frames F.npy") {
		t.Errorf("sample -h: exit %d\n%s", code, stderr)
	}
}

func TestBench(t *testing.T) {
	defer func(f func(context.Context, io.Writer, bench.Options) error) { benchRun = f }(benchRun)
	var got []bench.Options
	benchRun = func(ctx context.Context, w io.Writer, o bench.Options) error {
		got = append(got, o)
		_, err := io.WriteString(w, "table\n")
		return err
	}
	code, stdout, stderr := cli(t, "bench", "--quick")
	expectCode(t, 0, code, stdout, stderr)
	code, stdout, stderr = cli(t, "bench")
	expectCode(t, 0, code, stdout, stderr)
	if len(got) != 2 || !got[0].Quick || got[1].Quick || stdout != "table\n" {
		t.Errorf("bench.Run called with %+v, stdout %q", got, stdout)
	}
	if code, _, _ := cli(t, "bench", "--slow"); code != 2 {
		t.Errorf("bench --slow: exit %d, want 2", code)
	}
	benchRun = func(context.Context, io.Writer, bench.Options) error { return errors.New("no engine") }
	if code, _, stderr := cli(t, "bench", "--quick"); code != 1 || !strings.Contains(stderr, "no engine") {
		t.Errorf("failing bench: exit %d\n%s", code, stderr)
	}
}

// TestBenchQuickReal runs the real bench --quick (about 30 s on a loaded
// 2-core machine); set MOSAIC_CLI_BENCH=1 to run it.
func TestBenchQuickReal(t *testing.T) {
	if os.Getenv("MOSAIC_CLI_BENCH") == "" {
		t.Skip("set MOSAIC_CLI_BENCH=1 to run the real bench --quick")
	}
	code, stdout, stderr := cli(t, "bench", "--quick")
	expectCode(t, 0, code, stdout, stderr)
	if strings.TrimSpace(stdout) == "" {
		t.Error("bench printed nothing")
	}
}

// TestFingersIdeal samples hands with the ideal machine on one training
// hand: every sample is that hand, which has five fingers.
func TestFingersIdeal(t *testing.T) {
	dir := t.TempDir()
	csvPath, pngPath := filepath.Join(dir, "f.csv"), filepath.Join(dir, "f.png")
	code, stdout, stderr := cli(t, "fingers", "--dataset", "hands", "--limit", "1", "--machine", "ideal",
		"--steps", "3", "--samples", "3", "--seed", "10", "--csv", csvPath, "--png", pngPath)
	expectCode(t, 0, code, stdout, stderr)
	ds, err := hands.Builtin(32)
	if err != nil {
		t.Fatal(err)
	}
	want := hands.Count(ds.Image(0), 32, 32)
	rows := readCSV(t, csvPath)
	if len(rows) != 4 || strings.Join(rows[0][:3], ",") != "seed,fingers,nearest_distance" {
		t.Fatalf("CSV:\n%v", rows)
	}
	for i, r := range rows[1:] {
		if r[0] != []string{"10", "11", "12"}[i] {
			t.Errorf("row %d seed %s", i, r[0])
		}
		if want.OK && r[1] != "5" || r[2] != "0" {
			t.Errorf("row %v: want 5 fingers (counter says %+v) at distance 0", r, want)
		}
	}
	if want.OK && want.Fingers == 5 && !strings.Contains(stdout, "not five: 0 of 3") {
		t.Errorf("summary:\n%s", stdout)
	}
	if st, err := os.Stat(pngPath); err != nil || st.Size() == 0 {
		t.Errorf("no contact sheet: %v", err)
	}
}

// TestFingersSweep runs the late-patch sweep with a cheap LS machine.
func TestFingersSweep(t *testing.T) {
	dir := t.TempDir()
	ds, err := hands.Generate(3, 32, 2)
	if err != nil {
		t.Fatal(err)
	}
	train := writeNpy(t, filepath.Join(dir, "hands.npy"), []int{3, 1, 32, 32}, ds.Pixels)
	csvPath, pngPath, plotPath := filepath.Join(dir, "f.csv"), filepath.Join(dir, "f.png"), filepath.Join(dir, "p.png")
	code, stdout, stderr := cli(t, "fingers", "--train", train, "--machine", "ls", "--boundary", "zeros", "--patch", "3",
		"--steps", "4", "--samples", "2", "--seed", "1", "--late-patch", "1,5", "--late-steps", "2",
		"--csv", csvPath, "--png", pngPath, "--plot", plotPath)
	expectCode(t, 0, code, stdout, stderr)
	for _, s := range []string{"base schedule", "k=1", "k=5", "cannot tell", "not five", "sweep over the patch size of steps 2..1"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	rows := readCSV(t, csvPath)
	if len(rows) != 1+3*2 {
		t.Fatalf("%d CSV rows, want 7", len(rows))
	}
	if got := []string{rows[1][3], rows[3][3], rows[5][3]}; strings.Join(got, ",") != ",1,5" {
		t.Errorf("late_k column %v", got)
	}
	for _, p := range []string{pngPath, plotPath} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		f.Close()
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--patch", "3", "--late-patch", "4"}, "3,5,7,9"},
		{[]string{"--patch", "3", "--plot", plotPath}, "--late-patch"},
		{[]string{"--patch", "3", "--late-steps", "2"}, "--late-patch"},
		{[]string{"--patch", "3", "--late-patch", "3", "--late-steps", "20"}, "--late-steps must be from 1 to 19"},
		{[]string{"--patch", "3", "--samples", "0"}, "--samples"},
		{[]string{"--machine", "ideal", "--late-patch", "3"}, "ideal machine"},
	} {
		code, _, stderr := cli(t, append([]string{"fingers", "--train", train}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDefaultLateSteps(t *testing.T) {
	for n, want := range map[int]int{20: 5, 10: 2, 4: 1, 2: 1, 100: 25} {
		if got := defaultLateSteps(n); got != want {
			t.Errorf("defaultLateSteps(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestBuiltinDataset(t *testing.T) {
	code, stdout, stderr := cli(t, "sample", "--dataset", "fashion", "--size", "28", "--class", "7", "--limit", "2",
		"--machine", "ideal", "--steps", "2", "--seed", "1", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "fashion: 2 images [1,28,28]") || !strings.Contains(stdout, "(label Sneaker)") {
		t.Errorf("summary:\n%s", stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dataset", "cifar"}, "mnist, fashion, hands"},
		{[]string{"--dataset", "hands", "--size", "28"}, "--size 32 or --size 64"},
		{[]string{"--dataset", "mnist", "--labels", "l.npy"}, "--labels applies to --train only"},
		{[]string{"--train", "x.npy", "--size", "28"}, "--size applies to --dataset only"},
		{[]string{"--dataset", "mnist", "--limit", "-1"}, "--limit must be"},
	} {
		code, _, stderr := cli(t, append([]string{"sample", "--machine", "ideal", "--seed", "1"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestImageOfRGBAndClamping(t *testing.T) {
	// One pixel per channel plane: R = -2 (clamped to 0), G = 0 (128), B = 2 (255).
	img, err := imageOf([]float64{-2, 0, 2}, 3, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 2 {
		t.Fatalf("bounds %v", b)
	}
	r, g, b, a := img.At(1, 1).RGBA()
	if r>>8 != 0 || g>>8 != 128 || b>>8 != 255 || a>>8 != 255 {
		t.Errorf("pixel = %d %d %d %d", r>>8, g>>8, b>>8, a>>8)
	}
	if _, err := imageOf(make([]float64, 2), 2, 1, 1, 1); err == nil {
		t.Error("two channels accepted")
	}
	if render.Byte(math.NaN()) != 0 || render.Byte(-1) != 0 || render.Byte(1) != 255 {
		t.Error("level endpoints")
	}
}

func TestInterruptedRunFails(t *testing.T) {
	dir := t.TempDir()
	train := writeNpy(t, filepath.Join(dir, "train.npy"), []int{2, 1, 5, 5}, randomImages(5, 2, 1, 5, 5))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	frames := filepath.Join(dir, "f.npy")
	code := runContext(ctx, []string{"sample", "--train", train, "--seed", "1", "--patch", "3", "--frames", frames}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr:\n%s", code, errb.String())
	}
	if _, err := os.Stat(frames); !os.IsNotExist(err) {
		t.Errorf("an interrupted run wrote %s", frames)
	}
}

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"presets"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "celeba-unet-zeros") {
		t.Errorf("run presets: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// TestFingersVersus sets the ideal machine on one training hand beside a
// random network: every ideal sample is that hand, so the 2x2 table puts
// each seed in the "ideal five" column (when the counter reads five
// fingers on it), the CSV holds one row per seed and machine, and the r^2
// printed is the one compare.Evaluate gives along the network's own
// trajectories.
func TestFingersVersus(t *testing.T) {
	dir := t.TempDir()
	nw, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 8, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 1, ImageSize: 32}, 7)
	if err != nil {
		t.Fatal(err)
	}
	net := filepath.Join(dir, "net.safetensors")
	if err := network.SaveSafetensors(net, nw); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "f.csv")
	code, stdout, stderr := cli(t, "fingers", "--dataset", "hands", "--limit", "1", "--machine", "network", "--net", net,
		"--versus", "ideal", "--steps", "3", "--samples", "3", "--seed", "5", "--csv", csvPath, "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	ds, err := hands.Builtin(32)
	if err != nil {
		t.Fatal(err)
	}
	if c := hands.Count(ds.Image(0), 32, 32); !c.OK || c.Fingers != 5 {
		t.Fatalf("the first built-in hand counts %+v; the test needs a five-fingered one", c)
	}
	rows := readCSV(t, csvPath)
	if len(rows) != 1+2*3 || rows[0][8] != "machine" {
		t.Fatalf("CSV:\n%v", rows)
	}
	for i, r := range rows[1:] {
		want := []string{"network", "network", "network", "ideal", "ideal", "ideal"}[i]
		if r[8] != want || r[0] != strconv.Itoa(5+i%3) {
			t.Errorf("row %d: %v, want machine %s, seed %d", i+1, r, want, 5+i%3)
		}
		if want == "ideal" && (r[1] != "5" || r[2] != "0") {
			t.Errorf("ideal row %v: want the training hand (5 fingers, distance 0)", r)
		}
	}
	netNotFive := 0
	for _, r := range rows[1:4] {
		if r[1] != "5" {
			netNotFive++
		}
	}
	// The table's "ideal five" column holds every seed: 3-netNotFive with
	// the network five too, netNotFive without.
	re := regexp.MustCompile(`network five\s+(\d+)\s+(\d+)\s+network not five\s+(\d+)\s+(\d+)`)
	m := re.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no 2x2 table:\n%s", stdout)
	}
	if got, want := strings.Join(m[1:], " "), fmt.Sprintf("%d 0 %d 0", 3-netNotFive, netNotFive); got != want {
		t.Errorf("2x2 table %s, want %s:\n%s", got, want, stdout)
	}
	// The r^2 of the ideal machine along the network's trajectories.
	loaded, err := network.Load(net)
	if err != nil {
		t.Fatal(err)
	}
	one := &dataset.Dataset{Name: "hands", M: 1, C: 1, H: 32, W: 32, Pixels: ds.Pixels[:32*32]}
	nm, err := machine.NewNetwork(loaded, one, machine.Spec{Net: net}, -1)
	if err != nil {
		t.Fatal(err)
	}
	var noises [][]float64
	for s := uint64(5); s < 8; s++ {
		noises = append(noises, sampler.Noise(s, 1, 32, 32))
	}
	trs, err := compare.Trajectories(context.Background(), nm, noises, 3)
	if err != nil {
		t.Fatal(err)
	}
	is, err := machine.New(one, machine.Spec{Kind: machine.IS})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := compare.Evaluate(context.Background(), trs, is, schedule.Constant(3, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("overall median  %s", fmtR2(sc.Overall())); !strings.Contains(strings.Join(strings.Fields(stdout), " "), strings.Join(strings.Fields(want), " ")) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout)
	}
	// The theory's own flags (--tau) go to the theory, not the network.
	code, stdout, stderr = cli(t, "fingers", "--dataset", "hands", "--limit", "1", "--machine", "network", "--net", net,
		"--versus", "pca-locality", "--tau", "0.05", "--steps", "3", "--samples", "1", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	if !strings.Contains(stdout, "network against PCA-locality (tau 0.05)") {
		t.Errorf("--versus pca-locality --tau 0.05:\n%s", stdout)
	}
	// --versus needs a network, and is not a sweep.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fingers", "--dataset", "hands", "--limit", "1", "--machine", "ideal", "--versus", "els"}, "--machine network"},
		{[]string{"fingers", "--dataset", "hands", "--limit", "1", "--machine", "network", "--net", net, "--versus", "els", "--late-patch", "3"}, "one at a time"},
		{[]string{"fingers", "--dataset", "hands", "--limit", "1", "--machine", "network", "--net", net, "--versus", "els"}, "needs patch sizes"},
		{[]string{"fingers", "--dataset", "hands", "--limit", "1", "--machine", "network", "--net", net, "--versus", "bogus"}, "--versus"},
	} {
		code, _, stderr := cli(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
