package machine

import (
	"fmt"
	"math"
	"slices"

	"mosaic/model/schedule"
)

// ImageWeight is the total weight a training image contributes to a pixel,
// summed over all of its candidate patches.
type ImageWeight struct {
	Image  int
	Label  int // -1 when the data has no labels
	Weight float64
}

// Attribution is the whole weight picture of one pixel at one step
// (SPEC.md, "Attribution").
type Attribution struct {
	// Row, Col are the pixel; K the patch size; T the time.
	Row, Col, K int
	T           float64
	// Value is the denoised pixel D(x)[:, p], one value per channel.
	Value []float64
	// Top holds the heaviest candidates, heaviest first.
	Top []Source
	// Effective is the effective number of contributing patches,
	// exp(-sum w log w).
	Effective float64
	// Candidates is the size of the candidate set S(p).
	Candidates int
	// PerImage is the weight summed per training image, heaviest first;
	// images with zero weight are left out.
	PerImage []ImageWeight
}

// Attribute returns the attribution of pixel (r, c) of the noisy image x at
// time t with patch size k, keeping the topK heaviest candidates.
func (m *Machine) Attribute(x []float64, t float64, k, r, c, topK int) (*Attribution, error) {
	if topK < 1 {
		return nil, fmt.Errorf("top-K must be at least 1, got %d", topK)
	}
	if fa, ok := m.eng.(attributer); ok {
		if err := m.checkPixel(x, t, k, r, c); err != nil {
			return nil, err
		}
		at := fa.attribute(x, schedule.A(t), schedule.B(t), k, r, c, topK, m.data.Labels)
		at.T = t
		return at, nil
	}
	src, val, err := m.Weights(x, t, k, r, c)
	if err != nil {
		return nil, err
	}
	return summarise(src, val, m.data.Labels, r, c, k, t, topK), nil
}

// summarise builds an Attribution from a pixel's full weight list.
func summarise(src []Source, val []float64, labels []int, r, c, k int, t float64, topK int) *Attribution {
	at := &Attribution{Row: r, Col: c, K: k, T: t, Value: val, Candidates: len(src)}
	h := 0.0
	per := map[int]float64{}
	for _, s := range src {
		if s.Weight > 0 {
			h -= s.Weight * math.Log(s.Weight)
			per[s.Image] += s.Weight
		}
	}
	at.Effective = math.Exp(h)
	at.Top = topSources(src, topK)
	for mu, w := range per {
		l := -1
		if labels != nil {
			l = labels[mu]
		}
		at.PerImage = append(at.PerImage, ImageWeight{Image: mu, Label: l, Weight: w})
	}
	SortImageWeights(at.PerImage)
	return at
}

// SortImageWeights orders per-image weights heaviest first, ties by image
// index, so that results are deterministic.
func SortImageWeights(ws []ImageWeight) {
	slices.SortFunc(ws, func(a, b ImageWeight) int {
		if a.Weight != b.Weight {
			if a.Weight > b.Weight {
				return -1
			}
			return 1
		}
		return a.Image - b.Image
	})
}

// SortSources orders sources heaviest first, ties by (image, row, col).
func SortSources(src []Source) { slices.SortFunc(src, heavier) }

// heavier orders sources by weight, heaviest first, ties by (image, row, col)
// so that results are deterministic.
func heavier(a, b Source) int {
	switch {
	case a.Weight > b.Weight:
		return -1
	case a.Weight < b.Weight:
		return 1
	}
	return comparePos(a, b)
}

// comparePos orders sources by (image, row, col): the deterministic
// tie-break between equal weights (the smaller position counts as heavier).
func comparePos(a, b Source) int {
	switch {
	case a.Image != b.Image:
		return a.Image - b.Image
	case a.Row != b.Row:
		return a.Row - b.Row
	}
	return a.Col - b.Col
}

// topSources returns the k heaviest sources, heaviest first.
func topSources(src []Source, k int) []Source {
	k = min(k, len(src))
	// A bounded selection: keep a sorted window of the best k.
	top := make([]Source, 0, k+1)
	for _, s := range src {
		top = insertTop(top, s, k)
	}
	return top
}

// insertTop inserts s into top, which holds at most k sources heaviest
// first, if s is among the k heaviest, and returns the updated slice.
func insertTop(top []Source, s Source, k int) []Source {
	if k <= 0 || len(top) == k && heavier(s, top[k-1]) >= 0 {
		return top
	}
	i, _ := slices.BinarySearchFunc(top, s, heavier)
	top = slices.Insert(top, i, s)
	if len(top) > k {
		top = top[:k]
	}
	return top
}

// QueryPatch returns P_p(x): the k x k x C patch of x centred at (r, c),
// padded by the machine's query padding, channel-major ([C][k][k]).
func (m *Machine) QueryPatch(x []float64, k, r, c int) []float64 {
	return patch(x, m.data.C, m.data.H, m.data.W, k, r, c, m.rule.PadX)
}

// TrainingPatch returns P_q(phi^mu) for training image mu centred at
// (r, c), padded by the machine's training padding, channel-major.
func (m *Machine) TrainingPatch(mu, k, r, c int) []float64 {
	return patch(m.data.Image(mu), m.data.C, m.data.H, m.data.W, k, r, c, m.rule.PadPhi)
}

func patch(img []float64, ch, h, w, k, r, c int, p Pad) []float64 {
	if p == PadNone {
		p = PadZeros
	}
	out := make([]float64, ch*k*k)
	mm := k / 2
	for cc := range ch {
		for dr := range k {
			sr := PadIndex(r+dr-mm, h, p)
			for dc := range k {
				sc := PadIndex(c+dc-mm, w, p)
				if sr >= 0 && sc >= 0 {
					out[(cc*k+dr)*k+dc] = img[cc*h*w+sr*w+sc]
				}
			}
		}
	}
	return out
}
