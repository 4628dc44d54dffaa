package machine

import (
	"context"
	"runtime"
	"sync"

	"mosaic/model/dataset"
)

// directEngine evaluates a local machine by computing every patch distance
// directly in float64, k*k*C operations per (pixel, candidate) pair, in
// parallel over rows. It is no longer the production engine (fastEngine is):
// the tests keep it as a float64 cross-check that must agree with the
// reference to 1e-9.
type directEngine struct {
	d    *dataset.Dataset
	rule Rule
}

func newDirectEngine(d *dataset.Dataset, r Rule) *directEngine { return &directEngine{d, r} }

// geometry holds the per-k index tables of a local machine.
type geometry struct {
	k, m   int
	rowIdx [][]int // rowIdx[r][dr]: source row of offset dr-m from row r under PadPhi, or -1
	colIdx [][]int
	xRow   [][]int // the same under PadX
	xCol   [][]int
	rowsOf [][]int // candidate centre rows for a pixel row
	colsOf [][]int
}

func newGeometry(h, w, k int, r Rule) *geometry {
	g := &geometry{k: k, m: k / 2}
	table := func(n int, p Pad) [][]int {
		t := make([][]int, n)
		for i := range t {
			t[i] = make([]int, k)
			for o := range k {
				t[i][o] = PadIndex(i+o-g.m, n, p)
			}
		}
		return t
	}
	g.rowIdx, g.colIdx = table(h, r.PadPhi), table(w, r.PadPhi)
	g.xRow, g.xCol = table(h, r.PadX), table(w, r.PadX)
	g.rowsOf = make([][]int, h)
	for i := range g.rowsOf {
		g.rowsOf[i] = AxisCandidates(i, h, g.m, r.Candidates)
	}
	g.colsOf = make([][]int, w)
	for i := range g.colsOf {
		g.colsOf[i] = AxisCandidates(i, w, g.m, r.Candidates)
	}
	return g
}

// queryPatch writes P_p(x) (k*k*C values, channel-major) into q.
func (g *geometry) queryPatch(x []float64, h, w, ch, r, c int, q []float64) {
	k := g.k
	for cc := range ch {
		for dr := range k {
			sr := g.xRow[r][dr]
			for dc := range k {
				sc := g.xCol[c][dc]
				v := 0.0
				if sr >= 0 && sc >= 0 {
					v = x[cc*h*w+sr*w+sc]
				}
				q[(cc*k+dr)*k+dc] = v
			}
		}
	}
}

// pixelLogits calls visit for every candidate of pixel (r, c) with its
// logit -||P_p(x) - a P_q(phi)||^2 / T.
func (e *directEngine) pixelLogits(g *geometry, qp []float64, a, T float64, r, c int, visit func(l float64, mu, qr, qc int)) {
	d := e.d
	h, w, ch, k := d.H, d.W, d.C, g.k
	for mu := 0; mu < d.M; mu++ {
		phi := d.Image(mu)
		for _, qr := range g.rowsOf[r] {
			for _, qc := range g.colsOf[c] {
				s := 0.0
				for cc := range ch {
					base := cc * h * w
					for dr := range k {
						sr := g.rowIdx[qr][dr]
						qrow := qp[(cc*k+dr)*k : (cc*k+dr+1)*k]
						for dc, xv := range qrow {
							sc := g.colIdx[qc][dc]
							pv := 0.0
							if sr >= 0 && sc >= 0 {
								pv = phi[base+sr*w+sc]
							}
							diff := xv - a*pv
							s += diff * diff
						}
					}
				}
				visit(-s/T, mu, qr, qc)
			}
		}
	}
}

func (e *directEngine) step(ctx context.Context, x []float64, a, b float64, k int, out *Step) error {
	d := e.d
	h, w, ch := d.H, d.W, d.C
	g := newGeometry(h, w, k, e.rule)
	T := 2 * b * b
	rows := make(chan int, h)
	for r := range h {
		rows <- r
	}
	close(rows)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qp := make([]float64, k*k*ch)
			vals := make([]float64, ch)
			dv := make([]float64, ch)
			var acc accum
			for r := range rows {
				if ctx.Err() != nil {
					return
				}
				for c := range w {
					g.queryPatch(x, h, w, ch, r, c, qp)
					acc.reset(ch)
					e.pixelLogits(g, qp, a, T, r, c, func(l float64, mu, qr, qc int) {
						phi := d.Image(mu)
						for cc := range vals {
							vals[cc] = phi[cc*h*w+qr*w+qc]
						}
						acc.add(l, mu, qr, qc, vals)
					})
					best, eff := acc.finish(dv)
					for cc := range ch {
						out.D[cc*h*w+r*w+c] = dv[cc]
					}
					out.Heaviest[r*w+c] = best
					out.Effective[r*w+c] = eff
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (e *directEngine) pixel(x []float64, a, b float64, k, r, c int) ([]Source, []float64, error) {
	d := e.d
	h, w, ch := d.H, d.W, d.C
	g := newGeometry(h, w, k, e.rule)
	qp := make([]float64, k*k*ch)
	g.queryPatch(x, h, w, ch, r, c, qp)
	var src []Source
	e.pixelLogits(g, qp, a, 2*b*b, r, c, func(l float64, mu, qr, qc int) {
		src = append(src, Source{Image: mu, Row: qr, Col: qc, Weight: l})
	})
	normalise(src)
	val := make([]float64, ch)
	for _, s := range src {
		phi := d.Image(s.Image)
		for cc := range val {
			val[cc] += s.Weight * phi[cc*h*w+s.Row*w+s.Col]
		}
	}
	return src, val, nil
}
