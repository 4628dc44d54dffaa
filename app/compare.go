package app

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	mcompare "mosaic/model/compare"
	"mosaic/model/machine"
	"mosaic/widgets"
)

// compareHost is what side B of compare mode reports to the window.
type compareHost interface {
	// settings returns A's settings, which B follows.
	settings() Settings
	// apply asks for new settings (the Calibrate action's schedule).
	apply(s Settings)
	// netResult returns A's result when it is a trained network's
	// complete trajectory, else nil.
	netResult() *Result
	// step returns the frame on screen.
	step() int
	selectPixel(p Pixel)
	key(e *fyne.KeyEvent)
	// say puts a line on the readout line under the images.
	say(text string)
	// sayStatus puts a message on the status line; warn a problem.
	sayStatus(text string)
	warn(msg string)
	// toggled lays the window out again when B is shown or hidden.
	toggled(on bool)
	// scheduleFor keeps the schedule controls on for B's machine in
	// Network vs machine ("" when they follow A's machine).
	scheduleFor(machine string)
	// alongChanged reports a new result of B along the network (the
	// inspector and the charts follow it).
	alongChanged()
}

// compare is the side-by-side view: the same seed under a second setting
// (another machine and/or boundary), computed by a second controller and
// scrubbed by the main timeline. It follows A's settings (follow) and is
// shown the frame on screen (show).
//
// Network vs machine: with a trained network on side A, B's machine is
// evaluated along the network's own x_t instead of running its own
// trajectory (nvm.go), with the step's r^2 above the images, the residual
// view, the r^2 chart of every machine and the Calibrate action.
type compare struct {
	host  compareHost
	rc    *renders
	on    bool
	ctl   *Controller
	res   *Result
	frame imageFrame // the frame shown (its res is A's; B's is res)

	image   *widgets.ImageView
	machine *widget.Select
	bound   *widget.Select
	check   *widget.Check
	titleA  *widget.Label
	titleB  *widget.Label
	row     *fyne.Container
	headB   *fyne.Container // "B:" with B's machine and boundary
	scale   *widgets.ColorBar

	// Network vs machine.
	nvm       *nvm
	vsNet     bool // the mode is on (shown while compare is on)
	vsCheck   *widget.Check
	along     *Result   // B's machine along the network
	alongKey  string    // what along was requested for
	chart     *R2Chart  // the r^2 chart on show
	requested time.Time // when Network vs machine was last chosen (first-r^2 latency)
	r2        *widget.Label
	calButton *widget.Button
	calBar    *widget.ProgressBar
	calCancel *widget.Button
	calBox    *fyne.Container
	calNote   *widget.Label
	calStart  time.Time // when the running calibration started
	calDoneN  int       // evaluations done of calTotal
	calTotal  int
	// The r^2 chart tab's progress line and cancel button.
	chartNote   *widget.Label
	chartCancel *widget.Button
}

func newCompare(host compareHost, lib *Library, dispatch func(func()), rc *renders) *compare {
	c := &compare{host: host, rc: rc}
	c.ctl = NewController(lib, dispatch)
	c.ctl.OnResult = func(r *Result) {
		c.res = r
		if r.Complete {
			c.ctl.ComputeAhead(-1) // the constant-size neighbours of B
		}
		c.show(c.frame)
	}
	c.ctl.OnError = func(err error) { c.titleB.SetText("B: ⚠"); host.warn("side B: " + err.Error()) }
	c.image = widgets.NewImageView()
	c.image.OnSelect = func(r, col int) { host.selectPixel(Pixel{r, col}) }
	c.image.OnUnhandledKey = host.key
	c.image.OnHover = func(r, col int) {
		if res := c.shown(); res != nil && r >= 0 {
			host.say("B: " + Readout(res, c.frame.step, c.frame.view, r, col))
		}
	}
	titles := machine.KindTitles()
	c.machine = widget.NewSelect(titles[:len(titles)-1], func(string) { c.follow() }) // a network on B is not offered
	c.machine.Selected = "IS"
	c.bound = widget.NewSelect(machine.BoundaryTitles(), func(string) { c.follow() })
	c.bound.Selected = "zeros"
	c.check = widget.NewCheck("Compare side by side", func(on bool) { c.setOn(on) })
	c.vsCheck = widget.NewCheck("Network vs machine", func(on bool) { c.setNetworkVsMachine(on) })
	c.titleA = widget.NewLabelWithStyle("A", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	c.titleB = widget.NewLabelWithStyle("B:", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.titleA.Truncation = fyne.TextTruncateEllipsis
	c.row = container.NewHBox(c.check, c.vsCheck)
	c.headB = container.NewBorder(nil, nil, c.titleB, nil, container.NewGridWithColumns(2, c.machine, c.bound))
	c.scale = widgets.NewColorBar()
	c.scale.Hide()

	c.nvm = newNVM(lib, dispatch)
	c.nvm.OnResult = c.onAlong
	c.nvm.OnError = func(err error) {
		c.r2.SetText("r²: ⚠ " + err.Error())
		host.warn("Network vs machine: " + err.Error())
	}
	c.nvm.OnPrepare = func(what string, f float64) { host.sayStatus(fmt.Sprintf("%s… %.0f%%", what, 100*f)) }
	c.nvm.OnChart = c.onChart
	c.nvm.OnChartError = func(err error) {
		c.chartNote.SetText("⚠ " + err.Error())
		c.chartCancel.Hide()
	}
	c.nvm.OnCalibrated = c.onCalibrated
	c.nvm.OnCalProgress = func(done, total int) {
		c.calDoneN, c.calTotal = done, total
		c.calBar.SetValue(float64(done) / float64(max(total, 1)))
	}
	c.nvm.OnCalError = func(err error) {
		c.calDone()
		c.calNote.SetText("calibration failed: " + err.Error())
	}
	c.r2 = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.r2.SizeName = theme.SizeNameSubHeadingText
	c.r2.Truncation = fyne.TextTruncateEllipsis
	c.calButton = widget.NewButtonWithIcon("Calibrate", theme.MediaReplayIcon(), c.calibrate)
	c.calBar = widget.NewProgressBar()
	c.calBar.TextFormatter = func() string {
		if c.calTotal == 0 || c.calDoneN == 0 {
			return "starting…"
		}
		left := time.Since(c.calStart).Seconds() / float64(c.calDoneN) * float64(c.calTotal-c.calDoneN)
		if left >= 90 {
			return fmt.Sprintf("%.0f%% · %.0f min left", 100*float64(c.calDoneN)/float64(c.calTotal), math.Round(left/60))
		}
		return fmt.Sprintf("%.0f%% · %.0f s left", 100*float64(c.calDoneN)/float64(c.calTotal), left)
	}
	c.calCancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), c.cancelCalibration)
	c.calBox = container.NewHBox(c.calButton, container.NewGridWrap(fyne.NewSize(190, c.calBar.MinSize().Height), c.calBar), c.calCancel)
	c.calBar.Hide()
	c.calCancel.Hide()
	c.calNote = widget.NewLabel("")
	c.calNote.Truncation = fyne.TextTruncateEllipsis
	c.chartNote = widget.NewLabel("choose Compare → Network vs machine with a network on side A")
	c.chartNote.Truncation = fyne.TextTruncateEllipsis
	c.chartCancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		c.nvm.chart.Cancel()
		c.chartNote.SetText("r² chart cancelled: choose Network vs machine again to compute it")
		c.chartCancel.Hide()
	})
	c.chartCancel.Hide()
	return c
}

// bar is the row of compare controls above the image.
func (c *compare) bar() fyne.CanvasObject { return c.row }

// chartBar is the progress line over the r^2 chart.
func (c *compare) chartBar() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, c.chartCancel, c.chartNote)
}

// networkVsMachine reports whether Network vs machine is on screen.
func (c *compare) networkVsMachine() bool { return c.on && c.vsNet }

// shown returns B's result on screen: along the network in Network vs
// machine, else B's own trajectory.
func (c *compare) shown() *Result {
	if c.networkVsMachine() {
		return c.along
	}
	return c.res
}

// alongResult returns B's result along the network on screen (the pixel
// inspector answers for it), or nil.
func (c *compare) alongResult() *Result {
	if !c.networkVsMachine() || c.along == nil || c.along.Reference != c.host.netResult() {
		return nil
	}
	return c.along
}

// r2Chart returns the r^2 chart to show (nil when none).
func (c *compare) r2Chart() *R2Chart { return c.chart }

// images lays out A's image beside B's when B is on.
func (c *compare) images(a fyne.CanvasObject) fyne.CanvasObject {
	if !c.on {
		return container.NewGridWithColumns(1, a)
	}
	// B's colour bar sits under both images, in B's half, so that it
	// takes no height from B's image alone: A and B stay the same size.
	b := container.NewBorder(c.headB, nil, nil, nil, c.image)
	scale := container.NewGridWithColumns(2, layout.NewSpacer(), container.NewCenter(container.New(&minWidth{w: 300}, c.scale)))
	grid := container.NewBorder(nil, scale, nil, nil, container.NewGridWithColumns(2, container.NewBorder(c.titleA, nil, nil, nil, a), b))
	if !c.vsNet {
		return grid
	}
	head := container.NewVBox(container.NewBorder(nil, nil, nil, c.calBox, c.r2), c.calNote)
	return container.NewBorder(head, nil, nil, nil, grid)
}

// settingsB returns the settings of side B: A's, with B's machine and
// boundary.
func (c *compare) settingsB(a Settings) Settings {
	s := a
	s.Machine = machineName(c.machine.Selected)
	if s.Machine == "" {
		s.Machine = machine.ELS.String()
	}
	s.Boundary = boundaryName(c.bound.Selected)
	if s.Boundary == "" {
		s.Boundary = machine.Zeros.String()
	}
	return s
}

// setOn shows or hides side B.
func (c *compare) setOn(on bool) {
	if c.on == on {
		return
	}
	c.on = on
	if c.check.Checked != on {
		c.check.Checked = on
		c.check.Refresh()
	}
	if !on {
		c.ctl.Cancel()
		c.nvm.run.Cancel()
		c.nvm.chart.Cancel()
	}
	c.follow() // start the work before the new layout is built and drawn
	c.host.toggled(on)
}

// setNetworkVsMachine switches Network vs machine on or off (turning
// compare mode on with it). The first time, side B becomes ELS with A's
// boundary if it is still on the default IS: that is the paper's
// comparison.
func (c *compare) setNetworkVsMachine(on bool) {
	if c.vsCheck.Checked != on {
		c.vsCheck.Checked = on
		c.vsCheck.Refresh()
	}
	if c.vsNet == on {
		return
	}
	c.vsNet = on
	c.alongKey = ""
	if on {
		c.requested = time.Now()
		if c.machine.Selected == "IS" {
			showSelected(c.machine, "ELS")
		}
		c.ctl.Cancel()
	} else {
		c.nvm.run.Cancel()
		c.nvm.chart.Cancel()
		c.chartCancel.Hide()
	}
	if on && !c.on {
		c.setOn(true) // lays out and follows
		return
	}
	c.follow()
	c.host.toggled(c.on)
	c.host.alongChanged()
}

// stepChanged puts the step now on screen first when side B along the
// network has not reached it yet (the steps already computed come from the
// cache).
func (c *compare) stepChanged(step int) {
	a, net := c.alongResult(), c.host.netResult()
	if a == nil || a.Complete || !math.IsNaN(a.R2[StepOf(step)]) {
		return
	}
	c.nvm.Along(net, a.Settings, step)
}

// follow recomputes side B after a change of A's settings or of B's
// controls.
func (c *compare) follow() {
	if c.machine == nil || c.bound == nil {
		return
	}
	a := c.host.settings()
	s := c.settingsB(a)
	spec, err := s.Spec()
	if c.networkVsMachine() && err == nil && spec.Kind.HasPatch() {
		c.host.scheduleFor(spec.String())
	} else {
		c.host.scheduleFor("")
	}
	if !c.on {
		return
	}
	setEnabled(c.bound, err != nil || spec.Kind.HasPatch()) // no patches, so no boundary
	sa, _ := a.Spec()
	c.titleA.SetText("A: " + sa.String())
	c.titleB.SetText("B:")
	if c.vsNet {
		c.followNetwork(s, spec, err)
		return
	}
	if _, err := c.ctl.Request(s); err != nil {
		c.titleB.SetText("B: ⚠")
		c.host.warn("side B: " + err.Error())
	}
}

// followNetwork asks for B's machine along the network on side A and for
// the r^2 chart, unless they are already asked for.
func (c *compare) followNetwork(s Settings, spec machine.Spec, err error) {
	net := c.host.netResult()
	patch := err == nil && spec.Kind.HasPatch()
	setEnabled(c.calButton, patch && !c.nvm.cal.Busy())
	if patch {
		h, w := s.Size, s.Size
		if net != nil {
			h, w = net.Traj.H, net.Traj.W
		}
		seeds, kmax := calibrationPlan(s.Seed, h, w)
		c.calButton.SetText("Calibrate " + spec.Kind.Title())
		if !c.nvm.cal.Busy() && (c.calNote.Text == "" || strings.HasPrefix(c.calNote.Text, "Calibrate ")) {
			c.calNote.SetText(fmt.Sprintf("Calibrate fits the patch size of %v at every step to the network on seeds %s (k = 1 to %d) and puts it in the schedule editor", spec, seedRange(seeds), kmax))
		}
	} else {
		c.calButton.SetText("Calibrate")
		if !c.nvm.cal.Busy() && (c.calNote.Text == "" || strings.HasPrefix(c.calNote.Text, "Calibrate ")) {
			c.calNote.SetText("Calibrate needs LS or ELS on side B (the machines with a patch size)")
		}
	}
	if net == nil {
		c.titleA.SetText("A: choose a Network machine")
		sa, _ := c.host.settings().Spec()
		if sa.Kind == machine.Network {
			c.r2.SetText("r²: waiting for the network's trajectory…")
		} else {
			c.r2.SetText("Network vs machine: choose the Network machine in the controls (side A)")
		}
		c.chartNote.SetText("the r² chart needs a trained network on side A")
		return
	}
	c.titleA.SetText("A: the network's own trajectory")
	c.titleB.SetText("B at its x_t:")
	if err != nil {
		c.r2.SetText("r²: ⚠ " + err.Error())
		return
	}
	key := fmt.Sprintf("%p|%s", net, chartKey(net, s)+"|"+spec.String())
	if key == c.alongKey {
		return
	}
	c.alongKey = key
	c.r2.SetText(fmt.Sprintf("r²: evaluating %v at the network's x_t…", spec))
	c.nvm.Along(net, s, c.host.step())
	if ch := c.nvm.CachedChart(net, s); ch != nil {
		c.chart = ch
		c.chartNote.SetText(chartSummary(ch))
		c.chartCancel.Hide()
		return
	}
	c.chartNote.SetText("r² chart: waiting for side B…")
	c.chartCancel.Show()
	c.nvm.Chart(net, s)
}

// seedRange names a run of seeds ("4–6", or "4").
func seedRange(seeds []uint64) string {
	if len(seeds) == 1 {
		return fmt.Sprint(seeds[0])
	}
	return fmt.Sprintf("%d–%d", seeds[0], seeds[len(seeds)-1])
}

// onAlong shows a new result of B along the network.
func (c *compare) onAlong(res *Result) {
	first := c.along == nil || c.along.Gen != res.Gen
	c.along = res
	if first && res.FirstR2 > 0 && !c.requested.IsZero() {
		c.host.sayStatus(fmt.Sprintf("Network vs machine: the first r² of %v arrived %.2f s after choosing it (%.2f s after its request)",
			res.Machine.Spec(), time.Since(c.requested).Seconds(), res.FirstR2.Seconds()))
		c.requested = time.Time{}
	}
	if res.Complete {
		c.host.sayStatus(fmt.Sprintf("%v along the network's trajectory: all %d steps", res.Machine.Spec(), res.Total))
	}
	c.show(c.frame)
	c.host.alongChanged()
}

// onChart shows the r^2 chart as it fills in.
func (c *compare) onChart(ch *R2Chart) {
	c.chart = ch
	if ch.Complete {
		c.chartNote.SetText(chartSummary(ch))
		c.chartCancel.Hide()
		c.host.sayStatus(fmt.Sprintf("r² of %d machines along the network's trajectory (seed %d): complete", len(ch.Names), ch.Seed))
	} else {
		c.chartNote.SetText(fmt.Sprintf("computing r² of %d machines: %d of %d evaluations", len(ch.Names), ch.Done, ch.Total))
		c.chartCancel.Show()
	}
	c.host.alongChanged()
}

// chartSummary is the line over a complete chart: each machine's median
// r^2 over the steps, best first (the line may be cut on the right).
func chartSummary(ch *R2Chart) string {
	med := make([]float64, len(ch.Names))
	idx := make([]int, len(ch.Names))
	for j := range ch.Names {
		med[j], idx[j] = mcompare.Quantile(ch.R2[j], 0.5), j
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(med[b], med[a]) })
	var parts []string
	for _, j := range idx {
		parts = append(parts, fmt.Sprintf("%s %s", ch.Names[j], fmtR2(med[j])))
	}
	return "median r²: " + strings.Join(parts, " · ")
}

// fmtR2 formats an r^2 value ("0.934", "–" for NaN).
func fmtR2(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}

// calibrate starts the Calibrate action for B's machine.
func (c *compare) calibrate() {
	net := c.host.netResult()
	if net == nil {
		c.host.warn("Calibrate needs a trained network's complete trajectory on side A")
		return
	}
	s := c.settingsB(c.host.settings())
	seeds, kmax := calibrationPlan(net.Settings.Seed, net.Traj.H, net.Traj.W)
	spec, _ := s.Spec()
	c.calNote.SetText(fmt.Sprintf("calibrating %v on seeds %s (k = 1 to %d, every step)…", spec, seedRange(seeds), kmax))
	c.calStart, c.calDoneN, c.calTotal = time.Now(), 0, 0
	c.calBar.SetValue(0)
	c.calBar.Show()
	c.calCancel.Show()
	c.calButton.Disable()
	c.nvm.Calibrate(net, s)
}

// cancelCalibration stops a running calibration.
func (c *compare) cancelCalibration() {
	c.nvm.CancelCalibration()
	c.calDone()
	c.calNote.SetText("calibration cancelled: the schedule is unchanged")
}

// calDone puts the calibration controls back.
func (c *compare) calDone() {
	c.calBar.Hide()
	c.calCancel.Hide()
	c.calButton.Enable()
}

// onCalibrated puts a calibrated schedule into the schedule editor (as a
// custom schedule of A's settings, which side B uses) and says what it
// gained.
func (c *compare) onCalibrated(cal *Calibrated) {
	c.calDone()
	c.calNote.SetText(fmt.Sprintf("calibrated %v on seeds %s: median r² %s → %s (%+.3f); k = %v in the schedule editor",
		cal.Machine, seedRange(cal.Seeds), fmtR2(cal.Before), fmtR2(cal.After), cal.After-cal.Before, []int(cal.Cal.K[1:])))
	c.host.apply(c.host.settings().WithCustom(cal.Cal.K))
}

// show shows B at frame f's step and view (f.res is A's and is not used).
func (c *compare) show(f imageFrame) {
	c.frame = f
	if c.networkVsMachine() {
		c.showR2(f.step)
	}
	res := c.shown()
	if !c.on || res == nil {
		return
	}
	i := min(f.step, res.Traj.N-1)
	r := c.rc.get(res, i, f.view, f.tol)
	c.image.SetImage(r.Image)
	c.image.SetOverlay(r.Overlay)
	c.image.SetSelected(f.sel.Row, f.sel.Col)
	showScale(c.scale, r.Legend, f.view)
}

// showR2 shows the r^2 of the step on screen above the images.
func (c *compare) showR2(step int) {
	res := c.along
	net := c.host.netResult()
	if res == nil || net == nil || res.Reference != net {
		return
	}
	i := StepOf(step)
	if i >= len(res.R2) {
		return
	}
	k := ""
	if res.Machine.Spec().Kind.HasPatch() {
		k = fmt.Sprintf(", k = %d", res.Traj.K[i])
	}
	at := fmt.Sprintf("t = %.2f%s", res.Traj.Time(i), k)
	if step == 0 {
		at += ", step 1" // x_0 = D_1
	}
	if math.IsNaN(res.R2[i]) {
		c.r2.SetText(fmt.Sprintf("r² at %s: computing…", at))
		return
	}
	c.r2.SetText(fmt.Sprintf("r² = %.3f   (%s)", res.R2[i], at))
}
