package network

import (
	"fmt"
	"slices"
)

// The MinimalResNet's forward pass with caching and its backward pass, for
// training. The forward pass is the inference one (forward.go) step for
// step, with the same kernels and the same float32 arithmetic, so that its
// output is bit for bit what Eps returns; it also keeps what the backward
// pass needs (each layer's input state and pre-normalisation convolution
// output, the embedding MLPs' values).

// resnetCache holds one forward pass's activations.
type resnetCache struct {
	n, h, w int
	class   []int
	e       []float32   // embedding [n, E]
	embV    [][]float32 // per embedding MLP: the Linear's output [n, E]
	embA    [][]float32 // per embedding MLP: its output (after ReLU) [n, E]
	x       []float32   // input [n, C, h, w]
	s       [][]float32 // s[i]: the state entering layer i; s[L]: after the last layer
	z       [][]float32 // z[i]: layer i's convolution output (before GroupNorm)
	sLast   []float32   // the state after the last embedding (or doubling)
	q       []float32   // the down-projection's input (sLast normalised, or sLast)
	out     []float32   // the predicted noise [n, C, h, w]
}

// resnetForwardCache runs the ResNet on x ([nImg, C, h, w]) with the
// embedding e ([nImg, E]) and keeps the activations.
func (n *Net) resnetForwardCache(r *run, x, e []float32, nImg, h, w int) *resnetCache {
	ed, hw := n.cfg.EmbDim, h*w
	c := &resnetCache{n: nImg, h: h, w: w, e: e, x: x}
	for _, m := range n.embs {
		v := m.lin.forward(e, nImg)
		c.embV = append(c.embV, slices.Clone(v))
		m.gn.forward(r, v, nImg, 1)
		relu(v)
		c.embA = append(c.embA, v)
	}
	s := n.up.forward(r, x, nImg, h, w, convOpt{})
	c.s = append(c.s, s)
	u := make([]float32, len(s))
	for i, cv := range n.convs {
		gn := n.convNorm[i]
		z := make([]float32, len(s))
		next := make([]float32, len(s))
		cv.forward(r, s, nImg, h, w, convOpt{add: c.embA[i], dst: z, epilogue: func(img int, o []float32) {
			g := u[img*ed*hw : (img+1)*ed*hw]
			copy(g, o)
			if gn != nil {
				gn.image(g, hw)
			}
			si := s[img*ed*hw : (img+1)*ed*hw]
			ni := next[img*ed*hw : (img+1)*ed*hw]
			for j, a := range g {
				ni[j] = si[j] + max(a, 0)
			}
		}})
		c.z = append(c.z, z)
		s = next
		c.s = append(c.s, s)
	}
	if len(n.embs) > len(n.convs) {
		c.sLast = addChannel(s, c.embA[len(n.embs)-1], nImg, ed, hw)
	} else {
		c.sLast = make([]float32, len(s))
		for j, v := range s {
			c.sLast[j] = v + v
		}
	}
	c.q = c.sLast
	if n.downNorm != nil {
		c.q = slices.Clone(c.sLast)
		n.downNorm.forward(r, c.q, nImg, hw)
	}
	c.out = n.down.forward(r, c.q, nImg, h, w, convOpt{})
	return c
}

// resnetBackward adds to the tensors of g (a network of n's configuration
// that holds gradients) the gradient of a loss whose gradient with respect
// to the network's output is dout ([n, C, h, w]).
func (n *Net) resnetBackward(r *run, ts *trainScratch, c *resnetCache, dout []float32, g *Net) {
	nImg, h, w := c.n, c.h, c.w
	ed, hw := n.cfg.EmbDim, h*w
	de := make([]float32, nImg*ed) // gradient of the embedding e
	embBack := func(k int, dA []float32) {
		m, gm := n.embs[k], g.embs[k]
		d := make([]float32, len(dA))
		for j, a := range c.embA[k] {
			if a > 0 {
				d[j] = dA[j]
			}
		}
		dv := m.gn.backward(r, c.embV[k], d, nImg, 1, gm.gn.w, gm.gn.b)
		dIn := m.lin.backward(c.e, dv, nImg, gm.lin.w, gm.lin.b)
		for j, v := range dIn {
			de[j] += v
		}
	}

	dq := make([]float32, nImg*ed*hw)
	n.down.backward(r, ts, c.q, nil, dout, nImg, h, w, g.down.w, g.down.b, dq, nil)
	ds := dq
	if n.downNorm != nil {
		ds = n.downNorm.backward(r, c.sLast, dq, nImg, hw, g.downNorm.w, g.downNorm.b)
	}
	if len(n.embs) > len(n.convs) {
		dA := make([]float32, nImg*ed)
		for i := range nImg * ed {
			dA[i] = float32(sum64(ds[i*hw : (i+1)*hw]))
		}
		embBack(len(n.embs)-1, dA)
	} else {
		for j := range ds {
			ds[j] += ds[j]
		}
	}
	dg := make([]float32, len(ds))
	dxin := make([]float32, len(ds))
	dadd := make([]float32, nImg*ed)
	for i := len(n.convs) - 1; i >= 0; i-- {
		// s[i+1] = s[i] + ReLU(GN(z)): the ReLU passes ds where GN(z) > 0,
		// recomputed exactly as the forward pass computed it.
		z, gn := c.z[i], n.convNorm[i]
		r.parallel(nImg, func(_, img int) {
			lo, hi := img*ed*hw, (img+1)*ed*hw
			act := dg[lo:hi]
			copy(act, z[lo:hi])
			if gn != nil {
				gn.image(act, hw)
			}
			for j, a := range act {
				if a > 0 {
					act[j] = ds[lo+j]
				} else {
					act[j] = 0
				}
			}
		})
		dz := dg
		if gn != nil {
			dz = gn.backward(r, z, dg, nImg, hw, g.convNorm[i].w, g.convNorm[i].b)
		}
		n.convs[i].backward(r, ts, c.s[i], c.embA[i], dz, nImg, h, w, g.convs[i].w, g.convs[i].b, dxin, dadd)
		for j, v := range dxin {
			ds[j] += v
		}
		embBack(i, dadd)
	}
	n.up.backward(r, ts, c.x, nil, ds, nImg, h, w, g.up.w, g.up.b, nil, nil)
	if n.cfg.Conditional {
		for i := range nImg {
			row := g.classEmb[c.class[i]*ed : (c.class[i]+1)*ed]
			for j, v := range de[i*ed : (i+1)*ed] {
				row[j] += v
			}
		}
	}
}

// zeroLike returns a network of n's configuration whose tensors (same
// names, shapes and order) are all zero: the gradient of n.
func (n *Net) zeroLike() (*Net, error) {
	params := make([]Param, len(n.params))
	for i, p := range n.params {
		params[i] = Param{Name: p.Name, Shape: slices.Clone(p.Shape), Data: make([]float32, len(p.Data))}
	}
	g, err := New(n.cfg, params, "gradient")
	if err != nil {
		return nil, fmt.Errorf("gradient of %s: %w", n.source, err)
	}
	// GroupNorm layers read their eps from the network, not the gradient.
	return g, nil
}
