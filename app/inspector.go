package app

import (
	"errors"
	"image"
	"math"
	"sync"

	"mosaic/model/machine"
	"mosaic/model/render"
)

var nan = math.NaN()

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
}

// Inspector computes attributions off the UI goroutine. A new request
// supersedes one that has not started; a result that has been superseded
// while running is dropped. At most one attribution runs at a time.
type Inspector struct {
	dispatch func(func())
	// OnResult receives each answer (dispatch side); OnError failures.
	OnResult func(*Inspection)
	OnError  func(error)

	mu      sync.Mutex
	gen     uint64
	pending *Query
	busy    bool
}

// NewInspector returns an inspector handing results over with dispatch.
func NewInspector(dispatch func(func())) *Inspector {
	return &Inspector{dispatch: dispatch}
}

// Request asks for the attribution of q, superseding earlier requests.
func (in *Inspector) Request(q Query) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.gen++
	in.pending = &q
	if !in.busy {
		in.busy = true
		go in.loop()
	}
}

// Clear drops any pending request and any answer still running.
func (in *Inspector) Clear() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.gen++
	in.pending = nil
}

func (in *Inspector) loop() {
	for {
		in.mu.Lock()
		q := in.pending
		gen := in.gen
		in.pending = nil
		if q == nil {
			in.busy = false
			in.mu.Unlock()
			return
		}
		in.mu.Unlock()
		ins, err := Inspect(*q)
		in.dispatch(func() {
			in.mu.Lock()
			cur := in.gen == gen
			in.mu.Unlock()
			if !cur {
				return
			}
			if err != nil {
				if in.OnError != nil {
					in.OnError(err)
				}
			} else if in.OnResult != nil {
				in.OnResult(ins)
			}
		})
	}
}

// Inspect computes an attribution synchronously.
func Inspect(q Query) (*Inspection, error) {
	res := q.Res
	if res == nil || res.Machine == nil {
		return nil, errors.New("no trajectory to inspect yet")
	}
	tr := res.Traj
	i := StepOf(q.Step)
	if i >= tr.N || tr.X[i] == nil {
		return nil, errors.New("this step has not been computed yet")
	}
	m := res.Machine
	k := tr.K[i]
	attr, err := m.Attribute(tr.X[i], tr.Time(i), k, q.Row, q.Col, q.TopK)
	if err != nil {
		return nil, err
	}
	d := m.Data()
	ins := &Inspection{Query: q, MachineStep: i, Attr: attr}
	pk := k
	if m.Spec().Kind == machine.IS {
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
