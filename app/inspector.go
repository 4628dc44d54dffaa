package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math"

	"mosaic/app/internal/worker"
	"mosaic/model/machine"
	"mosaic/model/render"
)

var nan = math.NaN()

// ErrNotComputed is the error of an inspection of a step that has not
// been computed yet.
var ErrNotComputed = errors.New("this step has not been computed yet")

// Query is one attribution request: pixel (Row, Col) of frame Step of a
// result, keeping the TopK heaviest patches.
type Query struct {
	Res            *Result
	Step           int
	Row, Col, TopK int
}

// Inspection is the answer to a Query: the attribution and the images the
// inspector shows.
type Inspection struct {
	Query Query
	// MachineStep is the step whose weights were used (StepOf(Step)).
	MachineStep int
	Attr        *machine.Attribution
	// QueryPatch is P_p(x) of the noisy image, rendered.
	QueryPatch image.Image
	// Patches[j] and Sources[j] belong to Attr.Top[j]: the training patch
	// and the whole source training image (the patch outlined by
	// Outlines[j], in source pixels).
	Patches  []image.Image
	Sources  []image.Image
	Outlines []image.Rectangle
	// Labels[j] names the label of Attr.Top[j]'s image ("" if none).
	Labels []string

	// Filter is the Wiener machine's row F_t[p, :] for the pixel, averaged
	// over the channels (H*W values): how each pixel of x/a - mu moves the
	// denoised pixel, with its sign. Nil for other machines.
	Filter []float64
	// FilterImage renders Filter on a diverging scale of +-FilterLimit.
	FilterImage image.Image
	FilterLimit float64
	// Hood is the PCA-locality neighbourhood N_t[., p] of the pixel (H*W
	// values, true where any channel of that pixel is in the neighbourhood
	// of any channel of p), and HoodSize the number of values in it; nil
	// for other machines.
	Hood     []bool
	HoodSize int
	// Note explains an answer without weights (a trained network).
	Note string
	// NetValue is the network's D at the pixel (one value per channel)
	// when the machine was evaluated along a network's trajectory
	// (Network vs machine), else nil.
	NetValue []float64

	hoodOutline image.Image // Hood drawn as an overlay, made once (UI goroutine)
}

// Inspector computes attributions off the UI goroutine. A new request
// supersedes one that has not started; a result that has been superseded
// while running is dropped. At most one attribution runs at a time.
type Inspector struct {
	// OnResult receives each answer (dispatch side); OnError failures.
	OnResult func(*Inspection)
	OnError  func(error)

	work worker.Worker
}

// NewInspector returns an inspector handing results over with dispatch.
func NewInspector(dispatch func(func())) *Inspector {
	return &Inspector{work: worker.Worker{Dispatch: dispatch, Serial: true}}
}

// Request asks for the attribution of q, superseding earlier requests.
func (in *Inspector) Request(q Query) {
	in.work.Start(func(j *worker.Job) {
		ins, err := Inspect(q)
		j.Deliver(func() {
			if err != nil {
				if in.OnError != nil {
					in.OnError(err)
				}
			} else if in.OnResult != nil {
				in.OnResult(ins)
			}
		})
	})
}

// Clear drops any pending request and any answer still running.
func (in *Inspector) Clear() { in.work.Cancel() }

// Inspect computes an attribution synchronously. For a machine evaluated
// along a network's trajectory it is the attribution at the network's x_t:
// which training patches explain the network's pixel, with the network's
// value beside the machine's.
func Inspect(q Query) (*Inspection, error) {
	ins, err := inspect(q)
	if err != nil || q.Res.Reference == nil {
		return ins, err
	}
	if ref := q.Res.Reference.Traj.Steps[ins.MachineStep]; ref != nil {
		tr := q.Res.Traj
		for ch := range tr.C {
			ins.NetValue = append(ins.NetValue, ref.D[(ch*tr.H+q.Row)*tr.W+q.Col])
		}
	}
	return ins, nil
}

func inspect(q Query) (*Inspection, error) {
	res := q.Res
	if res == nil || res.Machine == nil {
		return nil, errors.New("no trajectory to inspect yet")
	}
	tr := res.Traj
	i := StepOf(q.Step)
	if i >= tr.N || tr.X[i] == nil {
		return nil, ErrNotComputed
	}
	m := res.Machine
	k := tr.K[i]
	switch m.Spec().Kind {
	case machine.Wiener:
		return inspectWiener(q, i)
	case machine.PCALocality:
		return inspectPCA(q, i)
	case machine.Network:
		return inspectNetwork(q, i)
	}
	attr, err := m.Attribute(tr.X[i], tr.Time(i), k, q.Row, q.Col, q.TopK)
	if err != nil {
		return nil, err
	}
	d := m.Data()
	ins := &Inspection{Query: q, MachineStep: i, Attr: attr}
	pk := k
	if !m.Spec().Kind.HasPatch() {
		pk = min(d.H, d.W) | 1 // IS has no patch: show the neighbourhood
		pk = min(pk, 9)
	}
	ins.QueryPatch = render.Image(m.QueryPatch(tr.X[i], pk, q.Row, q.Col), d.C, pk, pk)
	for _, s := range attr.Top {
		ins.Patches = append(ins.Patches, render.Image(m.TrainingPatch(s.Image, pk, s.Row, s.Col), d.C, pk, pk))
		ins.Sources = append(ins.Sources, render.Image(d.Image(s.Image), d.C, d.H, d.W))
		half := pk / 2
		ins.Outlines = append(ins.Outlines, image.Rect(s.Col-half, s.Row-half, s.Col+half+1, s.Row+half+1))
		lbl := ""
		if l := d.Label(s.Image); l >= 0 {
			lbl = d.ClassName(l)
		}
		ins.Labels = append(ins.Labels, lbl)
	}
	return ins, nil
}

// inspectWiener answers a query on the Wiener machine: the pixel's row of
// the filter F_t (it copies no training image, so there are no patches).
func inspectWiener(q Query, i int) (*Inspection, error) {
	res, tr := q.Res, q.Res.Traj
	m := res.Machine
	d := m.Data()
	t := tr.Time(i)
	hw := d.H * d.W
	row := make([]float64, hw)
	val := make([]float64, d.C)
	for ch := range d.C {
		f, err := m.FilterRow(context.Background(), t, ch, q.Row, q.Col)
		if err != nil {
			return nil, err
		}
		for j, v := range render.ChannelMean(f, d.C, d.H, d.W) {
			row[j] += v / float64(d.C)
		}
		if st := tr.Steps[i]; st != nil {
			val[ch] = st.D[ch*hw+q.Row*d.W+q.Col]
		}
	}
	lim := render.SymmetricLimit(row)
	attr := &machine.Attribution{Row: q.Row, Col: q.Col, T: t, Value: val}
	return &Inspection{Query: q, MachineStep: i, Attr: attr, Filter: row, FilterLimit: lim,
		FilterImage: render.Diverging(row, d.H, d.W, lim)}, nil
}

// inspectNetwork answers a query on a trained network: its denoised value,
// and why there is nothing to attribute.
func inspectNetwork(q Query, i int) (*Inspection, error) {
	tr := q.Res.Traj
	d := q.Res.Machine.Data()
	val := make([]float64, d.C)
	if st := tr.Steps[i]; st != nil {
		for ch := range val {
			val[ch] = st.D[(ch*d.H+q.Row)*d.W+q.Col]
		}
	}
	attr := &machine.Attribution{Row: q.Row, Col: q.Col, T: tr.Time(i), Value: val}
	return &Inspection{Query: q, MachineStep: i, Attr: attr,
		Note: "A trained network has no patch weights: it is what the machines explain. Put a machine beside it with Compare (same noise) to see which training patches the theory would copy here."}, nil
}

// inspectPCA answers a query on the PCA-locality machine: the weight of
// every training image at the pixel, and the neighbourhood it sees. The
// "patches" are the neighbourhood's bounding box, cut from x and from each
// of the heaviest training images.
func inspectPCA(q Query, i int) (*Inspection, error) {
	res, tr := q.Res, q.Res.Traj
	m := res.Machine
	d := m.Data()
	t := tr.Time(i)
	attr, err := m.Attribute(tr.X[i], t, 0, q.Row, q.Col, q.TopK)
	if err != nil {
		return nil, err
	}
	hw := d.H * d.W
	hood := make([]bool, hw)
	size := 0
	for ch := range d.C {
		mask, err := m.Neighbourhood(context.Background(), t, ch, q.Row, q.Col)
		if err != nil {
			return nil, err
		}
		for v, in := range mask {
			if in {
				hood[v%hw] = true
				if ch == 0 {
					size++
				}
			}
		}
	}
	box := image.Rect(q.Col, q.Row, q.Col+1, q.Row+1)
	for p, in := range hood {
		if in {
			box = box.Union(image.Rect(p%d.W, p/d.W, p%d.W+1, p/d.W+1))
		}
	}
	ins := &Inspection{Query: q, MachineStep: i, Attr: attr, Hood: hood, HoodSize: size}
	ins.QueryPatch = masked(tr.X[i], d.C, d.H, d.W, box, hood)
	for _, s := range attr.Top {
		img := d.Image(s.Image)
		ins.Patches = append(ins.Patches, masked(img, d.C, d.H, d.W, box, hood))
		ins.Sources = append(ins.Sources, render.Image(img, d.C, d.H, d.W))
		ins.Outlines = append(ins.Outlines, box)
		lbl := ""
		if l := d.Label(s.Image); l >= 0 {
			lbl = d.ClassName(l)
		}
		ins.Labels = append(ins.Labels, lbl)
	}
	return ins, nil
}

// masked renders the rectangle box of an image [C, H, W] with the pixels
// outside the neighbourhood hood (H*W) dimmed and tinted blue, so that a
// training image shows what the pixel compares: only the values inside.
func masked(x []float64, c, h, w int, box image.Rectangle, hood []bool) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	src := render.Image(crop(x, c, h, w, box), c, box.Dy(), box.Dx())
	for y := range box.Dy() {
		for xx := range box.Dx() {
			r, g, b, _ := src.At(xx, y).RGBA()
			col := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
			if !hood[(box.Min.Y+y)*w+box.Min.X+xx] {
				col = color.RGBA{uint8(20 + col.R/6), uint8(24 + col.G/6), uint8(48 + col.B/5), 255}
			}
			img.SetRGBA(xx, y, col)
		}
	}
	return img
}

// crop returns the rectangle r of an image [C, H, W] as [C, r.Dy(), r.Dx()].
func crop(x []float64, c, h, w int, r image.Rectangle) []float64 {
	out := make([]float64, 0, c*r.Dx()*r.Dy())
	for ch := range c {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			out = append(out, x[(ch*h+y)*w+r.Min.X:(ch*h+y)*w+r.Max.X]...)
		}
	}
	return out
}
