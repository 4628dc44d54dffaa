package network

import (
	"math"
	"runtime"
	"sync"
)

// The layers of the two backbones, over batches of float32 images stored
// [n, C, H, W] (row-major, as torch's NCHW). They are torch's eval-mode
// semantics: Conv2d with padding='same' (zeros or circular), ConvTranspose2d
// with kernel 2 and stride 2, Linear, GroupNorm, ReLU and MaxPool2d(2, 2).

// run is the context of one forward pass: the GEMM kernel chosen when the
// pass started and one set of packing buffers per worker.
type run struct {
	kr      gemmKernel
	workers int
	work    []gemmWork
	cols    [][]float32
}

func newRun() *run {
	w := max(1, runtime.GOMAXPROCS(0))
	return &run{kr: activeKernel(), workers: w, work: make([]gemmWork, w), cols: make([][]float32, w)}
}

// parallel calls f(worker, i) for i in [0, n) on up to r.workers goroutines;
// each worker index is used by one goroutine at a time.
func (r *run) parallel(n int, f func(worker, i int)) {
	if n <= 0 {
		return
	}
	nw := min(r.workers, n)
	if nw == 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(w, i)
			}
		}()
	}
	wg.Wait()
}

// conv2d is a torch Conv2d with stride 1, dilation 1, groups 1 and
// padding='same': for an odd kernel k it pads k/2 on every side; for an even
// one, as torch, (k-1)/2 before and the rest after.
type conv2d struct {
	cout, cin, k int
	circular     bool
	w            []float32 // [cout, cin*k*k]
	b            []float32 // [cout] or nil
}

// forward returns the convolution of x ([n, cin, h, w]).
func (c *conv2d) forward(r *run, x []float32, n, h, w int) []float32 {
	hw := h * w
	out := make([]float32, n*c.cout*hw)
	for i := range n {
		o := out[i*c.cout*hw : (i+1)*c.cout*hw]
		for co := range c.cout {
			if c.b != nil {
				fill(o[co*hw:(co+1)*hw], c.b[co])
			}
		}
	}
	kk := c.cin * c.k * c.k
	if n >= r.workers || hw < 2*r.kr.nr {
		// One image per task: im2col and GEMM on the worker.
		r.parallel(n, func(wk, i int) {
			img := x[i*c.cin*hw : (i+1)*c.cin*hw]
			b := img
			if c.k != 1 {
				r.cols[wk] = grow(r.cols[wk], kk*hw)
				b = r.cols[wk]
				c.im2col(b, img, h, w)
			}
			sgemm(r.kr, c.cout, hw, kk, c.w, kk, b, hw, out[i*c.cout*hw:], hw, &r.work[wk])
		})
		return out
	}
	// Fewer images than workers: split each image's pixels between them.
	cols := make([][]float32, n)
	r.parallel(n, func(wk, i int) {
		img := x[i*c.cin*hw : (i+1)*c.cin*hw]
		cols[i] = img
		if c.k != 1 {
			cols[i] = make([]float32, kk*hw)
			c.im2col(cols[i], img, h, w)
		}
	})
	parts := r.workers
	step := (hw + parts - 1) / parts
	step = (step + r.kr.nr - 1) / r.kr.nr * r.kr.nr
	r.parallel(n*parts, func(wk, t int) {
		i, j0 := t/parts, (t%parts)*step
		if j0 >= hw {
			return
		}
		nc := min(step, hw-j0)
		sgemm(r.kr, c.cout, nc, kk, c.w, kk, cols[i][j0:], hw, out[i*c.cout*hw+j0:], hw, &r.work[wk])
	})
	return out
}

// im2col writes the patch matrix of one image img ([cin, h, w]) to col
// ([cin*k*k, h*w]): row (ci*k+dy)*k+dx holds img[ci, y+dy-p, x+dx-p] for
// every pixel (y, x), with zeros or wrapped indices outside the image.
func (c *conv2d) im2col(col, img []float32, h, w int) {
	k := c.k
	p := (k - 1) / 2
	hw := h * w
	for ci := range c.cin {
		src := img[ci*hw : (ci+1)*hw]
		for dy := range k {
			for dx := range k {
				row := col[((ci*k+dy)*k+dx)*hw : ((ci*k+dy)*k+dx+1)*hw]
				ox := dx - p
				for y := range h {
					dst := row[y*w : (y+1)*w]
					sy := y + dy - p
					if sy < 0 || sy >= h {
						if !c.circular {
							clear(dst)
							continue
						}
						sy = mod(sy, h)
					}
					shiftRow(dst, src[sy*w:(sy+1)*w], ox, c.circular)
				}
			}
		}
	}
}

// shiftRow sets dst[x] = src[x+ox], with zeros or wrapped indices where
// x+ox leaves the row.
func shiftRow(dst, src []float32, ox int, circular bool) {
	w := len(src)
	if ox == 0 {
		copy(dst, src)
		return
	}
	if ox <= -w || ox >= w {
		for x := range dst {
			sx := x + ox
			if sx < 0 || sx >= w {
				if !circular {
					dst[x] = 0
					continue
				}
				sx = mod(sx, w)
			}
			dst[x] = src[sx]
		}
		return
	}
	if ox > 0 {
		copy(dst[:w-ox], src[ox:])
		if circular {
			copy(dst[w-ox:], src[:ox])
		} else {
			clear(dst[w-ox:])
		}
		return
	}
	o := -ox
	copy(dst[o:], src[:w-o])
	if circular {
		copy(dst[:o], src[w-o:])
	} else {
		clear(dst[:o])
	}
}

func mod(a, n int) int {
	a %= n
	if a < 0 {
		a += n
	}
	return a
}

func fill(s []float32, v float32) {
	for i := range s {
		s[i] = v
	}
}

// convT2 is a torch ConvTranspose2d with kernel 2 and stride 2, which
// doubles the height and width. wt holds its weight [cin, cout, 2, 2]
// transposed to [cout*4, cin], so that one GEMM gives every output pixel.
type convT2 struct {
	cout, cin int
	wt        []float32
	b         []float32
}

func (c *convT2) forward(r *run, x []float32, n, h, w int) []float32 {
	hw := h * w
	out := make([]float32, n*c.cout*4*hw)
	r.parallel(n, func(wk, i int) {
		tmp := make([]float32, c.cout*4*hw)
		sgemm(r.kr, c.cout*4, hw, c.cin, c.wt, c.cin, x[i*c.cin*hw:], hw, tmp, hw, &r.work[wk])
		o := out[i*c.cout*4*hw : (i+1)*c.cout*4*hw]
		w2 := 2 * w
		for co := range c.cout {
			var bias float32
			if c.b != nil {
				bias = c.b[co]
			}
			for a := range 2 {
				for bb := range 2 {
					src := tmp[(co*4+a*2+bb)*hw : (co*4+a*2+bb+1)*hw]
					for y := range h {
						dst := o[co*4*hw+(2*y+a)*w2+bb:]
						for xx, v := range src[y*w : (y+1)*w] {
							dst[2*xx] = v + bias
						}
					}
				}
			}
		}
	})
	return out
}

// linear is a torch Linear: y = W x + b with W [out, in].
type linear struct {
	out, in int
	w, b    []float32
}

// forward maps x ([n, in]) to [n, out], accumulating in float64.
func (l *linear) forward(x []float32, n int) []float32 {
	y := make([]float32, n*l.out)
	for i := range n {
		xi := x[i*l.in : (i+1)*l.in]
		for o := range l.out {
			s := 0.0
			if l.b != nil {
				s = float64(l.b[o])
			}
			for j, v := range l.w[o*l.in : (o+1)*l.in] {
				s += float64(v) * float64(xi[j])
			}
			y[i*l.out+o] = float32(s)
		}
	}
	return y
}

// groupNorm is a torch GroupNorm(groups, channels) with affine weights:
// over each group of channels/groups channels (and all their pixels) the
// values are normalised with the biased variance, then scaled per channel.
type groupNorm struct {
	groups, channels int
	eps              float64
	w, b             []float32 // nil when not affine
}

// forward normalises x ([n, channels, hw]) in place; hw = 1 for vectors.
func (g *groupNorm) forward(r *run, x []float32, n, hw int) {
	cpg := g.channels / g.groups
	r.parallel(n*g.groups, func(_, t int) {
		i, gi := t/g.groups, t%g.groups
		v := x[(i*g.channels+gi*cpg)*hw : (i*g.channels+(gi+1)*cpg)*hw]
		var s, ss float64
		for _, a := range v {
			s += float64(a)
		}
		mean := s / float64(len(v))
		for _, a := range v {
			d := float64(a) - mean
			ss += d * d
		}
		inv := 1 / math.Sqrt(ss/float64(len(v))+g.eps)
		for c := range cpg {
			ch := gi*cpg + c
			scale, shift := inv, -mean*inv
			if g.w != nil {
				scale *= float64(g.w[ch])
				shift = shift*float64(g.w[ch]) + float64(g.b[ch])
			}
			sc, sh := float32(scale), float32(shift)
			for j, a := range v[c*hw : (c+1)*hw] {
				v[c*hw+j] = a*sc + sh
			}
		}
	})
}

func relu(x []float32) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}

// addChannel adds v[i, c] to every pixel of channel c of image i of x
// ([n, C, hw]) and returns the result in a new slice.
func addChannel(x, v []float32, n, ch, hw int) []float32 {
	out := make([]float32, len(x))
	for i := range n {
		for c := range ch {
			a := v[i*ch+c]
			o := (i*ch + c) * hw
			for j, s := range x[o : o+hw] {
				out[o+j] = s + a
			}
		}
	}
	return out
}

// maxPool2 is MaxPool2d(2, 2) on x ([n, C, h, w], h and w even).
func maxPool2(x []float32, nc, h, w int) []float32 {
	h2, w2 := h/2, w/2
	out := make([]float32, nc*h2*w2)
	for p := range nc {
		src := x[p*h*w : (p+1)*h*w]
		dst := out[p*h2*w2 : (p+1)*h2*w2]
		for y := range h2 {
			r0 := src[2*y*w : 2*y*w+w]
			r1 := src[(2*y+1)*w : (2*y+1)*w+w]
			for xx := range w2 {
				dst[y*w2+xx] = max(r0[2*xx], r0[2*xx+1], r1[2*xx], r1[2*xx+1])
			}
		}
	}
	return out
}

// concat stacks a ([n, ca, hw]) and b ([n, cb, hw]) along the channels.
func concat(a, b []float32, n, ca, cb, hw int) []float32 {
	out := make([]float32, n*(ca+cb)*hw)
	for i := range n {
		o := out[i*(ca+cb)*hw:]
		copy(o, a[i*ca*hw:(i+1)*ca*hw])
		copy(o[ca*hw:], b[i*cb*hw:(i+1)*cb*hw])
	}
	return out
}
