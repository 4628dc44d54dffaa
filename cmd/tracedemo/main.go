// Command tracedemo is a developer demo of the issue-5 panels outside the
// main window: the hands gallery and the region trace, on the built-in hands
// data set. Clicking a sample in the gallery traces the region of that
// sample that was decided latest (trace.LatestRegion) in the Trace tab.
//
//	go run ./cmd/tracedemo -limit 400 -samples 24
//	go run ./cmd/tracedemo -show trace   # traces the first sample that is not five
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"

	"mosaic/app/gallery"
	"mosaic/app/trace"
	"mosaic/model/analysis"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

func main() {
	limit := flag.Int("limit", 400, "number of training hands (0 = all)")
	samples := flag.Int("samples", gallery.DefaultCount, "samples in the gallery")
	seed := flag.Uint64("seed", 1, "seed of the first sample")
	preset := flag.String("preset", "mnist-resnet-zeros", "patch-size schedule preset")
	show := flag.String("show", "gallery", "tab to end on: gallery, or trace (traces the first sample that is not five once the batch is done)")
	region := flag.Int("region", 6, "side of the region traced on click")
	flag.Parse()

	data, err := hands.Builtin(32)
	if err != nil {
		log.Fatal(err)
	}
	if *limit > 0 {
		if data, err = data.Subset(-1, *limit); err != nil {
			log.Fatal(err)
		}
	}
	p, err := schedule.Lookup(*preset)
	if err != nil {
		log.Fatal(err)
	}
	spec := machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros}
	m, err := machine.New(data, spec)
	if err != nil {
		log.Fatal(err)
	}

	a := fyneapp.NewWithID("org.mosaic.tracedemo")
	w := a.NewWindow("Mosaic: hands gallery and region trace (demo)")
	panel := trace.NewPanel()
	var tabs *container.AppTabs
	var g *gallery.Gallery
	open := func(s *gallery.Sample) {
		com, err := analysis.CommitmentMap(s.Trajectory, panel.Tolerance())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return
		}
		rect := trace.LatestRegion(com, *region)
		tabs.SelectIndex(1)
		panel.Run(m, s.Trajectory, rect)
	}
	g = gallery.New(gallery.Options{
		Data:     data,
		Spec:     spec,
		Schedule: p.K,
		Seed0:    *seed,
		Count:    *samples,
		OnOpen:   func(seed uint64) { open(g.Sample(seed)) },
		OnDone: func(ss []*gallery.Sample) {
			if *show != "trace" || len(ss) == 0 {
				return
			}
			pick := ss[0]
			for _, s := range ss {
				if !s.Count.OK || s.Count.Fingers != 5 {
					pick = s
					break
				}
			}
			open(pick)
		},
	})
	tabs = container.NewAppTabs(
		container.NewTabItem("Hands gallery", g.Content()),
		container.NewTabItem("Trace a region", panel.Content()),
	)
	w.SetContent(tabs)
	w.Resize(fyne.NewSize(1560, 960))
	w.SetOnClosed(func() { g.Cancel(); panel.Cancel() })
	g.Generate()
	w.ShowAndRun()
}
