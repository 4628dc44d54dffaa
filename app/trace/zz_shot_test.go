//go:build shot

package trace

import (
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mosaic/app/gallery"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/schedule"
)

func TestZZShot(t *testing.T) {
	test.NewTempApp(t)
	d, _ := hands.Generate(60, 32, 1)
	q := make(queue, 4096)
	g := gallery.New(gallery.Options{Data: d, Spec: machine.Spec{Kind: machine.ELS}, Schedule: schedule.Constant(8, 3), Seed0: 1, Count: 12, Dispatch: q.dispatch})
	w := test.NewTempWindow(t, g.Content())
	w.Resize(fyne.NewSize(1400, 800))
	g.Generate()
	q.drainUntil(t, func() bool { return !g.Running() }, 5*time.Minute)
	save(t, "/tmp/shot_gallery.png", w.Canvas().Capture())

	m, tr := tinyRun(t)
	p := NewPanel()
	p.Dispatch = q.dispatch
	w2 := test.NewTempWindow(t, p.Content())
	w2.Resize(fyne.NewSize(1400, 900))
	p.Run(m, tr, image.Rect(12, 8, 18, 14))
	q.drainUntil(t, func() bool { return !p.Running() }, 5*time.Minute)
	save(t, "/tmp/shot_trace.png", w2.Canvas().Capture())
}

func save(t *testing.T, path string, img image.Image) {
	f, _ := os.Create(path)
	defer f.Close()
	png.Encode(f, img)
}
