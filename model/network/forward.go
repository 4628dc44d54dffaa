package network

import (
	"context"
	"fmt"
	"math"

	"mosaic/model/schedule"
)

// Check reports whether the network can denoise images of c channels and
// h x w pixels, with a message that says why not.
func (n *Net) Check(c, h, w int) error {
	if c != n.cfg.Channels {
		return fmt.Errorf("the network takes %d-channel images, not %d-channel ones", n.cfg.Channels, c)
	}
	if h < 1 || w < 1 {
		return fmt.Errorf("image size %dx%d is empty", h, w)
	}
	if h*w > 1<<24 {
		return fmt.Errorf("image size %dx%d is too large (at most 2^24 pixels)", h, w)
	}
	if n.cfg.Arch == "unet" {
		m := 1 << (len(n.cfg.FSizes) - 1)
		if h%m != 0 || w%m != 0 {
			return fmt.Errorf("the UNet pools %d times, so its images need height and width divisible by %d; %dx%d is not", len(n.cfg.FSizes)-1, m, h, w)
		}
	}
	return nil
}

// Eps predicts the noise in a batch of n noisy images x ([n, C, h, w],
// float32, row-major) at times t (len n, or 1 for the same time for all)
// with class labels class (nil, or len n; -1 for none). Conditional
// networks need a class in [0, NumClasses) for every image; unconditional
// ones ignore class. The result has x's shape. The work is spread over
// GOMAXPROCS goroutines and ctx is checked between layers.
func (n *Net) Eps(ctx context.Context, x []float32, nImg, h, w int, t []float64, class []int) ([]float32, error) {
	if nImg < 1 {
		return nil, fmt.Errorf("network: batch of %d images", nImg)
	}
	if err := n.Check(n.cfg.Channels, h, w); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	if len(x) != nImg*n.cfg.Channels*h*w {
		return nil, fmt.Errorf("network: %d values for %d images of %dx%dx%d", len(x), nImg, n.cfg.Channels, h, w)
	}
	if len(t) != nImg && len(t) != 1 {
		return nil, fmt.Errorf("network: %d times for %d images", len(t), nImg)
	}
	if class != nil && len(class) != nImg {
		return nil, fmt.Errorf("network: %d class labels for %d images", len(class), nImg)
	}
	e, err := n.embed(nImg, t, class)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	r := newRun()
	defer r.release()
	var out []float32
	if n.cfg.Arch == "resnet" {
		out, err = n.resnetForward(ctx, r, x, e, nImg, h, w)
	} else {
		out, err = n.unetForward(ctx, r, x, e, nImg, h, w)
	}
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return out, nil
}

// Denoise returns the network's denoised estimate D = (x - b(t) eps)/a(t)
// of one image x ([c, h, w]) at time t, with the cosine schedule of
// model/schedule. class is the label for conditional networks (-1 for
// unconditional ones).
func (n *Net) Denoise(ctx context.Context, x []float64, c, h, w int, t float64, class int) ([]float64, error) {
	if err := n.Check(c, h, w); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	if len(x) != c*h*w {
		return nil, fmt.Errorf("network: %d values for a %dx%dx%d image", len(x), c, h, w)
	}
	if math.IsNaN(t) || t < 0 || t > 1 {
		return nil, fmt.Errorf("network: time %v outside [0, 1]", t)
	}
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	eps, err := n.Eps(ctx, x32, 1, h, w, []float64{t}, []int{class})
	if err != nil {
		return nil, err
	}
	a, b := schedule.A(t), schedule.B(t)
	d := make([]float64, len(x))
	for i, v := range x {
		d[i] = (v - b*float64(eps[i])) / a
	}
	return d, nil
}

// embed returns the embedding vectors [n, EmbDim]: sinusoidal features of
// t (with d = EmbDim/2, arguments t / 10000^(j/(d-1)) for j < d, the sines
// then the cosines), plus the class embedding of conditional networks. As in
// torch, the arguments are float32.
func (n *Net) embed(nImg int, t []float64, class []int) ([]float32, error) {
	ed := n.cfg.EmbDim
	d := ed / 2
	freq := make([]float32, d)
	for j := range freq {
		freq[j] = float32(math.Pow(10000, float64(float32(j)/float32(d-1))))
	}
	e := make([]float32, nImg*ed)
	for i := range nImg {
		ti := t[0]
		if len(t) > 1 {
			ti = t[i]
		}
		if math.IsNaN(ti) || math.IsInf(ti, 0) {
			return nil, fmt.Errorf("time %v of image %d is not finite", ti, i)
		}
		row := e[i*ed : (i+1)*ed]
		for j, f := range freq {
			arg := float64(float32(ti) / f)
			row[j] = float32(math.Sin(arg))
			row[d+j] = float32(math.Cos(arg))
		}
		if !n.cfg.Conditional {
			continue
		}
		c := -1
		if class != nil {
			c = class[i]
		}
		if c < 0 || c >= n.cfg.NumClasses {
			return nil, fmt.Errorf("the network is conditional: image %d needs a class in [0, %d), not %d", i, n.cfg.NumClasses, c)
		}
		for j, v := range n.classEmb[c*ed : (c+1)*ed] {
			row[j] += v
		}
	}
	return e, nil
}

func (n *Net) resnetForward(ctx context.Context, r *run, x, e []float32, nImg, h, w int) ([]float32, error) {
	ed, hw := n.cfg.EmbDim, h*w
	s := n.up.forward(r, x, nImg, h, w, convOpt{})
	u := make([]float32, len(s))
	for i, cv := range n.convs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// state += ReLU([GroupNorm](conv(state + embs[i](e)))), image by image
		// as each convolution finishes.
		gn := n.convNorm[i]
		cv.forward(r, s, nImg, h, w, convOpt{add: n.embs[i].forward(r, e, nImg), dst: u, epilogue: func(img int, o []float32) {
			if gn != nil {
				gn.image(o, hw)
			}
			si := s[img*ed*hw : (img+1)*ed*hw]
			for j, a := range o {
				si[j] += max(a, 0)
			}
		}})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(n.embs) > len(n.convs) {
		s = addChannel(s, n.embs[len(n.embs)-1].forward(r, e, nImg), nImg, ed, hw)
	} else {
		for j := range s {
			s[j] += s[j]
		}
	}
	if n.downNorm != nil {
		n.downNorm.forward(r, s, nImg, hw)
	}
	return n.down.forward(r, s, nImg, h, w, convOpt{}), nil
}

func (m embMLP) forward(r *run, e []float32, nImg int) []float32 {
	v := m.lin.forward(e, nImg)
	m.gn.forward(r, v, nImg, 1)
	relu(v)
	return v
}

func (n *Net) unetForward(ctx context.Context, r *run, x, e []float32, nImg, h, w int) ([]float32, error) {
	re := make([]float32, len(e))
	for i, v := range e {
		re[i] = max(v, 0)
	}
	type level struct {
		x    []float32
		c, h int
		w    int
	}
	var skips []level
	c := n.cfg.Channels
	for _, b := range n.enc {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x = b.forward(r, x, re, nImg, h, w)
		c = b.convs[0].cout
		skips = append(skips, level{x, c, h, w})
		x = maxPool2(x, nImg*c, h, w)
		h, w = h/2, w/2
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x = n.bott.forward(r, x, re, nImg, h, w)
	for i, up := range n.ups {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		u := up.forward(r, x, nImg, h, w)
		sk := skips[len(skips)-1-i]
		h, w = sk.h, sk.w
		x = n.dec[i].forward(r, concat(sk.x, u, nImg, sk.c, up.cout, h*w), re, nImg, h, w)
	}
	f0 := n.cfg.FSizes[0]
	x = addChannel(x, n.lastEmb.forward(re, nImg), nImg, f0, h*w)
	if n.lastNorm != nil {
		n.lastNorm.forward(r, x, nImg, h*w)
	}
	return n.out.forward(r, x, nImg, h, w, convOpt{}), nil
}

// forward applies the block to x ([n, in, h, w]) with re = ReLU(e).
func (b *uBlock) forward(r *run, x, re []float32, nImg, h, w int) []float32 {
	add := b.emb.forward(re, nImg)
	for l, cv := range b.convs {
		g := b.norms[l]
		x = cv.forward(r, x, nImg, h, w, convOpt{add: add, epilogue: func(_ int, o []float32) {
			if g != nil {
				g.image(o, h*w)
			}
			relu(o)
		}})
		add = nil
	}
	return x
}
