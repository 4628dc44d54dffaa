package gallery

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"mosaic/app/internal/uiqueue"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

func tinyHands(t *testing.T) *dataset.Dataset {
	t.Helper()
	d, err := hands.Generate(20, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newTestGallery(t *testing.T, d *dataset.Dataset, count, steps int, q *uiqueue.Queue) *Gallery {
	return New(Options{
		Data:     d,
		Spec:     machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros},
		Schedule: schedule.Constant(steps, 3),
		Seed0:    100,
		Count:    count,
		Dispatch: q.Do,
	})
}

func TestGalleryGeneratesCountsAndOpens(t *testing.T) {
	test.NewTempApp(t)
	d := tinyHands(t)
	q := &uiqueue.Queue{}
	var opened []uint64
	g := newTestGallery(t, d, 4, 5, q)
	o := g.Options()
	o.OnOpen = func(seed uint64) { opened = append(opened, seed) }
	g.SetOptions(o)
	w := test.NewTempWindow(t, g.Content())
	_ = w

	g.Generate()
	if !g.Running() {
		t.Fatal("Generate did not start a run")
	}
	q.DrainUntil(t, "the worker", func() bool { return !g.Running() }, 2*time.Minute)
	g.Wait()
	q.Drain()

	samples := g.Samples()
	if len(samples) != 4 {
		t.Fatalf("got %d samples, want 4 (status %q)", len(samples), g.status.Text)
	}
	var results []hands.Result
	for j, s := range samples {
		if s.Seed != 100+uint64(j) {
			t.Errorf("sample %d has seed %d, want %d", j, s.Seed, 100+j)
		}
		want := hands.Count(s.Trajectory.Final(), d.H, d.W)
		results = append(results, want)
		if s.Count != want {
			t.Errorf("seed %d: stored count %+v, counter says %+v", s.Seed, s.Count, want)
		}
		th := g.thumbs[j]
		if th.badge.Text != BadgeText(want) || th.badge.Hidden {
			t.Errorf("seed %d: badge %q (hidden %v), want %q", s.Seed, th.badge.Text, th.badge.Hidden, BadgeText(want))
		}
		if th.badgeBg.FillColor != BadgeColor(want) {
			t.Errorf("seed %d: badge colour %v, want %v", s.Seed, th.badgeBg.FillColor, BadgeColor(want))
		}
		if th.img.Image == nil {
			t.Errorf("seed %d: no thumbnail", s.Seed)
		}
	}
	batch, training := g.Tallies()
	wantBatch := NewTally(results)
	if !sameTally(batch, wantBatch) {
		t.Errorf("batch tally %+v, want %+v", batch, wantBatch)
	}
	wantTrain := NewTally(hands.CountDataset(d))
	if !sameTally(training, wantTrain) || training.Total != 20 {
		t.Errorf("training tally %+v, want %+v", training, wantTrain)
	}
	if g.hist.Image() == nil {
		t.Error("no histogram drawn")
	}

	test.Tap(g.thumbs[2])
	test.Tap(g.thumbs[0])
	if len(opened) != 2 || opened[0] != 102 || opened[1] != 100 {
		t.Errorf("OnOpen calls %v, want [102 100]", opened)
	}
}

func sameTally(a, b Tally) bool {
	if a.Total != b.Total || a.Unknown != b.Unknown {
		return false
	}
	for k, n := range a.Fingers {
		if b.Fingers[k] != n {
			return false
		}
	}
	for k, n := range b.Fingers {
		if a.Fingers[k] != n {
			return false
		}
	}
	return true
}

func TestGalleryCancelStopsWriting(t *testing.T) {
	test.NewTempApp(t)
	d := tinyHands(t)
	q := &uiqueue.Queue{}
	g := newTestGallery(t, d, 8, 10, q)
	g.Generate()
	// Let the first sample arrive, then cancel.
	q.DrainUntil(t, "the worker", func() bool { return len(g.Samples()) >= 1 }, 2*time.Minute)
	g.Cancel()
	if g.Running() {
		t.Fatal("still running after Cancel")
	}
	shown := len(g.Samples())
	batch, _ := g.Tallies()

	done := make(chan struct{})
	go func() { g.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the worker did not return after Cancel")
	}
	q.Drain() // anything posted before the worker noticed must be dropped
	if got := len(g.Samples()); got != shown {
		t.Errorf("%d samples after Cancel, want %d", got, shown)
	}
	if b, _ := g.Tallies(); b.Total != batch.Total {
		t.Errorf("batch tally changed after Cancel: %d -> %d", batch.Total, b.Total)
	}
	if shown >= 8 {
		t.Errorf("cancel came too late to test anything (%d samples)", shown)
	}
}

func TestGallerySupersede(t *testing.T) {
	test.NewTempApp(t)
	d := tinyHands(t)
	q := &uiqueue.Queue{}
	g := newTestGallery(t, d, 3, 5, q)
	g.Generate()
	q.DrainUntil(t, "the worker", func() bool { return len(g.Samples()) >= 1 }, 2*time.Minute)
	first := g.thumbs

	o := g.Options()
	o.Seed0, o.Count = 500, 2
	g.SetOptions(o)
	g.Generate()
	q.DrainUntil(t, "the worker", func() bool { return !g.Running() }, 2*time.Minute)
	g.Wait()
	q.Drain()

	s := g.Samples()
	if len(s) != 2 || s[0].Seed != 500 || s[1].Seed != 501 {
		t.Fatalf("samples after supersede: %d, want seeds 500 and 501", len(s))
	}
	if b, _ := g.Tallies(); b.Total != 2 {
		t.Errorf("batch tally counts %d samples, want 2", b.Total)
	}
	if len(g.grid.Objects) != 2 {
		t.Errorf("grid shows %d thumbnails, want 2", len(g.grid.Objects))
	}
	for _, th := range first[1:] {
		if th.done {
			t.Error("a thumbnail of the superseded run was filled in")
		}
	}
}

func TestGalleryReportsErrors(t *testing.T) {
	test.NewTempApp(t)
	d := tinyHands(t)
	q := &uiqueue.Queue{}
	g := newTestGallery(t, d, 2, 5, q)
	o := g.Options()
	o.Spec.Boundary = machine.Circular
	o.Schedule = schedule.Constant(5, 33) // ELS-circular needs k <= 32
	g.SetOptions(o)
	g.Generate()
	q.DrainUntil(t, "the worker", func() bool { return !g.Running() }, time.Minute)
	g.Wait()
	if len(g.Samples()) != 0 || g.status.Text == "" || g.status.Text[:6] != "Error:" {
		t.Errorf("status %q, samples %d", g.status.Text, len(g.Samples()))
	}
}

func TestTallyAndCategories(t *testing.T) {
	tl := NewTally([]hands.Result{{Fingers: 5, OK: true}, {Fingers: 6, OK: true}, {OK: false}, {Fingers: 5, OK: true}})
	if tl.Total != 4 || tl.Five() != 2 || tl.Unknown != 1 || tl.NotFive() != 0.5 {
		t.Errorf("tally %+v", tl)
	}
	labels, keys := Categories(tl, NewTally([]hands.Result{{Fingers: 9, OK: true}}))
	if labels[0] != "?" || keys[0] != -1 || keys[1] != 3 || keys[len(keys)-1] != 9 {
		t.Errorf("categories %v %v", labels, keys)
	}
	v := shares(tl, keys)
	if v[0] != 25 || v[3] != 50 || v[4] != 25 { // ?, 3, 4, 5, 6
		t.Errorf("shares %v", v)
	}
	if BadgeText(hands.Result{}) != "?" || BadgeText(hands.Result{Fingers: 6, OK: true}) != "6" {
		t.Error("badge text")
	}
	if BadgeColor(hands.Result{Fingers: 5, OK: true}) == BadgeColor(hands.Result{Fingers: 4, OK: true}) {
		t.Error("five and four share a badge colour")
	}
	c := vgimg.New(200, 150)
	HistogramPlot(tl, tl).Draw(draw.New(c))
	img := c.Image()
	if b := img.Bounds(); b.Dx() < 190 || b.Dy() < 140 {
		t.Errorf("plot image %v", b)
	}
	// Both series are drawn: pixels of each bar colour.
	for name, want := range map[string]color.RGBA{"samples": SampleColor, "training": TrainingColor} {
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if color.RGBAModel.Convert(img.At(x, y)) == want {
					n++
				}
			}
		}
		if n < 20 {
			t.Errorf("%s bars: %d pixels of their colour", name, n)
		}
	}
}

func TestPercent(t *testing.T) {
	for f, want := range map[float64]string{0: "0%", 0.003: "0.3%", 0.25: "25%", 0.9975: "99.8%", 1: "100%"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%v) = %q, want %q", f, got, want)
		}
	}
}
