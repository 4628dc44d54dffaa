package hands

import (
	"container/heap"
	"math"
	"sort"
)

// Thresholds of the branch counter, in pixels of a RefSize image (scaled by
// size/RefSize) or in units of the deepest distance to the background.
const (
	// MinPalmDepth is the smallest distance to the background, in RefSize
	// pixels, that a palm must reach (a generated palm reaches about 4, a
	// finger about 1.2).
	MinPalmDepth = 2.0
	// PalmOpening is the radius of the disc that opens the hand to its palm,
	// as a fraction of the deepest distance to the background.
	PalmOpening = 0.5
	// DigitLength is the persistence (length beyond the palm, or beyond the
	// branch it joins) from which a branch is a digit, in RefSize pixels. The
	// shortest generated digit is about 7.
	DigitLength = 2.0
	// StubLength is the persistence below which a branch is only an uneven
	// outline. A branch between StubLength and DigitLength could be read
	// either way, so the counter does not tell.
	StubLength = 1.5
	// FingerDepth is the smallest radius, in RefSize pixels, of the disc
	// that opens the hand to its palm: a finger is nowhere thicker.
	FingerDepth = 1.6
	// FragmentLength is the extent, in RefSize pixels, from which a piece of
	// foreground detached from the hand looks like a finger; smaller pieces
	// are specks and are ignored.
	FragmentLength = 4.0
)

// shape is the analysis of the hand by branches: the pieces of the image,
// the palm and the persistence of every branch of the hand.
type shape struct {
	reason string // non-empty when the image cannot be read
	// depth is the deepest distance to the background, palm holds the
	// pixels of the palm (row-major, h*w).
	depth float64
	hand  []bool
	palm  []bool
	// branches holds the persistence of every branch, longest first, and
	// tips the pixel (row-major index) at the far end of each.
	branches []float64
	tips     []int
}

// branchShape splits the foreground (pixels above 0) into 8-connected
// pieces, takes the piece holding the deepest pixel as the hand, its palm
// as what survives an opening with a disc of PalmOpening times the deepest
// distance (the piece of the opening holding the deepest pixel), and
// measures every branch of the hand by its persistence: pixels are visited
// from the farthest from the palm (geodesic distance inside the hand)
// inwards; a branch is born at a local maximum and dies when it joins an
// older branch or reaches the palm, its persistence being the difference of
// the two distances. Fingers on one stalk are two branches; a bump on the
// outline has a small persistence. Other pieces are specks (ignored) unless
// they are finger-sized (a detached digit: cannot tell) or palm-sized
// (another hand: cannot tell).
func branchShape(img []float64, h, w int, opening float64) shape {
	scale := float64(min(h, w)) / RefSize
	n := h * w
	fg := make([]bool, n)
	for i, v := range img {
		fg[i] = v > 0
	}
	// Distance to the background (pixel centres), everything outside the
	// image counting as background.
	H, W := h+2, w+2
	const inf = 1e12
	f := make([]float64, H*W)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			if fg[r*w+c] {
				f[(r+1)*W+c+1] = inf
			}
		}
	}
	edt2d(f, H, W)
	depth := make([]float64, n)
	deep, di := 0.0, -1
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			d := math.Sqrt(f[(r+1)*W+c+1])
			depth[r*w+c] = d
			if d > deep {
				deep, di = d, r*w+c
			}
		}
	}
	s := shape{depth: deep}
	if di < 0 {
		s.reason = "no foreground"
		return s
	}
	if deep < MinPalmDepth*scale {
		s.reason = "no palm: the foreground is nowhere thicker than a finger"
		return s
	}
	lab, sizes := components(fg, h, w)
	hand := lab[di]
	// Palm: the opening, restricted to the hand and to the piece of the
	// opening that holds the deepest pixel.
	rho := max(opening*deep, min(FingerDepth*scale, 0.8*deep))
	g := make([]float64, H*W)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			if depth[r*w+c] < rho {
				g[(r+1)*W+c+1] = inf
			}
		}
	}
	for r := 0; r < H; r++ {
		for c := 0; c < W; c++ {
			if r == 0 || c == 0 || r == H-1 || c == W-1 {
				g[r*W+c] = inf
			}
		}
	}
	edt2d(g, H, W)
	opened := make([]bool, n)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			i := r*w + c
			opened[i] = lab[i] == hand && g[(r+1)*W+c+1] <= rho*rho
		}
	}
	olab, osizes := components(opened, h, w)
	s.palm = make([]bool, n)
	for i := range s.palm {
		s.palm[i] = olab[i] == olab[di]
	}
	// Another thick piece of the opening as big as half the palm: a second
	// palm fused to the first.
	for k, sz := range osizes {
		if k != olab[di] && 2*sz >= osizes[olab[di]] {
			s.reason = "two palms: the hand has a second thick part as large as half its palm"
			return s
		}
	}
	// Other pieces of the foreground.
	for k, sz := range sizes {
		if k == hand {
			continue
		}
		pd, ext := pieceSize(lab, depth, k, h, w)
		switch {
		case 4*sz >= sizes[hand] && pd >= 0.5*deep:
			s.reason = "several hands: a second large blob lies beside the hand"
			return s
		case ext >= FragmentLength*scale:
			s.reason = "a finger-like piece lies detached from the hand"
			return s
		}
	}
	s.hand = make([]bool, n)
	for i := range s.hand {
		s.hand[i] = lab[i] == hand
	}
	s.branches, s.tips = persistence(lab, hand, s.palm, h, w)
	return s
}

// countBranches counts the branches of s at least digit pixels long; it
// reports the number of branches between stub and digit pixels long, which
// could be read either way.
func (s *shape) countBranches(digit, stub float64) (digits, unsure int) {
	for _, b := range s.branches {
		switch {
		case b >= digit:
			digits++
		case b >= stub:
			unsure++
		}
	}
	return digits, unsure
}

// components labels the 8-connected pieces of mask (-1 outside) and returns
// the labels and the size of each piece.
func components(mask []bool, h, w int) (lab []int, sizes []int) {
	lab = make([]int, h*w)
	for i := range lab {
		lab[i] = -1
	}
	var stack []int
	for i, m := range mask {
		if !m || lab[i] >= 0 {
			continue
		}
		k := len(sizes)
		sizes = append(sizes, 0)
		lab[i] = k
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			sizes[k]++
			neighbours8(j, w, h, func(q int, _ bool) {
				if mask[q] && lab[q] < 0 {
					lab[q] = k
					stack = append(stack, q)
				}
			})
		}
	}
	return lab, sizes
}

// pieceSize returns the deepest distance to the background in piece k and
// its extent (the largest distance between two of its pixel centres, plus
// one pixel).
func pieceSize(lab []int, depth []float64, k, h, w int) (deep, extent float64) {
	var pts [][2]int
	for i, l := range lab {
		if l == k {
			pts = append(pts, [2]int{i / w, i % w})
			deep = max(deep, depth[i])
		}
	}
	far := 0
	for a := range pts {
		for b := a + 1; b < len(pts); b++ {
			dr, dc := pts[a][0]-pts[b][0], pts[a][1]-pts[b][1]
			far = max(far, dr*dr+dc*dc)
		}
	}
	return deep, math.Sqrt(float64(far)) + 1
}

// persistence returns the persistence of every branch of piece hand of lab
// outside the palm, longest first, and the tip of each (see branchShape).
func persistence(lab []int, hand int, palm []bool, h, w int) ([]float64, []int) {
	n := h * w
	// Geodesic distance from the palm inside the hand (8-neighbours, steps
	// of 1 and sqrt 2).
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	q := &pixelHeap{}
	for i, p := range palm {
		if p {
			dist[i] = 0
			heap.Push(q, pixelDist{i, 0})
		}
	}
	for q.Len() > 0 {
		pd := heap.Pop(q).(pixelDist)
		if pd.d > dist[pd.i] {
			continue
		}
		neighbours8(pd.i, w, h, func(j int, diagonal bool) {
			if lab[j] != hand {
				return
			}
			step := 1.0
			if diagonal {
				step = math.Sqrt2
			}
			if d := pd.d + step; d < dist[j] {
				dist[j] = d
				heap.Push(q, pixelDist{j, d})
			}
		})
	}
	// Visit the hand outside the palm from the farthest pixel inwards;
	// union-find keeps each branch's peak distance.
	var order []int
	for i, l := range lab {
		if l == hand && !palm[i] && !math.IsInf(dist[i], 1) {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool {
		if dist[order[a]] != dist[order[b]] {
			return dist[order[a]] > dist[order[b]]
		}
		return order[a] < order[b]
	})
	parent := make([]int, n)
	peak := make([]float64, n)
	tip := make([]int, n)
	for i := range parent {
		parent[i] = -1
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var out []float64
	var tips []int
	for _, i := range order {
		parent[i], peak[i], tip[i] = i, dist[i], i
		neighbours8(i, w, h, func(j int, _ bool) {
			if parent[j] < 0 {
				return
			}
			a, b := find(i), find(j)
			if a == b {
				return
			}
			// The younger branch (lower peak) dies here.
			if peak[a] < peak[b] {
				a, b = b, a
			}
			out = append(out, peak[b]-dist[i])
			tips = append(tips, tip[b])
			parent[b] = a
		})
	}
	// The branches left reach the palm: they die at distance 0.
	for _, i := range order {
		if find(i) == i {
			out = append(out, peak[i])
			tips = append(tips, tip[i])
		}
	}
	idx := make([]int, len(out))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(a, b int) bool { return out[idx[a]] > out[idx[b]] })
	po, pt := make([]float64, len(out)), make([]int, len(out))
	for k, j := range idx {
		po[k], pt[k] = out[j], tips[j]
	}
	return po, pt
}

type pixelDist struct {
	i int
	d float64
}

type pixelHeap []pixelDist

func (p pixelHeap) Len() int           { return len(p) }
func (p pixelHeap) Less(a, b int) bool { return p[a].d < p[b].d }
func (p pixelHeap) Swap(a, b int)      { p[a], p[b] = p[b], p[a] }
func (p *pixelHeap) Push(x any)        { *p = append(*p, x.(pixelDist)) }
func (p *pixelHeap) Pop() any {
	old := *p
	x := old[len(old)-1]
	*p = old[:len(old)-1]
	return x
}

// neighbours8 calls visit for each of pixel i's up to eight neighbours
// inside a w x h image, row by row, saying whether it is diagonal.
func neighbours8(i, w, h int, visit func(j int, diagonal bool)) {
	r, c := i/w, i%w
	for dr := -1; dr <= 1; dr++ {
		for dc := -1; dc <= 1; dc++ {
			rr, cc := r+dr, c+dc
			if rr < 0 || cc < 0 || rr >= h || cc >= w || dr == 0 && dc == 0 {
				continue
			}
			visit(rr*w+cc, dr != 0 && dc != 0)
		}
	}
}
