package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mosaic/widgets"
)

// compareHost is what side B of compare mode reports to the window.
type compareHost interface {
	// settings returns A's settings, which B follows.
	settings() Settings
	selectPixel(p Pixel)
	key(e *fyne.KeyEvent)
	// say puts a line on the readout line under the images.
	say(text string)
	warn(msg string)
	// toggled lays the window out again when B is shown or hidden.
	toggled(on bool)
}

// compare is the side-by-side view: the same seed under a second setting
// (another machine and/or boundary), computed by a second controller and
// scrubbed by the main timeline. It follows A's settings (follow) and is
// shown the frame on screen (show).
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
		if c.res != nil && r >= 0 {
			host.say("B: " + Readout(c.res, c.frame.step, c.frame.view, r, col))
		}
	}
	c.machine = widget.NewSelect(MachineTitles(), func(string) { c.follow() })
	c.machine.Selected = "IS"
	c.bound = widget.NewSelect(boundaryOptions, func(string) { c.follow() })
	c.bound.Selected = "zeros"
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

// images lays out A's image beside B's when B is on.
func (c *compare) images(a fyne.CanvasObject) fyne.CanvasObject {
	if !c.on {
		return container.NewGridWithColumns(1, a)
	}
	return container.NewGridWithColumns(2, container.NewBorder(c.titleA, nil, nil, nil, a), container.NewBorder(c.headB, nil, nil, nil, c.image))
}

// settingsB returns the settings of side B: A's, with B's machine and
// boundary.
func (c *compare) settingsB(a Settings) Settings {
	s := a
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
		c.check.Checked = on
		c.check.Refresh()
	}
	if !on {
		c.ctl.Cancel()
	}
	c.host.toggled(on)
	c.follow()
}

// follow recomputes side B after a change of A's settings or of B's
// controls.
func (c *compare) follow() {
	if !c.on || c.machine == nil || c.bound == nil {
		return
	}
	a := c.host.settings()
	s := c.settingsB(a)
	spec, err := s.Spec()
	setEnabled(c.bound, err != nil || spec.Kind.HasPatch()) // no patches, so no boundary
	sa, _ := a.Spec()
	c.titleA.SetText("A: " + sa.String())
	c.titleB.SetText("B:")
	if _, err := c.ctl.Request(s); err != nil {
		c.titleB.SetText("B: ⚠")
		c.host.warn("side B: " + err.Error())
	}
}

// show shows B at frame f's step and view (f.res is A's and is not used).
func (c *compare) show(f imageFrame) {
	c.frame = f
	if !c.on || c.res == nil {
		return
	}
	i := min(f.step, c.res.Traj.N-1)
	r := c.rc.get(c.res, i, f.view, f.tol)
	c.image.SetImage(r.Image)
	c.image.SetOverlay(r.Overlay)
	c.image.SetSelected(f.sel.Row, f.sel.Col)
}
