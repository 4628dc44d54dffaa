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
// pass started and per-worker scratch (packing buffers, im2col matrices),
// kept in a pool between passes so that a forward pass allocates little
// beyond its activations.
type run struct {
	kr      gemmKernel
	workers int
	work    []gemmWork
	cols    [][]float32
}

var runPool sync.Pool

func newRun() *run {
	w := max(1, runtime.GOMAXPROCS(0))
	kr := activeKernel()
	if r, ok := runPool.Get().(*run); ok && r.workers == w {
		r.kr = kr
		return r
	}
	return &run{kr: kr, workers: w, work: make([]gemmWork, w), cols: make([][]float32, w)}
}

// release returns the run's scratch to the pool.
func (r *run) release() { runPool.Put(r) }

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

// convOpt are the fusions a convolution can do on its way.
type convOpt struct {
	// add, when set, holds a value per image and input channel ([n, cin])
	// added to the input before the convolution (inside the image: the
	// zero padding stays zero, as when torch pads x + add).
	add []float32
	// dst, when set, receives the output instead of a new slice.
	dst []float32
	// epilogue, when set, is called once per image with its output
	// ([cout, h, w]) as soon as that image is done, possibly concurrently
	// for different images.
	epilogue func(i int, out []float32)
}

// forward returns the convolution of x ([n, cin, h, w]).
func (c *conv2d) forward(r *run, x []float32, n, h, w int, opt convOpt) []float32 {
	hw := h * w
	out := opt.dst
	if out == nil {
		out = make([]float32, n*c.cout*hw)
	}
	out = out[:n*c.cout*hw]
	kk := c.cin * c.k * c.k
	direct := c.k == 1 && opt.add == nil
	initOut := func(i int) []float32 {
		o := out[i*c.cout*hw : (i+1)*c.cout*hw]
		if c.b == nil {
			clear(o)
			return o
		}
		for co, b := range c.b {
			fill(o[co*hw:(co+1)*hw], b)
		}
		return o
	}
	if n >= r.workers || hw < 2*r.kr.nr {
		// One image per task: im2col, GEMM and epilogue on the worker, a
		// band of rows at a time so that the band's patch matrix stays in
		// the core's L2 cache.
		rows := h
		if !direct {
			rows = min(h, max(1, (64<<10)/(kk*w), (256+w-1)/w))
		}
		r.parallel(n, func(wk, i int) {
			img := x[i*c.cin*hw : (i+1)*c.cin*hw]
			o := initOut(i)
			for y0 := 0; y0 < h; y0 += rows {
				y1 := min(h, y0+rows)
				np := (y1 - y0) * w
				b, ldb := img[y0*w:], hw
				if !direct {
					r.cols[wk] = grow(r.cols[wk], kk*np)
					b, ldb = r.cols[wk], np
					for ci := range c.cin {
						c.im2colRows(b, img, ci, h, w, y0, y1, c.addFor(opt.add, i, ci))
					}
				}
				sgemm(r.kr, c.cout, np, kk, c.w, kk, b, ldb, o[y0*w:], hw, &r.work[wk])
			}
			if opt.epilogue != nil {
				opt.epilogue(i, o)
			}
		})
		return out
	}
	// Fewer images than workers: build each image's patch matrix with all
	// workers (one input channel per task), then split its pixels between
	// them. Image i uses the scratch of worker i (i < n < workers).
	cols := make([][]float32, n)
	for i := range n {
		cols[i] = x[i*c.cin*hw : (i+1)*c.cin*hw]
		if !direct {
			r.cols[i] = grow(r.cols[i], kk*hw)
			cols[i] = r.cols[i]
		}
	}
	r.parallel(n*c.cin, func(_, t int) {
		i, ci := t/c.cin, t%c.cin
		if ci == 0 {
			initOut(i)
		}
		if !direct {
			c.im2colRows(cols[i], x[i*c.cin*hw:(i+1)*c.cin*hw], ci, h, w, 0, h, c.addFor(opt.add, i, ci))
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
	if opt.epilogue != nil {
		r.parallel(n, func(_, i int) { opt.epilogue(i, out[i*c.cout*hw:(i+1)*c.cout*hw]) })
	}
	return out
}

func (c *conv2d) addFor(add []float32, i, ci int) float32 {
	if add == nil {
		return 0
	}
	return add[i*c.cin+ci]
}

// im2colRows writes the k*k rows of the patch matrix col ([cin*k*k, np],
// np = (y1-y0)*w pixels) that come from input channel ci of img ([cin, h,
// w]), for the output rows y0 <= y < y1: row (ci*k+dy)*k+dx holds
// img[ci, y+dy-p, x+dx-p] + add for every pixel (y, x), with zeros (zero
// padding) or wrapped indices outside the image.
func (c *conv2d) im2colRows(col, img []float32, ci, h, w, y0, y1 int, add float32) {
	k := c.k
	p := (k - 1) / 2
	hw, np := h*w, (y1-y0)*w
	src := img[ci*hw : (ci+1)*hw]
	for dy := range k {
		for dx := range k {
			row := col[((ci*k+dy)*k+dx)*np : ((ci*k+dy)*k+dx+1)*np]
			ox := dx - p
			for y := y0; y < y1; y++ {
				dst := row[(y-y0)*w : (y-y0+1)*w]
				sy := y + dy - p
				if sy < 0 || sy >= h {
					if !c.circular {
						clear(dst)
						continue
					}
					sy = mod(sy, h)
				}
				shiftRow(dst, src[sy*w:(sy+1)*w], ox, c.circular, add)
			}
		}
	}
}

// shiftRow sets dst[x] = src[x+ox] + add, with 0 (zero padding) or
// wrapped indices where x+ox leaves the row.
func shiftRow(dst, src []float32, ox int, circular bool, add float32) {
	w := len(src)
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
			dst[x] = src[sx] + add
		}
		return
	}
	// in is the destination range [lo, hi) that reads inside the row.
	lo, hi := max(0, -ox), min(w, w-ox)
	addTo(dst[lo:hi], src[lo+ox:hi+ox], add)
	if circular {
		addTo(dst[:lo], src[w-lo:], add)
		addTo(dst[hi:], src[:w-hi], add)
	} else {
		clear(dst[:lo])
		clear(dst[hi:])
	}
}

// addTo sets dst[i] = src[i] + add.
func addTo(dst, src []float32, add float32) {
	if add == 0 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = v + add
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
	r.parallel(n*g.groups, func(_, t int) {
		g.group(x[t/g.groups*g.channels*hw:], t%g.groups, hw)
	})
}

// image normalises one image x ([channels, hw]) in place.
func (g *groupNorm) image(x []float32, hw int) {
	for gi := range g.groups {
		g.group(x, gi, hw)
	}
}

// group normalises group gi of one image x ([channels, hw]).
func (g *groupNorm) group(x []float32, gi, hw int) {
	cpg := g.channels / g.groups
	{
		v := x[gi*cpg*hw : (gi+1)*cpg*hw]
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
	}
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
