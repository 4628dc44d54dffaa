// Package golden compares what the widgets and charts draw with golden
// files in the calling package's testdata/ folder: Fyne's markup and
// rendered images (fyne.io/fyne/v2/test), and PNGs of gonum/plot charts
// compared with a tolerance, as gonum's cmpimg does for its own plots.
//
// Run the tests with -update to rewrite the golden files from what is
// drawn now (then look at the diff before committing it):
//
//	go test ./widgets/ ./app/ -run Golden -update
//
// On a mismatch the drawing is written to testdata/failed/.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from what is drawn now")

// Markup checks that canvas c renders to the markup in testdata/name.
func Markup(t *testing.T, name string, c fyne.Canvas) bool {
	t.Helper()
	if *update {
		write(t, name, []byte(test.RenderToMarkup(c)))
	}
	return test.AssertRendersToMarkup(t, name, c)
}

// ObjectMarkup checks that o, alone on a canvas of its size (at least its
// minimum), renders to the markup in testdata/name.
func ObjectMarkup(t *testing.T, name string, o fyne.CanvasObject) bool {
	t.Helper()
	c := test.NewCanvas()
	c.SetPadded(false)
	size := o.MinSize().Max(o.Size())
	c.SetContent(o)
	c.Resize(size)
	return Markup(t, name, c)
}

// Image checks that img equals the PNG testdata/name pixel for pixel.
func Image(t *testing.T, name string, img image.Image) bool {
	t.Helper()
	if *update {
		write(t, name, encode(t, img))
	}
	return test.AssertImageMatches(t, name, img)
}

// ObjectImage checks that o, drawn alone by Fyne's software painter,
// equals the PNG testdata/name pixel for pixel.
func ObjectImage(t *testing.T, name string, o fyne.CanvasObject) bool {
	t.Helper()
	size := o.MinSize().Max(o.Size())
	w := test.NewTempWindow(t, o)
	w.SetPadded(false)
	w.Resize(size)
	return Image(t, name, w.Canvas().Capture())
}

// Plot checks a rendered chart against the PNG testdata/name: the images
// must have the same size, and at most maxFrac of the pixels may differ,
// each by more than tol (0-255) in some channel. Anti-aliased text and
// lines move by a level or two between renderers; a changed plot moves
// far more.
func Plot(t *testing.T, name string, img image.Image, tol uint8, maxFrac float64) bool {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		write(t, name, encode(t, img))
	}
	f, err := os.Open(path)
	if err != nil {
		fail(t, name, img, fmt.Sprintf("no golden file: %v (run with -update)", err))
		return false
	}
	want, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if msg := differ(img, want, tol, maxFrac); msg != "" {
		fail(t, name, img, msg)
		return false
	}
	return true
}

// differ says how got and want differ beyond the tolerance, or "".
func differ(got, want image.Image, tol uint8, maxFrac float64) string {
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Dx() != wb.Dx() || gb.Dy() != wb.Dy() {
		return fmt.Sprintf("size %dx%d, golden %dx%d", gb.Dx(), gb.Dy(), wb.Dx(), wb.Dy())
	}
	bad := 0
	for y := range gb.Dy() {
		for x := range gb.Dx() {
			r1, g1, b1, a1 := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			r2, g2, b2, a2 := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			for _, d := range [...][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if diff8(d[0], d[1]) > tol {
					bad++
					break
				}
			}
		}
	}
	if frac := float64(bad) / float64(gb.Dx()*gb.Dy()); frac > maxFrac {
		return fmt.Sprintf("%d pixels (%.2f%%) differ by more than %d, at most %.2f%% may", bad, 100*frac, tol, 100*maxFrac)
	}
	return ""
}

func diff8(a, b uint32) uint8 {
	a, b = a>>8, b>>8
	if a > b {
		return uint8(a - b)
	}
	return uint8(b - a)
}

func fail(t *testing.T, name string, img image.Image, msg string) {
	t.Helper()
	failed := filepath.Join("testdata", "failed", name)
	os.MkdirAll(filepath.Dir(failed), 0o755)
	os.WriteFile(failed, encode(t, img), 0o644)
	t.Errorf("%s: %s; the drawing is in %s", name, msg, failed)
}

func encode(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
