package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	mcompare "mosaic/model/compare"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/sampler"
)

// TestBuiltinTourNetworkCaption recomputes the r^2 that the built-in
// tour's network scene quotes: ELS (its settings) evaluated along the
// built-in network's own trajectory from the scene's seed, at the scene's
// step, against the network's denoised image.
func TestBuiltinTourNetworkCaption(t *testing.T) {
	tr, err := BuiltinTour()
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := DecodeScene(&tr.Scenes[8])
	if err != nil {
		t.Fatal(err)
	}
	s := sc.Session.Settings
	if !network.IsBuiltin(s.Network) {
		t.Skipf("this build ships no %s", s.Network)
	}
	lib := NewLibrary()
	nm, data, err := lib.Machine(s)
	if err != nil {
		t.Fatal(err)
	}
	es := s
	es.Machine, es.Boundary = sc.Session.Compare.Machine, sc.Session.Compare.Boundary
	els, _, err := lib.Machine(es)
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	traj, err := sampler.Run(ctx, nm, sampler.Noise(s.Seed, data.C, data.H, data.W), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := sc.Session.Step
	st, err := els.Step(ctx, traj.X[i], traj.Time(i), k[i])
	if err != nil {
		t.Fatal(err)
	}
	r2 := mcompare.R2(traj.Steps[i].D, st.D)
	if want := fmt.Sprintf("r\u00b2 = %.2f", r2); !strings.Contains(sc.Caption, want) {
		t.Errorf("scene 9 quotes another r^2 than %q (%.4f at step %d, ELS %v):\n%s", want, r2, i, machine.Spec{Kind: els.Spec().Kind, Boundary: els.Spec().Boundary}, sc.Caption)
	}
}
