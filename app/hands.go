package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"

	"mosaic/app/gallery"
	"mosaic/app/internal/worker"
	"mosaic/app/trace"
	"mosaic/model/analysis"
	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
)

// GalleryCount is the number of samples the hands gallery generates.
const GalleryCount = 24

// handTools are the windows of the Hands menu: the hands gallery (with the
// settings, machine and data set it samples with) and the region trace.
type handTools struct {
	loads      worker.Worker // builds the gallery's machine off the UI goroutine
	gallery    *gallery.Gallery
	galleryWin fyne.Window
	galleryRun baseRun // the gallery's settings, machine and data (no trajectory)
	tracer     *trace.Panel
	traceWin   fyne.Window
}

// sameMachine reports whether two settings use the same machine (data,
// class, limit, kind and boundary), whatever their schedule and seed.
func sameMachine(a, b Settings) bool {
	return a.Dataset == b.Dataset && a.Labels == b.Labels && a.Size == b.Size && a.Limit == b.Limit &&
		a.Class == b.Class && a.Machine == b.Machine && a.Boundary == b.Boundary
}

// openGallery opens the hands gallery (or refreshes the open one) with
// the current settings: the training data as the app has it (data set,
// class, limit), the machine, the schedule, and the seed as the first of
// GalleryCount seeds.
func (w *Window) openGallery() {
	s := w.state.Settings()
	spec, err := s.Spec()
	if err != nil {
		w.status.warn(err.Error())
		return
	}
	k, err := s.Schedule()
	if err != nil {
		w.status.warn(err.Error())
		return
	}
	w.status.say("opening the hands gallery…")
	netName := galleryNetwork(s)
	w.withGalleryMachines(s, netName, func(m *machine.Machine, data *dataset.Dataset, nm *machine.Machine) {
		opts := gallery.Options{Data: m.Data(), Spec: spec, Schedule: k, Seed0: s.Seed, Count: GalleryCount,
			Network: nm, OnOpen: w.openSample, Dispatch: w.opts.dispatch}
		if nm != nil {
			opts.OnOpenNetwork = func(seed uint64) { w.openNetworkSample(netName, seed) }
		}
		t := &w.tools
		t.galleryRun = baseRun{set: s, m: m, data: data}
		if t.gallery != nil && t.galleryWin != nil {
			t.gallery.SetOptions(opts)
			t.gallery.Generate()
			t.galleryWin.Show()
			t.galleryWin.RequestFocus()
		} else {
			g := gallery.New(opts)
			win := g.ShowWindow(w.app)
			w.dialogs.child(win, fyne.NewSize(1280, 820), func() {
				g.Cancel()
				if t.gallery == g {
					t.gallery, t.galleryWin = nil, nil
				}
			})
			t.gallery, t.galleryWin = g, win
		}
		w.status.say(fmt.Sprintf("hands gallery: sampling %d seeds from %d with %s", GalleryCount, s.Seed, spec))
	})
}

// galleryNetwork returns the network of the gallery's network column for
// settings s: none when the gallery samples a network itself; else the
// network the user opened (Settings.Network), else the built-in ResNet
// trained on the data set with zero padding ("hands-resnet-zeros" for the
// hands), when Mosaic ships one; "" for no column.
func galleryNetwork(s Settings) string {
	if s.Machine == machine.Network.String() {
		return ""
	}
	if s.Network != "" {
		return s.Network
	}
	return builtinNetworkFor(s.Dataset, "zeros")
}

// builtinNetworkFor returns the built-in network trained on a built-in
// data set: the ResNet with the given padding ("mnist-resnet-circular"),
// else the one with zero padding, else "" when Mosaic ships none for
// that data set.
func builtinNetworkFor(dataset, padding string) string {
	for _, name := range []string{dataset + "-resnet-" + padding, dataset + "-resnet-zeros"} {
		if network.IsBuiltin(name) {
			return name
		}
	}
	return ""
}

// withGalleryMachines calls f on the UI goroutine with the machine of s,
// its data, and the network netName on the same data (nil when netName is
// "" or the network does not fit the data, which the status line says),
// built on a worker goroutine (the library caches both).
func (w *Window) withGalleryMachines(s Settings, netName string, f func(m *machine.Machine, data *dataset.Dataset, nm *machine.Machine)) {
	w.tools.loads.Start(func(j *worker.Job) {
		m, data, err := w.lib.Machine(s)
		var nm *machine.Machine
		var nerr error
		if err == nil && netName != "" {
			ns := s
			ns.Machine, ns.Network = machine.Network.String(), netName
			nm, _, nerr = w.lib.Machine(ns)
		}
		j.Deliver(func() {
			if err != nil {
				w.status.warn(err.Error())
				return
			}
			f(m, data, nm)
			if nerr != nil {
				w.status.warn(fmt.Sprintf("hands gallery without its network column: %v", nerr))
			}
		})
	})
}

// openSample shows the trajectory of the gallery sample with the given
// seed in the main view: the app's settings become the gallery's with that
// seed, and the sample's finished trajectory is adopted as it is (it is
// re-run only if the sample has not finished).
func (w *Window) openSample(seed uint64) {
	t := &w.tools
	s := t.galleryRun.set
	s.Seed = seed
	s.TopK = w.state.Settings().TopK
	defer w.win.RequestFocus()
	if t.gallery != nil && t.galleryRun.m != nil {
		if smp := t.gallery.Sample(seed); smp != nil {
			if err := w.ctl.Adopt(s, t.galleryRun.m, t.galleryRun.data, smp.Trajectory); err == nil {
				w.state.SetSettings(s)
				w.status.say(fmt.Sprintf("gallery sample, seed %d: %s", seed, describe(s)))
				return
			}
		}
	}
	w.apply(s)
}

// openNetworkSample shows the network column's sample of the given seed in
// the main view: the gallery's settings with the network as the machine
// and that seed.
func (w *Window) openNetworkSample(netName string, seed uint64) {
	s := w.tools.galleryRun.set
	s.Machine, s.Network, s.Seed = machine.Network.String(), netName, seed
	s.TopK = w.state.Settings().TopK
	defer w.win.RequestFocus()
	w.apply(s)
	w.status.say(fmt.Sprintf("gallery network sample, seed %d: %s", seed, describe(s)))
}

// tracePanel returns the region-trace panel, opening its window if it is
// not open.
func (w *Window) tracePanel() *trace.Panel {
	t := &w.tools
	if t.tracer != nil && t.traceWin != nil {
		t.traceWin.Show()
		return t.tracer
	}
	p := trace.NewPanel()
	p.Dispatch = w.opts.dispatch
	p.SetTolerance(w.state.Tolerance())
	win := p.ShowWindow(w.app)
	w.dialogs.child(win, fyne.NewSize(1200, 900), func() {
		p.Cancel()
		if t.tracer == p {
			t.tracer, t.traceWin = nil, nil
		}
	})
	t.tracer, t.traceWin = p, win
	return p
}

// traceable reports whether the trajectory on screen can be traced, and
// says why not in the status line.
func (w *Window) traceable() bool {
	if w.res == nil || w.res.Machine == nil || !w.res.Complete || !w.res.Traj.Complete() {
		w.status.warn("the trajectory is not complete yet: trace the region again when the run has finished")
		return false
	}
	return true
}

// traceRegion traces a rectangle dragged on the main image over the
// complete trajectory on screen, in the trace window.
func (w *Window) traceRegion(rect image.Rectangle) {
	if !w.traceable() {
		return
	}
	p := w.tracePanel()
	p.Run(w.res.Machine, w.res.Traj, rect)
	w.status.say(fmt.Sprintf("region columns %d–%d, rows %d–%d: traced over %d steps in the trace window",
		rect.Min.X, rect.Max.X-1, rect.Min.Y, rect.Max.Y-1, w.res.Traj.N-1))
}

// traceLatest traces the square region that was decided latest on
// average (trace.LatestRegion of the commitment map), about a sixth of
// the image side.
func (w *Window) traceLatest() {
	if !w.traceable() {
		return
	}
	com, err := analysis.CommitmentMap(w.res.Traj, w.state.Tolerance())
	if err != nil {
		w.status.warn(err.Error())
		return
	}
	rect := trace.LatestRegion(com, max(2, min(com.H, com.W)/6))
	w.image.image.SetRegion(rect)
	w.traceRegion(rect)
}
