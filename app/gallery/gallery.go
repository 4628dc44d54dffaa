// Package gallery is Mosaic's "Hands gallery" (issue 5): it generates a
// batch of samples under the current machine settings, shows each one as a
// crisp thumbnail with its finger count as a badge, and compares the
// batch's distribution of finger counts with the training set's in a bar
// chart. Clicking a sample asks the main app to open its trajectory.
//
// Threading: New, Content, Generate, Cancel, SetOptions and every accessor
// must be called on the Fyne UI goroutine. Sampling runs on a worker
// goroutine, one per Generate; a newer Generate or Cancel supersedes it and
// its results are dropped, and results come back through Options.Dispatch
// (fyne.Do by default).
package gallery

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"mosaic/app/internal/worker"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
	"mosaic/widgets"
)

// DefaultCount is the number of samples a gallery generates when
// Options.Count is not set.
const DefaultCount = 24

// Options configures a gallery.
type Options struct {
	// Data is the training set (e.g. the built-in hands), already
	// restricted to the wanted class.
	Data *dataset.Dataset
	// Spec is the machine (kind and boundary).
	Spec machine.Spec
	// Schedule is the patch-size schedule, one entry per step.
	Schedule schedule.Patch
	// Network, when set, is a trained network (a machine of kind
	// machine.Network) whose own sample from every seed is drawn beside
	// the machine's: the gallery's network column. It takes the
	// schedule's number of steps and ignores its patch sizes.
	Network *machine.Machine
	// Seed0 is the seed of the first sample; sample j uses Seed0+j.
	Seed0 uint64
	// Count is the number of samples (DefaultCount when <= 0).
	Count int
	// OnOpen is called on the UI goroutine with a sample's seed when the
	// user clicks it: the main app opens that sample's trajectory.
	OnOpen func(seed uint64)
	// OnOpenNetwork, if set, is called like OnOpen when the user clicks a
	// sample of the network column.
	OnOpenNetwork func(seed uint64)
	// OnDone, if set, is called on the UI goroutine when a batch finishes
	// (not when it is cancelled or fails), with its samples in seed order.
	OnDone func(samples []*Sample)
	// Dispatch runs a function on the UI goroutine; nil means fyne.Do.
	// Tests inject a queue that they drain themselves. New reads it once:
	// SetOptions does not change it.
	Dispatch func(func())
}

// Sample is one finished sample of the gallery.
type Sample struct {
	// Seed is the seed of its initial noise (sampler.Noise).
	Seed uint64
	// Trajectory is the whole sampler run; callers must not modify it.
	Trajectory *sampler.Trajectory
	// Image is the rendered final image x_0.
	Image image.Image
	// Count is the finger counter's verdict on x_0.
	Count hands.Result
	// Network is the network's sample from the same seed (nil without
	// Options.Network).
	Network *NetworkSample
}

// NetworkSample is the network column's sample of one seed.
type NetworkSample struct {
	Trajectory *sampler.Trajectory
	Image      image.Image
	Count      hands.Result
}

// Gallery is the hands gallery panel. Build it with New.
type Gallery struct {
	opts Options

	// UI state (UI goroutine only).
	running  bool
	samples  []*Sample // by index j (seed Seed0+j), nil until finished
	thumbs   []*thumb
	netThumb []*thumb // the network column, nil without Options.Network
	batch    Tally
	netBatch Tally // the network column's counts
	training *Tally
	trainFor *dataset.Dataset // the data set training was counted for

	work worker.Worker // samples a batch; a newer batch supersedes it

	content   fyne.CanvasObject
	title     *widget.Label
	grid      *fyne.Container
	progress  *widget.ProgressBar
	status    *widget.Label
	generate  *widget.Button
	stop      *widget.Button
	hist      *widgets.PlotView
	batchText *widget.Label
	trainText *widget.Label
	notFive   *canvas.Text
}

// New returns a gallery for the given settings. It does not start
// generating: call Generate (ShowWindow does).
func New(opts Options) *Gallery {
	g := &Gallery{opts: opts}
	g.work.Dispatch = opts.Dispatch // fixed for the gallery's life
	if g.opts.Count <= 0 {
		g.opts.Count = DefaultCount
	}
	g.build()
	return g
}

// Options returns the gallery's current settings.
func (g *Gallery) Options() Options { return g.opts }

// SetOptions replaces the settings (for example after the user changed the
// machine or the schedule in the main window). It cancels a running batch
// but does not start a new one: call Generate.
func (g *Gallery) SetOptions(opts Options) {
	g.Cancel()
	if opts.Count <= 0 {
		opts.Count = DefaultCount
	}
	g.opts = opts
	g.title.SetText(g.describe())
}

func (g *Gallery) describe() string {
	o := g.opts
	name := "no data"
	if o.Data != nil {
		name = fmt.Sprintf("%s (%d images)", o.Data.Name, o.Data.M)
	}
	vs := ""
	if o.Network != nil {
		vs = fmt.Sprintf(" beside %v", o.Network.Spec())
	}
	return fmt.Sprintf("%s · %v%s · %d steps · %d samples, seeds %d–%d", name, o.Spec, vs, len(o.Schedule), o.Count, o.Seed0, o.Seed0+uint64(o.Count)-1)
}

func (g *Gallery) build() {
	g.title = widget.NewLabel(g.describe())
	g.title.Truncation = fyne.TextTruncateEllipsis
	g.progress = widget.NewProgressBar()
	g.status = widget.NewLabel("Press Generate to sample a batch.")
	g.generate = widget.NewButtonWithIcon("Generate", theme.MediaPlayIcon(), g.Generate)
	g.generate.Importance = widget.HighImportance
	g.stop = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), g.Cancel)
	g.stop.Disable()

	g.grid = container.NewGridWrap(fyne.NewSize(thumbSide+16, thumbSide+40))
	g.hist = widgets.NewPlotView(g.histogram)
	g.hist.SetMinSize(fyne.NewSize(histW, histH))
	g.notFive = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	g.notFive.TextSize = theme.TextSize() * 2
	g.notFive.TextStyle.Bold = true
	g.batchText = widget.NewLabel("")
	g.batchText.Wrapping = fyne.TextWrapWord
	g.trainText = widget.NewLabel("")
	g.trainText.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel("Click a sample to open its trajectory in the main view.")
	hint.Wrapping = fyne.TextWrapWord

	side := container.NewVBox(g.hist, g.notFive, g.batchText, g.trainText, hint)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(g.generate, g.stop), g.title)
	bottom := container.NewBorder(nil, nil, nil, nil, container.NewVBox(g.progress, g.status))
	split := container.NewHSplit(container.NewVScroll(g.grid), container.NewVScroll(container.NewPadded(side)))
	split.Offset = 0.6
	g.content = container.NewBorder(top, bottom, nil, nil, split)
	g.refreshSummary()
}

// histW and histH are the size of the histogram in Fyne units.
const histW, histH = 440, 320

// Content returns the panel to put in a window or a tab.
func (g *Gallery) Content() fyne.CanvasObject { return g.content }

// ShowWindow opens the gallery in a new window of app a, starts generating
// and returns the window. Closing the window cancels the batch.
func (g *Gallery) ShowWindow(a fyne.App) fyne.Window {
	w := a.NewWindow("Hands gallery")
	w.SetContent(g.Content())
	w.Resize(fyne.NewSize(1280, 820))
	w.SetOnClosed(g.Cancel)
	w.Show()
	g.Generate()
	return w
}

// Running reports whether a batch is being generated.
func (g *Gallery) Running() bool { return g.running }

// Samples returns the finished samples in seed order (unfinished ones are
// left out).
func (g *Gallery) Samples() []*Sample {
	var out []*Sample
	for _, s := range g.samples {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Sample returns the finished sample with the given seed, or nil.
func (g *Gallery) Sample(seed uint64) *Sample {
	for _, s := range g.samples {
		if s != nil && s.Seed == seed {
			return s
		}
	}
	return nil
}

// Tallies returns the finger counts of the finished samples of the
// current batch and of the training set (the latter zero until counted).
func (g *Gallery) Tallies() (batch, training Tally) {
	if g.training != nil {
		training = *g.training
	}
	return g.batch, training
}

// Wait blocks until every worker has returned, cancelled or not. It is for
// tests and shutdown; do not call it on the UI goroutine while a worker
// may still be waiting for the UI (with a synchronous Dispatch).
func (g *Gallery) Wait() { g.work.Wait() }

// Cancel stops the running batch, if any. Results it has not delivered yet
// are dropped; the samples already shown stay.
func (g *Gallery) Cancel() {
	g.work.Cancel()
	if g.running {
		g.running = false
		g.status.SetText(fmt.Sprintf("Cancelled after %d of %d samples.", len(g.Samples()), len(g.samples)))
	}
	g.generate.Enable()
	g.stop.Disable()
}

// Generate starts a new batch with the current options, superseding any
// running one: the grid is cleared and samples appear as they finish.
func (g *Gallery) Generate() {
	g.Cancel()
	o := g.opts
	g.title.SetText(g.describe())
	g.samples = make([]*Sample, o.Count)
	g.thumbs = make([]*thumb, o.Count)
	g.netThumb = nil
	g.batch = Tally{Fingers: map[int]int{}}
	g.netBatch = Tally{Fingers: map[int]int{}}
	g.grid.RemoveAll()
	cell := fyne.NewSize(thumbSide+16, thumbSide+40)
	if o.Network != nil {
		g.netThumb = make([]*thumb, o.Count)
		cell.Width = 2*thumbSide + 40
	}
	g.grid.Layout = layout.NewGridWrapLayout(cell)
	for j := range o.Count {
		seed := o.Seed0 + uint64(j)
		open := func() {
			if g.opts.OnOpen != nil {
				g.opts.OnOpen(seed)
			}
		}
		if o.Network == nil {
			t := newThumb(seed, fmt.Sprintf("seed %d", seed))
			t.onTap = open
			g.thumbs[j] = t
			g.grid.Add(t)
			continue
		}
		// A cell of the network column: the machine's sample and the
		// network's from the same seed, side by side.
		t := newThumb(seed, fmt.Sprintf("%d · %s", seed, o.Spec.Kind.Title()))
		t.onTap = open
		n := newThumb(seed, fmt.Sprintf("%d · network", seed))
		n.onTap = func() {
			if g.opts.OnOpenNetwork != nil {
				g.opts.OnOpenNetwork(seed)
			}
		}
		g.thumbs[j], g.netThumb[j] = t, n
		// A frame holds the pair, so that on a projector no one pairs a
		// seed's network sample with the next seed's machine sample.
		frame := canvas.NewRectangle(color.Transparent)
		frame.StrokeColor = theme.Color(theme.ColorNameSeparator)
		frame.StrokeWidth = 2
		frame.CornerRadius = 6
		g.grid.Add(container.NewStack(frame, container.NewPadded(container.NewGridWithColumns(2, t, n))))
	}
	g.grid.Refresh()
	g.progress.SetValue(0)
	g.refreshSummary()
	if o.Data == nil || o.Data.M == 0 {
		g.status.SetText("No training set: choose a data set first.")
		return
	}
	if len(o.Schedule) < 2 {
		g.status.SetText("The patch-size schedule needs at least 2 steps.")
		return
	}
	g.running = true
	g.generate.Disable()
	g.stop.Enable()
	g.status.SetText(fmt.Sprintf("Sampling %d hands with %v…", o.Count, o.Spec))
	if g.trainFor != o.Data {
		g.training, g.trainFor = nil, nil // counted for another data set
	}
	countTraining := g.training == nil
	g.work.Start(func(j *worker.Job) { g.sample(j, o, countTraining) })
}

// finish ends the current batch on the UI goroutine.
func (g *Gallery) finish() {
	g.running = false
	g.generate.Enable()
	g.stop.Disable()
}

// sample is the job of one batch: it counts the training set if it has
// not been counted yet, then samples seed after seed, posting progress and
// every finished sample with its finger count.
func (g *Gallery) sample(j *worker.Job, o Options, countTraining bool) {
	ctx := j.Context()
	fail := func(err error) {
		j.Deliver(func() {
			g.finish()
			g.status.SetText("Error: " + err.Error())
		})
	}
	m, err := machine.New(o.Data, o.Spec)
	if err != nil {
		fail(err)
		return
	}
	if err := m.CheckSchedule(o.Schedule); err != nil {
		fail(err)
		return
	}
	if countTraining {
		t := NewTally(hands.CountDataset(o.Data))
		if ctx.Err() != nil {
			return
		}
		j.Deliver(func() {
			g.training, g.trainFor = &t, o.Data
			g.refreshSummary()
		})
	}
	d := o.Data
	total := float64(o.Count)
	for n := range o.Count {
		if ctx.Err() != nil {
			return
		}
		seed := o.Seed0 + uint64(n)
		noise := sampler.Noise(seed, d.C, d.H, d.W)
		tr, err := sampler.Run(ctx, m, noise, o.Schedule, func(_, done, steps int, _ *sampler.Trajectory) {
			f := (float64(n) + float64(done)/float64(steps)) / total
			j.Progress(func() { g.progress.SetValue(f) })
		})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			fail(fmt.Errorf("seed %d: %w", seed, err))
			return
		}
		s := &Sample{Seed: seed, Trajectory: tr, Image: render.Image(tr.Final(), d.C, d.H, d.W), Count: countImage(tr.Final(), d.C, d.H, d.W)}
		if o.Network != nil {
			nt, err := sampler.Run(ctx, o.Network, noise, o.Schedule, nil)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				fail(fmt.Errorf("the network, seed %d: %w", seed, err))
				return
			}
			s.Network = &NetworkSample{Trajectory: nt, Image: render.Image(nt.Final(), d.C, d.H, d.W), Count: countImage(nt.Final(), d.C, d.H, d.W)}
		}
		j.Deliver(func() { g.addSample(n, s) })
	}
	j.Deliver(func() {
		g.finish()
		g.progress.SetValue(1)
		g.status.SetText(fmt.Sprintf("Done: %d samples.", o.Count))
		if o.OnDone != nil {
			o.OnDone(g.Samples())
		}
	})
}

// countImage runs the finger counter on x ([C, H, W]), averaging channels.
func countImage(x []float64, c, h, w int) hands.Result {
	if c == 1 {
		return hands.Count(x, h, w)
	}
	return hands.Count(render.ChannelMean(x, c, h, w), h, w)
}

// addSample shows finished sample j and counts it (UI goroutine).
func (g *Gallery) addSample(j int, s *Sample) {
	if j < 0 || j >= len(g.samples) {
		return
	}
	g.samples[j] = s
	g.batch.Add(s.Count)
	g.thumbs[j].set(s.Image, s.Count)
	if s.Network != nil && j < len(g.netThumb) {
		g.netBatch.Add(s.Network.Count)
		g.netThumb[j].set(s.Network.Image, s.Network.Count)
	}
	g.status.SetText(fmt.Sprintf("%d of %d samples done.", len(g.Samples()), len(g.samples)))
	g.refreshSummary()
}

// Agreement counts the finished seeds by whether the machine's and the
// network's samples have five digits (a count the counter cannot tell is
// "not five"): the network column's 2x2 table.
type Agreement struct {
	BothFive, MachineOnly, NetworkOnly, Neither int
}

// Agreement returns the 2x2 table of the finished samples that have a
// network sample (all zero without the network column).
func (g *Gallery) Agreement() Agreement {
	var a Agreement
	for _, s := range g.samples {
		if s == nil || s.Network == nil {
			continue
		}
		mf := s.Count.OK && s.Count.Fingers == 5
		nf := s.Network.Count.OK && s.Network.Count.Fingers == 5
		switch {
		case mf && nf:
			a.BothFive++
		case mf:
			a.MachineOnly++
		case nf:
			a.NetworkOnly++
		default:
			a.Neither++
		}
	}
	return a
}

// NetworkTally returns the finger counts of the network column's finished
// samples (zero without the column).
func (g *Gallery) NetworkTally() Tally { return g.netBatch }

// histogram builds the themed histogram of the current tallies for the
// plot view (UI goroutine; cheap: the counting happened on the worker).
func (g *Gallery) histogram() *plot.Plot {
	batch, training := g.Tallies()
	var p *plot.Plot
	if g.netThumb != nil {
		p = HistogramPlot(batch, training, g.netBatch)
	} else {
		p = HistogramPlot(batch, training)
	}
	widgets.ThemePlot(p)
	p.Legend.TextStyle.Font.Size = vg.Length(theme.TextSize())
	return p
}

// refreshSummary redraws the histogram and the counts (UI goroutine).
func (g *Gallery) refreshSummary() {
	var training Tally
	if g.training != nil {
		training = *g.training
	}
	g.hist.Refresh()
	switch {
	case g.batch.Total == 0:
		g.notFive.Text = "Not five: –"
	case g.netThumb != nil:
		g.notFive.Text = fmt.Sprintf("Not five: %s %s · network %s", g.opts.Spec.Kind.Title(), Percent(g.batch.NotFive()), Percent(g.netBatch.NotFive()))
	default:
		g.notFive.Text = fmt.Sprintf("Not five: %s (%d of %d)", Percent(g.batch.NotFive()), g.batch.Total-g.batch.Five(), g.batch.Total)
	}
	g.notFive.Refresh()
	if g.netThumb != nil {
		a := g.Agreement()
		name := g.opts.Spec.Kind.Title()
		g.batchText.SetText(fmt.Sprintf("%s samples: %s.\nNetwork samples: %s.\nSame seed: both five %d · only %s five %d · only the network five %d · neither %d.",
			name, g.batch.Summary(), g.netBatch.Summary(), a.BothFive, name, a.MachineOnly, a.NetworkOnly, a.Neither))
	} else {
		g.batchText.SetText("Samples: " + g.batch.Summary() + ".")
	}
	if g.training == nil {
		g.trainText.SetText("Training set: not counted yet.")
	} else {
		g.trainText.SetText(fmt.Sprintf("Training set: %s. Every training hand is drawn with five digits; the counter reads %s of them as five.", training.Summary(), Percent(1-training.NotFive())))
	}
}
