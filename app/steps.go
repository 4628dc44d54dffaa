package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"mosaic/widgets"
)

// stepsPanel is the timeline and the filmstrip under the image. It shows
// the steps of a result and marks the frame on screen; a move by the user
// goes to setStep. The widgets count positions from pure noise (0) to the
// final image (N-1), frames count the other way (i = N-1 .. 0): posOf and
// frameOf are the only place where the two orders meet.
type stepsPanel struct {
	timeline *widgets.Timeline
	film     *widgets.Filmstrip
	n        int // frames of the result shown
}

// newStepsPanel reports the user's moves to setStep; a filmstrip click
// also calls released (which gives the keys back to the timeline).
func newStepsPanel(setStep func(i int), released func()) *stepsPanel {
	p := &stepsPanel{timeline: widgets.NewTimeline(), film: widgets.NewFilmstrip()}
	p.timeline.OnChange = func(j int) { setStep(p.frameOf(j)) }
	p.timeline.SetSpeed(4)
	p.film.SetThumbSize(52)
	p.film.OnSelect = func(j int) {
		released()
		setStep(p.frameOf(j))
	}
	return p
}

// object is the panel's layout.
func (p *stepsPanel) object() fyne.CanvasObject { return container.NewVBox(p.timeline, p.film) }

// frameOf maps a position (0 = pure noise) to a frame index i.
func (p *stepsPanel) frameOf(j int) int { return p.n - 1 - j }

// posOf maps a frame index to its position.
func (p *stepsPanel) posOf(i int) int { return p.n - 1 - i }

// show shows the steps of res (x_t above D_t in the filmstrip, rendered
// through rc) and marks frame step.
func (p *stepsPanel) show(res *Result, step int, rc *renders, tol float64) {
	n := res.Traj.N
	p.n = n
	labels := make([]string, n)
	top := make([]image.Image, n)
	bottom := make([]image.Image, n)
	caps := make([]string, n)
	for j := range n {
		i := n - 1 - j
		labels[j] = StepLabel(res, i)
		// Stale rows keep their old thumbnails until recomputed.
		top[j] = rc.get(res, i, ViewX, tol).Image
		bottom[j] = rc.get(res, i, ViewD, tol).Image
		caps[j] = fmt.Sprintf("%.2f", res.Traj.Time(i))
	}
	p.timeline.SetSteps(labels)
	if p.film.Len() != n {
		p.film.SetFrames(top, bottom, caps)
	} else {
		for j := range n {
			p.film.SetFrame(j, top[j], bottom[j])
		}
	}
	p.showStep(step)
}

// showStep marks frame i.
func (p *stepsPanel) showStep(i int) {
	p.timeline.SetCurrent(p.posOf(i))
	p.film.SetCurrent(p.posOf(i))
}

// key applies a key typed outside any focused widget to the timeline.
func (p *stepsPanel) key(k fyne.KeyName) { p.timeline.HandleKey(k) }

// setPresenting switches the filmstrip's thumbnails to presentation size.
func (p *stepsPanel) setPresenting(on bool) {
	if on {
		p.film.SetThumbSize(72)
	} else {
		p.film.SetThumbSize(52)
	}
}
