package render

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// WriteAtomic writes a file through a temporary file in the same directory
// and renames it into place, so readers never see a half-written file and a
// failed write leaves any previous file untouched.
func WriteAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	return nil
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
