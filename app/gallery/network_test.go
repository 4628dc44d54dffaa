package gallery

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mosaic/app/internal/uiqueue"
	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/sampler"
)

// isNet is a "trained network" that is the ideal (IS) machine: its samples
// are training hands, drawn with five digits, so the network column's
// expected counts are known.
type isNet struct{ m *machine.Machine }

func (n isNet) Denoise(ctx context.Context, x []float64, c, h, w int, t float64, class int) ([]float64, error) {
	st, err := n.m.Step(ctx, x, t, 1)
	if err != nil {
		return nil, err
	}
	return st.D, nil
}

func (isNet) Check(c, h, w int) error { return nil }

// TestGalleryNetworkColumn checks the network column: every seed's network
// sample is the network's own trajectory from the same noise, counted and
// badged; the histogram has the network's tally; and the 2x2 table adds
// up, seed by seed, to what the counter says of both samples.
func TestGalleryNetworkColumn(t *testing.T) {
	test.NewTempApp(t)
	d := tinyHands(t)
	is, err := machine.New(d, machine.Spec{Kind: machine.IS})
	if err != nil {
		t.Fatal(err)
	}
	nm, err := machine.NewNetwork(isNet{is}, d, machine.Spec{Net: "is-as-network"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	q := &uiqueue.Queue{}
	g := newTestGallery(t, d, 4, 5, q)
	o := g.Options()
	o.Network = nm
	g.SetOptions(o)
	test.NewTempWindow(t, g.Content())
	g.Generate()
	q.DrainUntil(t, "the worker", func() bool { return !g.Running() }, 2*time.Minute)
	g.Wait()
	q.Drain()

	samples := g.Samples()
	if len(samples) != 4 || len(g.netThumb) != 4 {
		t.Fatalf("%d samples, %d network thumbs; want 4 and 4 (status %q)", len(samples), len(g.netThumb), g.status.Text)
	}
	var want Agreement
	var netResults []hands.Result
	for j, s := range samples {
		if s.Network == nil {
			t.Fatalf("seed %d has no network sample", s.Seed)
		}
		ref, err := sampler.Run(context.Background(), nm, sampler.Noise(s.Seed, d.C, d.H, d.W), o.Schedule, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ref.Final(), s.Network.Trajectory.Final()) {
			t.Errorf("seed %d: the network column's sample is not the network's trajectory from that seed", s.Seed)
		}
		nc := hands.Count(ref.Final(), d.H, d.W)
		netResults = append(netResults, nc)
		if s.Network.Count != nc {
			t.Errorf("seed %d: network count %+v, counter says %+v", s.Seed, s.Network.Count, nc)
		}
		if b := g.netThumb[j].badge; b.Text != BadgeText(nc) || b.Hidden {
			t.Errorf("seed %d: network badge %q (hidden %v), want %q", s.Seed, b.Text, b.Hidden, BadgeText(nc))
		}
		// The ideal machine's samples are training hands: the network
		// column reads them as the training set's hands read.
		if _, dist := nearestDist(d, ref.Final()); dist > 1e-6 {
			t.Errorf("seed %d: the IS network's sample is %g from every training hand", s.Seed, dist)
		}
		mf := s.Count.OK && s.Count.Fingers == 5
		nf := nc.OK && nc.Fingers == 5
		switch {
		case mf && nf:
			want.BothFive++
		case mf:
			want.MachineOnly++
		case nf:
			want.NetworkOnly++
		default:
			want.Neither++
		}
	}
	if got := g.Agreement(); got != want {
		t.Errorf("agreement %+v, want %+v", got, want)
	}
	if !sameTally(g.NetworkTally(), NewTally(netResults)) {
		t.Errorf("network tally %+v, want %+v", g.NetworkTally(), NewTally(netResults))
	}
	if g.hist.Image() == nil {
		t.Error("no histogram drawn")
	}
	var opened, openedNet []uint64
	o.OnOpen = func(seed uint64) { opened = append(opened, seed) }
	o.OnOpenNetwork = func(seed uint64) { openedNet = append(openedNet, seed) }
	g.opts.OnOpen, g.opts.OnOpenNetwork = o.OnOpen, o.OnOpenNetwork
	test.Tap(g.netThumb[1])
	test.Tap(g.thumbs[3])
	if !slices.Equal(opened, []uint64{103}) || !slices.Equal(openedNet, []uint64{101}) {
		t.Errorf("opened machine samples %v and network samples %v; want [103] and [101]", opened, openedNet)
	}
	// Without the network the column goes away.
	o.Network = nil
	g.SetOptions(o)
	g.Generate()
	q.DrainUntil(t, "the worker", func() bool { return !g.Running() }, 2*time.Minute)
	g.Wait()
	q.Drain()
	if g.netThumb != nil || g.Samples()[0].Network != nil {
		t.Error("the network column stayed after Options.Network was cleared")
	}
}

// nearestDist returns the training image nearest to x and the largest
// absolute difference from it.
func nearestDist(d *dataset.Dataset, x []float64) (int, float64) {
	best, bd := -1, 0.0
	for i := range d.M {
		img := d.Image(i)
		m := 0.0
		for p := range x {
			m = max(m, math.Abs(x[p]-img[p]))
		}
		if best < 0 || m < bd {
			best, bd = i, m
		}
	}
	return best, bd
}
