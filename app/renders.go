package app

import "mosaic/model/machine"

// renderKey identifies a rendered view of immutable step data.
type renderKey struct {
	v    View
	x    *float64
	prev *float64
	st   *machine.Step
	ref  *machine.Step // the network's step of the residual view
	tol  float64       // the commitment view's tolerance (0 for other views)
}

// renders caches the rendered views of steps by the immutable data they
// show, so that scrubbing never renders twice. The image panel, the
// filmstrip, side B of compare mode and the PNG export share one. UI
// goroutine only.
type renders struct {
	cache    map[renderKey]Rendered
	overlays int // cached renders that hold an overlay
}

func newRenders() *renders { return &renders{cache: map[renderKey]Rendered{}} }

// get returns view v of frame i of res; tol is the commitment view's
// tolerance.
func (rc *renders) get(res *Result, i int, v View, tol float64) Rendered {
	tr := res.Traj
	if i < 0 || i >= tr.N || tr.X[i] == nil {
		return Rendered{Note: "not computed yet"}
	}
	if v == ViewCommitment {
		// One map for the whole trajectory, whatever the step.
		if !res.Complete || !tr.Complete() {
			return RenderCommitment(res, tol)
		}
		i = 0
	}
	key := renderKey{v: v, x: &tr.X[i][0], st: tr.Steps[StepOf(i)]}
	if v == ViewCommitment {
		key.tol = tol
	}
	if v == ViewResidual && res.Reference != nil {
		key.ref = res.Reference.Traj.Steps[StepOf(i)]
	}
	if v == ViewChange && i+1 < tr.N && tr.X[i+1] != nil {
		key.prev = &tr.X[i+1][0]
	}
	if r, ok := rc.cache[key]; ok {
		return r
	}
	if len(rc.cache) > 4000 || rc.overlays > 300 {
		clear(rc.cache)
		rc.overlays = 0
	}
	var r Rendered
	if v == ViewCommitment {
		r = RenderCommitment(res, tol)
	} else {
		r = RenderView(res, i, v)
	}
	if r.Overlay != nil {
		rc.overlays++ // larger than the images: cache fewer of them
	}
	rc.cache[key] = r
	return r
}
