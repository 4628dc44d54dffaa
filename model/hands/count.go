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
	// (r, c) has its centre at (r, c)), and PalmRadius the radius of the
	// largest disc about that centre inside the foreground. They are zero
	// when no palm was looked for (no foreground or no background).
	PalmRow, PalmCol, PalmRadius float64
}

// Counting parameters. Digits are counted on NumRadii circles around the palm
// centre with radii evenly spaced from MinRadius to MaxRadius palm radii.
const (
	// MinRadius is the smallest counting circle, in palm radii.
	MinRadius = 1.8
	// MaxRadius is the largest counting circle, in palm radii.
	MaxRadius = 2.2
	// NumRadii is the number of counting circles.
	NumRadii = 9
)

// Count counts the digits (fingers and thumb) of a grayscale hand image of h
// rows and w columns (row-major, values in [-1, 1]; a pixel above 0 is
// foreground). It finds the palm from the largest disc inscribed in the
// foreground (centre: centroid of the foreground opened with a disc that
// removes the digits), counts the runs of foreground on NumRadii circles
// around the palm centre at MinRadius..MaxRadius palm radii (dropping runs
// shorter than 1.25 pixels or a quarter of the palm radius, i.e. noise) and
// returns the count that a majority of the circles agree on. It returns
// OK=false with a Reason when it cannot tell: no foreground or no background,
// no region thick enough to be a palm, circles that mostly leave the image or
// lie inside the foreground, no protrusions at all (a blob), or circles that
// disagree.
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
	row, col, d := palm(img, h, w)
	res := Result{PalmRow: row, PalmCol: col, PalmRadius: d}
	if d < 1 {
		res.Reason = fmt.Sprintf("no palm: the thickest part of the foreground has radius %.2f pixels", d)
		return res
	}
	counts := make([]int, 0, NumRadii)
	outside, filled := 0, 0
	for k := 0; k < NumRadii; k++ {
		rad := d * (MinRadius + (MaxRadius-MinRadius)*float64(k)/float64(NumRadii-1))
		c, out, full := runsOnCircle(img, h, w, row, col, rad, math.Max(1.25, 0.25*d))
		switch {
		case out:
			outside++
		case full:
			filled++
		default:
			counts = append(counts, c)
		}
	}
	if 2*outside > NumRadii {
		res.Reason = fmt.Sprintf("palm too large or too near the edge: %d of %d counting circles mostly leave the image", outside, NumRadii)
		return res
	}
	if 2*filled > NumRadii {
		res.Reason = fmt.Sprintf("%d of %d counting circles lie entirely inside the foreground", filled, NumRadii)
		return res
	}
	hist := map[int]int{}
	best, bestN := -1, 0
	for _, c := range counts {
		hist[c]++
		if hist[c] > bestN || hist[c] == bestN && c < best {
			best, bestN = c, hist[c]
		}
	}
	if 2*bestN <= NumRadii {
		res.Reason = fmt.Sprintf("inconsistent counts over the circles: %v", counts)
		return res
	}
	if best == 0 {
		res.Reason = "no protrusions: a blob without fingers"
		return res
	}
	res.Fingers, res.OK = best, true
	return res
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

// palm returns the centre (row, column) and radius of the palm. An exact
// Euclidean distance transform of the foreground (pixels above 0, everything
// outside the image counting as background) gives the largest inscribed disc.
// The centre is the centroid of the palm region: the foreground opened with a
// disc of 0.7 times that disc's radius (which removes fingers and thumb),
// restricted to the connected piece holding the deepest pixel. The radius is
// that of the largest disc about the centre inside the foreground: the
// distance to the nearest background pixel centre less half a pixel. The centroid is steadier than the deepest
// pixel, which slides along the palm when the palm is longer than wide.
func palm(img []float64, h, w int) (row, col, radius float64) {
	// Padded grid: one background pixel around the image.
	H, W := h+2, w+2
	const inf = 1e12
	f := make([]float64, H*W)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			if img[r*w+c] > 0 {
				f[(r+1)*W+c+1] = inf
			}
		}
	}
	edt2d(f, H, W)
	best, bi := -1.0, 0
	for i, d := range f {
		if d > best {
			best, bi = d, i
		}
	}
	dmax := math.Sqrt(best)
	// Opening: the union of discs of radius rho centred where the distance
	// is at least rho.
	rho2 := 0.49 * best
	g := make([]float64, H*W)
	for i, d := range f {
		if d < rho2 {
			g[i] = inf
		}
	}
	edt2d(g, H, W)
	// Flood the opened region from the deepest pixel and take its centroid.
	seen := make([]bool, H*W)
	stack := []int{bi}
	seen[bi] = true
	sr, sc, sn := 0.0, 0.0, 0.0
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		sr += float64(i/W - 1)
		sc += float64(i%W - 1)
		sn++
		for _, j := range [4]int{i - 1, i + 1, i - W, i + W} {
			if !seen[j] && f[j] > 0 && g[j] <= rho2 {
				seen[j] = true
				stack = append(stack, j)
			}
		}
	}
	row, col = sr/sn, sc/sn
	// Radius: from the centre to the nearest background pixel centre, less
	// half a pixel (the outline lies between pixel centres).
	near := math.Inf(1)
	reach := int(math.Ceil(dmax)) + 2
	for r := max(0, int(row)-reach); r < min(H, int(row)+reach+2); r++ {
		for c := max(0, int(col)-reach); c < min(W, int(col)+reach+2); c++ {
			if f[r*W+c] == 0 {
				dr, dc := float64(r-1)-row, float64(c-1)-col
				near = min(near, dr*dr+dc*dc)
			}
		}
	}
	return row, col, math.Sqrt(near) - 0.5
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

// runsOnCircle counts the runs of foreground on the circle of radius rad
// around (row, col), sampling the bilinearly interpolated image about four
// times per pixel of arc and dropping runs shorter than minRun pixels of arc.
// It reports out when more than half of the circle lies outside the image
// and full when the whole circle is foreground.
func runsOnCircle(img []float64, h, w int, row, col, rad, minRun float64) (count int, out, full bool) {
	n := max(64, int(math.Ceil(2*math.Pi*rad*4)))
	fg := make([]bool, n)
	nout, nfg := 0, 0
	for i := 0; i < n; i++ {
		sn, cs := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		y, x := row+rad*sn, col+rad*cs
		if y < -0.5 || x < -0.5 || y > float64(h)-0.5 || x > float64(w)-0.5 {
			nout++
		}
		fg[i] = bilinear(img, h, w, y, x) > 0
		if fg[i] {
			nfg++
		}
	}
	if 2*nout > n {
		return 0, true, false
	}
	if nfg == n {
		return 0, false, true
	}
	if nfg == 0 {
		return 0, false, false
	}
	// Start just after a background sample so runs do not wrap.
	start := 0
	for fg[start] {
		start++
	}
	step := 2 * math.Pi * rad / float64(n)
	run := 0
	for i := 1; i <= n; i++ {
		if fg[(start+i)%n] {
			run++
			continue
		}
		if run > 0 && float64(run)*step >= minRun {
			count++
		}
		run = 0
	}
	return count, false, false
}

// bilinear samples the image at (y, x) in pixel-centre coordinates, with
// background (-1) outside.
func bilinear(img []float64, h, w int, y, x float64) float64 {
	y0, x0 := math.Floor(y), math.Floor(x)
	fy, fx := y-y0, x-x0
	r0, c0 := int(y0), int(x0)
	at := func(r, c int) float64 {
		if r < 0 || c < 0 || r >= h || c >= w {
			return -1
		}
		return img[r*w+c]
	}
	top := at(r0, c0)*(1-fx) + at(r0, c0+1)*fx
	bot := at(r0+1, c0)*(1-fx) + at(r0+1, c0+1)*fx
	return top*(1-fy) + bot*fy
}
