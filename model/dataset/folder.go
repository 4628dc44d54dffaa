package dataset

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register JPEG decoding
	_ "image/png"  // register PNG decoding
	"io"
	"os"
	"path/filepath"
	"strings"
)

// LoadFolder reads a folder of PNG and JPEG images (extensions .png, .jpg,
// .jpeg in any case; other files and names starting with "." are ignored).
//
//   - If the folder has sub-folders, each sub-folder is a class: sub-folder
//     names sorted alphabetically give labels 0, 1, 2, ... and become
//     ClassNames, and the images directly inside each sub-folder (not deeper)
//     get that label. A sub-folder without images is an error, and so are
//     images lying next to class sub-folders.
//   - Otherwise the images directly in the folder are loaded unlabelled.
//
// All images must have the same width and height (the error names two files
// that differ). An image counts as grayscale when its colour model is gray or
// every pixel has R = G = B; the data set is grayscale (C = 1) when every
// image is, and RGB (C = 3) otherwise, grayscale images then being converted
// to RGB by repeating the gray level. Alpha is ignored (colours are taken
// un-premultiplied). Images are read in file-name order.
func LoadFolder(dir string) (*Dataset, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("loading image folder: %w", err)
	}
	var classes, files []string
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			classes = append(classes, name)
		} else if isImageName(name) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	ld := &folderLoader{}
	if len(classes) == 0 {
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: empty folder: no PNG or JPEG images and no class sub-folders", dir)
		}
		for _, f := range files {
			if err := ld.add(f, -1); err != nil {
				return nil, err
			}
		}
		return ld.dataset(dir, nil)
	}
	if len(files) > 0 {
		return nil, fmt.Errorf("%s: has both class sub-folders (%s) and images at the top level (%s): put every image in a class sub-folder, or remove the sub-folders for unlabelled data", dir, classes[0], filepath.Base(files[0]))
	}
	for label, class := range classes {
		sub := filepath.Join(dir, class)
		ents, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("loading class %q: %w", class, err)
		}
		n := 0
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || !isImageName(e.Name()) {
				continue
			}
			if err := ld.add(filepath.Join(sub, e.Name()), label); err != nil {
				return nil, err
			}
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: class %q has no images: the sub-folder holds no PNG or JPEG files (remove it or add images)", sub, class)
		}
	}
	return ld.dataset(dir, classes)
}

func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg":
		return true
	}
	return false
}

// folderLoader accumulates decoded images as 8-bit planes.
type folderLoader struct {
	first      string // path of the first image, for size errors
	w, h       int
	imgs       [][]uint8 // gray: h*w; RGB: 3*h*w planar
	gray       []bool
	labels     []int
	anyRGB     bool
	totalValue int
}

func (ld *folderLoader) add(path string, label int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("loading image: %w", err)
	}
	defer f.Close()
	return ld.addReader(path, f, label)
}

// addReader decodes one image from r; path names it in errors.
func (ld *folderLoader) addReader(path string, f io.ReadSeeker, label int) error {
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return fmt.Errorf("%s: not a readable PNG or JPEG image: %w", path, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%s: image size %dx%d is empty", path, cfg.Width, cfg.Height)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide {
		return fmt.Errorf("%s: image of %dx%d pixels is too large: at most %dx%d are supported (resize the images first, e.g. to 32x32)", path, cfg.Width, cfg.Height, MaxSide, MaxSide)
	}
	if ld.first == "" {
		ld.first, ld.w, ld.h = path, cfg.Width, cfg.Height
	} else if cfg.Width != ld.w || cfg.Height != ld.h {
		return fmt.Errorf("images of different sizes: %s is %dx%d but %s is %dx%d (width x height); all images must have the same size", path, cfg.Width, cfg.Height, ld.first, ld.w, ld.h)
	}
	ld.totalValue += 3 * cfg.Width * cfg.Height
	if ld.totalValue > MaxValues {
		return fmt.Errorf("%s: the folder holds too many pixels (more than %d values)", path, MaxValues)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: not a readable PNG or JPEG image (truncated or corrupt): %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() != ld.w || b.Dy() != ld.h {
		return fmt.Errorf("%s: decoded size %dx%d differs from its header", path, b.Dx(), b.Dy())
	}
	pix, gray := planes(img)
	ld.imgs = append(ld.imgs, pix)
	ld.gray = append(ld.gray, gray)
	ld.labels = append(ld.labels, label)
	ld.anyRGB = ld.anyRGB || !gray
	return nil
}

// planes converts img to 8-bit planes: one plane if it is grayscale, else
// three (R, G, B).
func planes(img image.Image) ([]uint8, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	n := w * h
	switch im := img.(type) {
	case *image.Gray:
		out := make([]uint8, n)
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], im.Pix[y*im.Stride:y*im.Stride+w])
		}
		return out, true
	case *image.Gray16:
		out := make([]uint8, n)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				out[y*w+x] = im.Pix[y*im.Stride+2*x] // high byte
			}
		}
		return out, true
	}
	out := make([]uint8, 3*n)
	gray := true
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			i := y*w + x
			out[i], out[n+i], out[2*n+i] = c.R, c.G, c.B
			if c.R != c.G || c.G != c.B {
				gray = false
			}
		}
	}
	if gray {
		return out[:n:n], true
	}
	return out, false
}

func (ld *folderLoader) dataset(name string, classes []string) (*Dataset, error) {
	c := 1
	if ld.anyRGB {
		c = 3
	}
	m, hw := len(ld.imgs), ld.w*ld.h
	pix := make([]uint8, 0, m*c*hw)
	for i, p := range ld.imgs {
		pix = append(pix, p...)
		if c == 3 && ld.gray[i] {
			pix = append(pix, p...)
			pix = append(pix, p...)
		}
	}
	var labels []int
	if classes != nil {
		labels = ld.labels
	}
	ds, err := FromUint8(name, m, c, ld.h, ld.w, pix, labels)
	if err != nil {
		return nil, err
	}
	ds.ClassNames = classes
	return ds, nil
}
