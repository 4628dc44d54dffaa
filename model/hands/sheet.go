//go:build ignore

// Command sheet writes a PNG contact sheet of generated hands with the finger
// counter's view drawn over them: the palm centre (red), the palm's
// depth as a circle (green), a frame that is green when the counter
// says 5 and red otherwise, and one small dot per counted digit (top left).
//
//	go run ./model/hands/sheet.go -size 32 -o /tmp/hands.png
//	go run ./model/hands/sheet.go -bad   # only hands the counter gets wrong
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"

	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/render"
)

func main() {
	size := flag.Int("size", 32, "image size (32 or 64)")
	seed := flag.Int64("seed", 1, "seed")
	n := flag.Int("n", 2000, "hands to generate")
	cols := flag.Int("cols", 8, "columns")
	rows := flag.Int("rows", 4, "rows")
	zoom := flag.Int("zoom", 4, "upscaling factor (nearest neighbour)")
	bad := flag.Bool("bad", false, "show only hands not counted as 5")
	plain := flag.Bool("plain", false, "no overlay")
	demo := flag.Bool("demo", false, "show hand-made test hands (SpecWithDigits 0..7 at three rotations, merged fingers, discs) instead")
	out := flag.String("o", "/tmp/hands.png", "output PNG")
	flag.Parse()

	ds, err := hands.Generate(*n, *size, *seed)
	if err != nil {
		log.Fatal(err)
	}
	if *demo {
		ds = demoSet(*size)
	}
	res := hands.CountDataset(ds)
	var pick []int
	nbad := 0
	for i, r := range res {
		isBad := !r.OK || r.Fingers != 5
		if isBad && !*demo {
			nbad++
			fmt.Printf("image %d (%s): fingers=%d ok=%v reason=%q palm r=%.1f\n", i, ds.ClassName(ds.Labels[i]), r.Fingers, r.OK, r.Reason, r.PalmRadius)
		}
		if (!*bad || isBad) && len(pick) < *cols**rows {
			pick = append(pick, i)
		}
	}
	fmt.Printf("%d of %d counted as 5 (%.2f%%)\n", len(res)-nbad, len(res), 100*float64(len(res)-nbad)/float64(len(res)))

	s, z, gap := *size, *zoom, 4
	tile := s*z + gap
	img := image.NewRGBA(image.Rect(0, 0, *cols*tile+gap, *rows*tile+gap))
	for i := range img.Pix {
		img.Pix[i] = 60
	}
	for t, mu := range pick {
		ox, oy := gap+(t%*cols)*tile, gap+(t / *cols)*tile
		px := ds.Image(mu)
		for r := 0; r < s*z; r++ {
			for c := 0; c < s*z; c++ {
				v := uint8(math.Round((px[(r/z)*s+c/z] + 1) * 127.5))
				img.Set(ox+c, oy+r, color.RGBA{v, v, v, 255})
			}
		}
		if *plain {
			continue
		}
		res := res[mu]
		frame := color.RGBA{0, 200, 0, 255}
		if !res.OK || res.Fingers != 5 {
			frame = color.RGBA{230, 0, 0, 255}
		}
		for k := 0; k < s*z; k++ {
			img.Set(ox+k, oy-1, frame)
			img.Set(ox+k, oy+s*z, frame)
			img.Set(ox-1, oy+k, frame)
			img.Set(ox+s*z, oy+k, frame)
		}
		at := func(row, col float64) (int, int) {
			return ox + int(math.Round((col+0.5)*float64(z))), oy + int(math.Round((row+0.5)*float64(z)))
		}
		if res.PalmRadius > 0 {
			for _, f := range []float64{1} {
				rad := f * res.PalmRadius
				for a := 0; a < 360; a += 3 {
					sn, cs := math.Sincos(float64(a) * math.Pi / 180)
					x, y := at(res.PalmRow+rad*sn, res.PalmCol+rad*cs)
					if x >= ox && y >= oy && x < ox+s*z && y < oy+s*z {
						img.Set(x, y, color.RGBA{0, 220, 0, 255})
					}
				}
			}
			x, y := at(res.PalmRow, res.PalmCol)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					img.Set(x+dx, y+dy, color.RGBA{255, 0, 0, 255})
				}
			}
		}
		for k := 0; k < res.Fingers; k++ {
			for dy := 0; dy < 3; dy++ {
				for dx := 0; dx < 3; dx++ {
					img.Set(ox+2+5*k+dx, oy+2+dy, color.RGBA{255, 200, 0, 255})
				}
			}
		}
	}
	if err := render.WritePNG(*out, img); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", *out)
}

// demoSet returns the hand-made hands of the tests.
func demoSet(size int) *dataset.Dataset {
	var specs []hands.HandSpec
	for n := 0; n <= 7; n++ {
		for _, rot := range []float64{-20, 0, 20} {
			s := hands.SpecWithDigits(n)
			s.Rotation = rot * math.Pi / 180
			specs = append(specs, s)
		}
	}
	m := hands.SpecWithDigits(5)
	d := m.Digits[2]
	d.BaseX -= 1.1
	m.Digits[1] = d
	specs = append(specs, m, hands.Disc(3), hands.Disc(6), hands.Disc(10))
	ds := &dataset.Dataset{Name: "demo", C: 1, H: size, W: size}
	for _, s := range specs {
		ds.Pixels = append(ds.Pixels, hands.Draw(s, size)...)
		ds.Labels = append(ds.Labels, 0)
		ds.M++
	}
	return ds
}
