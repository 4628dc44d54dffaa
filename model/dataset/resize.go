package dataset

import (
	"fmt"
	"math"
	"sync"

	"mosaic/model/internal/hugepage"
	"mosaic/model/internal/par"
)

// PIL's 8-bit resampling works in fixed point with this many fractional bits.
const precisionBits = 32 - 8 - 2

// coeffs are the resampling weights of one axis, as Pillow's
// precompute_coeffs computes them for its BILINEAR (triangle) filter.
type coeffs struct {
	ksize  int
	start  []int     // first input index for each output index
	count  []int     // number of input indices used
	w      []float64 // outSize*ksize normalised weights
	fixed  []int32   // the same weights in fixed point (precisionBits)
	inSize int
}

// coeffCache holds coefficients by [inSize, outSize]; they are read-only once
// built, and data sets resize thousands of planes of one size.
var coeffCache sync.Map

// cachedCoeffs returns bilinearCoeffs(inSize, outSize), computed once.
func cachedCoeffs(inSize, outSize int) *coeffs {
	k := [2]int{inSize, outSize}
	if c, ok := coeffCache.Load(k); ok {
		return c.(*coeffs)
	}
	c := bilinearCoeffs(inSize, outSize)
	coeffCache.Store(k, &c)
	return &c
}

// bilinearCoeffs reproduces Pillow's precompute_coeffs for the bilinear
// filter: the output pixel centre xx+0.5 maps to input coordinate
// (xx+0.5)*in/out (so src = (dst+0.5)*in/out - 0.5 in pixel-index terms); the
// triangle filter is widened by in/out when shrinking (antialiasing), and the
// weights are renormalised over the pixels inside the image, which amounts to
// clamping at the edges when enlarging.
func bilinearCoeffs(inSize, outSize int) coeffs {
	scale := float64(inSize) / float64(outSize)
	filterscale := max(scale, 1)
	support := 1.0 * filterscale
	ksize := int(math.Ceil(support))*2 + 1
	c := coeffs{ksize: ksize, inSize: inSize,
		start: make([]int, outSize), count: make([]int, outSize),
		w: make([]float64, outSize*ksize), fixed: make([]int32, outSize*ksize)}
	for xx := 0; xx < outSize; xx++ {
		center := (float64(xx) + 0.5) * scale
		ss := 1 / filterscale
		xmin := int(center - support + 0.5)
		if xmin < 0 {
			xmin = 0
		}
		xmax := int(center + support + 0.5)
		if xmax > inSize {
			xmax = inSize
		}
		xmax -= xmin
		k := c.w[xx*ksize : (xx+1)*ksize]
		ww := 0.0
		for x := 0; x < xmax; x++ {
			t := math.Abs((float64(x+xmin) - center + 0.5) * ss)
			w := 0.0
			if t < 1 {
				w = 1 - t
			}
			k[x] = w
			ww += w
		}
		for x := 0; x < xmax; x++ {
			if ww != 0 {
				k[x] /= ww
			}
		}
		for x := 0; x < xmax; x++ {
			if k[x] < 0 {
				c.fixed[xx*ksize+x] = int32(-0.5 + k[x]*(1<<precisionBits))
			} else {
				c.fixed[xx*ksize+x] = int32(0.5 + k[x]*(1<<precisionBits))
			}
		}
		c.start[xx], c.count[xx] = xmin, xmax
	}
	return c
}

// clip8 turns a fixed-point accumulator into the nearest 8-bit level.
func clip8(v int64) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// Resize8 resizes one 8-bit plane of h rows and w columns (row-major, len
// h*w) to nh rows and nw columns the way Pillow's Image.resize with
// Image.BILINEAR does, bit for bit: half-pixel centres
// (src = (dst+0.5)*in/out - 0.5, clamped at the edges), a triangle filter
// widened when shrinking, fixed-point weights, horizontal pass first, each
// pass rounded to the nearest 8-bit level (halves up). This is the resize of
// SPEC.md "Images". It returns a new slice, or nil when a size is below 1 or
// len(pix) != h*w.
func Resize8(pix []uint8, h, w, nh, nw int) []uint8 {
	if h < 1 || w < 1 || nh < 1 || nw < 1 || len(pix) != h*w {
		return nil
	}
	src, sw := pix, w
	if nw != w {
		c := cachedCoeffs(w, nw)
		out := make([]uint8, h*nw)
		for y := 0; y < h; y++ {
			row := src[y*w : (y+1)*w]
			for xx := 0; xx < nw; xx++ {
				k := c.fixed[xx*c.ksize:]
				acc := int64(1) << (precisionBits - 1)
				for x := 0; x < c.count[xx]; x++ {
					acc += int64(row[c.start[xx]+x]) * int64(k[x])
				}
				out[y*nw+xx] = clip8(acc)
			}
		}
		src, sw = out, nw
	}
	if nh != h {
		c := cachedCoeffs(h, nh)
		out := make([]uint8, nh*sw)
		for yy := 0; yy < nh; yy++ {
			k := c.fixed[yy*c.ksize:]
			for x := 0; x < sw; x++ {
				acc := int64(1) << (precisionBits - 1)
				for y := 0; y < c.count[yy]; y++ {
					acc += int64(src[(c.start[yy]+y)*sw+x]) * int64(k[y])
				}
				out[yy*sw+x] = clip8(acc)
			}
		}
		src = out
	}
	if &src[0] == &pix[0] {
		src = append([]uint8(nil), pix...)
	}
	return src
}

// resizeFloat is Resize8's filter applied to float values without rounding.
func resizeFloat(pix []float64, h, w, nh, nw int) []float64 {
	src, sw := pix, w
	if nw != w {
		c := cachedCoeffs(w, nw)
		out := make([]float64, h*nw)
		for y := 0; y < h; y++ {
			row := src[y*w : (y+1)*w]
			for xx := 0; xx < nw; xx++ {
				k := c.w[xx*c.ksize:]
				s := 0.0
				for x := 0; x < c.count[xx]; x++ {
					s += row[c.start[xx]+x] * k[x]
				}
				out[y*nw+xx] = s
			}
		}
		src, sw = out, nw
	}
	if nh != h {
		c := cachedCoeffs(h, nh)
		out := make([]float64, nh*sw)
		for yy := 0; yy < nh; yy++ {
			k := c.w[yy*c.ksize:]
			for x := 0; x < sw; x++ {
				s := 0.0
				for y := 0; y < c.count[yy]; y++ {
					s += src[(c.start[yy]+y)*sw+x] * k[y]
				}
				out[yy*sw+x] = s
			}
		}
		src = out
	}
	if len(src) > 0 && &src[0] == &pix[0] {
		src = append([]float64(nil), pix...)
	}
	return src
}

// level8 returns the 8-bit level v stands for when v is exactly one of the
// 256 normalised levels q/127.5-1, and ok=false otherwise.
func level8(v float64) (q uint8, ok bool) {
	f := (v + 1) * 127.5
	r := math.Round(f)
	if r < 0 || r > 255 || math.Abs(f-r) > 1e-9 {
		return 0, false
	}
	return uint8(r), true
}

// Resize returns a copy of ds with every image resized to h rows and w
// columns (sizes below 1 are treated as 1; a nil ds gives nil).
//
// When every value of ds is an 8-bit level (v = q/127.5 - 1 for an integer q
// in 0..255, as for data loaded from PNG, JPEG, uint8 .npy or IDX files), the
// planes are resized with Resize8 and normalised again, exactly as SPEC.md
// "Images" prescribes. Otherwise the same bilinear filter is applied to the
// float values directly, without rounding (it then differs from the 8-bit
// path by less than one 8-bit level).
func Resize(ds *Dataset, h, w int) *Dataset {
	if ds == nil {
		return nil
	}
	h, w = max(h, 1), max(w, 1)
	out := &Dataset{Name: ds.Name, M: ds.M, C: ds.C, H: h, W: w,
		ClassNames: append([]string(nil), ds.ClassNames...)}
	if ds.Labels != nil {
		out.Labels = append([]int{}, ds.Labels...)
	}
	if ds.M <= 0 || ds.C <= 0 || ds.H <= 0 || ds.W <= 0 || len(ds.Pixels) != ds.M*ds.Size() {
		out.M = 0
		return out
	}
	eight := true
	for _, v := range ds.Pixels {
		if _, ok := level8(v); !ok {
			eight = false
			break
		}
	}
	planes := ds.M * ds.C
	in, no := ds.H*ds.W, h*w
	out.Pixels = make([]float64, planes*no)
	if eight {
		buf := make([]uint8, in)
		for p := 0; p < planes; p++ {
			for i, v := range ds.Pixels[p*in : (p+1)*in] {
				buf[i], _ = level8(v)
			}
			for i, q := range Resize8(buf, ds.H, ds.W, h, w) {
				out.Pixels[p*no+i] = norm8[q]
			}
		}
		return out
	}
	for p := 0; p < planes; p++ {
		copy(out.Pixels[p*no:], resizeFloat(ds.Pixels[p*in:(p+1)*in], ds.H, ds.W, h, w))
	}
	return out
}

// norm8 maps an 8-bit level q to q/127.5 - 1.
var norm8 = func() (t [256]float64) {
	for q := range t {
		t[q] = float64(q)/127.5 - 1
	}
	return
}()

// FromUint8 builds a Dataset from 8-bit pixels laid out [M][C][H][W], each
// value v becoming v/127.5 - 1. labels may be nil; otherwise it must hold M
// labels. The shape is checked; pix is not retained.
func FromUint8(name string, m, c, h, w int, pix []uint8, labels []int) (*Dataset, error) {
	if m <= 0 || c <= 0 || h <= 0 || w <= 0 {
		return nil, fmt.Errorf("%s: empty or invalid shape [M=%d, C=%d, H=%d, W=%d]", name, m, c, h, w)
	}
	if len(pix) != m*c*h*w {
		return nil, fmt.Errorf("%s: %d pixel values for shape [%d,%d,%d,%d]", name, len(pix), m, c, h, w)
	}
	if labels != nil && len(labels) != m {
		return nil, fmt.Errorf("%s: %d labels for %d images", name, len(labels), m)
	}
	ds := &Dataset{Name: name, M: m, C: c, H: h, W: w, Pixels: make([]float64, len(pix))}
	// On all cores, and in huge pages: most of the time goes into the
	// first touch of the fresh pages (491 MB for the 60,000 MNIST digits
	// at 32x32; 2 MB pages take a 512th of the page faults).
	hugepage.Advise(ds.Pixels)
	par.Range(len(pix), 1, func(lo, hi int) {
		for i, q := range pix[lo:hi] {
			ds.Pixels[lo+i] = norm8[q]
		}
	})
	if labels != nil {
		ds.Labels = append([]int{}, labels...)
	}
	return ds, nil
}
