package app

import (
	"fmt"
	"image"
	"strconv"

	"fyne.io/fyne/v2"

	"mosaic/app/gallery"
	"mosaic/app/trace"
	"mosaic/model/analysis"
	"mosaic/model/dataset"
	"mosaic/model/machine"
)

// GalleryCount is the number of samples the hands gallery generates.
const GalleryCount = 24

// sameMachine reports whether two settings use the same machine (data,
// class, limit, kind and boundary), whatever their schedule and seed.
func sameMachine(a, b Settings) bool {
	return a.Dataset == b.Dataset && a.Labels == b.Labels && a.Size == b.Size && a.Limit == b.Limit &&
		a.Class == b.Class && a.Machine == b.Machine && a.Boundary == b.Boundary
}

// withMachine calls f on the UI goroutine with the machine of s and its
// full data set: at once when the trajectory on screen already uses it,
// otherwise after building it on a worker goroutine (errors go to the
// status line).
func (w *Window) withMachine(s Settings, f func(m *machine.Machine, data *dataset.Dataset)) {
	if r := w.res; r != nil && r.Machine != nil && sameMachine(r.Settings, s) {
		f(r.Machine, r.Data)
		return
	}
	go func() {
		m, data, err := w.lib.Machine(s)
		w.opts.dispatch(func() {
			if err != nil {
				w.status.SetText("⚠ " + err.Error())
				return
			}
			f(m, data)
		})
	}()
}

// openGallery opens the hands gallery (or refreshes the open one) with
// the current settings: the training data as the app has it (data set,
// class, limit), the machine, the schedule, and the seed as the first of
// GalleryCount seeds.
func (w *Window) openGallery() {
	s := w.settings
	spec, err := s.Spec()
	if err != nil {
		w.status.SetText("⚠ " + err.Error())
		return
	}
	k, err := s.Schedule()
	if err != nil {
		w.status.SetText("⚠ " + err.Error())
		return
	}
	w.status.SetText("opening the hands gallery…")
	w.withMachine(s, func(m *machine.Machine, data *dataset.Dataset) {
		opts := gallery.Options{Data: m.Data(), Spec: spec, Schedule: k, Seed0: s.Seed, Count: GalleryCount,
			OnOpen: w.openSample, Dispatch: w.opts.dispatch}
		w.gallerySet, w.galleryM, w.galleryD = s, m, data
		if w.gallery != nil && w.galleryWin != nil {
			w.gallery.SetOptions(opts)
			w.gallery.Generate()
			w.galleryWin.Show()
			w.galleryWin.RequestFocus()
		} else {
			g := gallery.New(opts)
			win := g.ShowWindow(w.app)
			win.Resize(w.fitted(fyne.NewSize(1280, 820)))
			win.SetOnClosed(func() {
				g.Cancel()
				if w.gallery == g {
					w.gallery, w.galleryWin = nil, nil
				}
			})
			w.gallery, w.galleryWin = g, win
		}
		w.status.SetText(fmt.Sprintf("hands gallery: sampling %d seeds from %d with %s", GalleryCount, s.Seed, spec))
	})
}

// fitted returns want, shrunk to fit inside the main window (a second
// window at its full size would not fit a 1280x800 screen).
func (w *Window) fitted(want fyne.Size) fyne.Size {
	have := w.win.Canvas().Size()
	if have.Width < 400 || have.Height < 300 {
		return want
	}
	return fyne.NewSize(min(want.Width, have.Width), min(want.Height, have.Height))
}

// openSample shows the trajectory of the gallery sample with the given
// seed in the main view: the app's settings become the gallery's with that
// seed, and the sample's finished trajectory is adopted as it is (it is
// re-run only if the sample has not finished).
func (w *Window) openSample(seed uint64) {
	s := w.gallerySet
	s.Seed = seed
	s.TopK = w.settings.TopK
	if w.gallery != nil && w.galleryM != nil {
		if smp := w.gallery.Sample(seed); smp != nil {
			if err := w.ctl.Adopt(s, w.galleryM, w.galleryD, smp.Trajectory); err == nil {
				w.settings = s
				w.controls.sync(s)
				w.cmp.follow()
				w.refreshCharts()
				w.status.SetText(fmt.Sprintf("gallery sample, seed %d: %s", seed, describe(s)))
				w.win.RequestFocus()
				return
			}
		}
	}
	w.controls.sync(s)
	w.request(s)
	w.win.RequestFocus()
}

// tracePanel returns the region-trace panel, opening its window if it is
// not open.
func (w *Window) tracePanel() *trace.Panel {
	if w.tracer != nil && w.traceWin != nil {
		w.traceWin.Show()
		return w.tracer
	}
	p := trace.NewPanel()
	p.Dispatch = w.opts.dispatch
	p.SetTolerance(w.tol)
	win := p.ShowWindow(w.app)
	win.Resize(w.fitted(fyne.NewSize(1200, 900)))
	win.SetOnClosed(func() {
		p.Cancel()
		if w.tracer == p {
			w.tracer, w.traceWin = nil, nil
		}
	})
	w.tracer, w.traceWin = p, win
	return p
}

// traceable reports whether the trajectory on screen can be traced, and
// says why not in the status line.
func (w *Window) traceable() bool {
	if w.res == nil || w.res.Machine == nil || !w.res.Complete || !w.res.Traj.Complete() {
		w.status.SetText("⚠ the trajectory is not complete yet: trace the region again when the run has finished")
		return false
	}
	return true
}

// onRegion traces a rectangle dragged on the main image.
func (w *Window) onRegion(rect image.Rectangle) {
	if !w.traceable() {
		return
	}
	w.traceRegion(rect)
}

// traceRegion runs the region trace of rect over the complete trajectory
// on screen, in the trace window.
func (w *Window) traceRegion(rect image.Rectangle) {
	p := w.tracePanel()
	p.Run(w.res.Machine, w.res.Traj, rect)
	w.status.SetText(fmt.Sprintf("region columns %d–%d, rows %d–%d: traced over %d steps in the trace window",
		rect.Min.X, rect.Max.X-1, rect.Min.Y, rect.Max.Y-1, w.res.Traj.N-1))
}

// traceLatest traces the square region that was decided latest on
// average (trace.LatestRegion of the commitment map), about a sixth of
// the image side.
func (w *Window) traceLatest() {
	if !w.traceable() {
		return
	}
	com, err := analysis.CommitmentMap(w.res.Traj, w.tol)
	if err != nil {
		w.status.SetText("⚠ " + err.Error())
		return
	}
	rect := trace.LatestRegion(com, max(2, min(com.H, com.W)/6))
	w.image.SetRegion(rect)
	w.traceRegion(rect)
}

// setTolerance changes the commitment tolerance of the commitment view
// and of the trace panel.
func (w *Window) setTolerance(tol float64) {
	if !(tol > 0) || tol == w.tol {
		return
	}
	w.tol = tol
	if s := strconv.FormatFloat(tol, 'g', -1, 64); w.tolSel.Selected != s {
		w.tolSel.SetSelected(s)
	}
	if w.tracer != nil {
		w.tracer.SetTolerance(tol)
	}
	if w.view == ViewCommitment {
		w.refreshImage()
		w.cmp.refresh()
	}
}
