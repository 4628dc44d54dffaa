package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// statusBar is the line under the window: a message on the left and the
// progress of the computation on the right.
type statusBar struct {
	text     *widget.Label
	progress *widget.ProgressBar
	res      *Result // whose progress is shown
}

func newStatusBar() *statusBar {
	b := &statusBar{text: widget.NewLabel(""), progress: widget.NewProgressBar()}
	b.text.Truncation = fyne.TextTruncateEllipsis
	b.progress.TextFormatter = func() string {
		switch {
		case b.res == nil:
			return "loading…"
		case b.res.Complete:
			return "complete"
		}
		return fmt.Sprintf("step %d of %d", b.res.Done, b.res.Total)
	}
	return b
}

// object is the bar's layout.
func (b *statusBar) object() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(220, b.progress.MinSize().Height), b.progress), b.text)
}

// say shows a message.
func (b *statusBar) say(text string) { b.text.SetText(text) }

// warn shows a problem.
func (b *statusBar) warn(msg string) { b.text.SetText("⚠ " + msg) }

// Text returns the message shown.
func (b *statusBar) Text() string { return b.text.Text }

// showResult shows how far res has come.
func (b *statusBar) showResult(res *Result) {
	b.res = res
	b.progress.SetValue(float64(res.Done) / float64(max(res.Total, 1)))
}

// showPreparing shows the progress of a machine's one-time preparation.
func (b *statusBar) showPreparing(what string, frac float64) {
	b.say(fmt.Sprintf("%s… %.0f%%", what, 100*frac))
	b.progress.SetValue(frac)
}
