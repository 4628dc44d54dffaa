package network

import "math"

// The gradients of the ResNet's layers, for training (train.go). Each
// backward function takes the layer's forward input (kept by the forward
// pass with caching) and the gradient of the loss with respect to its
// output, adds the gradients of its parameters to the gradient tensors it is
// given, and returns or writes the gradient with respect to its input.
//
// Reductions over a batch run in a fixed order whatever the number of
// workers: a batch is cut into at most gradChunks chunks of consecutive
// images, each chunk sums its images into its own partial gradient on
// whatever worker takes it, and the partials are added in chunk order.
// Sums of many terms that feed a single value (a bias, a GroupNorm scale, a
// Linear weight) are accumulated in float64.

// gradChunks is the number of partial sums a batch's weight gradient is
// split into (independent of GOMAXPROCS, so that results do not depend on
// it).
const gradChunks = 8

// trainScratch is per-worker scratch for the backward passes, beside the
// run's own im2col buffers.
type trainScratch struct {
	dcols [][]float32
}

func newTrainScratch(r *run) *trainScratch {
	return &trainScratch{dcols: make([][]float32, r.workers)}
}

// chunkRange returns the images [i0, i1) of chunk ch of nch over n images.
func chunkRange(ch, nch, n int) (int, int) { return ch * n / nch, (ch + 1) * n / nch }

// bandRows is the number of output rows the convolutions work at a time
// (the forward pass's choice, layers.go), so that a band's patch matrix
// stays in L2.
func (c *conv2d) bandRows(h, w int) int {
	kk := c.cin * c.k * c.k
	if c.k == 1 {
		return h
	}
	return min(h, max(1, (64<<10)/(kk*w), (256+w-1)/w))
}

// backward adds the gradients of the convolution's weight and bias to gw
// ([cout, cin*k*k]) and gb ([cout], ignored when the layer has no bias),
// given its input x ([n, cin, h, w], before the per-channel add, which may
// be nil) and the gradient dy of its output ([n, cout, h, w]). When dx is
// not nil it receives the gradient with respect to the convolved image (x
// plus add), [n, cin, h, w]; when dadd is not nil it receives the gradient
// with respect to add, [n, cin] (dx's sum over each channel's pixels: the
// add reaches every pixel of the image, not the zero padding).
//
//	dW += dY * cols^T    (cols: the im2col patch matrix, [cin*k*k, pixels])
//	dcols = W^T * dY,    then col2im scatters dcols back onto the pixels.
func (c *conv2d) backward(r *run, ts *trainScratch, x, add, dy []float32, n, h, w int, gw, gb, dx, dadd []float32) {
	hw := h * w
	kk := c.cin * c.k * c.k
	direct := c.k == 1 && add == nil
	rows := c.bandRows(h, w)
	if direct {
		rows = h
	}
	nch := min(n, gradChunks)
	partW := make([][]float32, nch)
	partB := make([][]float64, nch)
	r.parallel(nch, func(wk, ch int) {
		pw := make([]float32, c.cout*kk)
		pb := make([]float64, c.cout)
		i0, i1 := chunkRange(ch, nch, n)
		work := &r.work[wk]
		for i := i0; i < i1; i++ {
			img := x[i*c.cin*hw : (i+1)*c.cin*hw]
			dyi := dy[i*c.cout*hw : (i+1)*c.cout*hw]
			var dxi []float32
			if dx != nil {
				dxi = dx[i*c.cin*hw : (i+1)*c.cin*hw]
				clear(dxi)
			}
			for y0 := 0; y0 < h; y0 += rows {
				y1 := min(h, y0+rows)
				np := (y1 - y0) * w
				cols, ldb := img[y0*w:], hw
				if !direct {
					r.cols[wk] = grow(r.cols[wk], kk*np)
					cols, ldb = r.cols[wk], np
					for ci := range c.cin {
						c.im2colRows(cols, img, ci, h, w, y0, y1, c.addFor(add, i, ci))
					}
				}
				// dW[co, q] += sum over the band's pixels p of dy[co, p] * cols[q, p].
				sgemmT(r.kr, false, true, c.cout, kk, np, dyi[y0*w:], hw, cols, ldb, pw, kk, work)
				if dxi == nil {
					continue
				}
				if direct {
					// dx[ci, p] += sum over co of W[co, ci] * dy[co, p].
					sgemmT(r.kr, true, false, c.cin, np, c.cout, c.w, kk, dyi[y0*w:], hw, dxi[y0*w:], hw, work)
					continue
				}
				ts.dcols[wk] = grow(ts.dcols[wk], kk*np)
				dc := ts.dcols[wk]
				clear(dc)
				sgemmT(r.kr, true, false, kk, np, c.cout, c.w, kk, dyi[y0*w:], hw, dc, np, work)
				for ci := range c.cin {
					c.col2imRows(dxi, dc, ci, h, w, y0, y1)
				}
			}
			for co := range c.cout {
				pb[co] += sum64(dyi[co*hw : (co+1)*hw])
			}
			if dadd != nil {
				for ci := range c.cin {
					dadd[i*c.cin+ci] = float32(sum64(dxi[ci*hw : (ci+1)*hw]))
				}
			}
		}
		partW[ch], partB[ch] = pw, pb
	})
	for ch := range nch {
		for j, v := range partW[ch] {
			gw[j] += v
		}
	}
	if c.b != nil {
		for co := range c.cout {
			s := 0.0
			for ch := range nch {
				s += partB[ch][co]
			}
			gb[co] += float32(s)
		}
	}
}

// col2imRows is the adjoint of im2colRows: it adds row (ci*k+dy)*k+dx of
// the patch-matrix gradient dcol ([cin*k*k, np] for output rows y0 <= y <
// y1) onto the pixels of channel ci of dimg ([cin, h, w]) that im2colRows
// read them from; values that came from the zero padding are dropped,
// wrapped ones go back to the pixel they wrapped from.
func (c *conv2d) col2imRows(dimg, dcol []float32, ci, h, w, y0, y1 int) {
	k := c.k
	p := (k - 1) / 2
	hw, np := h*w, (y1-y0)*w
	dst := dimg[ci*hw : (ci+1)*hw]
	for dy := range k {
		for dx := range k {
			row := dcol[((ci*k+dy)*k+dx)*np : ((ci*k+dy)*k+dx+1)*np]
			ox := dx - p
			for y := y0; y < y1; y++ {
				sy := y + dy - p
				if sy < 0 || sy >= h {
					if !c.circular {
						continue
					}
					sy = mod(sy, h)
				}
				shiftRowAdd(dst[sy*w:(sy+1)*w], row[(y-y0)*w:(y-y0+1)*w], ox, c.circular)
			}
		}
	}
}

// shiftRowAdd is the adjoint of shiftRow: dst[x+ox] += src[x], with the
// values whose x+ox leaves the row dropped (zero padding) or wrapped.
func shiftRowAdd(dst, src []float32, ox int, circular bool) {
	w := len(dst)
	if ox <= -w || ox >= w {
		for x, v := range src {
			sx := x + ox
			if sx < 0 || sx >= w {
				if !circular {
					continue
				}
				sx = mod(sx, w)
			}
			dst[sx] += v
		}
		return
	}
	// Source pixels [lo, hi) land inside the row, at x+ox.
	lo, hi := max(0, -ox), min(w, w-ox)
	accum(dst[lo+ox:hi+ox], src[lo:hi])
	if circular {
		accum(dst[w-lo:], src[:lo])
		accum(dst[:w-hi], src[hi:])
	}
}

// accum sets dst[i] += src[i].
func accum(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

func sum64(v []float32) float64 {
	s := 0.0
	for _, a := range v {
		s += float64(a)
	}
	return s
}

// backward returns the gradient with respect to the GroupNorm's input x
// ([n, channels, hw], as it was before the forward pass normalised it in
// place) given the gradient dy of its output, and adds the gradients of the
// scale and shift to gw and gb (when the layer is affine). With x̂ the
// normalised values of a group of N = channels/groups*hw values, 1/sigma its
// inverse standard deviation and g = dy*w per channel:
//
//	dx = (1/sigma) (g - mean(g) - x̂ mean(g x̂))
func (g *groupNorm) backward(r *run, x, dy []float32, n, hw int, gw, gb []float32) []float32 {
	dx := make([]float32, len(x))
	cpg := g.channels / g.groups
	// Per-image partial gradients of the scale and shift, added in image
	// order below.
	var pw, pb []float64
	if g.w != nil {
		pw = make([]float64, n*g.channels)
		pb = make([]float64, n*g.channels)
	}
	r.parallel(n*g.groups, func(_, t int) {
		i, gi := t/g.groups, t%g.groups
		off := (i*g.channels + gi*cpg) * hw
		v := x[off : off+cpg*hw]
		d := dy[off : off+cpg*hw]
		mean, inv := groupStats(v, g.eps)
		var sg, sgx float64
		for c := range cpg {
			ch := gi*cpg + c
			wc := 1.0
			if g.w != nil {
				wc = float64(g.w[ch])
			}
			var sdx, sd float64
			for j := c * hw; j < (c+1)*hw; j++ {
				xh := (float64(v[j]) - mean) * inv
				dj := float64(d[j])
				sd += dj
				sdx += dj * xh
				sg += dj * wc
				sgx += dj * wc * xh
			}
			if g.w != nil {
				pw[i*g.channels+ch] = sdx
				pb[i*g.channels+ch] = sd
			}
		}
		nv := float64(cpg * hw)
		mg, mgx := sg/nv, sgx/nv
		o := dx[off : off+cpg*hw]
		for c := range cpg {
			wc := 1.0
			if g.w != nil {
				wc = float64(g.w[gi*cpg+c])
			}
			for j := c * hw; j < (c+1)*hw; j++ {
				xh := (float64(v[j]) - mean) * inv
				o[j] = float32(inv * (float64(d[j])*wc - mg - xh*mgx))
			}
		}
	})
	if g.w != nil {
		for ch := range g.channels {
			var sw, sb float64
			for i := range n {
				sw += pw[i*g.channels+ch]
				sb += pb[i*g.channels+ch]
			}
			gw[ch] += float32(sw)
			gb[ch] += float32(sb)
		}
	}
	return dx
}

// groupStats returns the mean and the inverse standard deviation (biased
// variance plus eps) of a group's values, computed as groupNorm.group does.
func groupStats(v []float32, eps float64) (mean, inv float64) {
	var s, ss float64
	for _, a := range v {
		s += float64(a)
	}
	mean = s / float64(len(v))
	for _, a := range v {
		d := float64(a) - mean
		ss += d * d
	}
	return mean, 1 / math.Sqrt(ss/float64(len(v))+eps)
}

// backward returns the gradient with respect to the Linear's input x ([n,
// in]) given dy ([n, out]), and adds the gradients of its weight and bias
// to gw ([out, in]) and gb ([out], ignored without a bias). It runs on one
// goroutine: the embedding MLPs are tiny next to the convolutions.
func (l *linear) backward(x, dy []float32, n int, gw, gb []float32) []float32 {
	dx := make([]float32, n*l.in)
	acc := make([]float64, l.in)
	for o := range l.out {
		clear(acc)
		sb := 0.0
		for i := range n {
			d := float64(dy[i*l.out+o])
			if d == 0 {
				continue
			}
			sb += d
			for j, v := range x[i*l.in : (i+1)*l.in] {
				acc[j] += d * float64(v)
			}
		}
		row := gw[o*l.in : (o+1)*l.in]
		for j := range row {
			row[j] += float32(acc[j])
		}
		if l.b != nil {
			gb[o] += float32(sb)
		}
	}
	for i := range n {
		d := dy[i*l.out : (i+1)*l.out]
		xi := dx[i*l.in : (i+1)*l.in]
		clear(acc)
		for o, dv := range d {
			if dv == 0 {
				continue
			}
			for j, wv := range l.w[o*l.in : (o+1)*l.in] {
				acc[j] += float64(dv) * float64(wv)
			}
		}
		for j := range xi {
			xi[j] = float32(acc[j])
		}
	}
	return dx
}
