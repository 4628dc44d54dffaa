package trace

import (
	"image"
	"image/color"

	"mosaic/model/render"

	"mosaic/internal/palette"
)

// Outline colours baked into thumbnails.
var (
	// RegionColor outlines the traced region.
	RegionColor = palette.Cursor
	// PatchColor outlines the heaviest patches in a training image.
	PatchColor = palette.Patch
)

// thumbFactor is the upscale factor of a baked thumbnail of a w x h image
// shown in a box of target units: the largest whole factor that fits, so
// that at scale 1 every image pixel is the same number of screen pixels
// (a 32x32 image in 96 units becomes 96x96, 3 pixels per image pixel).
func thumbFactor(target float32, w, h int) int {
	side := max(w, h)
	if side <= 0 {
		return 1
	}
	return max(1, int(target)/side)
}

// outlined upscales img by factor with nearest-neighbour sampling and draws
// each rectangle (in source pixels, Max exclusive, clipped to the image) as
// a frame of the given thickness in upscaled pixels, just inside the
// rectangle so that neighbouring outlines stay apart.
func outlined(img image.Image, factor int, rects []image.Rectangle, c color.RGBA, thick int) *image.RGBA {
	out := render.Upscale(img, factor)
	b := img.Bounds()
	for _, r := range rects {
		r = r.Sub(b.Min).Intersect(image.Rect(0, 0, b.Dx(), b.Dy()))
		if r.Empty() {
			continue
		}
		x0, y0, x1, y1 := r.Min.X*factor, r.Min.Y*factor, r.Max.X*factor, r.Max.Y*factor
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if x < x0+thick || x >= x1-thick || y < y0+thick || y >= y1-thick {
					out.SetRGBA(x, y, c)
				}
			}
		}
	}
	return out
}

// patchRect returns the k x k patch centred at (row, col) as an image
// rectangle (X = column, Y = row).
func patchRect(row, col, k int) image.Rectangle {
	m := k / 2
	return image.Rect(col-m, row-m, col+m+1, row+m+1)
}
