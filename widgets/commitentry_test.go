package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestCommitEntryReportsOnEnterAndFocusLoss checks that a typed value is
// reported when the user presses Enter or clicks away, once, and that an
// unchanged or programmatically set value is not reported.
func TestCommitEntryReportsOnEnterAndFocusLoss(t *testing.T) {
	test.NewTempApp(t)
	e := NewCommitEntry()
	var got []string
	e.OnCommit = func(s string) { got = append(got, s) }
	other := widget.NewEntry()
	w := test.NewWindow(container.NewVBox(e, other))
	defer w.Close()
	e.SetCommitted("1")
	c := w.Canvas()

	c.Focus(e)
	c.Focus(other) // leaving an unchanged entry reports nothing
	if len(got) != 0 {
		t.Fatalf("unchanged entry reported %v", got)
	}
	c.Focus(e)
	e.CursorColumn = len(e.Text)
	test.Type(e, "2")
	c.Focus(other) // clicking away reports the new text
	if len(got) != 1 || got[0] != "12" {
		t.Fatalf("after focus loss: %v, want [12]", got)
	}
	c.Focus(e)
	e.CursorColumn = len(e.Text)
	test.Type(e, "3")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	c.Focus(other) // Enter reported it; leaving does not report it twice
	if len(got) != 2 || got[1] != "123" {
		t.Fatalf("after Enter and focus loss: %v, want [12 123]", got)
	}
}

// TestCommitSelectEntryReportsPicksAndTyping checks the select entry: a
// picked suggestion is reported at once, a typed value when the user
// leaves the entry.
func TestCommitSelectEntryReportsPicksAndTyping(t *testing.T) {
	test.NewTempApp(t)
	e := NewCommitSelectEntry([]string{"100", "500", "all"})
	var got []string
	e.OnCommit = func(s string) { got = append(got, s) }
	other := widget.NewEntry()
	w := test.NewWindow(container.NewVBox(e, other))
	defer w.Close()
	e.SetCommitted("500")
	if len(got) != 0 {
		t.Fatalf("SetCommitted reported %v", got)
	}
	e.SetText("all") // what picking "all" from the list does
	if len(got) != 1 || got[0] != "all" {
		t.Fatalf("pick: %v", got)
	}
	c := w.Canvas()
	c.Focus(e)
	e.SetText("")
	test.Type(e, "37")
	if len(got) != 1 {
		t.Fatalf("typing reported before the user was done: %v", got)
	}
	c.Focus(other)
	if len(got) != 2 || got[1] != "37" {
		t.Fatalf("after focus loss: %v, want [all 37]", got)
	}
}
