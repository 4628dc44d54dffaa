// Command mosaic is the Mosaic desktop app: it opens onto a computed
// example (ELS, zero padding, the calibrated MNIST ResNet schedule, 500
// embedded MNIST digits, seed 1) and lets you scrub the denoising
// trajectory, inspect where each pixel came from and change the machine
// live.
//
// Usage:
//
//	mosaic [--dataset mnist|fashion|hands|PATH] [--limit N] [--class C]
//	       [--machine els] [--boundary zeros] [--preset NAME | --k K]
//	       [--steps N] [--seed S] [--session FILE] [--present]
//	       [--size WxH] [--measure] [--tour FILE|builtin [--scene N]]
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"mosaic/app"
	"mosaic/assets/icons"
	"mosaic/model/machine"
)

func main() {
	started := time.Now()
	def := app.DefaultSettings()
	s := def
	flag.StringVar(&s.Dataset, "dataset", def.Dataset, "built-in data set (mnist, fashion, hands) or a .npy/IDX file or image folder")
	flag.StringVar(&s.Labels, "labels", "", "labels file for --dataset PATH")
	flag.IntVar(&s.Limit, "limit", def.Limit, "number of training images (0 = all)")
	flag.IntVar(&s.Class, "class", def.Class, "class label to condition on (-1 = unconditional)")
	flag.StringVar(&s.Machine, "machine", def.Machine, "machine: "+machine.KindList())
	flag.StringVar(&s.Network, "net", "", "network checkpoint for --machine network (.pt, or .safetensors with its .json)")
	flag.StringVar(&s.Boundary, "boundary", def.Boundary, "boundary: "+machine.BoundaryList())
	flag.Float64Var(&s.Tau, "tau", 0, "pca-locality: neighbourhood threshold (0 = the default 0.02)")
	flag.Float64Var(&s.Temperature, "temperature", 0, "pca-locality: softmax temperature (0 = the default 1)")
	flag.StringVar(&s.Preset, "preset", def.Preset, "calibrated patch-size preset")
	k := flag.Int("k", 0, "use one constant patch size instead of the preset")
	flag.IntVar(&s.Steps, "steps", def.Steps, "number of sampler steps")
	flag.Uint64Var(&s.Seed, "seed", def.Seed, "noise seed")
	flag.IntVar(&s.TopK, "topk", def.TopK, "patches listed by the inspector")
	session := flag.String("session", "", "open a saved session file")
	present := flag.Bool("present", false, "start in presentation mode (full screen, large type)")
	size := flag.String("size", "1280x800", "initial window size WxH")
	measure := flag.Bool("measure", false, "print start-up and recompute timings to stderr, then quit")
	vs := flag.String("vs", "", "with --machine network: start in Network vs machine with this machine on side B (els, ls, ideal, wiener, pca-locality)")
	vsBoundary := flag.String("vs-boundary", "", "side B's boundary for --vs (default: --boundary)")
	viewName := flag.String("view", "x", "view to start in: x, d, noise, change, mosaic, effective, commitment, residual")
	tab := flag.String("tab", "", "chart tab to start on: r2 for the r² chart")
	tourFile := flag.String("tour", "", "present a lecture tour file (builtin: the built-in tour \"How diffusion models create\")")
	scene := flag.Int("scene", 1, "with --tour: the scene to start on (from 1)")
	flag.Parse()

	if *k > 0 {
		s.Mode, s.Constant = app.ScheduleConstant, *k
	}
	if err := s.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "mosaic:", err)
		os.Exit(2)
	}
	viewSet := false
	flag.Visit(func(f *flag.Flag) { viewSet = viewSet || f.Name == "view" })
	view, ok := app.ParseView(*viewName)
	if !ok {
		fmt.Fprintf(os.Stderr, "mosaic: --view %q: use x, d, noise, change, mosaic, effective, commitment or residual\n", *viewName)
		os.Exit(2)
	}
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil || w < 200 || h < 200 {
		fmt.Fprintf(os.Stderr, "mosaic: --size %q: use WxH, e.g. 1280x800\n", *size)
		os.Exit(2)
	}
	machine.SetWorkerNice(workerNice)
	a := fyneapp.NewWithID("io.github.mosaic.app")
	declareFyneDo(a)
	a.SetIcon(fyne.NewStaticResource("mosaic.png", icons.Mosaic))
	win := app.New(a, app.Options{Settings: s, Session: *session, Present: *present, Size: fyne.NewSize(w, h), Measure: *measure, Started: started, OneCoreUntilShown: true, GCOffUntilShown: true, ShowEarly: true,
		Versus: *vs, VersusBoundary: *vsBoundary, View: view, ViewSet: viewSet, Tab: *tab, Tour: *tourFile, Scene: *scene})
	win.ShowAndRun()
}

// workerNice is how much nicer than the rest of the app the machines'
// worker threads run (machine.SetWorkerNice): they still use every idle
// core, but the UI goroutine, the OpenGL driver's threads and the X server
// come first, when the window opens and whenever the user scrubs while a
// trajectory computes. At nice 10 a worker gets about a tenth of a core
// it shares with the UI.
const workerNice = 10

// declareFyneDo tells Fyne that Mosaic has migrated to fyne.Do: every call
// into Fyne from another goroutine goes through fyne.Do (the Controller,
// the workers, the timeline's ticker; the start-up goroutine touches only
// widgets that no window holds yet). Fyne then stops checking the calling
// goroutine on every canvas refresh, which it did by formatting a stack
// trace: a quarter of the UI goroutine's CPU over a --measure run, and
// most of a scrubbing step's (1.64 ms per step before, 0.31 ms after). It must run before the first window
// is created (Fyne reads the setting once). FyneApp.toml declares the same
// for packaged builds.
func declareFyneDo(a fyne.App) {
	m := a.Metadata()
	m.Migrations = maps.Clone(m.Migrations)
	if m.Migrations == nil {
		m.Migrations = map[string]bool{}
	}
	m.Migrations["fyneDo"] = true
	fyneapp.SetMetadata(m)
}
