//go:build ignore

// gen_icon draws Mosaic's 512x512 icon: a rounded tile of coloured mosaic
// squares (the mosaic map) framing a white stroke made of square pixels
// (a digit assembled from patches).
//
//	go run ./assets/icons/gen_icon.go   (from the module root)
package main

import (
	"image"
	"image/color"
	"log"
	"mosaic/model/render"
)

func main() {
	const size, cells = 512, 16
	const cell = size / cells
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	palette := []color.RGBA{
		{230, 25, 75, 255}, {60, 180, 75, 255}, {255, 225, 25, 255}, {0, 130, 200, 255},
		{245, 130, 48, 255}, {145, 30, 180, 255}, {70, 240, 240, 255}, {240, 50, 230, 255},
	}
	// A "2"-like stroke on the 16x16 grid, drawn in white.
	stroke := map[[2]int]bool{}
	for _, p := range [][2]int{
		{4, 5}, {3, 6}, {3, 7}, {3, 8}, {3, 9}, {4, 10}, {5, 10}, {6, 10}, {7, 9}, {8, 8}, {9, 7},
		{10, 6}, {11, 5}, {12, 5}, {12, 6}, {12, 7}, {12, 8}, {12, 9}, {12, 10}, {12, 11},
	} {
		stroke[p] = true
	}
	seed := uint32(7)
	next := func() uint32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
	radius := 80.0
	for r := range cells {
		for c := range cells {
			var col color.RGBA
			switch {
			case stroke[[2]int{r, c}]:
				col = color.RGBA{255, 255, 255, 255}
			case r >= 2 && r < 14 && c >= 2 && c < 14:
				col = color.RGBA{22, 24, 32, 255}
			default:
				col = palette[next()%uint32(len(palette))]
			}
			for y := r * cell; y < (r+1)*cell; y++ {
				for x := c * cell; x < (c+1)*cell; x++ {
					gap := x%cell == 0 || y%cell == 0
					if gap {
						img.Set(x, y, color.RGBA{10, 10, 14, 255})
						continue
					}
					img.Set(x, y, col)
				}
			}
		}
	}
	// Round the corners (transparent outside a rounded square).
	for y := range size {
		for x := range size {
			dx := max(radius-float64(x), float64(x)-(size-1-radius), 0)
			dy := max(radius-float64(y), float64(y)-(size-1-radius), 0)
			if dx*dx+dy*dy > radius*radius {
				img.Set(x, y, color.RGBA{})
			}
		}
	}
	if err := render.WritePNG("assets/icons/mosaic.png", img); err != nil {
		log.Fatal(err)
	}
}
