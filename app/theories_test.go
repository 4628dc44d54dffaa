package app

import (
	"path/filepath"
	"strings"
	"testing"

	"mosaic/model/machine"
	"mosaic/model/network"
)

// TestWindowWienerMachine switches the window to the Wiener machine from
// the controls and checks what a user sees: the patch-size controls off
// with the reason, a trajectory, the filter row in the inspector, a note
// instead of the mosaic map, and the spectrum chart.
func TestWindowWienerMachine(t *testing.T) {
	w := newTestWindow(t)
	c := w.controls
	c.machine.SetSelected("Wiener")
	if w.settings().Machine != "wiener" {
		t.Fatalf("settings.Machine = %q after picking Wiener", w.settings().Machine)
	}
	if !c.boundary.Disabled() || !c.mode.Disabled() || c.modeBox.Visible() {
		t.Error("the boundary and patch-size controls stay on for a machine without patches")
	}
	if !c.patchNote.Visible() || !strings.Contains(c.patchNote.Text, "no patch size") {
		t.Errorf("patch note %q (visible %v)", c.patchNote.Text, c.patchNote.Visible())
	}
	waitFor(t, "the Wiener trajectory", func() bool {
		return w.res != nil && w.res.Complete && w.res.Machine.Spec().Kind == machine.Wiener
	})
	w.setStep(3)
	w.selectPixel(Pixel{4, 4})
	waitFor(t, "the filter row", func() bool { return w.ins != nil && w.ins.Filter != nil && w.ins.Query.Step == 3 })
	if len(w.ins.Filter) != 64 || w.ins.FilterImage == nil || !(w.ins.FilterLimit > 0) {
		t.Fatalf("filter row of %d values, limit %v", len(w.ins.Filter), w.ins.FilterLimit)
	}
	// The row agrees with the machine's own FilterRow.
	row, err := w.res.Machine.FilterRow(t.Context(), w.res.Traj.Time(3), 0, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	for j, v := range row {
		if d := v - w.ins.Filter[j]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("filter value %d: panel %v, machine %v", j, w.ins.Filter[j], v)
		}
	}
	if !w.inspect.filterBox.Visible() || w.inspect.patches.Visible() {
		t.Error("the inspector shows patches instead of the filter row")
	}
	if !strings.Contains(w.inspect.title.Text, "Wiener filter") {
		t.Errorf("inspector title %q", w.inspect.title.Text)
	}
	if r := RenderView(w.res, 3, ViewMosaic); r.Image != nil || !strings.Contains(r.Note, "copies no training image") {
		t.Errorf("mosaic view of the Wiener machine: image %v, note %q", r.Image != nil, r.Note)
	}
	// The spectrum is drawn from the cached eigendecomposition.
	p := SpectrumPlot(nil, 0.5)
	if !strings.Contains(p.Title.Text, "eigen-spectrum") {
		t.Errorf("empty spectrum title %q", p.Title.Text)
	}
	st, err := w.res.Machine.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p = SpectrumPlot(st.Eigen.Values, 0.5)
	if !strings.Contains(p.Title.Text, "t = 0.50") {
		t.Errorf("spectrum title %q", p.Title.Text)
	}
}

// TestWindowPCALocalityMachine checks the PCA-locality controls (tau and
// temperature), the inspector's images and neighbourhood, the outline on
// the image, and compare mode with PCA-locality on side B.
func TestWindowPCALocalityMachine(t *testing.T) {
	w := newTestWindow(t)
	c := w.controls
	if c.pcaBox.Visible() {
		t.Error("tau and temperature are shown for ELS")
	}
	c.machine.SetSelected("PCA-locality")
	if !c.pcaBox.Visible() || c.tau.Text != "0.02" || c.temp.Text != "1" {
		t.Fatalf("PCA controls visible %v, tau %q, temperature %q", c.pcaBox.Visible(), c.tau.Text, c.temp.Text)
	}
	c.tau.SetText("0.05")
	c.tau.OnCommit("0.05")
	if w.settings().Tau != 0.05 || w.settings().Temperature != 1 {
		t.Fatalf("settings tau %v temperature %v", w.settings().Tau, w.settings().Temperature)
	}
	waitFor(t, "the PCA-locality trajectory", func() bool {
		return w.res != nil && w.res.Complete && w.res.Machine.Spec() == machine.Spec{Kind: machine.PCALocality, Tau: 0.05, Temperature: 1}
	})
	// A bad tau is refused with a message and changes nothing.
	c.tau.SetText("2")
	c.tau.OnCommit("2")
	if w.settings().Tau != 0.05 || !strings.Contains(w.status.Text(), "tau") {
		t.Errorf("tau 2: settings %v, status %q", w.settings().Tau, w.status.Text())
	}
	w.setStep(2)
	w.selectPixel(Pixel{3, 3})
	waitFor(t, "the PCA inspection", func() bool { return w.ins != nil && w.ins.Hood != nil && w.ins.Query.Step == 2 })
	ins := w.ins
	if ins.Attr.Candidates != 12 || len(ins.Attr.Top) == 0 || len(ins.Patches) != len(ins.Attr.Top) {
		t.Fatalf("candidates %d, top %d, patches %d", ins.Attr.Candidates, len(ins.Attr.Top), len(ins.Patches))
	}
	mask, err := w.res.Machine.Neighbourhood(t.Context(), w.res.Traj.Time(2), 0, 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, in := range mask {
		if in {
			n++
		}
		if in != ins.Hood[p] {
			t.Fatalf("neighbourhood value %d: panel %v, machine %v", p, ins.Hood[p], in)
		}
	}
	if ins.HoodSize != n || !strings.Contains(w.inspect.summary.Text, "effective number of images") {
		t.Errorf("hood size %d of %d; summary %q", ins.HoodSize, n, w.inspect.summary.Text)
	}
	if w.hoodOverlay() == nil {
		t.Fatal("no neighbourhood outline for the selected pixel")
	}
	w.setStep(5)
	if w.hoodOverlay() != nil {
		t.Error("the outline of step 2 is drawn at step 5")
	}
	// Compare: ELS on side B against PCA-locality on side A.
	w.cmp.machine.SetSelected("ELS")
	w.cmp.setOn(true)
	waitFor(t, "side B", func() bool { return w.cmp.res != nil && w.cmp.res.Complete && w.cmp.res.Settings.Machine == "els" })
	if w.cmp.bound.Disabled() {
		t.Error("B's boundary is off for ELS")
	}
	w.cmp.machine.SetSelected("Wiener")
	waitFor(t, "side B Wiener", func() bool { return w.cmp.res != nil && w.cmp.res.Complete && w.cmp.res.Settings.Machine == "wiener" })
	if !w.cmp.bound.Disabled() {
		t.Error("B's boundary is on for Wiener")
	}
	if !strings.HasPrefix(w.cmp.titleA.Text, "A: PCA-locality (tau 0.05)") {
		t.Errorf("title A %q", w.cmp.titleA.Text)
	}
	w.cmp.setOn(false)
}

func TestDecadeTicks(t *testing.T) {
	var labels []string
	for _, tk := range (decadeTicks{}).Ticks(1e-6, 1.5) {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "1e-06 1e-05 0.0001 0.001 0.01 0.1 1" {
		t.Fatalf("ticks %q", got)
	}
	if len((decadeTicks{}).Ticks(0, 1)) != 0 {
		t.Fatal("ticks on a range that includes 0")
	}
}

// TestWindowNetworkMachine opens a network checkpoint as the machine: its
// trajectory streams like a machine's, the inspector says it has no
// weights, and a checkpoint trained at another size is refused with the
// previous machine kept.
func TestWindowNetworkMachine(t *testing.T) {
	w := newTestWindow(t)
	dir := t.TempDir()
	save := func(name string, size int) string {
		net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: 16, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 2, ImageSize: size}, 1)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := network.SaveSafetensors(path, net); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good, wrong := save("toy8.safetensors", 8), save("big16.safetensors", 16)
	w.controls.useNetwork(good)
	waitFor(t, "the network trajectory", func() bool {
		return w.res != nil && w.res.Complete && w.res.Machine.Spec().Kind == machine.Network
	})
	c := w.controls
	if c.machine.Selected != "Network" || !c.netBox.Visible() || c.netSel.Selected != "file: toy8.safetensors" || !c.mode.Disabled() {
		t.Errorf("controls: machine %q, net box %v %q, mode disabled %v", c.machine.Selected, c.netBox.Visible(), c.netSel.Selected, c.mode.Disabled())
	}
	if got := StepLabel(w.res, 3); got != "t=0.38" {
		t.Errorf("step label %q", got)
	}
	w.setStep(3)
	w.selectPixel(Pixel{2, 2})
	waitFor(t, "the network inspection", func() bool { return w.ins != nil && w.ins.Note != "" })
	if !strings.Contains(w.inspect.summary.Text, "no patch weights") {
		t.Errorf("inspector summary %q", w.inspect.summary.Text)
	}
	if r := RenderView(w.res, 3, ViewEffective); r.Image != nil || !strings.Contains(r.Note, "trained network") {
		t.Errorf("effective view of a network: note %q", r.Note)
	}
	// A network trained at 16x16 does not fit the 8x8 data: refused.
	c.useNetwork(wrong)
	waitFor(t, "the refusal", func() bool { return strings.Contains(w.status.Text(), "trained on 16x16") })
	waitFor(t, "the settings restored", func() bool { return w.settings().Network == good })
}
