package render

import (
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"io"

	"mosaic/model/outfile"
)

// WriteAtomic writes a file through a temporary file in the same directory
// and renames it into place, so readers never see a half-written file and a
// failed write leaves any previous file untouched. A symbolic link is
// followed (its target is replaced), and a device or a pipe (/dev/stdout,
// /dev/null, a FIFO) is written directly; see mosaic/model/outfile.
func WriteAtomic(path string, write func(io.Writer) error) error {
	return outfile.WriteFile(path, write)
}

// WritePNG writes img as a PNG file, atomically.
func WritePNG(path string, img image.Image) error {
	return WriteAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// WriteGIF writes frames as an animated GIF that loops forever, showing
// each frame for delay hundredths of a second (the last one three times as
// long), atomically. Grayscale frames keep all 256 levels; colour frames are
// mapped to the nearest colour of a fixed palette without dithering, so
// pixels stay crisp.
func WriteGIF(path string, frames []image.Image, delay int) error {
	if len(frames) == 0 {
		return fmt.Errorf("cannot write %s: no frames", path)
	}
	pal := grayPalette()
	for _, f := range frames {
		if !isGray(f) {
			pal = palette.Plan9
			break
		}
	}
	anim := &gif.GIF{LoopCount: 0}
	for i, f := range frames {
		p := image.NewPaletted(f.Bounds(), pal)
		draw.Draw(p, p.Rect, f, f.Bounds().Min, draw.Src)
		d := delay
		if i == len(frames)-1 {
			d *= 3
		}
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, d)
	}
	return WriteAtomic(path, func(w io.Writer) error { return gif.EncodeAll(w, anim) })
}

func grayPalette() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{uint8(i)}
	}
	return p
}

// isGray reports whether every pixel of img has equal R, G and B.
func isGray(img image.Image) bool {
	if _, ok := img.(*image.Gray); ok {
		return true
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != g || g != bl {
				return false
			}
		}
	}
	return true
}
