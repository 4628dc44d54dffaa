package render

import (
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestByteAndImage(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want uint8
	}{{-1, 0}, {1, 255}, {0, 128}, {-2, 0}, {3, 255}, {math.NaN(), 0}, {2/127.5 - 1, 2}} {
		if got := Byte(c.v); got != c.want {
			t.Errorf("Byte(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	g := Image([]float64{-1, 0, 1, 0.5}, 1, 2, 2).(*image.Gray)
	if got := []uint8{g.GrayAt(0, 0).Y, g.GrayAt(1, 0).Y, g.GrayAt(0, 1).Y, g.GrayAt(1, 1).Y}; got[0] != 0 || got[1] != 128 || got[2] != 255 || got[3] != 191 {
		t.Errorf("gray pixels = %v", got)
	}
	rgb := Image([]float64{1, -1, -1, 1, 1, -1}, 3, 1, 2).(*image.RGBA)
	if c := rgb.RGBAAt(0, 0); c != (color.RGBA{255, 0, 255, 255}) {
		t.Errorf("rgb pixel 0 = %v", c)
	}
	if c := rgb.RGBAAt(1, 0); c != (color.RGBA{0, 255, 0, 255}) {
		t.Errorf("rgb pixel 1 = %v", c)
	}
}

func TestDivergingIsSymmetric(t *testing.T) {
	if c := DivergingColor(0); c != (color.RGBA{247, 247, 247, 255}) {
		t.Errorf("zero = %v, want near white", c)
	}
	lo, hi := DivergingColor(-1), DivergingColor(1)
	if lo.B <= lo.R || hi.R <= hi.B {
		t.Errorf("ends: %v (want blue) %v (want red)", lo, hi)
	}
	if DivergingColor(-5) != lo || DivergingColor(5) != hi {
		t.Error("values outside the range are not clamped")
	}
	v := []float64{-0.5, 0, 0.25, 0.5}
	lim := SymmetricLimit(v)
	if lim != 0.5 {
		t.Errorf("limit = %v", lim)
	}
	img := Diverging(v, 1, 4, lim)
	if img.RGBAAt(0, 0) != lo || img.RGBAAt(3, 0) != hi {
		t.Errorf("diverging ends %v %v", img.RGBAAt(0, 0), img.RGBAAt(3, 0))
	}
	if SymmetricLimit([]float64{0, 0}) != 1 {
		t.Error("an all-zero map must keep a non-degenerate scale")
	}
	ticks := DivergingTicks(0.5)
	if len(ticks) != 3 || ticks[0].Label != "-0.50" || ticks[2].Value != 0.5 {
		t.Errorf("ticks = %v", ticks)
	}
}

func TestHeatLogScale(t *testing.T) {
	v := []float64{1, 10, 100}
	s := NewScale(v, true)
	if s.At(1) != 0 || s.At(100) != 1 || math.Abs(s.At(10)-0.5) > 1e-12 {
		t.Errorf("log positions %v %v %v", s.At(1), s.At(10), s.At(100))
	}
	img := Heat(v, 1, 3, s)
	if img.RGBAAt(0, 0) != viridisStops[0] || img.RGBAAt(2, 0) != viridisStops[8] || img.RGBAAt(1, 0) != viridisStops[4] {
		t.Errorf("heat pixels %v %v %v", img.RGBAAt(0, 0), img.RGBAAt(1, 0), img.RGBAAt(2, 0))
	}
	ticks := s.Ticks(3)
	if math.Abs(ticks[1].Value-10) > 1e-9 || ticks[1].Label != "10.0" {
		t.Errorf("ticks %v", ticks)
	}
	lin := NewScale([]float64{2, 4}, false)
	if lin.At(3) != 0.5 || lin.At(10) != 1 || NewScale([]float64{5, 5}, false).At(5) != 0.5 {
		t.Error("linear scale")
	}
	// Viridis gets brighter from end to end (perceptual ordering).
	lum := func(c color.RGBA) float64 { return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B) }
	for f := 0.0; f < 1; f += 0.05 {
		if lum(Viridis(f+0.05)) < lum(Viridis(f)) {
			t.Errorf("viridis luminance decreases at %v", f)
		}
	}
}

func TestMosaicPaletteAndLegend(t *testing.T) {
	// Image 7 supplies 3 pixels, 2 supplies 2, 9 and 4 one each.
	src := []int{7, 7, 2, 9, 2, 7, 4, 4, 4}
	src[8] = 5
	img, legend := Mosaic(src, 3, 3, 2)
	if len(legend) != 3 {
		t.Fatalf("legend %v", legend)
	}
	if legend[0].Image != 7 || legend[0].Pixels != 3 || legend[0].Color != Palette[0] {
		t.Errorf("first entry %v", legend[0])
	}
	if legend[1].Image != 2 || legend[1].Pixels != 2 || legend[1].Color != Palette[1] {
		t.Errorf("second entry %v", legend[1])
	}
	if legend[2].Image != -1 || legend[2].Pixels != 4 || legend[2].Color != Other || legend[2].Sources != 3 {
		t.Errorf("other entry %v", legend[2])
	}
	// Sources beyond the top get their own muted colours, not grey.
	if img.RGBAAt(0, 0) != Palette[0] || img.RGBAAt(2, 0) != Palette[1] || img.RGBAAt(0, 1) != MinorColor(9) ||
		img.RGBAAt(0, 2) != MinorColor(4) || img.RGBAAt(2, 2) != MinorColor(5) {
		t.Errorf("pixels %v %v %v", img.RGBAAt(0, 0), img.RGBAAt(2, 0), img.RGBAAt(0, 1))
	}
	_, legend = Mosaic([]int{1, 1}, 1, 2, 5)
	if len(legend) != 1 {
		t.Errorf("no grey entry expected: %v", legend)
	}
	// Pixels without a dominant source are dark and counted last.
	img, legend = Mosaic([]int{3, -1, -1, 3}, 2, 2, 5)
	if len(legend) != 2 || legend[0].Image != 3 || legend[0].Pixels != 2 || legend[1].Image != -2 || legend[1].Pixels != 2 {
		t.Errorf("legend with undominated pixels: %v", legend)
	}
	if img.RGBAAt(1, 0) != NoSource || img.RGBAAt(0, 0) != Palette[0] {
		t.Errorf("undominated pixel colour %v", img.RGBAAt(1, 0))
	}
}

func TestUpscaleIsNearestNeighbour(t *testing.T) {
	g := Image([]float64{-1, 1}, 1, 1, 2)
	u := Upscale(g, 3)
	if u.Bounds().Dx() != 6 || u.Bounds().Dy() != 3 {
		t.Fatalf("size %v", u.Bounds())
	}
	for y := range 3 {
		for x := range 6 {
			want := uint8(0)
			if x >= 3 {
				want = 255
			}
			if c := u.RGBAAt(x, y); c.R != want || c.A != 255 {
				t.Errorf("(%d,%d) = %v", x, y, c)
			}
		}
	}
}

func TestWritePNGAndGIFAtomically(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.png")
	img := Upscale(Image([]float64{-1, 1, 0, 0.5}, 1, 2, 2), 4)
	if err := WritePNG(p, img); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	back, err := png.Decode(f)
	f.Close()
	if err != nil || back.Bounds() != img.Bounds() {
		t.Fatalf("decode: %v %v", err, back.Bounds())
	}
	if r, _, _, _ := back.At(5, 0).RGBA(); r>>8 != 255 {
		t.Errorf("pixel (5,0) = %d", r>>8)
	}
	g := filepath.Join(dir, "t.gif")
	frames := []image.Image{Image([]float64{-1, 1}, 1, 1, 2), Image([]float64{0, 0.2}, 1, 1, 2)}
	if err := WriteGIF(g, frames, 10); err != nil {
		t.Fatal(err)
	}
	f, _ = os.Open(g)
	anim, err := gif.DecodeAll(f)
	f.Close()
	if err != nil || len(anim.Image) != 2 || anim.Delay[1] != 30 {
		t.Fatalf("gif: %v %v", err, anim)
	}
	if r, _, _, _ := anim.Image[1].At(1, 0).RGBA(); r>>8 != uint32(Byte(0.2)) {
		t.Errorf("gif keeps gray levels exactly: got %d want %d", r>>8, Byte(0.2))
	}
	colour := []image.Image{Mosaic1()}
	if err := WriteGIF(filepath.Join(dir, "c.gif"), colour, 10); err != nil {
		t.Fatal(err)
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Errorf("directory holds %d entries", len(ents))
	}
	// A failed write leaves nothing and reports the path.
	if err := WritePNG(filepath.Join(dir, "missing", "x.png"), img); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	if err := WriteGIF(filepath.Join(dir, "e.gif"), nil, 1); err == nil {
		t.Error("empty gif accepted")
	}
}

func Mosaic1() image.Image {
	img, _ := Mosaic([]int{0, 1, 2, 3}, 2, 2, 4)
	return img
}

func TestMinorColorsAreDistinctAndMuted(t *testing.T) {
	seen := map[color.RGBA]int{}
	for mu := range 500 {
		c := MinorColor(mu)
		if c != MinorColor(mu) {
			t.Fatal("not deterministic")
		}
		hi := max(c.R, c.G, c.B)
		lo := min(c.R, c.G, c.B)
		if hi-lo < 40 {
			t.Errorf("image %d: %v is almost grey", mu, c)
		}
		if float64(hi-lo)/float64(hi) > 0.5 {
			t.Errorf("image %d: %v is not muted", mu, c)
		}
		seen[c]++
	}
	if len(seen) < 450 {
		t.Errorf("only %d distinct colours for 500 images", len(seen))
	}
	// Consecutive indices (the same class often sits together) differ.
	for mu := range 100 {
		a, b := MinorColor(mu), MinorColor(mu+1)
		d := math.Abs(float64(a.R)-float64(b.R)) + math.Abs(float64(a.G)-float64(b.G)) + math.Abs(float64(a.B)-float64(b.B))
		if d < 30 {
			t.Errorf("images %d and %d: %v and %v look alike", mu, mu+1, a, b)
		}
	}
}

func TestMosaicEdgesOutlineSourceBoundaries(t *testing.T) {
	// 2x3: left column from image 1, the rest from image 2.
	src := []int{1, 2, 2, 1, 2, 2}
	img := MosaicEdges(src, 2, 3, 4)
	if img.Bounds() != image.Rect(0, 0, 12, 8) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	on := func(x, y int) bool { return img.RGBAAt(x, y).A > 0 }
	for y := range 8 {
		if !on(3, y) || !on(4, y) {
			t.Errorf("no line at row %d between columns 0 and 1", y)
		}
		if on(2, y) || on(5, y) || on(8, y) {
			t.Errorf("line too wide or in the wrong place at row %d", y)
		}
	}
	// No horizontal boundary: the rows have the same sources.
	for x := 5; x < 12; x++ {
		if on(x, 3) || on(x, 4) {
			t.Errorf("unexpected line at x %d", x)
		}
	}
}

func TestMaskOutline(t *testing.T) {
	// A 3x3 image whose centre and top-left corner are in the mask.
	mask := []bool{true, false, false, false, true, false, false, false, false}
	img := MaskOutline(mask, 3, 3, 4)
	if b := img.Bounds(); b.Dx() != 12 || b.Dy() != 12 {
		t.Fatalf("size %v, want 12x12", b)
	}
	lit := func(x, y int) bool { return img.RGBAAt(x, y) == Outline }
	// Between the centre (1,1) and its right neighbour: the line at x = 8.
	if !lit(7, 6) || !lit(8, 6) {
		t.Error("no line between the centre and its right neighbour")
	}
	// The inside of the centre and of an unmarked pixel stay transparent.
	if img.RGBAAt(5, 5).A != 0 || img.RGBAAt(10, 10).A != 0 {
		t.Error("the inside of a pixel is drawn on")
	}
	// The corner pixel touches the image border: its outer edge is closed.
	if !lit(0, 1) || !lit(1, 0) {
		t.Error("the corner pixel's edge along the image border is open")
	}
	// An unmarked border pixel has no border line.
	if lit(11, 6) {
		t.Error("an unmarked border pixel has a border line")
	}
}
