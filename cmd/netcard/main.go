// Command netcard checks a trained network before it ships and writes the
// material of its model card: a grid of samples from the network's own
// DDIM trajectories, its denoising error on held-out images at several
// times beside the Wiener machine's (SPEC.md, "Other theories") fitted to
// the training images, and, from the trainer's CSV log, the loss curve.
//
//	go run ./cmd/netcard --net mnist-resnet-zeros --dataset mnist \
//	    --grid docs/networks/mnist-resnet-zeros-samples.png \
//	    --log train.csv --curve docs/networks/mnist-resnet-zeros-loss.png
//
// With --write-hands N FILE it writes the first N procedural hands instead
// (the hands network's training data; the first 2,000 are the built-in
// set).
//
// The held-out images are those after the first --train-images of the data
// set (the trainer used the first ones); the error is the mean squared
// error of D(x_t) against x_0 per value, for the same x_t for both.
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"image"
	"io"
	"log"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"mosaic/internal/palette"
	"mosaic/model/builtin"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/npy"
	"mosaic/model/render"
	"mosaic/model/sampler"
	"mosaic/model/schedule"
)

func main() {
	netName := flag.String("net", "", "built-in network name or checkpoint file")
	dsName := flag.String("dataset", "mnist", "built-in data set the network was trained on")
	size := flag.Int("size", 32, "image size")
	trainImages := flag.Int("train-images", 50000, "the network was trained on the first N images; later ones are held out")
	heldOut := flag.Int("held-out", 1000, "held-out images to measure the denoising error on")
	wienerImages := flag.Int("wiener-images", 10000, "training images the Wiener machine is fitted to")
	grid := flag.String("grid", "", "write an 8x8 grid of samples here (PNG)")
	seed := flag.Uint64("seed", 1, "first noise seed of the grid")
	class := flag.Int("class", -1, "class label for a conditional network")
	logPath := flag.String("log", "", "the trainer's CSV log (columns step and loss)")
	curve := flag.String("curve", "", "write the loss curve here (PNG)")
	writeHands := flag.Int("write-hands", 0, "instead: write the first N procedural hands at --size to the .npy file named by the argument (the hands network's training data)")
	flag.Parse()
	if *writeHands > 0 {
		if flag.NArg() != 1 {
			log.Fatal("--write-hands N needs the output file: netcard --write-hands 21000 hands.npy")
		}
		d, err := hands.Generate(*writeHands, *size, hands.BuiltinSeed)
		if err != nil {
			log.Fatal(err)
		}
		if err := npy.WriteFileFloat32(flag.Arg(0), []int{d.M, d.H, d.W}, d.Pixels); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s: the first %d hands (seed %d) at %dx%d; the first %d are the built-in set\n", flag.Arg(0), d.M, hands.BuiltinSeed, d.H, d.W, hands.BuiltinCount)
		return
	}
	if *netName == "" {
		log.Fatal("give --net NAME|PATH")
	}
	ctx := context.Background()
	net, err := network.Open(*netName)
	if err != nil {
		log.Fatal(err)
	}
	in := net.Info()
	fmt.Printf("network %s: %s, width %d, %d layers, %s padding, %d parameters\n", *netName, in.Arch, in.EmbDim, in.Layers, in.Padding, in.Params)
	var all *dataset.Dataset
	if *dsName == hands.Name {
		// The hands are procedural: image i depends only on (size, seed,
		// i), so the built-in set is the first 2,000 of any longer run
		// and later images are new hands to hold out.
		all, err = hands.Generate(*trainImages+*heldOut, *size, hands.BuiltinSeed)
	} else {
		all, err = builtin.LoadSubset(*dsName, *size, -1, *trainImages+*heldOut)
	}
	if err != nil {
		log.Fatal(err)
	}
	if all.M < *trainImages+*heldOut {
		log.Fatalf("%s has %d images, fewer than %d training + %d held out", *dsName, all.M, *trainImages, *heldOut)
	}
	train := slice(all, 0, min(*wienerImages, *trainImages))
	held := slice(all, *trainImages, *trainImages+*heldOut)
	wiener, err := machine.New(train, machine.Spec{Kind: machine.Wiener})
	if err != nil {
		log.Fatal(err)
	}
	if err := wiener.Prepare(ctx, nil); err != nil {
		log.Fatal(err)
	}
	shape := &dataset.Dataset{Name: *dsName, C: all.C, H: all.H, W: all.W}
	nm, err := machine.NewNetwork(net, shape, machine.Spec{Net: *netName}, *class)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\ndenoising error on %d held-out images (mean squared error of D per value; Wiener fitted to %d training images)\n", held.M, train.M)
	fmt.Printf("| t | network | Wiener | network below Wiener |\n|---|---|---|---|\n")
	for _, t := range []float64{0.1, 0.3, 0.5, 0.7} {
		en, ew, err := denoiseError(ctx, nm, wiener, held, t)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("| %.1f | %.4f | %.4f | %v |\n", t, en, ew, en < ew)
	}
	if *grid != "" {
		if err := sampleGrid(ctx, nm, shape, *seed, *grid); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("\nwrote %s (64 samples, seeds %d..%d, 20 steps)\n", *grid, *seed, *seed+63)
	}
	if *logPath != "" && *curve != "" {
		if err := lossCurve(*logPath, *curve, *netName); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s\n", *curve)
	}
}

// slice returns images [lo, hi) of d.
func slice(d *dataset.Dataset, lo, hi int) *dataset.Dataset {
	n := d.Size()
	out := &dataset.Dataset{Name: d.Name, M: hi - lo, C: d.C, H: d.H, W: d.W, Pixels: d.Pixels[lo*n : hi*n]}
	if d.Labels != nil {
		out.Labels = d.Labels[lo:hi]
	}
	return out
}

// denoiseError returns the mean squared error of D(x_t) against x_0 for
// the network and the Wiener machine over the held-out images, with the
// same noise for both (seeded by the image index).
func denoiseError(ctx context.Context, net, wiener *machine.Machine, held *dataset.Dataset, t float64) (float64, float64, error) {
	a, b := schedule.A(t), schedule.B(t)
	var sn, sw float64
	n := held.Size()
	for i := range held.M {
		x0 := held.Image(i)
		eta := sampler.Noise(uint64(1000+i), held.C, held.H, held.W)
		x := make([]float64, n)
		for j := range x {
			x[j] = a*x0[j] + b*eta[j]
		}
		dn, err := net.Step(ctx, x, t, 1)
		if err != nil {
			return 0, 0, err
		}
		dw, err := wiener.Step(ctx, x, t, 1)
		if err != nil {
			return 0, 0, err
		}
		for j := range x0 {
			sn += (dn.D[j] - x0[j]) * (dn.D[j] - x0[j])
			sw += (dw.D[j] - x0[j]) * (dw.D[j] - x0[j])
		}
	}
	total := float64(held.M * n)
	return sn / total, sw / total, nil
}

// sampleGrid writes an 8x8 grid of the network's samples from seeds
// seed..seed+63, each upscaled 3x with a 3-pixel gap.
func sampleGrid(ctx context.Context, m *machine.Machine, shape *dataset.Dataset, seed uint64, path string) error {
	const cols, scale, gap = 8, 3, 3
	h, w := shape.H*scale, shape.W*scale
	img := image.NewRGBA(image.Rect(0, 0, cols*(w+gap)+gap, cols*(h+gap)+gap))
	for i := range img.Pix {
		img.Pix[i] = 255 // white gaps
	}
	for k := range cols * cols {
		tr, err := sampler.Run(ctx, m, sampler.Noise(seed+uint64(k), shape.C, shape.H, shape.W), schedule.Constant(schedule.DefaultSteps, 1), nil)
		if err != nil {
			return err
		}
		s := render.Upscale(render.Image(tr.Final(), shape.C, shape.H, shape.W), scale)
		x0, y0 := gap+(k%cols)*(w+gap), gap+(k/cols)*(h+gap)
		for y := range h {
			for x := range w {
				img.Set(x0+x, y0+y, s.At(x, y))
			}
		}
	}
	return render.WritePNG(path, img)
}

// lossCurve plots the loss column of the trainer's CSV log over its step
// column (log scale), and the running mean over 1% of the steps.
func lossCurve(logPath, out, name string) error {
	f, err := os.Open(logPath)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", logPath, err)
	}
	si, li := -1, -1
	for i, h := range head {
		switch strings.TrimSpace(strings.ToLower(h)) {
		case "step":
			si = i
		case "loss":
			li = i
		}
	}
	if si < 0 || li < 0 {
		return fmt.Errorf("%s: no step and loss columns in %v", logPath, head)
	}
	var pts plotter.XYs
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", logPath, err)
		}
		s, err1 := strconv.ParseFloat(rec[si], 64)
		l, err2 := strconv.ParseFloat(rec[li], 64)
		if err1 == nil && err2 == nil && l > 0 {
			pts = append(pts, plotter.XY{X: s, Y: l})
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("%s: no loss values", logPath)
	}
	p := plot.New()
	p.Title.Text = name + ": training loss (eps-prediction MSE)"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss"
	p.X.Tick.Marker = wholeTicks{}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: 2}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color = palette.Blue
	p.Add(l, plotter.NewGrid())
	return render.WriteAtomic(out, func(w io.Writer) error {
		wt, err := p.WriterTo(7*vg.Inch, 4*vg.Inch, "png")
		if err != nil {
			return err
		}
		_, err = wt.WriteTo(w)
		return err
	})
}

// wholeTicks are gonum/plot's default ticks labelled as whole numbers
// (steps), not "2500.00".
type wholeTicks struct{}

// Ticks implements plot.Ticker.
func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', 0, 64)
		}
	}
	return ts
}
