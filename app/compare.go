package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mosaic/widgets"
)

// compare is the side-by-side view: the same seed under a second setting
// (another machine and/or boundary), computed by a second controller and
// scrubbed by the main timeline.
type compare struct {
	w       *Window
	on      bool
	ctl     *Controller
	res     *Result
	image   *widgets.ImageView
	machine *widget.Select
	bound   *widget.Select
	check   *widget.Check
	titleA  *widget.Label
	titleB  *widget.Label
	row     *fyne.Container
	headB   *fyne.Container // "B:" with B's machine and boundary
}

func newCompare(w *Window) *compare {
	c := &compare{w: w}
	c.ctl = NewController(w.lib, w.opts.dispatch)
	c.ctl.OnResult = func(r *Result) {
		c.res = r
		if r.Complete {
			c.ctl.ComputeAhead(-1) // the constant-size neighbours of B
		}
		c.refresh()
	}
	c.ctl.OnError = func(err error) { c.titleB.SetText("B: ⚠"); c.w.status.SetText("⚠ side B: " + err.Error()) }
	c.image = widgets.NewImageView()
	c.image.OnSelect = w.onSelect
	c.image.OnUnhandledKey = w.onKey
	c.image.OnHover = func(r, col int) {
		if c.res != nil && r >= 0 {
			w.hover.SetText("B: " + Readout(c.res, w.step, w.view, r, col))
		}
	}
	c.machine = widget.NewSelect(MachineTitles(), func(string) { c.follow() })
	c.machine.SetSelected("IS")
	c.bound = widget.NewSelect(boundaryOptions, func(string) { c.follow() })
	c.bound.SetSelected("zeros")
	c.check = widget.NewCheck("Compare side by side", func(on bool) { c.setOn(on) })
	c.titleA = widget.NewLabelWithStyle("A", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	c.titleB = widget.NewLabelWithStyle("B:", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.titleA.Truncation = fyne.TextTruncateEllipsis
	c.row = container.NewHBox(c.check)
	c.headB = container.NewBorder(nil, nil, c.titleB, nil, container.NewGridWithColumns(2, c.machine, c.bound))
	return c
}

// bar is the row of compare controls above the image.
func (c *compare) bar() fyne.CanvasObject { return c.row }

// settingsB returns the settings of side B: A's, with B's machine and
// boundary.
func (c *compare) settingsB() Settings {
	s := c.w.settings
	s.Machine = MachineName(c.machine.Selected)
	if s.Machine == "" {
		s.Machine = "els"
	}
	s.Boundary = map[string]string{"zeros": "zeros", "circular": "circular"}[c.bound.Selected]
	if s.Boundary == "" {
		s.Boundary = "reflect"
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
		c.check.SetChecked(on)
	}
	if !on {
		c.ctl.Cancel()
	}
	c.w.layout()
	c.w.refreshImage()
	c.follow()
}

// follow recomputes side B after a change of A or of B's controls.
func (c *compare) follow() {
	if !c.on || c.machine == nil || c.bound == nil {
		return
	}
	s := c.settingsB()
	if spec, err := s.Spec(); err == nil && !spec.Kind.HasPatch() {
		c.bound.Disable() // no patches, so no boundary
	} else {
		c.bound.Enable()
	}
	sa, _ := c.w.settings.Spec()
	c.titleA.SetText("A: " + sa.String())
	c.titleB.SetText("B:")
	if _, err := c.ctl.Request(s); err != nil {
		c.titleB.SetText("B: ⚠")
		c.w.status.SetText("⚠ side B: " + err.Error())
	}
}

// refresh shows B at the current step and view.
func (c *compare) refresh() {
	if !c.on || c.res == nil {
		return
	}
	i := min(c.w.step, c.res.Traj.N-1)
	r := c.w.rendered(c.res, i, c.w.view)
	c.image.SetImage(r.Image)
	c.image.SetOverlay(r.Overlay)
	if c.w.hasSel {
		c.image.SetSelected(c.w.selR, c.w.selC)
	}
}
