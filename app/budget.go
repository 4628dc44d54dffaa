package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"mosaic/model/budget"
	"mosaic/model/builtin"
	"mosaic/model/dataset"
	"mosaic/model/machine"
)

// estimate returns what a full computation of settings s needs (model/budget),
// from the data's shape read without loading it: an embedded set's labels, a
// file's header. ok is false when the shape cannot be told cheaply (a
// folder of images, the procedural hands); the loaders' own limits still
// apply then. It runs on the UI goroutine, so it reads no more than that.
func estimate(s Settings) (budget.Estimate, bool) {
	spec, err := s.Spec()
	if err != nil {
		return budget.Estimate{}, false
	}
	m, c, h, w := 0, 1, s.Size, s.Size
	if IsBuiltin(s.Dataset) {
		labels, ok := builtin.EmbeddedLabels(s.Dataset) // never generates a set on the UI goroutine
		if !ok {
			return budget.Estimate{}, false
		}
		m = len(labels)
		if s.Class >= 0 {
			m = 0
			for _, l := range labels {
				if l == s.Class {
					m++
				}
			}
		}
	} else {
		sh, ok, err := dataset.Peek(s.Dataset)
		if err != nil || !ok {
			return budget.Estimate{}, false
		}
		m, c, h, w = sh.M, sh.C, sh.H, sh.W // one read of the header
	}
	if s.Limit > 0 {
		m = min(m, s.Limit)
	}
	k, err := s.Schedule()
	if err != nil {
		return budget.Estimate{}, false
	}
	run := budget.Run{Spec: spec, M: m, C: c, H: h, W: w, Steps: s.Steps, K: k, Trajectories: 1, Kept: 2}
	if spec.Kind == machine.Network {
		run.M = 0 // the network reads no training images
	}
	return budget.For(run), true
}

// admit decides whether settings s may start: a run that cannot fit in
// memory is refused in a dialog that names the estimate and what to change
// (nothing starts); one that will take minutes asks first, once per
// settings. It returns true when s may start now; start is called later
// when the user confirms a slow run.
func (w *Window) admit(s Settings, start func()) bool {
	e, ok := estimate(s)
	if !ok {
		return true
	}
	if err := budget.Check(e); err != nil {
		dialog.ShowError(fmt.Errorf("%v.\n\n%s", err, budgetAdvice(e)), w.win)
		return false
	}
	note := budget.Warning(e)
	if note == "" || w.confirmed == s.key() {
		return true
	}
	dialog.ShowConfirm("A long computation", strings.ToUpper(note[:1])+note[1:]+".\n\nStart it?", func(yes bool) {
		if yes {
			w.confirmed = s.key()
			start()
		} else {
			w.controls.show(w.state.Settings())
		}
	}, w.win)
	return false
}

// budgetAdvice says which control shrinks the largest part of an estimate.
func budgetAdvice(e budget.Estimate) string {
	switch e.Largest().Knob {
	case "data":
		return "Use fewer training images (Images), one class, or a smaller image size."
	case "steps":
		return "Use fewer steps (the paper uses 20)."
	case "size":
		return "Use smaller images, or a patch machine (LS, ELS), which needs no n x n matrices."
	}
	return "Use fewer or smaller images, or fewer steps."
}
