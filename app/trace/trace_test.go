package trace

import (
	"context"
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mosaic/app/internal/uiqueue"
	"mosaic/model/analysis"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

func tinyRun(t *testing.T) (*machine.Machine, *sampler.Trajectory) {
	t.Helper()
	d, err := hands.Generate(20, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(d, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
	if err != nil {
		t.Fatal(err)
	}
	k := schedule.Patch{3, 3, 3, 5, 5, 7}
	tr, err := sampler.Run(context.Background(), m, sampler.Noise(7, d.C, d.H, d.W), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, tr
}

func regionPixels(r image.Rectangle, w int) []int {
	var px []int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			px = append(px, y*w+x)
		}
	}
	return px
}

func TestPanelRowsAndCommit(t *testing.T) {
	test.NewTempApp(t)
	m, tr := tinyRun(t)
	q := &uiqueue.Queue{}
	p := NewPanel()
	p.Dispatch = q.Do
	test.NewTempWindow(t, p.Content())
	rect := image.Rect(12, 8, 18, 14)

	p.Run(m, tr, rect)
	if !p.Running() {
		t.Fatal("Run did not start")
	}
	q.DrainUntil(t, "the worker", func() bool { return !p.Running() }, 2*time.Minute)
	p.Wait()
	q.Drain()

	if p.Result() == nil {
		t.Fatalf("no result; status %q", p.status.Text)
	}
	if p.Rows() != tr.N-1 {
		t.Fatalf("%d rows, want one per step (%d)", p.Rows(), tr.N-1)
	}
	for i, rw := range p.rows {
		if want := tr.N - 1 - i; rw.step != want {
			t.Errorf("row %d is step %d, want %d (t from high to low)", i, rw.step, want)
		}
	}
	want, err := analysis.TraceRegion(context.Background(), m, tr, rect, 24, DefaultTolerance, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.CommitStep() != want.Commit || p.Result().Commit != want.Commit {
		t.Errorf("commit step %d (result %d), analysis says %d", p.CommitStep(), p.Result().Commit, want.Commit)
	}
	marked := 0
	for _, rw := range p.rows {
		if rw.mark.Text != "" {
			marked++
			if rw.step != want.Commit {
				t.Errorf("row of step %d is marked, want step %d", rw.step, want.Commit)
			}
		}
	}
	if want.Commit < tr.N && marked != 1 {
		t.Errorf("%d rows marked as the commit step, want 1", marked)
	}
	for i, s := range p.Result().Steps {
		if s.Step != want.Steps[i].Step || s.K != want.Steps[i].K || len(s.PerImage) != len(want.Steps[i].PerImage) {
			t.Errorf("step row %d differs from analysis", i)
		}
	}

	// A looser tolerance can only move the commitment earlier (a larger step).
	p.SetTolerance(0.5)
	com, _ := analysis.CommitmentMap(tr, 0.5)
	if got, w := p.CommitStep(), com.RegionStep(regionPixels(rect, tr.W)); got != w {
		t.Errorf("commit at tolerance 0.5: %d, want %d", got, w)
	}
	if p.tolSel.Selected != "0.5" {
		t.Errorf("tolerance control shows %q", p.tolSel.Selected)
	}
}

func TestPanelCancelAndSupersede(t *testing.T) {
	test.NewTempApp(t)
	m, tr := tinyRun(t)
	q := &uiqueue.Queue{}
	p := NewPanel()
	p.Dispatch = q.Do

	p.Run(m, tr, image.Rect(0, 0, 32, 32))
	p.Cancel()
	p.Wait()
	q.Drain()
	if p.Result() != nil || p.Rows() != 0 || p.Running() {
		t.Fatalf("a cancelled trace was shown: rows %d", p.Rows())
	}

	p.Run(m, tr, image.Rect(0, 0, 32, 32)) // superseded below
	p.Run(m, tr, image.Rect(4, 4, 6, 6))
	q.DrainUntil(t, "the worker", func() bool { return !p.Running() }, 2*time.Minute)
	p.Wait()
	q.Drain()
	if p.Result() == nil || p.Result().Rect != image.Rect(4, 4, 6, 6) {
		t.Fatalf("shown trace %+v, want the newer region", p.Result())
	}
}

func TestPanelRejectsIncompleteTrajectory(t *testing.T) {
	test.NewTempApp(t)
	m, tr := tinyRun(t)
	p := NewPanel()
	part, _ := tr.Branch(2, tr.K)
	p.Run(m, part, image.Rect(0, 0, 2, 2))
	if p.Running() || p.status.Text == "" {
		t.Errorf("incomplete trajectory: running %v, status %q", p.Running(), p.status.Text)
	}
}

func TestCommitmentImage(t *testing.T) {
	c := &analysis.Commitment{N: 4, H: 2, W: 2, Tol: 0.1, Step: []int{4, 3, 2, 1}}
	img := CommitmentImage(c)
	want := []color.RGBA{
		{0, 0, 4, 255},          // fixed from the start: darkest
		render.Inferno(1.0 / 3), // t = 0.75
		render.Inferno(2.0 / 3), // t = 0.5
		{252, 255, 164, 255},    // decided at the last step: brightest
	}
	for p, w := range want {
		got := color.RGBAModel.Convert(img.At(p%2, p/2)).(color.RGBA)
		if got != w {
			t.Errorf("pixel %d (step %d): %v, want %v", p, c.Step[p], got, w)
		}
	}
	// Lightness rises with lateness.
	lum := func(c color.RGBA) int { return int(c.R)*3 + int(c.G)*6 + int(c.B) }
	for p := 1; p < 4; p++ {
		if lum(want[p]) <= lum(want[p-1]) {
			t.Errorf("colour of step %d is not brighter than step %d", c.Step[p], c.Step[p-1])
		}
	}
	leg := CommitmentLegend(4)
	if len(leg) != 4 || leg[0].Step != 4 || leg[3].Step != 1 || leg[0].Label != "fixed from the start" {
		t.Fatalf("legend %+v", leg)
	}
	for i, e := range leg {
		if e.Color != want[i] || e.T != float64(e.Step)/4 {
			t.Errorf("legend entry %d: %+v, want colour %v", i, e, want[i])
		}
	}
	if CommitmentImage(nil) != nil || CommitmentLegend(1) != nil {
		t.Error("degenerate inputs should give nil")
	}
	bar := CommitmentBar(4, 3)
	if b := bar.Bounds(); b.Dx() != 3 || b.Dy() != 4 {
		t.Errorf("bar bounds %v", b)
	}
}

func TestCommitmentImageOfTrajectory(t *testing.T) {
	_, tr := tinyRun(t)
	com, err := analysis.CommitmentMap(tr, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	img := CommitmentImage(com)
	for p, s := range com.Step {
		got := color.RGBAModel.Convert(img.At(p%tr.W, p/tr.W)).(color.RGBA)
		if got != CommitmentColor(s, tr.N) {
			t.Fatalf("pixel %d: %v, want colour of step %d", p, got, s)
		}
	}
}

func TestOutlined(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 4, 4))
	out := outlined(src, 3, []image.Rectangle{patchRect(1, 1, 3)}, PatchColor, 1)
	if b := out.Bounds(); b.Dx() != 12 {
		t.Fatalf("bounds %v", b)
	}
	if out.RGBAAt(0, 0) != PatchColor || out.RGBAAt(8, 8) != PatchColor {
		t.Error("outline corners missing")
	}
	if out.RGBAAt(4, 4) == PatchColor || out.RGBAAt(9, 9) == PatchColor {
		t.Error("outline drawn inside or outside the patch")
	}
}

func TestLatestRegion(t *testing.T) {
	c := &analysis.Commitment{N: 10, H: 4, W: 5, Step: []int{
		10, 10, 10, 10, 10,
		10, 10, 10, 2, 1,
		10, 10, 10, 3, 2,
		10, 10, 10, 10, 10,
	}}
	if got, want := LatestRegion(c, 2), image.Rect(3, 1, 5, 3); got != want {
		t.Errorf("LatestRegion = %v, want %v", got, want)
	}
	if got := LatestRegion(c, 9); got != image.Rect(0, 0, 5, 4) {
		t.Errorf("oversized region %v", got)
	}
}
