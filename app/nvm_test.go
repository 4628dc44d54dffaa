package app

import (
	"fmt"
	"image"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mosaic/internal/golden"
	mcompare "mosaic/model/compare"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

// saveToyNetwork writes a random 8x8 ResNet (2 layers, width 16) to a
// temporary safetensors file and returns its path.
func saveToyNetwork(t *testing.T) string {
	t.Helper()
	net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 16, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 2, ImageSize: 8}, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "toy8.safetensors")
	if err := network.SaveSafetensors(path, net); err != nil {
		t.Fatal(err)
	}
	return path
}

// newNetworkWindow opens the test window on the toy network.
func newNetworkWindow(t *testing.T) *Window {
	t.Helper()
	w := newTestWindow(t)
	w.controls.useNetwork(saveToyNetwork(t))
	waitFor(t, "the network trajectory", func() bool { return isNetworkResult(w.res) })
	return w
}

// alongComplete waits until side B along the network and the r^2 chart
// are complete for the result on screen.
func alongComplete(t *testing.T, w *Window) {
	t.Helper()
	waitFor(t, "side B along the network", func() bool {
		a := w.cmp.alongResult()
		return a != nil && a.Complete && a.Settings.Machine == machineName(w.cmp.machine.Selected)
	})
}

// machineAlong evaluates machine name (boundary b) at the network's x_i
// of w's result with k, independently of the app's runner.
func machineAlong(t *testing.T, w *Window, name string, i, k int) []float64 {
	t.Helper()
	s := w.settings()
	s.Machine = name
	m, _, err := w.lib.Machine(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Prepare(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	st, err := m.Step(t.Context(), w.res.Traj.X[i], w.res.Traj.Time(i), k)
	if err != nil {
		t.Fatal(err)
	}
	return st.D
}

// TestNetworkVsMachine enters Network vs machine on a trained network and
// checks what is shown: the step's r^2 (equal to compare.R2 of the two
// denoised images), side B's machine at the network's x_t, the residual
// view, the inspector's answer at the network's x_t, and the r^2 chart
// with one series per machine.
func TestNetworkVsMachine(t *testing.T) {
	w := newNetworkWindow(t)
	if !w.controls.netSel.Visible() || !strings.HasPrefix(w.controls.netInfo.Text, "ResNet · width 16 · 2 layers · zeros padding · 8x8 images") {
		t.Errorf("network picker visible %v, info %q", w.controls.netSel.Visible(), w.controls.netInfo.Text)
	}
	w.setStep(4)
	test.Tap(w.cmp.vsCheck)
	if !w.cmp.on || !w.cmp.vsNet || w.cmp.machine.Selected != "ELS" {
		t.Fatalf("compare on %v, network vs machine %v, B %q", w.cmp.on, w.cmp.vsNet, w.cmp.machine.Selected)
	}
	// The schedule editor is side B's now.
	if !w.controls.modeBox.Visible() || !strings.Contains(w.controls.patchNote.Text, "side B") {
		t.Errorf("schedule controls visible %v, note %q", w.controls.modeBox.Visible(), w.controls.patchNote.Text)
	}
	alongComplete(t, w)
	a := w.cmp.alongResult()
	k, _ := w.settings().Schedule()
	netD := w.res.Traj.Steps[4].D
	machD := machineAlong(t, w, "els", 4, k[4])
	want := mcompare.R2(netD, machD)
	if got := a.R2[4]; math.Abs(got-want) > 1e-12 {
		t.Fatalf("r² at step 4: %v, compare.R2 of the two D's %v", got, want)
	}
	if label := w.cmp.r2.Text; !strings.HasPrefix(label, fmt.Sprintf("r² = %.3f", want)) || !strings.Contains(label, fmt.Sprintf("k = %d", k[4])) {
		t.Errorf("r² label %q, want r² = %.3f with k = %d", label, want, k[4])
	}
	if !slices.Equal(a.Traj.Steps[4].D, machD) || &a.Traj.X[4][0] != &w.res.Traj.X[4][0] {
		t.Error("side B is not the machine at the network's x_4")
	}
	// Side B shows the machine's D_t in the D view.
	w.setView(ViewD)
	if got, want := w.cmp.image.Image(), w.renders.get(a, 4, ViewD, w.state.Tolerance()).Image; got == nil || got != want {
		t.Error("side B does not show the machine's D_t")
	}
	// The residual view: D_net - D_machine on a symmetric diverging scale.
	w.setView(ViewResidual)
	res := make([]float64, len(netD))
	for p := range res {
		res[p] = netD[p] - machD[p]
	}
	lim := render.SymmetricLimit(res)
	wantImg := render.Diverging(res, 8, 8, lim)
	if d := imageDiff(w.cmp.image.Image(), wantImg); d != "" {
		t.Errorf("residual view: %s", d)
	}
	if !w.cmp.scale.Visible() || w.cmp.scale == nil {
		t.Error("no colour bar under the residual")
	}
	rv := RenderView(a, 4, ViewResidual)
	if rv.Legend.Min != -lim || rv.Legend.Max != lim {
		t.Errorf("residual scale [%v, %v], want ±%v", rv.Legend.Min, rv.Legend.Max, lim)
	}
	if r := RenderView(w.res, 4, ViewResidual); r.Image == nil || !strings.Contains(r.Note, "network's D_t") {
		t.Errorf("side A under the residual view: note %q", r.Note)
	}
	if got := Readout(a, 4, ViewResidual, 2, 3); !strings.Contains(got, fmt.Sprintf("%+.3f", res[2*8+3])) {
		t.Errorf("residual readout %q, want %+.3f", got, res[2*8+3])
	}
	// The inspector answers for the machine at the network's x_t.
	w.selectPixel(Pixel{2, 3})
	waitFor(t, "the inspection along the network", func() bool {
		return w.ins != nil && w.ins.Query.Res != nil && w.ins.Query.Res.Reference != nil && w.ins.Query.Row == 2 && w.ins.Query.Step == 4
	})
	ins := w.ins
	if len(ins.NetValue) != 1 || ins.NetValue[0] != netD[2*8+3] || math.Abs(ins.Attr.Value[0]-machD[2*8+3]) > 1e-6 {
		t.Errorf("inspector: network %v (want %v), machine %v (want %v)", ins.NetValue, netD[2*8+3], ins.Attr.Value, machD[2*8+3])
	}
	if len(ins.Attr.Top) == 0 || !strings.Contains(w.inspect.summary.Text, "network D =") || !strings.Contains(w.inspect.title.Text, "at the network's x_t") {
		t.Errorf("inspector: %d patches, title %q, summary %q", len(ins.Attr.Top), w.inspect.title.Text, w.inspect.summary.Text)
	}
	// The r^2 chart: one series per machine, each equal to compare.R2.
	waitFor(t, "the r² chart", func() bool { ch := w.cmp.r2Chart(); return ch != nil && ch.Complete })
	ch := w.cmp.r2Chart()
	if want := []string{"IS", "LS (zeros)", "ELS (zeros)", "Wiener", "PCA-locality"}; !slices.Equal(ch.Names, want) || len(ch.R2) != 5 {
		t.Fatalf("chart series %q (%d rows), want %q", ch.Names, len(ch.R2), want)
	}
	for j, name := range []string{"ideal", "ls", "els", "wiener", "pca-locality"} {
		if got, want := ch.R2[j][4], mcompare.R2(netD, machineAlong(t, w, name, 4, k[4])); math.Abs(got-want) > 1e-12 {
			t.Errorf("chart %s at step 4: %v, want %v", ch.Names[j], got, want)
		}
	}
	if ch.R2[2][4] != a.R2[4] {
		t.Error("the chart's ELS series differs from side B")
	}
	if w.charts.in.r2 != ch {
		t.Error("the charts panel was not given the r² chart")
	}
	// It is cached: entering the mode again delivers it at once.
	if w.cmp.nvm.CachedChart(w.res, w.cmp.settingsB(w.settings())) == nil {
		t.Fatal("the complete chart is not cached")
	}
	test.Tap(w.cmp.vsCheck)
	w.cmp.chart = nil
	test.Tap(w.cmp.vsCheck)
	if w.cmp.chart == nil || !w.cmp.chart.Complete || w.cmp.chartCancel.Visible() {
		t.Error("re-entering Network vs machine did not show the cached chart")
	}
	// A schedule change does not recompute the network (it has no patch
	// size), only side B.
	before := w.res
	k2 := slices.Clone([]int(k))
	k2[4] = 1
	w.controls.editor.OnChanged(k2, 4)
	waitFor(t, "side B with the new schedule", func() bool {
		a := w.cmp.alongResult()
		return a != nil && a.Complete && a.Traj.K[4] == 1
	})
	if w.res != before {
		t.Error("a schedule change recomputed the network's trajectory")
	}
	if got, want := w.cmp.alongResult().R2[4], mcompare.R2(netD, machineAlong(t, w, "els", 4, 1)); math.Abs(got-want) > 1e-12 {
		t.Errorf("r² at step 4 with k = 1: %v, want %v", got, want)
	}
}

// imageDiff describes the first pixel where two images differ ("" when
// they are equal).
func imageDiff(got, want image.Image) string {
	if got == nil {
		return "no image"
	}
	if got.Bounds() != want.Bounds() {
		return fmt.Sprintf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return fmt.Sprintf("pixel (%d, %d) is %v, want %v", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
	return ""
}

// TestNetworkVsMachineCalibrate runs the Calibrate action: the schedule it
// puts into the editor is compare.Calibrate's on the seeds it names, and
// the r^2 gained is reported; a cancelled calibration changes nothing.
func TestNetworkVsMachineCalibrate(t *testing.T) {
	w := newNetworkWindow(t)
	test.Tap(w.cmp.vsCheck)
	alongComplete(t, w)
	seeds, kmax := calibrationPlan(w.settings().Seed, 8, 8)
	if !slices.Equal(seeds, []uint64{1, 2, 3}) || kmax != 7 {
		t.Fatalf("calibration plan: seeds %v, kmax %d", seeds, kmax)
	}
	if !strings.Contains(w.cmp.calNote.Text, "seeds 1–3") {
		t.Errorf("the seeds are not named: %q", w.cmp.calNote.Text)
	}
	old := w.settings()
	// Cancel at once: nothing changes.
	test.Tap(w.cmp.calButton)
	if !w.cmp.calCancel.Visible() || !w.cmp.calBar.Visible() || !w.cmp.calButton.Disabled() {
		t.Error("no progress bar and cancel button while calibrating")
	}
	test.Tap(w.cmp.calCancel)
	w.cmp.nvm.cal.Wait()
	ui.Drain()
	if !sameSettings(w.settings(), old) || !strings.Contains(w.cmp.calNote.Text, "cancelled") || w.cmp.calButton.Disabled() {
		t.Fatalf("a cancelled calibration: settings changed %v, note %q", !sameSettings(w.settings(), old), w.cmp.calNote.Text)
	}
	// Run it (on step 3, whose k the controls name).
	w.setStep(3)
	test.Tap(w.cmp.calButton)
	waitFor(t, "the calibration", func() bool { return strings.HasPrefix(w.cmp.calNote.Text, "calibrated") })
	// The same calibration by hand.
	net := w.res
	noises := [][]float64{}
	for _, s := range seeds {
		noises = append(noises, sampler.Noise(s, 1, 8, 8))
	}
	trs, err := mcompare.Trajectories(t.Context(), net.Machine, noises, 8)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := w.lib.Machine(w.cmp.settingsB(old))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := mcompare.Calibrate(t.Context(), trs, m, kmax, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := w.settings()
	if s.Mode != ScheduleCustom || !slices.Equal(s.Custom, []int(cal.K)) {
		t.Fatalf("settings schedule %v %v, compare.Calibrate %v", s.Mode, s.Custom, cal.K)
	}
	if !slices.Equal(w.controls.editor.Schedule(), []int(cal.K)) {
		t.Errorf("the editor shows %v, want %v", w.controls.editor.Schedule(), cal.K)
	}
	if want := fmt.Sprintf("k = %d", cal.K[3]); !strings.HasSuffix(w.controls.stepK.Text, want) {
		t.Errorf("step label %q, want %q", w.controls.stepK.Text, want)
	}
	oldK, _ := old.Schedule()
	before, err := mcompare.Evaluate(t.Context(), trs, m, oldK, nil)
	if err != nil {
		t.Fatal(err)
	}
	after, err := mcompare.Evaluate(t.Context(), trs, m, cal.K, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("median r² %s → %s", fmtR2(before.Overall()), fmtR2(after.Overall()))
	if !strings.Contains(w.cmp.calNote.Text, want) {
		t.Errorf("note %q lacks %q", w.cmp.calNote.Text, want)
	}
	// Side B follows the calibrated schedule.
	waitFor(t, "side B with the calibrated schedule", func() bool {
		a := w.cmp.alongResult()
		return a != nil && a.Complete && slices.Equal([]int(a.Traj.K), []int(cal.K))
	})
}

// TestNetworkVsMachineNeedsANetwork checks the mode's messages without a
// network on side A, and the chart's cancel button.
func TestNetworkVsMachineNeedsANetwork(t *testing.T) {
	w := newTestWindow(t)
	test.Tap(w.cmp.vsCheck)
	if !strings.Contains(w.cmp.r2.Text, "choose the Network machine") || w.cmp.alongResult() != nil {
		t.Errorf("r² line %q without a network", w.cmp.r2.Text)
	}
	if r := RenderView(w.res, 3, ViewResidual); r.Image != nil || r.Note != residualNote {
		t.Errorf("residual of a machine: %q", r.Note)
	}
	test.Tap(w.cmp.vsCheck) // off
	w.controls.useNetwork(saveToyNetwork(t))
	waitFor(t, "the network", func() bool { return isNetworkResult(w.res) })
	test.Tap(w.cmp.vsCheck) // on: the chart is asked for
	// Cancel it before anything of it is shown: whatever it computed is
	// never delivered.
	if !w.cmp.chartCancel.Visible() {
		t.Fatal("no cancel button while the r² chart is computed")
	}
	test.Tap(w.cmp.chartCancel)
	w.cmp.nvm.Wait()
	ui.Drain()
	if w.cmp.chart != nil || !strings.Contains(w.cmp.chartNote.Text, "cancelled") || w.cmp.chartCancel.Visible() {
		t.Errorf("after cancelling the chart: chart %v, note %q", w.cmp.chart != nil, w.cmp.chartNote.Text)
	}
	if w.cmp.alongResult() == nil || !w.cmp.alongResult().Complete {
		t.Error("cancelling the chart stopped side B")
	}
	test.Tap(w.cmp.vsCheck)
	if w.controls.modeBox.Visible() {
		t.Error("the schedule controls stay on for a network without side B")
	}
}

func TestAlongOrder(t *testing.T) {
	if got := alongOrder(6, 3); !slices.Equal(got, []int{3, 5, 4, 2, 1}) {
		t.Errorf("focus 3: %v", got)
	}
	if got := alongOrder(4, 0); !slices.Equal(got, []int{1, 3, 2}) {
		t.Errorf("focus 0: %v", got)
	}
}

func TestNetworkSummary(t *testing.T) {
	got := NetworkSummary(network.Info{Arch: "resnet", Channels: 1, Padding: "zeros", EmbDim: 32, Layers: 6, ImageSize: 32, Params: 63681})
	if want := "ResNet · width 32 · 6 layers · zeros padding · 32x32 images · 63,681 parameters"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// toyAlong is a synthetic result of a machine along a network: 4x4
// images, 3 steps, D_net a ramp and D_machine its mirror.
func toyAlong() *Result {
	const n, h, w = 3, 4, 4
	mk := func(f func(p int) float64) *sampler.Trajectory {
		tr := &sampler.Trajectory{N: n, C: 1, H: h, W: w, K: schedule.Constant(n, 3), X: make([][]float64, n), Steps: make([]*machine.Step, n), Eps: make([][]float64, n)}
		for i := range n {
			tr.X[i] = make([]float64, h*w)
			if i > 0 {
				d := make([]float64, h*w)
				for p := range d {
					d[p] = f(p) * float64(i)
				}
				tr.Steps[i] = &machine.Step{D: d, Heaviest: make([]machine.Source, h*w), Effective: make([]float64, h*w)}
			}
		}
		return tr
	}
	net := &Result{Traj: mk(func(p int) float64 { return float64(p)/15*2 - 1 }), Complete: true}
	return &Result{Traj: mk(func(p int) float64 { return float64(p%4)/3 - 0.5 }), Complete: true, Reference: net, Stale: make([]bool, n)}
}

func TestGoldenNetworkVsMachine(t *testing.T) {
	test.NewTempApp(t)
	r := RenderView(toyAlong(), 2, ViewResidual)
	golden.Image(t, "view-residual.png", r.Image)
	r2 := [][]float64{
		{math.NaN(), -0.40, -0.43, -0.45, -0.55, -0.62, -0.50, -0.16, -0.12, -0.12},
		{math.NaN(), 0.59, 0.46, 0.45, 0.23, 0.10, 0.02, -0.31, -0.18, -0.13},
		{math.NaN(), 0.98, 0.96, 0.82, 0.56, 0.31, 0.28, 0.03, -0.10, -0.12},
		{math.NaN(), 0.59, 0.51, 0.38, 0.29, 0.19, 0.12, 0.03, -0.17, -0.14},
		{math.NaN(), -0.89, -0.56, -0.45, -0.43, -0.50, -1.60, -0.11, -0.19, -0.14},
	}
	ch := &R2Chart{Seed: 1, Names: []string{"IS", "LS (zeros)", "ELS (zeros)", "Wiener", "PCA-locality"}, R2: r2, Done: 45, Total: 45, Complete: true}
	golden.Plot(t, "chart-r2.png", renderChart(R2Plot(ch, 3)), 16, 0.002)
}
