package render

import (
	"image"
	"image/color"
	"math"
	"sort"

	"mosaic/internal/palette"
)

// Palette holds distinct, saturated colours for the most frequent sources
// of the mosaic map (palette.Mosaic).
var Palette = palette.Mosaic

// Other is the legend swatch of the sources outside the most frequent
// ones (their pixels get MinorColor).
var Other = palette.Neutral

// MinorColor is the colour of a source training image outside the most
// frequent ones: a hue that advances by the golden ratio with the image
// index (so neighbouring indices, often of one class, get far-apart hues),
// muted (saturation 0.45) and at one of three brightness levels, so that
// the patches of different minor sources stay distinguishable without
// competing with the strong Palette.
func MinorColor(mu int) color.RGBA {
	mu = max(mu, 0)
	hue := math.Mod(float64(mu)*0.6180339887498949+0.13, 1)
	v := []float64{0.9, 0.66, 0.78}[mu%3]
	return hsv(hue, 0.45, v)
}

// hsv converts a colour from HSV (all in [0, 1]) to RGBA.
func hsv(h, s, v float64) color.RGBA {
	h = (h - math.Floor(h)) * 6
	i := int(h)
	f := h - float64(i)
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch i % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	u := func(x float64) uint8 { return uint8(math.Round(255 * x)) }
	return color.RGBA{u(r), u(g), u(b), 255}
}

// NoSource is the colour of the pixels without a dominant source (src[p] <
// 0 in Mosaic): their weight is spread over so many equally good patches
// (for example the all-background patches behind an empty background
// pixel) that naming one of them would be arbitrary.
var NoSource = palette.NoSource

// MosaicEntry is one legend entry of a mosaic map: a training image, its
// colour and how many pixels it supplies. Image is -1 for "other", the
// sources not listed (Sources is then how many they are), and -2 for the
// pixels without a dominant source.
type MosaicEntry struct {
	Image   int
	Color   color.RGBA
	Pixels  int
	Sources int
}

// Mosaic colours every pixel of an H*W map of source training images
// (src[p] = index of the image that supplies pixel p's heaviest patch) with
// one colour per source: the `top` most frequent sources (at most
// len(Palette)) get the strong Palette colours, ties broken by image
// index, and every other source its own muted MinorColor. The legend lists
// the top sources, most frequent first, followed by "other" (Image -1,
// swatch Other) with the number of pixels and sources it stands for. A
// negative src[p] marks a pixel without a dominant source: it is drawn in
// NoSource and counted in a last legend entry (Image -2).
func Mosaic(src []int, h, w, top int) (*image.RGBA, []MosaicEntry) {
	top = min(max(top, 0), len(Palette))
	count := map[int]int{}
	none := 0
	for _, mu := range src[:h*w] {
		if mu < 0 {
			none++
			continue
		}
		count[mu]++
	}
	ids := make([]int, 0, len(count))
	for mu := range count {
		ids = append(ids, mu)
	}
	sort.Slice(ids, func(i, j int) bool {
		if count[ids[i]] != count[ids[j]] {
			return count[ids[i]] > count[ids[j]]
		}
		return ids[i] < ids[j]
	})
	colour := map[int]color.RGBA{}
	var legend []MosaicEntry
	for i, mu := range ids {
		if i >= top {
			break
		}
		colour[mu] = Palette[i]
		legend = append(legend, MosaicEntry{Image: mu, Color: Palette[i], Pixels: count[mu]})
	}
	other := 0
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p, mu := range src[:h*w] {
		c, ok := colour[mu]
		switch {
		case mu < 0:
			c = NoSource
		case !ok:
			c = MinorColor(mu)
			other++
		}
		o := 4 * p
		img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, 255
	}
	if other > 0 {
		legend = append(legend, MosaicEntry{Image: -1, Color: Other, Pixels: other, Sources: len(ids) - len(legend)})
	}
	if none > 0 {
		legend = append(legend, MosaicEntry{Image: -2, Color: NoSource, Pixels: none})
	}
	return img, legend
}

// Edge is the colour of the boundary lines of MosaicEdges.
var Edge = palette.Edge

// MosaicEdges returns a transparent (W*scale) x (H*scale) image with a dark
// line along every boundary between neighbouring pixels whose sources
// differ, one sub-pixel wide on each side of it: laid over the mosaic map
// (stretched to the same rectangle) it outlines each patch region copied
// from one training image, which makes the mosaic readable at a glance
// even where two sources have similar colours. scale is at least 3.
func MosaicEdges(src []int, h, w, scale int) *image.RGBA {
	return Boundaries(src, h, w, scale, Edge)
}

// Outline is the colour of MaskOutline's line: a warm yellow that stands
// out on the gray images and on the colour maps alike (palette.Highlight).
var Outline = palette.Highlight

// MaskOutline returns a transparent (W*scale) x (H*scale) image with a line
// of colour Outline around the pixels where mask (H*W, row-major) is true:
// laid over an image, it shows a region such as the neighbourhood a pixel
// sees. scale is at least 3.
func MaskOutline(mask []bool, h, w, scale int) *image.RGBA {
	scale = max(scale, 3)
	src := make([]int, h*w)
	for p, in := range mask {
		if in {
			src[p] = 1
		}
	}
	img := Boundaries(src, h, w, scale, Outline)
	// The image border closes regions that touch it.
	for r := range h {
		for c := range w {
			if !mask[r*w+c] || (r > 0 && r < h-1 && c > 0 && c < w-1) {
				continue
			}
			x0, y0 := c*scale, r*scale
			for k := range scale {
				for _, pt := range [][2]int{{x0 + k, y0}, {x0 + k, y0 + scale - 1}, {x0, y0 + k}, {x0 + scale - 1, y0 + k}} {
					x, y := pt[0], pt[1]
					edge := (r == 0 && y == y0) || (r == h-1 && y == y0+scale-1) || (c == 0 && x == x0) || (c == w-1 && x == x0+scale-1)
					if edge {
						o := img.PixOffset(x, y)
						img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = Outline.R, Outline.G, Outline.B, Outline.A
					}
				}
			}
		}
	}
	return img
}

// Boundaries returns a transparent (W*scale) x (H*scale) image with a line
// of colour col along every boundary between neighbouring pixels whose
// values in src differ, one sub-pixel wide on each side of it. scale is at
// least 3.
func Boundaries(src []int, h, w, scale int, col color.RGBA) *image.RGBA {
	scale = max(scale, 3)
	img := image.NewRGBA(image.Rect(0, 0, w*scale, h*scale))
	line := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				o := img.PixOffset(x, y)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = col.R, col.G, col.B, col.A
			}
		}
	}
	for r := range h {
		for c := range w {
			mu := src[r*w+c]
			if c+1 < w && src[r*w+c+1] != mu {
				x := (c + 1) * scale
				line(x-1, r*scale, x+1, (r+1)*scale)
			}
			if r+1 < h && src[(r+1)*w+c] != mu {
				y := (r + 1) * scale
				line(c*scale, y-1, (c+1)*scale, y+1)
			}
		}
	}
	return img
}
