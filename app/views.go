package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"mosaic/app/trace"
	"mosaic/model/analysis"
	"mosaic/model/machine"
	"mosaic/model/render"
)

// View is what the large image shows for the current step.
type View int

const (
	// ViewX is the noisy image x_t.
	ViewX View = iota
	// ViewD is the denoised estimate D_t.
	ViewD
	// ViewNoise is the predicted noise eps.
	ViewNoise
	// ViewChange is x_t minus the previous frame x_{t+1/N}.
	ViewChange
	// ViewMosaic colours each pixel by the training image of its heaviest
	// patch.
	ViewMosaic
	// ViewEffective maps the effective number of patches per pixel.
	ViewEffective
	// ViewCommitment maps when each pixel was decided: the last step at
	// which its D_t was still more than a tolerance away from its final
	// value (analysis.CommitmentMap). It is the same at every step and
	// needs the complete trajectory.
	ViewCommitment
	// ViewResidual is D_net - D_machine of Network vs machine (compare
	// mode): where the theory fails to explain the network.
	ViewResidual
)

// DominantWeight is the weight the heaviest patch of a pixel must hold for
// the mosaic map to name its source image. Below it the pixel's weight is
// spread over more than 1/DominantWeight patches (behind an empty
// background pixel, hundreds of thousands of identical background patches
// tie), and naming one of them would be arbitrary, so the pixel is drawn
// as "no dominant source".
const DominantWeight = 0.02

// Views lists the views in selector order.
var Views = []View{ViewX, ViewD, ViewNoise, ViewChange, ViewMosaic, ViewEffective, ViewCommitment, ViewResidual}

var viewKeys = []string{"x", "d", "noise", "change", "mosaic", "effective", "commitment", "residual"}
var viewTitles = []string{"x_t (noisy)", "D_t (denoised)", "predicted noise", "change since previous step", "mosaic map", "effective number", "commitment time", "residual D_net − D_machine"}

// Key is the view's name in session files and flags.
func (v View) Key() string { return viewKeys[v] }

// Title is the view's name in the selector.
func (v View) Title() string { return viewTitles[v] }

// ParseView reads a view key (as Key returns); unknown keys give ViewX.
func ParseView(s string) (View, bool) {
	for i, k := range viewKeys {
		if k == strings.ToLower(s) {
			return View(i), true
		}
	}
	return ViewX, false
}

// StepOf returns the machine step whose by-products describe frame i: step
// i itself, or step 1 for the final frame x_0 (= D_1).
func StepOf(i int) int { return max(i, 1) }

// Legend describes a rendered view's colours: a scale (Ticks with a
// colour function) or categories (Entries).
type Legend struct {
	Title   string
	Entries []LegendItem
	Colors  func(v float64) color.Color
	Min     float64
	Max     float64
}

// LegendItem is one category of a legend.
type LegendItem struct {
	Color color.Color
	Label string
	// Image is the training image the entry stands for (-1 for none).
	Image int
}

// Rendered is one view of one step, ready for display.
type Rendered struct {
	Image  image.Image // nil when the view does not exist at this step
	Legend Legend
	Note   string // why there is no image, or what is shown instead
	// Commitment is the map behind ViewCommitment (nil for other views).
	Commitment *analysis.Commitment
	// Overlay is drawn over Image, stretched to it (the mosaic map's
	// boundaries between source images); nil for none.
	Overlay image.Image
}

// edgeScale is the resolution of the mosaic boundary overlay in overlay
// pixels per image pixel (its lines are 2 of them wide).
const edgeScale = 10

// commitmentNote is shown instead of the commitment map while the
// trajectory is not complete.
const commitmentNote = "the commitment map needs the complete trajectory: it appears when the run has finished"

// RenderCommitment renders the commitment-time map of a complete result
// with tolerance tol (trace.CommitmentImage: dark = decided early, bright
// = decided late), with a colour scale over the commitment time t. An
// incomplete result gives only a note.
func RenderCommitment(res *Result, tol float64) Rendered {
	if res == nil || !res.Complete || !res.Traj.Complete() {
		return Rendered{Note: commitmentNote}
	}
	com, err := analysis.CommitmentMap(res.Traj, tol)
	if err != nil {
		return Rendered{Note: err.Error()}
	}
	n := com.N
	return Rendered{Image: trace.CommitmentImage(com), Commitment: com, Legend: Legend{
		Title: fmt.Sprintf("committed at time t (tolerance %g) · bright = decided late", tol),
		Min:   0, Max: 1,
		Colors: func(t float64) color.Color {
			return trace.CommitmentColor(int(math.Round(t*float64(n))), n)
		}}}
}

// CommitmentReadout describes pixel (r, c) of a commitment map for the
// hover line.
func CommitmentReadout(com *analysis.Commitment, k []int, r, c int) string {
	head := fmt.Sprintf("row %d, col %d", r, c)
	if com == nil || r < 0 || c < 0 || r >= com.H || c >= com.W {
		return head
	}
	s := com.Step[r*com.W+c]
	if s >= com.N {
		return fmt.Sprintf("%s   fixed from the start (within %g of its final value at every step)", head, com.Tol)
	}
	kk := ""
	if s < len(k) {
		kk = fmt.Sprintf(", k = %d", k[s])
	}
	return fmt.Sprintf("%s   decided at step %d (t = %.2f%s): last step more than %g from its final value", head, s, com.Time(r*com.W+c), kk, com.Tol)
}

// RenderView renders view v of frame i of res. Results are pure functions
// of the immutable trajectory data, so callers may cache them.
func RenderView(res *Result, i int, v View) Rendered {
	tr := res.Traj
	if i < 0 || i >= tr.N || tr.X[i] == nil {
		return Rendered{Note: "not computed yet"}
	}
	c, h, w := tr.C, tr.H, tr.W
	st := tr.Steps[StepOf(i)]
	if v == ViewResidual {
		return renderResidual(res, i)
	}
	if (v == ViewMosaic || v == ViewEffective) && res.Machine != nil && !res.Machine.Spec().Kind.Weighted() {
		if res.Machine.Spec().Kind == machine.Network {
			return Rendered{Note: "a trained network copies no training image, so it has no " + v.Title() + ": compare it with a machine"}
		}
		return Rendered{Note: "the Wiener machine copies no training image, so it has no " + v.Title() + ": click a pixel to see its filter row"}
	}
	switch v {
	case ViewX:
		return Rendered{Image: render.Image(tr.X[i], c, h, w)}
	case ViewD:
		if i == 0 {
			return Rendered{Image: render.Image(tr.X[0], c, h, w), Note: "x_0 = D_1"}
		}
		if st == nil {
			return Rendered{Note: "not computed yet"}
		}
		return Rendered{Image: render.Image(st.D, c, h, w)}
	case ViewNoise:
		if i == 0 {
			return Rendered{Note: "no noise is predicted at t = 0"}
		}
		if tr.Eps[i] == nil {
			return Rendered{Note: "not computed yet"}
		}
		m := render.ChannelMean(tr.Eps[i], c, h, w)
		return diverging(m, h, w, "predicted noise")
	case ViewChange:
		if i == tr.N-1 || tr.X[i+1] == nil {
			return Rendered{Note: "the first frame has no previous step"}
		}
		m := render.ChannelMean(render.Diff(tr.X[i], tr.X[i+1]), c, h, w)
		return diverging(m, h, w, "change since previous step")
	case ViewMosaic:
		if st == nil {
			return Rendered{Note: "not computed yet"}
		}
		return renderMosaic(res, st, h, w)
	case ViewCommitment:
		return RenderCommitment(res, trace.DefaultTolerance)
	case ViewEffective:
		if st == nil {
			return Rendered{Note: "not computed yet"}
		}
		s := render.NewScale(st.Effective, true)
		if s.Hi <= s.Lo {
			s.Hi = s.Lo * 10
		}
		title := "effective number of patches (log)"
		if res.Machine != nil && !res.Machine.Spec().Kind.HasPatch() {
			title = "effective number of images (log)"
		}
		return Rendered{Image: render.Heat(st.Effective, h, w, s), Legend: Legend{
			Title: title, Min: s.Lo, Max: s.Hi,
			Colors: func(f float64) color.Color { return render.Viridis(s.At(f)) }}}
	}
	return Rendered{Note: "unknown view"}
}

// residualNote is shown by the residual view outside Network vs machine.
const residualNote = "the residual D_net − D_machine needs a trained network on side A and Compare → Network vs machine"

// Residual returns D_net - D_machine at frame i of a result evaluated along
// a network (res.Reference), averaged over the channels (H*W values), or
// nil when it is not there (no reference, or not computed yet).
func Residual(res *Result, i int) []float64 {
	if res == nil || res.Reference == nil {
		return nil
	}
	j := StepOf(i)
	st, ref := res.Traj.Steps[j], res.Reference.Traj.Steps[j]
	if st == nil || ref == nil {
		return nil
	}
	tr := res.Traj
	return render.ChannelMean(render.Diff(ref.D, st.D), tr.C, tr.H, tr.W)
}

// renderResidual renders the residual view of frame i: D_net - D_machine
// on a diverging scale symmetric about 0 for a machine evaluated along a
// network; the network's own D_t on side A, which it is compared with.
func renderResidual(res *Result, i int) Rendered {
	tr := res.Traj
	if res.Reference == nil {
		if res.Machine != nil && res.Machine.Spec().Kind == machine.Network {
			if st := tr.Steps[StepOf(i)]; st != nil {
				return Rendered{Image: render.Image(st.D, tr.C, tr.H, tr.W), Note: "the network's D_t: the residual D_net − D_machine is beside it (Network vs machine)"}
			}
			return Rendered{Note: "not computed yet"}
		}
		return Rendered{Note: residualNote}
	}
	m := Residual(res, i)
	if m == nil {
		return Rendered{Note: "not computed yet"}
	}
	r := diverging(m, tr.H, tr.W, "residual D_net − D_machine (red: the network is brighter)")
	if i == 0 {
		r.Note = "x_0: the residual of step 1"
	}
	return r
}

// renderMosaic colours every pixel by the training image of its heaviest
// patch at step st, with the legend and the boundaries between sources.
func renderMosaic(res *Result, st *machine.Step, h, w int) Rendered {
	src := make([]int, h*w)
	for p, s := range st.Heaviest {
		src[p] = s.Image
		if s.Weight < DominantWeight {
			src[p] = -1 // a tie among many equal patches: no single source
		}
	}
	img, entries := render.Mosaic(src, h, w, 12)
	lg := Legend{Title: "source training image"}
	for _, e := range entries {
		label := fmt.Sprintf("#%d (%d px)", e.Image, e.Pixels)
		if e.Image == -2 {
			label = fmt.Sprintf("no dominant source (%d px)", e.Pixels)
		} else if e.Image < 0 {
			label = fmt.Sprintf("%d other images, muted colours (%d px)", e.Sources, e.Pixels)
		} else if res.Machine != nil {
			if l := res.Machine.Data().Label(e.Image); l >= 0 {
				label = fmt.Sprintf("#%d · %s (%d px)", e.Image, res.Machine.Data().ClassName(l), e.Pixels)
			}
		}
		lg.Entries = append(lg.Entries, LegendItem{Color: e.Color, Label: label, Image: e.Image})
	}
	return Rendered{Image: img, Legend: lg, Overlay: render.MosaicEdges(src, h, w, edgeScale)}
}

func diverging(m []float64, h, w int, title string) Rendered {
	lim := render.SymmetricLimit(m)
	return Rendered{Image: render.Diverging(m, h, w, lim), Legend: Legend{Title: title, Min: -lim, Max: lim,
		Colors: func(v float64) color.Color { return render.DivergingColor(v / lim) }}}
}

// Readout describes pixel (r, c) of frame i under view v for the hover
// line: coordinates, the value shown and, for the mosaic, the source.
func Readout(res *Result, i int, v View, r, c int) string {
	tr := res.Traj
	if res == nil || r < 0 || c < 0 || r >= tr.H || c >= tr.W || tr.X[i] == nil {
		return ""
	}
	hw := tr.H * tr.W
	p := r*tr.W + c
	px := func(x []float64) string {
		if x == nil {
			return "–"
		}
		if tr.C == 1 {
			return fmt.Sprintf("%+.3f", x[p])
		}
		parts := make([]string, tr.C)
		for ch := range tr.C {
			parts[ch] = fmt.Sprintf("%+.2f", x[ch*hw+p])
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	head := fmt.Sprintf("row %d, col %d", r, c)
	st := tr.Steps[StepOf(i)]
	switch v {
	case ViewX:
		return fmt.Sprintf("%s   x = %s", head, px(tr.X[i]))
	case ViewD:
		if i == 0 {
			return fmt.Sprintf("%s   x_0 = D_1 = %s", head, px(tr.X[0]))
		}
		if st == nil {
			return head
		}
		return fmt.Sprintf("%s   D = %s", head, px(st.D))
	case ViewNoise:
		return fmt.Sprintf("%s   eps = %s", head, px(tr.Eps[i]))
	case ViewChange:
		if i+1 < tr.N && tr.X[i+1] != nil {
			return fmt.Sprintf("%s   change = %s", head, px(render.Diff(tr.X[i], tr.X[i+1])))
		}
		return head
	case ViewMosaic:
		if st == nil {
			return head
		}
		s := st.Heaviest[p]
		if s.Weight < DominantWeight {
			return fmt.Sprintf("%s   no dominant source: %.0f patches share the weight (heaviest %.4f)", head, st.Effective[p], s.Weight)
		}
		return fmt.Sprintf("%s   from training image #%d%s at (%d, %d), weight %.3f", head, s.Image, labelOf(res, s.Image), s.Row, s.Col, s.Weight)
	case ViewEffective:
		if st == nil {
			return head
		}
		return fmt.Sprintf("%s   effective number = %.1f", head, st.Effective[p])
	case ViewResidual:
		if res.Reference == nil {
			if st != nil && res.Machine != nil && res.Machine.Spec().Kind == machine.Network {
				return fmt.Sprintf("%s   network D = %s", head, px(st.D))
			}
			return head
		}
		ref := res.Reference.Traj.Steps[StepOf(i)]
		if st == nil || ref == nil {
			return head
		}
		return fmt.Sprintf("%s   D_net − D_machine = %s   (network %s, machine %s)", head, px(render.Diff(ref.D, st.D)), px(ref.D), px(st.D))
	}
	return head
}

// labelOf returns " (label name)" for a training image, or "".
func labelOf(res *Result, mu int) string {
	if res.Machine == nil {
		return ""
	}
	d := res.Machine.Data()
	if l := d.Label(mu); l >= 0 {
		return " (" + d.ClassName(l) + ")"
	}
	return ""
}

// EffectiveSeries returns the selected pixel's effective number of patches
// at every computed step i = N-1..1 (NaN where not computed), indexed by i.
func EffectiveSeries(res *Result, r, c int) []float64 {
	tr := res.Traj
	out := make([]float64, tr.N)
	for i := range out {
		out[i] = nan
		if i >= 1 && tr.Steps[i] != nil && r >= 0 && c >= 0 && r < tr.H && c < tr.W {
			out[i] = tr.Steps[i].Effective[r*tr.W+c]
		}
	}
	return out
}

// StepLabel is the timeline label of frame i: its time and patch size.
func StepLabel(res *Result, i int) string {
	tr := res.Traj
	if i == 0 {
		return "t=0.00 final"
	}
	if res.Machine != nil && !res.Machine.Spec().Kind.HasPatch() {
		return fmt.Sprintf("t=%.2f", tr.Time(i)) // k is not used
	}
	return fmt.Sprintf("t=%.2f k=%d", tr.Time(i), tr.K[i])
}

// Heaviest returns the mosaic source of pixel p at frame i, if computed.
func Heaviest(res *Result, i, r, c int) (machine.Source, bool) {
	st := res.Traj.Steps[StepOf(i)]
	if st == nil {
		return machine.Source{}, false
	}
	return st.Heaviest[r*res.Traj.W+c], true
}
