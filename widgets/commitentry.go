package widgets

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// CommitEntry is a one-line text entry that reports its text when the user
// is done with it: on Enter, and when it loses the keyboard focus (a click
// elsewhere, Tab). It reports only a text that differs from the last one
// reported or set with SetCommitted, so leaving an unchanged entry does
// nothing. A plain widget.Entry reports only on Enter, and a typed value
// that the user left by clicking away was silently ignored. Set OnCommit
// (a field of the embedded reporter) to receive the text.
type CommitEntry struct {
	widget.Entry
	reporter
}

// reporter reports a text when it differs from the last one reported or
// set; CommitEntry and CommitSelectEntry share it.
type reporter struct {
	// OnCommit receives the text when the user is done editing it.
	OnCommit func(string)
	last     string
}

func (r *reporter) report(text string) {
	if text == r.last {
		return
	}
	r.last = text
	if r.OnCommit != nil {
		r.OnCommit(text)
	}
}

// NewCommitEntry returns an empty single-line CommitEntry.
func NewCommitEntry() *CommitEntry {
	e := &CommitEntry{}
	e.ExtendBaseWidget(e)
	e.Entry.OnSubmitted = e.report
	return e
}

// FocusLost reports the text if it changed (part of fyne.Focusable).
func (e *CommitEntry) FocusLost() {
	e.Entry.FocusLost()
	e.report(e.Text)
}

// SetCommitted shows text as the current, already reported value.
func (e *CommitEntry) SetCommitted(text string) {
	e.last = text
	e.SetText(text)
}

// CommitSelectEntry is a widget.SelectEntry (a text entry with a list of
// suggested values) that reports like CommitEntry: on Enter, on losing the
// focus and on picking a suggestion, each only when the text changed.
// Set OnCommit to receive the text.
type CommitSelectEntry struct {
	widget.SelectEntry
	reporter
	options []string
}

// NewCommitSelectEntry returns a CommitSelectEntry offering options.
func NewCommitSelectEntry(options []string) *CommitSelectEntry {
	e := &CommitSelectEntry{options: options}
	e.ExtendBaseWidget(e)
	e.SetOptions(options)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewSelectEntry
	e.Entry.OnSubmitted = e.report
	e.Entry.OnChanged = func(s string) {
		if slices.Contains(e.options, s) {
			e.report(s) // picked from the list (or typed in full)
		}
	}
	return e
}

// FocusLost reports the text if it changed (part of fyne.Focusable).
func (e *CommitSelectEntry) FocusLost() {
	e.SelectEntry.FocusLost()
	e.report(e.Text)
}

// SetCommitted shows text as the current, already reported value.
func (e *CommitSelectEntry) SetCommitted(text string) {
	e.last = text
	e.SetText(text)
}
