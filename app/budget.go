package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/dialog"

	"mosaic/model/budget"
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
	var sh budget.Shape
	var ok bool
	if IsBuiltin(s.Dataset) {
		sh, ok = budget.PeekBuiltin(s.Dataset, s.Size, s.Class, s.Limit) // never generates a set on the UI goroutine
	} else {
		sh, ok = budget.PeekFile(s.Dataset, s.Limit) // one read of the header
	}
	if !ok {
		return budget.Estimate{}, false
	}
	k, err := s.Schedule()
	if err != nil {
		return budget.Estimate{}, false
	}
	run := budget.Run{Spec: spec, M: sh.M, C: sh.C, H: sh.H, W: sh.W, Load: sh.Load, Steps: s.Steps, K: k, Trajectories: 1, Kept: 2}
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
