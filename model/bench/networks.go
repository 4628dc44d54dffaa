package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"mosaic/model/network"
)

// Targets of issue 12 ("Networks inside Mosaic"), in seconds, on 2 cores.
const (
	netOneTarget       = 0.020 // built-in MNIST ResNet, one 32x32 image
	netBatchTarget     = 0.5   // the same, a batch of 64
	netPaperOneTarget  = 0.150 // the paper-size MinimalResNet (emb_dim 128, 6 layers), one image
	trainBenchSteps    = 5     // training steps timed
	trainBenchBatch    = 64
	builtinBenchWidth  = 32 // the built-in networks' width (mosaic-cli train's default)
	builtinBenchLayers = 6
)

// Networks measures the forward pass of the built-in network
// configuration (width 32, 6 layers) on one image and on a batch of 64,
// the paper-size MinimalResNet on one image, and the training throughput
// of the built-in configuration, with random weights (the speed does not
// depend on them). It reports the achieved GFLOP/s of the convolutions.
func Networks(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "\ntrained networks: MinimalResNet forward (float32, kernel %s) and training, 32x32, random weights\n", network.Kernel())
	const format = "%-64s %9v %8v %9v %8v %4v\n"
	fmt.Fprintf(w, format, "configuration", "seconds", "cpu s", "GFLOP/s", "target s", "met")
	row := func(name string, wall, cpu, flops, target float64) {
		met := "-"
		if target > 0 {
			met = map[bool]string{true: "yes", false: "NO"}[wall <= target]
		}
		fmt.Fprintf(w, format, name, fmtSeconds(wall), fmt.Sprintf("%.2f", cpu), fmt.Sprintf("%.1f", flops/wall/1e9), fmtTarget(target), met)
	}
	forward := func(width, batch int, name string, target float64) error {
		net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: width, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: builtinBenchLayers}, 1)
		if err != nil {
			return err
		}
		x := make([]float32, batch*32*32)
		for i := range x {
			x[i] = float32(i%17)/8 - 1
		}
		if _, err := net.Eps(ctx, x, batch, 32, 32, []float64{0.5}, nil); err != nil { // warm
			return err
		}
		const reps = 5
		times := make([]float64, reps)
		c0 := cpuTime()
		for i := range times {
			t0 := time.Now()
			if _, err := net.Eps(ctx, x, batch, 32, 32, []float64{0.5}, nil); err != nil {
				return err
			}
			times[i] = time.Since(t0).Seconds()
		}
		row(name, median(times), (cpuTime()-c0)/reps, float64(batch)*resnetFlops(width, builtinBenchLayers), target)
		return nil
	}
	if err := forward(builtinBenchWidth, 1, "built-in ResNet (width 32, 6 layers), 1 image, median of 5", netOneTarget); err != nil {
		return err
	}
	if err := forward(builtinBenchWidth, 64, "built-in ResNet, batch of 64, median of 5", netBatchTarget); err != nil {
		return err
	}
	if err := forward(128, 1, "paper-size ResNet (width 128, 6 layers), 1 image, median of 5", netPaperOneTarget); err != nil {
		return err
	}
	// Training throughput of the built-in configuration.
	net, err := network.NewRandom(network.Config{Arch: "resnet", Channels: 1, EmbDim: builtinBenchWidth, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: builtinBenchLayers, ImageSize: 32}, 1)
	if err != nil {
		return err
	}
	const m = 256
	images := make([]float32, m*32*32)
	for i := range images {
		images[i] = float32((i*7)%255)/127.5 - 1
	}
	tr, err := network.NewTrainer(net, images, m, 32, 32, nil, network.TrainOptions{Batch: trainBenchBatch, Seed: 1})
	if err != nil {
		return err
	}
	if _, err := tr.Step(ctx); err != nil { // warm
		return err
	}
	c0, t0 := cpuTime(), time.Now()
	for range trainBenchSteps {
		if _, err := tr.Step(ctx); err != nil {
			return err
		}
	}
	wall := time.Since(t0).Seconds()
	// Forward and backward: about three times the forward's work.
	row(fmt.Sprintf("training, batch %d: %.0f samples/s", trainBenchBatch, float64(trainBenchSteps*trainBenchBatch)/wall), wall/trainBenchSteps,
		(cpuTime()-c0)/trainBenchSteps, 3*trainBenchBatch*resnetFlops(builtinBenchWidth, builtinBenchLayers), 0)
	return nil
}

// resnetFlops is the floating-point work of one MinimalResNet forward pass
// on a 32x32 single-channel image: the multiply-adds of its convolutions
// (up-projection 1->w, the layers' w->w 3x3, the 1x1 down-projection),
// two flops each.
func resnetFlops(width, layers int) float64 {
	const px = 32 * 32
	macs := px * (9*width + layers*9*width*width + width)
	return 2 * float64(macs)
}
