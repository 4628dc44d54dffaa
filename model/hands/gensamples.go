//go:build ignore

// Command gensamples writes the generated-hands test data of the finger
// counter: the final images of ELS samples (zeros boundary, schedule preset
// mnist-resnet-zeros, the first 400 built-in 32x32 hands as the training set,
// noise seeds 1..n) as testdata/els_samples.npy, float32 [n, 1, 32, 32] in
// [-1, 1]. With -sheet it also writes a contact sheet (8x, index printed
// above each tile) for labelling by eye.
//
//	go run ./model/hands/gensamples.go -n 48 -sheet /tmp/els_sheet.png
//	go run ./model/hands/gensamples.go -in model/hands/testdata/els_samples.npy -sheet /tmp/els_sheet.png
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"

	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/npy"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

func main() {
	n := flag.Int("n", 48, "samples (noise seeds 1..n)")
	seed0 := flag.Uint64("seed", 1, "first noise seed")
	limit := flag.Int("limit", 400, "training hands")
	out := flag.String("o", "model/hands/testdata/els_samples.npy", "output .npy (empty: do not write)")
	in := flag.String("in", "", "read the samples from this .npy instead of sampling")
	sheet := flag.String("sheet", "", "contact sheet PNG")
	flag.Parse()

	const size = 32
	var pix []float64
	if *in != "" {
		a, err := npy.ReadFile(*in)
		if err != nil {
			log.Fatal(err)
		}
		pix = a.Data
		*n = len(pix) / (size * size)
	} else {
		full, err := hands.Builtin(size)
		if err != nil {
			log.Fatal(err)
		}
		ds, err := full.Subset(-1, *limit)
		if err != nil {
			log.Fatal(err)
		}
		m, err := machine.New(ds, machine.Spec{Kind: machine.ELS, Boundary: machine.Zeros})
		if err != nil {
			log.Fatal(err)
		}
		p, err := schedule.Lookup("mnist-resnet-zeros")
		if err != nil {
			log.Fatal(err)
		}
		for s := 0; s < *n; s++ {
			seed := *seed0 + uint64(s)
			tr, err := sampler.Run(context.Background(), m, sampler.Noise(seed, 1, size, size), p.K, nil)
			if err != nil {
				log.Fatal(err)
			}
			f := tr.Final()
			for i := range f {
				f[i] = math.Max(-1, math.Min(1, f[i]))
			}
			pix = append(pix, f...)
			r := hands.Count(f, size, size)
			fmt.Printf("seed %d: %+v\n", seed, r)
		}
		if *out != "" {
			if err := npy.WriteFileFloat32(*out, []int{*n, 1, size, size}, pix); err != nil {
				log.Fatal(err)
			}
		}
	}
	if *sheet != "" {
		writeSheet(*sheet, pix, *n, size, int(*seed0))
	}
}

func writeSheet(path string, pix []float64, n, size, seed0 int) {
	const z, cols, gap, label = 8, 8, 6, 14
	tw, th := size*z+gap, size*z+gap+label
	rows := (n + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, cols*tw+gap, rows*th+gap))
	for i := range img.Pix {
		img.Pix[i] = 90
	}
	for t := 0; t < n; t++ {
		ox, oy := gap+(t%cols)*tw, gap+(t/cols)*th+label
		px := pix[t*size*size : (t+1)*size*size]
		for r := 0; r < size*z; r++ {
			for c := 0; c < size*z; c++ {
				v := uint8(math.Round((math.Max(-1, math.Min(1, px[(r/z)*size+c/z])) + 1) * 127.5))
				// faint pixel grid every 4 pixels
				if (r/z)%4 == 0 && r%z == 0 || (c/z)%4 == 0 && c%z == 0 {
					v = max(v, 40)
				}
				img.Set(ox+c, oy+r, color.RGBA{v, v, v, 255})
			}
		}
		drawNumber(img, ox, oy-label+2, seed0+t)
	}
	if err := render.WritePNG(path, img); err != nil {
		log.Fatal(err)
	}
}

// 3x5 digit font.
var font = [10][5]string{
	{"111", "101", "101", "101", "111"}, {"010", "110", "010", "010", "111"},
	{"111", "001", "111", "100", "111"}, {"111", "001", "111", "001", "111"},
	{"101", "101", "111", "001", "001"}, {"111", "100", "111", "001", "111"},
	{"111", "100", "111", "101", "111"}, {"111", "001", "001", "001", "001"},
	{"111", "101", "111", "101", "111"}, {"111", "101", "111", "001", "111"},
}

func drawNumber(img *image.RGBA, x, y, v int) {
	s := fmt.Sprint(v)
	for k, ch := range s {
		g := font[ch-'0']
		for r := 0; r < 5; r++ {
			for c := 0; c < 3; c++ {
				if g[r][c] == '1' {
					for dy := 0; dy < 2; dy++ {
						for dx := 0; dx < 2; dx++ {
							img.Set(x+k*8+2*c+dx, y+2*r+dy, color.RGBA{255, 255, 0, 255})
						}
					}
				}
			}
		}
	}
}
