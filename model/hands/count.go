package hands

import (
	"fmt"
	"math"

	"mosaic/model/dataset"
)

// Result is the outcome of counting the digits of one image.
type Result struct {
	// Fingers is the number of digits found, thumb included (5 for a normal
	// hand); it is meaningful only when OK is true.
	Fingers int
	// OK says whether the counter could tell; when false, Reason says why.
	OK bool
	// Reason explains a failure (empty when OK).
	Reason string
	// PalmRow, PalmCol is the palm centre in pixels (row, column; pixel
	// (r, c) has its centre at (r, c)): the centroid of the palm region.
	// PalmRadius is the depth of the hand: the largest distance from a
	// foreground pixel to the nearest background pixel. They are zero when
	// no palm was found.
	PalmRow, PalmCol, PalmRadius float64
}

// Count counts the digits (fingers and thumb) of a grayscale hand image of h
// rows and w columns (row-major, values in [-1, 1]; a pixel above 0 is
// foreground). Images made by a score machine have fused palms, fingers of
// uneven width and length, stray specks and detached pieces, so Count
// prefers to say it cannot tell (OK=false with a Reason) over guessing.
//
// Method (see branchShape): the hand is the 8-connected piece of foreground
// holding the pixel deepest inside the foreground; the palm is what survives
// an opening of the hand with a disc of PalmOpening times that depth (at
// least FingerDepth pixels); every branch of the hand outside the palm is
// measured by its persistence (how far its tip lies beyond the palm, or
// beyond the branch it joins), so two fingers on one stalk are two digits
// and a bump on the outline is none. Branches at least DigitLength long are
// digits. Count cannot tell when:
//   - there is no foreground, or the foreground is nowhere thicker than a
//     finger (no palm);
//   - another piece is as thick as the palm and a quarter of the hand's size
//     (several hands), or a detached piece is finger-sized (FragmentLength);
//     specks are ignored;
//   - the opening leaves a second thick part half the size of the palm;
//   - a branch is between StubLength and DigitLength long: a short finger or
//     an uneven outline, either reading is fair;
//   - no branch is long enough (a blob);
//   - the two methods disagree: the runs of the hand crossing rings around
//     the palm (the circle-run method with rings shaped like the palm, at
//     RingDistances pixels from it) give the branch count on none of the
//     rings.
//
// Lengths are in pixels of a RefSize image and scale with the image.
func Count(img []float64, h, w int) Result {
	if h <= 0 || w <= 0 || len(img) != h*w {
		return Result{Reason: fmt.Sprintf("image has %d values, want %d rows x %d columns", len(img), h, w)}
	}
	nfg := 0
	for _, v := range img {
		if v > 0 {
			nfg++
		}
	}
	switch {
	case nfg == 0:
		return Result{Reason: "no foreground: every pixel is background"}
	case nfg == len(img):
		return Result{Reason: "no background: every pixel is foreground, so there is no outline to read"}
	}
	sh := branchShape(img, h, w, PalmOpening)
	res := Result{PalmRadius: sh.depth}
	if sh.palm != nil {
		res.PalmRow, res.PalmCol = centroid(sh.palm, w)
	}
	if sh.reason != "" {
		res.Reason = sh.reason
		return res
	}
	scale := float64(min(h, w)) / RefSize
	digits, unsure := sh.countBranches(DigitLength*scale, StubLength*scale)
	rings := ringCounts(sh.hand, sh.palm, h, w, scale)
	agree := false
	for _, c := range rings {
		agree = agree || c == digits
	}
	switch {
	case unsure > 0:
		res.Reason = fmt.Sprintf("%d digit(s) and %d stub(s) that could be short fingers or an uneven outline", digits, unsure)
	case digits == 0:
		res.Reason = "no protrusions: a blob without fingers"
	case !agree:
		res.Reason = fmt.Sprintf("methods disagree: %d branches but %v runs on the rings around the palm", digits, rings)
	default:
		res.Fingers, res.OK = digits, true
	}
	return res
}

// centroid returns the mean row and column of the pixels of mask.
func centroid(mask []bool, w int) (row, col float64) {
	n := 0.0
	for i, m := range mask {
		if m {
			row += float64(i / w)
			col += float64(i % w)
			n++
		}
	}
	return row / n, col / n
}

// RingDistances are the distances from the palm, in RefSize pixels, of the
// rings on which ringCounts counts runs.
var RingDistances = []float64{1.0, 1.5, 2.0, 2.5, 3.0, 3.5}

// ringCounts is the circle-run method with rings shaped like the palm: for
// each of RingDistances it counts the runs of the hand that cross the ring
// of pixels whose distance to the palm lies in [d, d+1.5) pixels (the
// 8-connected pieces of at least two pixels).
func ringCounts(hand, palm []bool, h, w int, scale float64) []int {
	const inf = 1e12
	f := make([]float64, h*w)
	for i, p := range palm {
		if !p {
			f[i] = inf
		}
	}
	edt2d(f, h, w)
	counts := make([]int, 0, len(RingDistances))
	ring := make([]bool, h*w)
	for _, d := range RingDistances {
		lo, hi := d*scale, d*scale+1.5
		for i := range ring {
			x := math.Sqrt(f[i])
			ring[i] = hand[i] && x >= lo && x < hi
		}
		_, sizes := components(ring, h, w)
		n := 0
		for _, sz := range sizes {
			if sz >= 2 {
				n++
			}
		}
		counts = append(counts, n)
	}
	return counts
}

// CountDataset counts the digits of every image of ds (channels are averaged
// when C > 1).
func CountDataset(ds *dataset.Dataset) []Result {
	out := make([]Result, ds.M)
	var gray []float64
	if ds.C > 1 {
		gray = make([]float64, ds.H*ds.W)
	}
	for mu := 0; mu < ds.M; mu++ {
		img := ds.Image(mu)
		if ds.C > 1 {
			n := ds.H * ds.W
			for i := range gray {
				s := 0.0
				for c := 0; c < ds.C; c++ {
					s += img[c*n+i]
				}
				gray[i] = s / float64(ds.C)
			}
			img = gray
		}
		out[mu] = Count(img, ds.H, ds.W)
	}
	return out
}

// edt2d replaces f (h rows of w values; 0 at the sources, a large value
// elsewhere) by the squared Euclidean distance of each cell to the nearest
// source.
func edt2d(f []float64, h, w int) {
	n := max(h, w)
	line := make([]float64, n)
	out := make([]float64, n)
	v := make([]int, n)
	z := make([]float64, n+1)
	for c := 0; c < w; c++ {
		for r := 0; r < h; r++ {
			line[r] = f[r*w+c]
		}
		edt1d(line[:h], out[:h], v, z)
		for r := 0; r < h; r++ {
			f[r*w+c] = out[r]
		}
	}
	for r := 0; r < h; r++ {
		edt1d(f[r*w:(r+1)*w], out[:w], v, z)
		copy(f[r*w:(r+1)*w], out[:w])
	}
}

// edt1d is the one-dimensional squared distance transform of Felzenszwalb and
// Huttenlocher: d[q] = min_p (q-p)^2 + f[p]. v and z are scratch of length
// len(f) and len(f)+1.
func edt1d(f, d []float64, v []int, z []float64) {
	n := len(f)
	k := 0
	v[0] = 0
	z[0] = math.Inf(-1)
	z[1] = math.Inf(1)
	for q := 1; q < n; q++ {
		fq := f[q] + float64(q*q)
		p := v[k]
		s := (fq - (f[p] + float64(p*p))) / float64(2*q-2*p)
		for s <= z[k] {
			k--
			p = v[k]
			s = (fq - (f[p] + float64(p*p))) / float64(2*q-2*p)
		}
		k++
		v[k] = q
		z[k] = s
		z[k+1] = math.Inf(1)
	}
	k = 0
	for q := 0; q < n; q++ {
		for z[k+1] < float64(q) {
			k++
		}
		p := v[k]
		d[q] = float64((q-p)*(q-p)) + f[p]
	}
}
