package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"mosaic/internal/palette"
	"mosaic/model/render"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// imageOf renders an image [C,H,W] (C = 1 gray, C = 3 RGB) upscaled by an
// integer factor with nearest neighbour, so pixels stay crisp.
func imageOf(x []float64, c, h, w, scale int) (image.Image, error) {
	if c != 1 && c != 3 {
		return nil, fmt.Errorf("cannot draw an image of %d channels as PNG: only 1 (gray) or 3 (RGB)", c)
	}
	return render.Upscale(render.Image(x, c, h, w), scale), nil
}

// tile is one image of a contact sheet with a badge in its top-left corner.
type tile struct {
	x     []float64
	badge string
	color color.RGBA
}

// sheetBlock is a titled group of tiles laid out in a grid.
type sheetBlock struct {
	title string
	tiles []tile
}

// The badge colours of a finger count, the sheet's background and text.
var (
	colorFive   = palette.Right
	colorWrong  = palette.Wrong
	colorUnsure = palette.Neutral
	colorBack   = palette.Background
	colorText   = palette.Text
)

// contactSheet lays out blocks of tiles (images [C,H,W]) one block below the
// other, cols tiles per row, each upscaled crisply by scale with its badge
// drawn in basicfont.
func contactSheet(blocks []sheetBlock, c, h, w, scale, cols int) (*image.RGBA, error) {
	const gap, titleH = 4, 16
	face := basicfont.Face7x13
	tw, th := w*scale, h*scale
	width := gap + cols*(tw+gap)
	height := gap
	for _, b := range blocks {
		if b.title != "" {
			height += titleH
		}
		rows := (len(b.tiles) + cols - 1) / cols
		height += rows * (th + gap)
	}
	titleW := 0
	for _, b := range blocks {
		titleW = max(titleW, gap+font.MeasureString(face, b.title).Ceil()+gap)
	}
	width = max(width, titleW)
	sheet := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(colorBack), image.Point{}, draw.Src)
	text := func(s string, x, baseline int, col color.Color) {
		d := &font.Drawer{Dst: sheet, Src: image.NewUniform(col), Face: face, Dot: fixed.P(x, baseline)}
		d.DrawString(s)
	}
	y := gap
	for _, b := range blocks {
		if b.title != "" {
			text(b.title, gap, y+11, colorText)
			y += titleH
		}
		for i, t := range b.tiles {
			ox, oy := gap+(i%cols)*(tw+gap), y+(i/cols)*(th+gap)
			img, err := imageOf(t.x, c, h, w, scale)
			if err != nil {
				return nil, err
			}
			draw.Draw(sheet, image.Rect(ox, oy, ox+tw, oy+th), img, image.Point{}, draw.Src)
			if t.badge != "" {
				bw := font.MeasureString(face, t.badge).Ceil() + 4
				draw.Draw(sheet, image.Rect(ox, oy, ox+bw, oy+14), image.NewUniform(t.color), image.Point{}, draw.Src)
				text(t.badge, ox+2, oy+11, colorText)
			}
		}
		y += (len(b.tiles) + cols - 1) / cols * (th + gap)
	}
	return sheet, nil
}
