package machine

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"mosaic/model/dataset"
	"mosaic/model/internal/hugepage"
	"mosaic/model/internal/par"
)

// fastEngine evaluates a local machine with box sums over displacements.
//
// For a displacement delta = q - p between a pixel and a candidate centre,
// the squared patch distance of every pixel p is the k x k box sum, centred
// at p, of the image E(u) = sum_c (xpad_c(u) - a phipad_c(u + delta))^2. Per
// delta and per chunk of training images the engine keeps running column
// sums of E (a vertical sliding window, float64 so that adding and removing
// rows loses nothing) and slides a horizontal window over them, which gives
// the distances of all pixels sharing that delta in O(1) per (pixel,
// candidate) pair whatever k is. The training set is kept once, transposed
// to float32 with the image index innermost ([chunk][C][H][W][lane]), so
// every inner loop is a contiguous vector over images. Each pixel keeps an
// online-softmax state (running max, s0, s1, numerator, best) that workers
// merge exactly at the end; candidates more than skipLogit below the running
// max of their pixel (weight < e^-skipLogit relative) are skipped, a whole
// vector at a time.
type fastEngine struct {
	d    *dataset.Dataset
	rule Rule

	once   sync.Once
	lanes  int       // images per chunk (a multiple of kernelLanes, 16)
	nb     int       // number of chunks
	data   []float32 // [nb][C][H*W][lanes]
	phiMax []float64 // per channel, max |phi|
	bias   []float32 // [2][lanes]: 0 (full chunks), and padLogit beyond M (last chunk)

	// Buffers kept from one step to the next, so that a step does not
	// page in and clear fresh memory for its softmax states and workers
	// (about 40 MB over a 20-step trajectory at M = 500). A sync.Pool is
	// safe for steps that run at the same time and gives unused buffers
	// back to the garbage collector.
	freeStates  sync.Pool // *pixState of d.H*d.W pixels and d.C channels
	freeWorkers sync.Pool // *worker
}

// skipLogit: candidates whose logit is this far below the pixel's running
// maximum get weight 0 instead of < 2.3e-16 of the maximum's.
const skipLogit = 36

// padLogit is the logit bias of the padding lanes of the last chunk (zero
// images beyond M): finite, so that the exponential kernels need no clamp
// for -Inf, and so low that its weight is exactly 0 and it is skipped
// like any hopeless candidate.
const padLogit = -1e38

// chunkLanes is the number of training images processed together.
const chunkLanes = 512

func newFastEngine(d *dataset.Dataset, r Rule) *fastEngine { return &fastEngine{d: d, rule: r} }

// prepare builds the transposed float32 copy of the training set, once.
func (e *fastEngine) prepare() {
	e.once.Do(func() {
		d := e.d
		L := min(chunkLanes, (d.M+kernelLanes-1)/kernelLanes*kernelLanes)
		nb := (d.M + L - 1) / L
		n := d.Size()
		data := make([]float32, nb*n*L)
		hugepage.Advise(data) // 246 MB of fresh pages for all of MNIST
		hw := d.H * d.W
		chunkMax := make([]float64, nb*d.C) // per chunk, per channel: max |phi|
		par.Each(nb, func(b int) {
			blk := data[b*n*L : (b+1)*n*L]
			cm := chunkMax[b*d.C : (b+1)*d.C]
			for i := range min(L, d.M-b*L) { // the lanes beyond stay zeros; the bias removes them
				img := d.Image(b*L + i)
				for c := range d.C {
					for j, v := range img[c*hw : (c+1)*hw] {
						blk[(c*hw+j)*L+i] = float32(v)
						cm[c] = max(cm[c], math.Abs(v))
					}
				}
			}
		})
		e.phiMax = make([]float64, d.C)
		for b := range nb {
			for c := range d.C {
				e.phiMax[c] = max(e.phiMax[c], chunkMax[b*d.C+c])
			}
		}
		e.bias = make([]float32, 2*L)
		for i := range L {
			if (nb-1)*L+i >= d.M {
				e.bias[L+i] = padLogit
			}
		}
		e.lanes, e.nb, e.data = L, nb, data
	})
}

// biasOf returns the logit bias of chunk b's lanes.
func (e *fastEngine) biasOf(b int) []float32 {
	L := e.lanes
	if b == e.nb-1 {
		return e.bias[L : 2*L]
	}
	return e.bias[:L]
}

// scale returns sqrt(S), where S is the integer scale of the squared
// differences: the largest power-free factor such that no k x k window of
// E*S can exceed 2^30 (see kernels).
func (e *fastEngine) scale(x []float64, a float64, k int) (sq, S float64) {
	d := e.d
	hw := d.H * d.W
	B := 0.0
	for c := range d.C {
		xm := 0.0
		for _, v := range x[c*hw : (c+1)*hw] {
			xm = max(xm, math.Abs(v))
		}
		B += (xm + a*e.phiMax[c]) * (xm + a*e.phiMax[c])
	}
	B = max(B*float64(k*k)*(1+1e-6), 1e-20)
	S = (1 << 30) / B
	return math.Sqrt(S), S
}

// row returns the lanes of chunk b, channel c, pixel index pix.
func (e *fastEngine) row(b, c, pix int) []float32 { return e.rows(b, c, pix, 1) }

// rows returns the lanes of chunk b, channel c, of the n pixels from pixel
// index pix on (n*lanes values).
func (e *fastEngine) rows(b, c, pix, n int) []float32 {
	L := e.lanes
	off := ((b*e.d.C+c)*e.d.H*e.d.W + pix) * L
	return e.data[off : off+n*L : off+n*L]
}

// axisDelta is one displacement d along an axis and the range [lo, hi) of
// pixel indices i for which i+d is a candidate centre.
type axisDelta struct{ d, lo, hi int }

// axisDeltas lists the displacements of one axis of length n for half-width
// m under the candidate rule, displacement 0 first.
func axisDeltas(n, m int, c Candidates) []axisDelta {
	switch c {
	case SamePosition:
		return []axisDelta{{0, 0, n}}
	case AllInterior:
		var out []axisDelta
		for d := m - n + 1; d <= n-m-1; d++ {
			lo, hi := max(0, m-d), min(n, n-m-d)
			if lo < hi {
				out = append(out, axisDelta{d, lo, hi})
			}
		}
		slices.SortStableFunc(out, func(a, b axisDelta) int { return abs(a.d) - abs(b.d) })
		return out
	default: // SameClass
		out := []axisDelta{{0, 0, n}}
		for d := m - n + 1; d <= n-m-1; d++ {
			if d == 0 {
				continue
			}
			lo, hi := max(m, m-d), min(n-m, n-m-d)
			if lo < hi {
				out = append(out, axisDelta{d, lo, hi})
			}
		}
		slices.SortStableFunc(out, func(a, b axisDelta) int { return abs(a.d) - abs(b.d) })
		return out
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// pixState is the online softmax state of every pixel of one worker.
type pixState struct {
	mx, s0, s1, bestL []float64
	num               []float64 // [pixel][channel]
	best              []Source
}

func newPixState(hw, ch int) *pixState {
	s := &pixState{mx: make([]float64, hw), s0: make([]float64, hw), s1: make([]float64, hw),
		bestL: make([]float64, hw), num: make([]float64, hw*ch), best: make([]Source, hw)}
	s.reset()
	return s
}

// reset empties s: no candidate seen yet.
func (s *pixState) reset() {
	for i := range s.mx {
		s.mx[i], s.bestL[i] = math.Inf(-1), math.Inf(-1)
	}
	clear(s.s0)
	clear(s.s1)
	clear(s.num)
	clear(s.best)
}

// getState returns an empty softmax state for every pixel, reusing one
// that an earlier step gave back (putStates) when there is one.
func (e *fastEngine) getState() *pixState {
	if s, ok := e.freeStates.Get().(*pixState); ok {
		s.reset()
		return s
	}
	return newPixState(e.d.H*e.d.W, e.d.C)
}

// putStates gives states back for later steps (nil entries, left by a
// cancelled step, are skipped). The caller must not use them afterwards.
func (e *fastEngine) putStates(states ...*pixState) {
	for _, s := range states {
		if s != nil {
			e.freeStates.Put(s)
		}
	}
}

// raise moves pixel p's reference maximum up to nm, rescaling its sums.
func (s *pixState) raise(p, ch int, nm float64) {
	old := s.mx[p]
	if s.s0[p] > 0 {
		d := old - nm
		f := math.Exp(d)
		s.s1[p] = (s.s1[p] + d*s.s0[p]) * f
		s.s0[p] *= f
		for c := range ch {
			s.num[p*ch+c] *= f
		}
	}
	s.mx[p] = nm
}

// merge folds o into s (the log-sum-exp merge of two online softmaxes).
func (s *pixState) merge(o *pixState, ch int) {
	for p := range s.mx {
		if o.s0[p] == 0 {
			continue
		}
		if o.mx[p] > s.mx[p] {
			s.raise(p, ch, o.mx[p])
		}
		d := o.mx[p] - s.mx[p]
		f := math.Exp(d)
		s.s0[p] += o.s0[p] * f
		s.s1[p] += (o.s1[p] + d*o.s0[p]) * f
		for c := range ch {
			s.num[p*ch+c] += o.num[p*ch+c] * f
		}
		if o.bestL[p] > s.bestL[p] || (o.bestL[p] == s.bestL[p] && comparePos(o.best[p], s.best[p]) < 0) {
			s.bestL[p], s.best[p] = o.bestL[p], o.best[p]
		}
	}
}

// phiRow returns the lanes of the padded training value of channel c at
// (u, v) of chunk b, or nil where the padding is zero.
func (e *fastEngine) phiRow(b, c, u, v int) []float32 {
	d := e.d
	r, col := PadIndex(u, d.H, e.rule.PadPhi), PadIndex(v, d.W, e.rule.PadPhi)
	if r < 0 || col < 0 {
		return nil
	}
	return e.row(b, c, r*d.W+col)
}

// colBlock is the number of column displacements whose vertical windows
// slide down the rows together. Neighbouring column displacements read
// the same training rows shifted by a column, so folding a row into all of
// them at once reads the row from the cache instead of from memory (a
// chunk of 512 images is 2 MB at 32x32, more than a core's L2). Each
// pixel still takes its candidates in the same order.
const colBlock = 4

// worker holds one goroutine's scratch buffers.
type worker struct {
	cs     []colSums // the vertical windows of a block of column displacements
	dsum   []int32   // running horizontal sum, [lanes]
	lg, ex []float32 // logits and weights of one pixel
	z32    []float32
	zi     []int32
	off    []int32 // per pixel distance offset (nil: 0)
	all    []int   // 0, 1, ..., cols-1: every column sum
	// One row of pixels for hexpRow: zero offsets, the pixels' maxima and
	// best logits in float32, the results.
	zoff         []int32
	mx32, best32 []float32
	out          []rowOut
	row          hexpRowOp
}

// colSums is the vertical window of one column displacement: its running
// column sums and the columns of the query and training images they add.
type colSums struct {
	dc    axisDelta
	ncols int
	v     []int32 // running column sums, [cols][lanes]
	colX  []int   // per column sum: query column, or -1
	colP  []int   // per column sum: training column, or -1
	runs  []int   // runs of in-image columns, [j0, j1) pairs
	odd   []int   // columns with padding
	// fj0, fj1: the columns whose update scoreRow fuses into its row
	// (one-channel images, rows inside both images): the part of the
	// longest run that pixels take in (columns from k-1 on).
	fj0, fj1 int
}

// workerCols rounds a worker's room in column sums up, so that the few
// sizes a trajectory's patch sizes ask for share their workers.
const workerCols = 16

// getWorker returns a worker with room for cols column sums per column
// displacement, reusing one that an earlier step gave back when it is big
// enough. Every buffer a worker's user reads is written first, except the
// zero ones (z32, zi, zoff), which nothing writes.
func (e *fastEngine) getWorker(cols int) *worker {
	if wk, ok := e.freeWorkers.Get().(*worker); ok && len(wk.all) >= cols {
		return wk
	}
	return e.newWorker((cols + workerCols - 1) / workerCols * workerCols)
}

func (e *fastEngine) newWorker(cols int) *worker {
	L, w := e.lanes, e.d.W
	wk := &worker{cs: make([]colSums, colBlock), dsum: make([]int32, L),
		lg: make([]float32, L), ex: make([]float32, L), z32: make([]float32, L), zi: make([]int32, L),
		all: make([]int, cols), zoff: make([]int32, w), mx32: make([]float32, w), best32: make([]float32, w),
		out: make([]rowOut, w)}
	for i := range wk.cs {
		wk.cs[i] = colSums{v: make([]int32, cols*L), colX: make([]int, cols), colP: make([]int, cols)}
	}
	for j := range wk.all {
		wk.all[j] = j
	}
	return wk
}

func (e *fastEngine) step(ctx context.Context, x []float64, a, b float64, k int, out *Step) error {
	e.prepare()
	d := e.d
	m := k / 2
	rows := axisDeltas(d.H, m, e.rule.Candidates)
	cols := axisDeltas(d.W, m, e.rule.Candidates)
	sc := e.stepConsts(x, a, b, k)
	// Work items are (chunk, group of row displacements), each with its own
	// softmax state, merged in item order at the end: the result does not
	// depend on the number of workers or on scheduling.
	groups := min(len(rows), max(1, (minItems+e.nb-1)/e.nb))
	items := e.nb * groups
	wp := e.newPool(ctx, workers(items), cols, m)
	defer wp.release()
	off, init := e.seed(wp, sc, rows, cols)
	states := make([]*pixState, items)
	wp.run(items, func(wk *worker, it int) {
		st := e.getState()
		copy(st.mx, init)
		wk.off = off
		bi, g := it/groups, it%groups
		for ir := g; ir < len(rows); ir += groups {
			e.stepItem(sc, wk, st, bi, rows[ir], cols)
		}
		states[it] = st
	})
	defer e.putStates(states...)
	if err := ctx.Err(); err != nil {
		return err
	}
	st := states[0]
	for _, o := range states[1:] {
		st.merge(o, d.C)
	}
	st.result(out, d.C)
	return nil
}

// stepConsts returns the integer scaling of the step at x with a(t) = a,
// b(t) = b and patch size k, and the kernels to use.
func (e *fastEngine) stepConsts(x []float64, a, b float64, k int) *stepConsts {
	sq, S := e.scale(x, a, k)
	xs := make([]float32, len(x))
	for i, v := range x {
		xs[i] = float32(v * sq)
	}
	return &stepConsts{kn: activeKernels(), xs: xs, a: float32(a * sq), s: float32(-1 / (2 * b * b * S)), k: k}
}

// maxWorkers limits the goroutines of a step (0: one per CPU).
var maxWorkers atomic.Int32

// SetMaxWorkers makes the steps that start from now on run on at most n
// goroutines (n <= 0: one per CPU, GOMAXPROCS, the default). The desktop
// app computes on one core while its window opens, so that the first
// frame does not wait for a CPU. Results do not depend on it.
func SetMaxWorkers(n int) { maxWorkers.Store(int32(max(n, 0))) }

// workers returns the number of goroutines for a step of n work items.
func workers(n int) int {
	w := runtime.GOMAXPROCS(0)
	if m := int(maxWorkers.Load()); m > 0 {
		w = min(w, m)
	}
	return max(1, min(w, n))
}

// minItems is the number of work items a step is split into at least
// (when it has that many row displacements): the items are dealt to the
// cores as they free up. (64 was no better at M = 5,000 on two cores:
// the two threads already kept 1.94 cores busy.)
const minItems = 16

// pool is the workers of one step.
type pool struct {
	e   *fastEngine
	ctx context.Context
	wks []*worker
}

// newPool returns n workers with room for the column sums of every column
// displacement of cols at half-width m.
func (e *fastEngine) newPool(ctx context.Context, n int, cols []axisDelta, m int) *pool {
	maxCols := 0
	for _, dc := range cols {
		maxCols = max(maxCols, dc.hi-dc.lo+2*m)
	}
	wp := &pool{e: e, ctx: ctx, wks: make([]*worker, n)}
	for i := range wp.wks {
		wp.wks[i] = e.getWorker(maxCols)
	}
	return wp
}

// release gives the workers back for later steps, once no goroutine of
// the pool runs.
func (wp *pool) release() {
	for _, wk := range wp.wks {
		wk.off, wk.row = nil, hexpRowOp{}
		wp.e.freeWorkers.Put(wk)
	}
	wp.wks = nil
}

// run calls f(worker, i) for i in [0, n) on the workers, until done or
// cancelled.
func (wp *pool) run(n int, f func(wk *worker, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, wk := range wp.wks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lowerWorkerPriority() // if it did, the goroutine ends locked: Go retires the thread
			for {
				i := int(next.Add(1)) - 1
				if i >= n || wp.ctx.Err() != nil {
					return
				}
				f(wk, i)
			}
		}()
	}
	wg.Wait()
}

// seed returns every pixel's integer distance offset and the running
// maximum its items start from.
//
// The best logit of every pixel at displacement 0 (q = p), over all
// images, is a lower bound of its maximum. Every item starts its running
// maximum there, so that it can skip hopeless candidates from its first
// vector on. (The maximum is order-independent, so the result stays
// deterministic.) The seed also gives the offset: logits are computed
// relative to it (exactly, in integers), so the ones that matter are small
// numbers that float32 resolves to ~1e-7. The seed's own logit, relative
// to the offset, is 0 up to the float32 rounding of the seed pass; items
// start a hair below it.
func (e *fastEngine) seed(wp *pool, sc *stepConsts, rows, cols []axisDelta) (off []int32, init []float64) {
	hw := e.d.H * e.d.W
	seed := e.getState()
	defer e.putStates(seed)
	if rows[0].d == 0 && cols[0].d == 0 {
		seeds := make([]*pixState, e.nb)
		defer e.putStates(seeds...)
		wp.run(e.nb, func(wk *worker, bi int) {
			seeds[bi] = e.getState()
			wk.off = nil
			e.stepItem(sc, wk, seeds[bi], bi, rows[0], cols[:1])
		})
		for _, o := range seeds {
			if o == nil {
				break // cancelled
			}
			for p, v := range o.mx {
				seed.mx[p] = max(seed.mx[p], v)
			}
		}
	}
	off = make([]int32, hw)
	init = make([]float64, hw)
	for p, v := range seed.mx {
		init[p] = v
		if !math.IsInf(v, 0) {
			off[p] = int32(math.Round(v / float64(sc.s)))
			init[p] = -1e-6 * (1 + math.Abs(v))
		}
	}
	return off, init
}

// result writes the denoised image, the heaviest source and the effective
// number of patches of every pixel of the merged state s to out.
func (s *pixState) result(out *Step, ch int) {
	hw := len(s.mx)
	for p := range hw {
		for c := range ch {
			out.D[c*hw+p] = s.num[p*ch+c] / s.s0[p]
		}
		best := s.best[p]
		best.Weight = math.Exp(s.bestL[p]-s.mx[p]) / s.s0[p]
		out.Heaviest[p] = best
		hh := math.Log(s.s0[p]) - s.s1[p]/s.s0[p]
		if hh < 0 {
			hh = 0
		}
		out.Effective[p] = math.Exp(hh)
	}
}

// stepConsts are the values of one step that every item shares.
type stepConsts struct {
	kn kernels
	xs []float32 // the query image x, scaled by sqrt(S)
	a  float32   // a(t), scaled by sqrt(S)
	s  float32   // the logit of an integer distance: -1/(2 b(t)^2 S)
	k  int       // the patch size
}

// padRow is one row of E's two factors after padding: the row of the query
// image (PadX) and of the training images (PadPhi), -1 where zero-padded.
type padRow struct{ x, phi int }

// zeroRow is a row in the zero padding of both images: E is 0 there, so
// folding it in or out changes nothing. The first rows of a window are
// folded in with zeroRow as the row that leaves.
var zeroRow = padRow{-1, -1}

// zero reports whether E is 0 on the whole row.
func (r padRow) zero() bool { return r.x < 0 && r.phi < 0 }

// inside reports whether both factors of the row are inside their images.
func (r padRow) inside() bool { return r.x >= 0 && r.phi >= 0 }

// item is the work of stepItem: the candidates of one chunk at one row
// displacement, folded by one worker into one softmax state.
type item struct {
	e  *fastEngine
	c  *stepConsts
	wk *worker
	st *pixState
	bi int       // the chunk
	dr axisDelta // the row displacement
}

// stepItem folds in the candidates of chunk bi at row displacement dr and
// every column displacement of cols, colBlock column displacements at a
// time, row by row.
func (e *fastEngine) stepItem(c *stepConsts, wk *worker, st *pixState, bi int, dr axisDelta, cols []axisDelta) {
	it := item{e: e, c: c, wk: wk, st: st, bi: bi, dr: dr}
	m := c.k / 2
	for b0 := 0; b0 < len(cols); b0 += colBlock {
		blk := wk.cs[:min(colBlock, len(cols)-b0)]
		for i := range blk {
			it.columnTables(&blk[i], cols[b0+i])
		}
		// The vertical window of the first row: rows dr.lo-m to dr.lo+m.
		for u := dr.lo - m; u <= dr.lo+m; u++ {
			in := it.padRow(u)
			for i := range blk {
				it.foldRows(&blk[i], in, zeroRow)
			}
		}
		for r := dr.lo; r < dr.hi; r++ {
			in, out := it.padRow(r+m), it.padRow(r-m-1)
			for i := range blk {
				fuse := false
				if r > dr.lo {
					fuse = it.foldRows(&blk[i], in, out)
				}
				it.scoreRow(&blk[i], r, in, out, fuse)
			}
		}
	}
}

// padRow returns query row u and its training row u + dr after padding.
func (it *item) padRow(u int) padRow {
	h, r := it.e.d.H, it.e.rule
	return padRow{PadIndex(u, h, r.PadX), PadIndex(u+it.dr.d, h, r.PadPhi)}
}

// columnTables fills the worker's column tables for column displacement
// dc: the query column (PadX) and the training column (PadPhi) of every
// column sum, -1 where zero-padded. Columns where both are inside the
// image come in runs of consecutive columns (wk.runs, [j0, j1) pairs), for
// which a whole row is one kernel call; the others (padding) go one by one
// (wk.odd).
func (it *item) columnTables(cs *colSums, dc axisDelta) {
	w, r := it.e.d.W, it.e.rule
	m := it.c.k / 2
	ncols := dc.hi - dc.lo + 2*m
	cs.dc, cs.ncols = dc, ncols
	clear(cs.v[:ncols*it.e.lanes])
	colX, colP := cs.colX, cs.colP
	cs.runs, cs.odd = cs.runs[:0], cs.odd[:0]
	for j := range ncols {
		v := dc.lo - m + j
		colX[j], colP[j] = PadIndex(v, w, r.PadX), PadIndex(v+dc.d, w, r.PadPhi)
		switch {
		case colX[j] < 0 || colP[j] < 0:
			cs.odd = append(cs.odd, j)
		case len(cs.runs) > 0 && cs.runs[len(cs.runs)-1] == j && colX[j] == colX[j-1]+1 && colP[j] == colP[j-1]+1:
			cs.runs[len(cs.runs)-1] = j + 1
		default:
			cs.runs = append(cs.runs, j, j+1)
		}
	}
	cs.fj0, cs.fj1 = 0, 0
	for i := 0; i < len(cs.runs); i += 2 {
		j0, j1 := max(cs.runs[i], it.c.k-1), cs.runs[i+1]
		if j1-j0 > cs.fj1-cs.fj0 {
			cs.fj0, cs.fj1 = j0, j1
		}
	}
}

// foldRows folds row in of E into every column sum of cs and row out out
// of it (zeroRow: none). For an image of one channel, where both rows are
// inside their images, it leaves the columns [fj0, fj1) to scoreRow, which
// fuses their update into its row, and reports so.
func (it *item) foldRows(cs *colSums, in, out padRow) (fused bool) {
	if in.zero() && out.zero() {
		return false // all zero padding: E = 0 in and out
	}
	d := it.e.d
	hw := d.H * d.W
	// Runs of columns inside both images are whole kernel rows when
	// neither row is partly padded.
	runs := in.inside() && (out.zero() || out.inside())
	fused = d.C == 1 && in.inside() && out.inside() && cs.fj1 > cs.fj0
	for c := range d.C {
		base := (it.bi*d.C + c) * hw * it.e.lanes
		xc := it.c.xs[c*hw : (c+1)*hw]
		if !runs {
			it.foldColumns(cs, it.wk.all[:cs.ncols], base, xc, in, out)
			continue
		}
		it.foldColumns(cs, cs.odd, base, xc, in, out)
		it.foldRuns(cs, base, xc, in, out, fused)
	}
	return fused
}

// foldColumns folds row in of E into the column sums js of cs and row out
// out of them, one column at a time, for the channel whose training data
// starts at base and whose query is xc.
func (it *item) foldColumns(cs *colSums, js []int, base int, xc []float32, in, out padRow) {
	wk, w, L, data := it.wk, it.e.d.W, it.e.lanes, it.e.data
	kn, a := &it.c.kn, it.c.a
	for _, j := range js {
		cx, cp := cs.colX[j], cs.colP[j]
		var xn, xo float32
		pn, po := wk.z32, wk.z32
		zn, zo := true, true
		if in.x >= 0 && cx >= 0 {
			xn = xc[in.x*w+cx]
			zn = xn == 0
		}
		if in.phi >= 0 && cp >= 0 {
			off := base + (in.phi*w+cp)*L
			pn, zn = data[off:off+L:off+L], false
		}
		if out.x >= 0 && cx >= 0 {
			xo = xc[out.x*w+cx]
			zo = xo == 0
		}
		if out.phi >= 0 && cp >= 0 {
			off := base + (out.phi*w+cp)*L
			po, zo = data[off:off+L:off+L], false
		}
		vj := cs.v[j*L : (j+1)*L : (j+1)*L]
		switch {
		case zn && zo:
		case zo:
			kn.vadd(vj, pn, xn, a)
		default:
			kn.vupd(vj, pn, po, xn, xo, a)
		}
	}
}

// foldRuns folds row in of E into the column sums of every run of cs (one
// kernel call a run) and row out, which is zeroRow or inside, out of them;
// but not into the columns [fj0, fj1) if fused.
func (it *item) foldRuns(cs *colSums, base int, xc []float32, in, out padRow, fused bool) {
	w, L, data := it.e.d.W, it.e.lanes, it.e.data
	kn, a := &it.c.kn, it.c.a
	for i := 0; i < len(cs.runs); i += 2 {
		j0, j1 := cs.runs[i], cs.runs[i+1]
		if fused && j1 == cs.fj1 {
			j1 = cs.fj0 // the fused run's columns from k-1 on are scoreRow's
		}
		n := j1 - j0
		if n == 0 {
			continue
		}
		cx, cp := cs.colX[j0], cs.colP[j0]
		vj := cs.v[j0*L : j1*L]
		on := base + (in.phi*w+cp)*L
		xn := xc[in.x*w+cx : in.x*w+cx+n]
		if out.zero() {
			kn.vaddRow(vj, data[on:on+n*L], xn, a, L)
			continue
		}
		oo := base + (out.phi*w+cp)*L
		kn.vupdRow(vj, data[on:on+n*L], data[oo:oo+n*L], xn, xc[out.x*w+cx:out.x*w+cx+n], a, L)
	}
}

// scoreRow slides the horizontal window over the column sums of cs at
// query row r: the logits of every pixel of the row against its
// candidates at cs's column displacement, folded into the pixel's softmax
// state. If fused, it first folds rows in and out (inside both images) into
// the columns [fj0, fj1) that foldRows left to it, each as a pixel takes it
// in.
func (it *item) scoreRow(cs *colSums, r int, in, out padRow, fused bool) {
	e, wk, st := it.e, it.wk, it.st
	vv, dc := cs.v, cs.dc
	kn, s, k := &it.c.kn, it.c.s, it.c.k
	w, ch, L := e.d.W, e.d.C, e.lanes
	m := k / 2
	bias := e.biasOf(it.bi)
	kn.vsum(wk.dsum, vv, 2*m)
	qr := r + it.dr.d
	if ch > 1 {
		for c := dc.lo; c < dc.hi; c++ {
			jn := c - dc.lo + 2*m
			vin, vout := vv[jn*L:(jn+1)*L], wk.zi
			if c > dc.lo {
				vout = vv[(jn-k)*L : (jn-k+1)*L]
			}
			p := r*w + c
			var po int32
			if wk.off != nil {
				po = wk.off[p]
			}
			lmax := float64(kn.hstep(wk.lg, wk.dsum, vin, vout, po, s, bias))
			if lmax >= st.mx[p]-skipLogit {
				it.foldChannels(p, qr, c+dc.d, lmax)
			}
		}
		return
	}
	// One channel: hstep and expdot for the whole row (hexpRow; the
	// exponentials are taken relative to max(mx, lmax), the maximum after
	// the raise below), then each pixel's results folded in.
	n, p0 := dc.hi-dc.lo, r*w+dc.lo
	op := &wk.row
	op.dst, op.dsum, op.zero, op.bias = wk.lg, wk.dsum, wk.zi, bias
	op.vv = vv[:(n+k-1)*L]
	op.off = wk.zoff[:n]
	if wk.off != nil {
		op.off = wk.off[p0 : p0+n]
	}
	op.mx, op.best, op.out = wk.mx32[:n], wk.best32[:n], wk.out[:n]
	for i := range n {
		op.mx[i], op.best[i] = float32(st.mx[p0+i]), float32(st.bestL[p0+i])
	}
	op.v = e.rows(it.bi, 0, qr*w+dc.lo+dc.d, n)
	op.k, op.s, op.skip = k, s, skipLogit
	op.f0, op.f1 = 0, 0
	if fused {
		j0, j1 := cs.fj0, cs.fj1
		cx, cp, nf := cs.colX[j0], cs.colP[j0], j1-j0
		op.f0, op.f1 = j0-(k-1), j1-(k-1)
		op.pn = e.rows(it.bi, 0, in.phi*w+cp, nf)
		op.po = e.rows(it.bi, 0, out.phi*w+cp, nf)
		op.xn = it.c.xs[in.x*w+cx : in.x*w+cx+nf]
		op.xo = it.c.xs[out.x*w+cx : out.x*w+cx+nf]
		op.a = it.c.a
	}
	kn.runHexpRow(op)
	for i := range op.out {
		o := &op.out[i]
		if o.lmax < op.mx[i]-skipLogit {
			continue
		}
		p := p0 + i
		lmax := float64(o.lmax)
		if lmax > st.mx[p] {
			st.raise(p, ch, lmax)
		}
		// o.idx >= 0 exactly when lmax > bestL (a float32 value).
		if o.idx >= 0 {
			st.bestL[p], st.best[p] = lmax, Source{Image: it.bi*L + int(o.idx), Row: qr, Col: dc.lo + i + dc.d}
		}
		st.s0[p] += float64(o.s0)
		st.s1[p] += float64(o.s1)
		st.num[p] += float64(o.n)
	}
}

// foldChannels folds the logits wk.lg of pixel p (maximum lmax) against
// candidate centre (qr, qc) into its state, for an image of several
// channels.
func (it *item) foldChannels(p, qr, qc int, lmax float64) {
	e, wk, st, kn := it.e, it.wk, it.st, &it.c.kn
	ch := e.d.C
	if lmax > st.mx[p] {
		st.raise(p, ch, lmax)
	}
	if lmax > st.bestL[p] {
		it.noteBest(p, qr, qc, lmax)
	}
	s0, s1 := kn.expacc(wk.lg, float32(st.mx[p]), skipLogit, wk.ex)
	st.s0[p] += float64(s0)
	st.s1[p] += float64(s1)
	qp := qr*e.d.W + qc
	for cc := range ch {
		st.num[p*ch+cc] += float64(kn.dot(wk.ex, e.row(it.bi, cc, qp)))
	}
}

// noteBest records a new heaviest candidate of pixel p, logit lmax, centre
// (qr, qc). Ties keep the first found: items run in a fixed order, so this
// is deterministic. lmax is a float32 logit, so the float32 search is exact
// (and a vector kernel).
func (it *item) noteBest(p, qr, qc int, lmax float64) {
	if i := it.c.kn.index(it.wk.lg, float32(lmax)); i >= 0 {
		it.st.bestL[p], it.st.best[p] = lmax, Source{Image: it.bi*it.e.lanes + i, Row: qr, Col: qc}
	}
}
