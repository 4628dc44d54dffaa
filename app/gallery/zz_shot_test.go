//go:build shot

package gallery

import (
	"image/png"
	"os"
	"testing"

	"mosaic/model/hands"
)

func TestZZPlot(t *testing.T) {
	b := NewTally([]hands.Result{{Fingers: 4, OK: true}, {Fingers: 5, OK: true}, {Fingers: 6, OK: true}, {}})
	tr := NewTally([]hands.Result{{Fingers: 4, OK: true}, {Fingers: 5, OK: true}, {Fingers: 5, OK: true}, {Fingers: 5, OK: true}})
	img := RenderPlot(HistogramPlot(b, tr), 440, 320, 2)
	f, _ := os.Create("/tmp/shot_plot.png")
	png.Encode(f, img)
	f.Close()
}
