package machine

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
)

// The fast engine's inner loops are the vector kernels of this struct, over
// one chunk of training images (the lanes). Each exists in pure Go (every
// CPU) and, on amd64, in assembly: 8 lanes per vector with AVX2 and FMA
// (kernel_amd64.s), 16 with AVX-512 (kernel_avx512_amd64.s). The choice is
// made once at start-up from the CPU features (the widest available) and
// can be forced with the environment variable MOSAIC_KERNEL=go|avx2|avx512
// or with SetKernel, so that tests exercise every path on one machine.
// Chunks have a multiple of 16 lanes (kernelLanes), which every path
// accepts.
type kernels struct {
	name string
	// The patch distances are accumulated in int32: the engine scales x and
	// a by sqrt(S) so that every squared difference, rounded to an integer,
	// is E*S with S chosen per step so that no window sum exceeds 2^30.
	// Integer running sums are exact, so sliding windows (add a row, remove
	// a row) lose nothing, and they use 8 lanes per AVX2 instruction.
	//
	// vupd: v[i] += q(xn - a*pn[i]) - q(xo - a*po[i]), q(e) = round(e*e)
	// (e in float32). len(pn) = len(po) = len(v), a multiple of 16
	// (kernelLanes; AVX2 needs 8, AVX-512 16), as for every kernel.
	vupd func(v []int32, pn, po []float32, xn, xo, a float32)
	// vadd: v[i] += q(xn - a*pn[i]).
	vadd func(v []int32, pn []float32, xn, a float32)
	// vsum: dsum[i] = sum over j < n of v[j*len(dsum) + i].
	vsum func(dsum, v []int32, n int)
	// hstep: dsum[i] += vin[i] - vout[i]; dst[i] = float32(dsum[i]-off)*s +
	// bias[i]; returns max(dst). bias is 0, or padLogit for padding lanes; off
	// (exact integer arithmetic) keeps the logits near the pixel's maximum
	// small, so that float32 resolves them finely.
	hstep func(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32
	// The exponential kernels (expdot, hexp) take finite logits (the
	// padding lanes have padLogit, not -Inf); expacc also accepts -Inf.
	//
	// expacc: e[i] = exp(l[i] - mx), with e[i] = 0 wherever l[i] - mx < -skip
	// (whole vectors may be skipped); returns sum e and sum e*(l-mx).
	expacc func(l []float32, mx, skip float32, e []float32) (s0, s1 float32)
	// dot returns sum e[i]*v[i].
	dot func(e, v []float32) float32
	// expdot is expacc fused with dot for one channel, without storing e:
	// it returns sum e, sum e*(l-mx) and sum e*v. The assembly versions
	// skip lanes below the threshold 16 at a time and let the others in a
	// computed block add their true weight (< e^-skip relative; see
	// kernel_amd64.s and kernel_avx512_amd64.s), which changes the sums by
	// far less than float32 resolution.
	expdot func(l []float32, mx, skip float32, v []float32) (s0, s1, n float32)
	// vupdRow is vupd over len(xn) consecutive column sums of L lanes:
	// column j uses v[j*L:(j+1)*L], pn[j*L:...], po[j*L:...], xn[j], xo[j].
	// It computes exactly what len(xn) calls of vupd compute.
	vupdRow func(v []int32, pn, po, xn, xo []float32, a float32, L int)
	// vaddRow is vadd over len(xn) consecutive column sums, likewise.
	vaddRow func(v []int32, pn, xn []float32, a float32, L int)
	// hexp is hstep fused with expdot (one channel): it returns lmax =
	// max(dst) and, unless lmax < mx-skip (float32), expdot of dst with the
	// maximum max(mx, lmax); otherwise s0 = s1 = n = 0.
	hexp func(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32)
	// index returns the first i with l[i] == v, or -1 (slices.Index,
	// vectorised: the engine looks up the lane of a new best logit).
	index func(l []float32, v float32) int
	// hexpRow runs hexp, and index where a pixel's lmax beats its best, for
	// the pixels of one row in one call (see hexpRowOp); nil where the path
	// has no row kernel, and hexpRowWith does it pixel by pixel with the
	// path's hexp and index, which compute exactly the same.
	hexpRow func(op *hexpRowOp)
}

// rowOut is one pixel's result of hexpRow: hexp's lmax, s0, s1 and n, and
// the first lane whose logit is lmax when lmax > the pixel's best (else
// -1).
type rowOut struct {
	lmax, s0, s1, n float32
	idx             int32
	_               int32
}

// hexpRowOp is one row of n = len(out) pixels for hexpRow. Pixel i slides
// the horizontal window dsum (L lanes, holding the sum of the first k-1
// column sums of vv) on by one column: it takes in vv's column i+k-1 and
// lets out its column i-1 (zero for pixel 0), then scores its logits
// (offset off[i], scale s, bias) against its maximum mx[i] and its values
// v[i*L:(i+1)*L] (hexp, with skip), into out[i].
//
// The row may also finish the vertical windows it reads (the fused
// update): the pixels i in [f0, f1) first fold the next query row into
// the column they take in, as vupd(vv's column i+k-1, pn[j*L:(j+1)*L],
// po[j*L:(j+1)*L], xn[j], xo[j], a) with j = i-f0 does. hexpRow512 does
// it inside its window pass, so that those column sums are read once per
// row instead of written by vupdRow and read again; hexpRowAVX2 updates
// them all in one vupdRow call first, and hexpRowWith pixel by pixel. The
// other columns must be up to date before the call.
type hexpRowOp struct {
	dst      []float32 // L: scratch for one pixel's logits
	dsum     []int32   // L: the running horizontal window
	vv       []int32   // the column sums, (n+k-1)*L
	zero     []int32   // L zeros
	off      []int32   // per pixel: the integer distance offset
	mx, best []float32 // per pixel: the running maximum and the best logit so far
	v        []float32 // the values, n*L
	bias     []float32 // L
	out      []rowOut
	k        int
	s, skip  float32
	// The fused update (f0 = f1: none): f1-f0 columns of training rows pn
	// (in) and po (out), their query values xn and xo, and the scaled a.
	f0, f1         int
	pn, po, xn, xo []float32
	a              float32
}

// hexpRowWith is hexpRow pixel by pixel with kn's hexp and index.
func hexpRowWith(kn *kernels, op *hexpRowOp) {
	L := len(op.dsum)
	for i := range op.out {
		vin := op.vv[(i+op.k-1)*L : (i+op.k)*L]
		vout := op.zero
		if i > 0 {
			vout = op.vv[(i-1)*L : i*L]
		}
		if j := i - op.f0; i >= op.f0 && i < op.f1 {
			kn.vupd(vin, op.pn[j*L:(j+1)*L], op.po[j*L:(j+1)*L], op.xn[j], op.xo[j], op.a)
		}
		l, s0, s1, n := kn.hexp(op.dst, op.dsum, vin, vout, op.off[i], op.s, op.bias, op.mx[i], op.skip, op.v[i*L:(i+1)*L])
		o := rowOut{lmax: l, s0: s0, s1: s1, n: n, idx: -1}
		if l > op.best[i] {
			o.idx = int32(kn.index(op.dst, l))
		}
		op.out[i] = o
	}
}

// runHexpRow runs op with kn's row kernel, or pixel by pixel.
func (kn *kernels) runHexpRow(op *hexpRowOp) {
	if kn.hexpRow != nil {
		kn.hexpRow(op)
		return
	}
	hexpRowWith(kn, op)
}

var goKernels = kernels{name: "go", vupd: vupdGo, hstep: hstepGo, expacc: expaccGo, dot: dotGo,
	vadd: vaddGo, vsum: vsumGo, expdot: expdotGo, vupdRow: vupdRowGo, vaddRow: vaddRowGo, hexp: hexpGo, index: slices.Index[[]float32]}

// avx2Kernels is set by kernel_amd64.go when the CPU supports AVX2 and FMA.
var avx2Kernels *kernels

// avx512Kernels is set by kernel_avx512_amd64.go when the CPU supports
// AVX-512 F, BW, DQ and VL (and AVX2 and FMA).
var avx512Kernels *kernels

// kernelLanes is the multiple of lanes every kernel path accepts (the
// AVX-512 kernels work on vectors of 16).
const kernelLanes = 16

var (
	kernelMu  sync.Mutex
	kern      = goKernels
	kernelSet bool
)

// activeKernels returns the kernel set in use, choosing it on first use.
func activeKernels() kernels {
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if !kernelSet {
		kernelSet = true
		kern = goKernels
		if avx2Kernels != nil {
			kern = *avx2Kernels
		}
		if avx512Kernels != nil {
			kern = *avx512Kernels
		}
		if env := strings.TrimSpace(os.Getenv("MOSAIC_KERNEL")); env != "" {
			if k, err := lookupKernel(env); err == nil {
				kern = k
			} else {
				fmt.Fprintf(os.Stderr, "mosaic: MOSAIC_KERNEL=%q ignored: %v\n", env, err)
			}
		}
	}
	return kern
}

func lookupKernel(name string) (kernels, error) {
	switch strings.ToLower(name) {
	case "go":
		return goKernels, nil
	case "avx2":
		if avx2Kernels == nil {
			return kernels{}, fmt.Errorf("this CPU or build has no AVX2+FMA kernels")
		}
		return *avx2Kernels, nil
	case "avx512":
		if avx512Kernels == nil {
			return kernels{}, fmt.Errorf("this CPU or build has no AVX-512 (F, BW, DQ, VL) kernels")
		}
		return *avx512Kernels, nil
	}
	return kernels{}, fmt.Errorf("unknown kernel %q: use go, avx2 or avx512", name)
}

// Kernel returns the name of the vector kernels the local machines use
// ("go", "avx2" or "avx512").
func Kernel() string { return activeKernels().name }

// Kernels lists the kernels available on this CPU, the fastest last.
func Kernels() []string {
	out := []string{"go"}
	if avx2Kernels != nil {
		out = append(out, "avx2")
	}
	if avx512Kernels != nil {
		out = append(out, "avx512")
	}
	return out
}

// SetKernel forces the vector kernels ("go", "avx2" or "avx512") for engines that
// run from now on. It is meant for tests and benchmarks.
func SetKernel(name string) error {
	k, err := lookupKernel(name)
	if err != nil {
		return err
	}
	activeKernels()
	kernelMu.Lock()
	kern = k
	kernelMu.Unlock()
	return nil
}

func q32(e float32) int32 { return int32(math.RoundToEven(float64(e * e))) }

func vupdGo(v []int32, pn, po []float32, xn, xo, a float32) {
	po = po[:len(pn)]
	v = v[:len(pn)]
	for i, p := range pn {
		v[i] += q32(xn-a*p) - q32(xo-a*po[i])
	}
}

func vaddGo(v []int32, pn []float32, xn, a float32) {
	v = v[:len(pn)]
	for i, p := range pn {
		v[i] += q32(xn - a*p)
	}
}

func vupdRowGo(v []int32, pn, po, xn, xo []float32, a float32, L int) {
	for j := range xn {
		s := j * L
		vupdGo(v[s:s+L], pn[s:s+L], po[s:s+L], xn[j], xo[j], a)
	}
}

func vaddRowGo(v []int32, pn, xn []float32, a float32, L int) {
	for j := range xn {
		s := j * L
		vaddGo(v[s:s+L], pn[s:s+L], xn[j], a)
	}
}

func hexpGo(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32, mx, skip float32, v []float32) (lmax, s0, s1, n float32) {
	lmax = hstepGo(dst, dsum, vin, vout, off, s, bias)
	if lmax < mx-skip {
		return lmax, 0, 0, 0
	}
	s0, s1, n = expdotGo(dst, max(mx, lmax), skip, v)
	return lmax, s0, s1, n
}

func vsumGo(dsum, v []int32, n int) {
	L := len(dsum)
	clear(dsum)
	for j := range n {
		for i, x := range v[j*L : (j+1)*L] {
			dsum[i] += x
		}
	}
}

func hstepGo(dst []float32, dsum, vin, vout []int32, off int32, s float32, bias []float32) float32 {
	dsum = dsum[:len(dst)]
	vin = vin[:len(dst)]
	vout = vout[:len(dst)]
	bias = bias[:len(dst)]
	mx := float32(math.Inf(-1))
	for i := range dst {
		d := dsum[i] + vin[i] - vout[i]
		dsum[i] = d
		l := float32(d-off)*s + bias[i]
		dst[i] = l
		if l > mx { // not max(): logits are never NaN, and the builtin's NaN handling costs a fifth of this loop
			mx = l
		}
	}
	return mx
}

func expaccGo(l []float32, mx, skip float32, e []float32) (s0, s1 float32) {
	e = e[:len(l)]
	for i, v := range l {
		d := v - mx
		if d < -skip {
			e[i] = 0
			continue
		}
		w := exp32(d)
		e[i] = w
		s0 += w
		s1 += w * d
	}
	return s0, s1
}

func dotGo(e, v []float32) float32 {
	v = v[:len(e)]
	s := float32(0)
	for i, w := range e {
		s += w * v[i]
	}
	return s
}

func expdotGo(l []float32, mx, skip float32, v []float32) (s0, s1, n float32) {
	v = v[:len(l)]
	for i, x := range l {
		d := x - mx
		if d < -skip {
			continue
		}
		w := exp32(d)
		s0 += w
		s1 += w * d
		n += w * v[i]
	}
	return s0, s1, n
}

// exp32 returns e^d in float32 for d >= -87 (the callers skip d < -skip):
// Cephes' expf, relative error about 1e-7, twice as fast as float32 of
// math.Exp in the pure-Go kernels.
func exp32(d float32) float32 {
	n := float32(math.RoundToEven(float64(d * math.Log2E)))
	r := d - n*0.693359375 + n*2.12194440e-4
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y := p*r*r + r + 1
	return math.Float32frombits(math.Float32bits(y) + uint32(int32(n))<<23)
}
