package render

import (
	"image"
	"image/color"
	"sort"
)

// Palette holds distinct, saturated colours for the most frequent sources
// of the mosaic map (after Kelly's and Tableau's categorical palettes).
var Palette = []color.RGBA{
	{230, 25, 75, 255}, {60, 180, 75, 255}, {255, 225, 25, 255}, {0, 130, 200, 255},
	{245, 130, 48, 255}, {145, 30, 180, 255}, {70, 240, 240, 255}, {240, 50, 230, 255},
	{210, 245, 60, 255}, {250, 190, 212, 255}, {0, 128, 128, 255}, {220, 190, 255, 255},
	{170, 110, 40, 255}, {255, 250, 200, 255}, {128, 0, 0, 255}, {170, 255, 195, 255},
	{128, 128, 0, 255}, {255, 215, 180, 255}, {0, 0, 128, 255}, {255, 255, 255, 255},
}

// Other is the colour of the sources outside the most frequent ones.
var Other = color.RGBA{110, 110, 110, 255}

// MosaicEntry is one legend entry of a mosaic map: a training image, its
// colour and how many pixels it supplies. Image is -1 for "other".
type MosaicEntry struct {
	Image  int
	Color  color.RGBA
	Pixels int
}

// Mosaic colours every pixel of an H*W map of source training images
// (src[p] = index of the image that supplies pixel p's heaviest patch) with
// one colour per source: the `top` most frequent sources (at most
// len(Palette)) get distinct colours, ties broken by image index, and the
// rest share the grey Other. The legend lists the coloured sources, most
// frequent first, followed by "other" (Image -1) when any pixel is grey.
func Mosaic(src []int, h, w, top int) (*image.RGBA, []MosaicEntry) {
	top = min(max(top, 0), len(Palette))
	count := map[int]int{}
	for _, mu := range src[:h*w] {
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
		if !ok {
			c = Other
			other++
		}
		o := 4 * p
		img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, 255
	}
	if other > 0 {
		legend = append(legend, MosaicEntry{Image: -1, Color: Other, Pixels: other})
	}
	return img, legend
}
