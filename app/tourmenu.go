package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mosaic/app/tour"
)

// tourMenu is the Tour menu: present, open, author, save and export tours.
func (w *Window) tourMenu() *fyne.Menu {
	return fyne.NewMenu("Tour",
		fyne.NewMenuItem("Start tour", func() { w.startTour(0) }),
		fyne.NewMenuItem("Open tour…", w.openTour),
		fyne.NewMenuItem("Open the built-in tour", func() {
			t, err := BuiltinTour()
			if err != nil {
				w.dialogs.showError(err)
				return
			}
			w.setTour(t, "")
		}),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Add current view as scene", func() { w.addScene(-1) }),
		fyne.NewMenuItem("Edit tour…", w.openTourEditor),
		fyne.NewMenuItem("Save tour…", w.saveTour),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Export tour as PNGs and GIFs…", w.exportTour),
	)
}

// setTour makes t the window's tour (path is its file, "" for none).
func (w *Window) setTour(t *tour.Tour, path string) {
	if w.tour.on {
		w.leaveTour()
	}
	w.tour.t, w.tour.path, w.tour.i = t, path, 0
	w.status.say(fmt.Sprintf("tour %q: %d scenes; Tour → Start tour presents it", t.Title, len(t.Scenes)))
	if w.tour.editor != nil {
		w.tour.editor.refresh()
	}
}

// openTourAtStart presents the tour file path ("builtin": the built-in
// tour) from scene (from 1) at start-up; a bad file is reported and the
// app opens as usual.
func (w *Window) openTourAtStart(path string, scene int) {
	var t *tour.Tour
	var err error
	if path == "builtin" {
		t, err = BuiltinTour()
		path = ""
	} else {
		t, err = LoadTour(path)
	}
	if err != nil {
		w.onError(err)
		return
	}
	w.setTour(t, path)
	w.startTour(max(scene, 1) - 1)
}

// openTour opens a tour file; a file that fails its check is reported
// (with the scene and field) and the tour open before stays.
func (w *Window) openTour() {
	w.dialogs.pickFile([]string{".json"}, func(path string) {
		t, err := LoadTour(path)
		if err != nil {
			w.dialogs.showError(err)
			return
		}
		w.setTour(t, path)
	}, nil)
}

// saveTour writes the tour to a file the user picks, atomically.
func (w *Window) saveTour() {
	t := w.tour.t
	if t == nil {
		w.dialogs.showError(errors.New("there is no tour to save: add the current view with Tour → Add current view as scene"))
		return
	}
	w.dialogs.saveFile(tourFileName(t), ".json", func(p string) error {
		if err := t.Save(p); err != nil {
			return fmt.Errorf("saving the tour: %w", err)
		}
		w.tour.path = p
		return nil
	}, func(p string) { w.status.say("saved the tour to " + p) })
}

// tourFileName proposes a file name for a tour from its title.
func tourFileName(t *tour.Tour) string {
	if s := slug(t.Title); s != "" {
		return s + ".json"
	}
	return "mosaic-tour.json"
}

// slug turns a title into a file name: lower-case letters and digits
// joined by hyphens (at most 40 characters).
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// currentScene returns the view on screen as a scene: the session (the
// state and the side-by-side view), the traced region, and the chart tab
// when one other than the first is chosen. Its title names the machine
// and seed; the caption is left for the author.
func (w *Window) currentScene() Scene {
	s := w.session()
	sc := Scene{Session: s, Region: w.image.image.Region()}
	if spec, err := s.Settings.Spec(); err == nil {
		sc.Title = fmt.Sprintf("%s, seed %d", spec, s.Settings.Seed)
	} else {
		sc.Title = fmt.Sprintf("seed %d", s.Settings.Seed)
	}
	if i := w.chartTabs.SelectedIndex(); i > 0 && i < len(ChartKeys) {
		sc.Chart = ChartKeys[i]
	}
	return sc
}

// addScene adds the current view as a scene after scene at (at the end
// when at is -1), starting a new tour when there is none.
func (w *Window) addScene(at int) {
	ts, err := EncodeScene(w.currentScene())
	if err != nil {
		w.dialogs.showError(err)
		return
	}
	if _, err := tour.CheckScene(&ts, CheckScene); err != nil {
		w.dialogs.showError(fmt.Errorf("the current view cannot be a scene: %w", err))
		return
	}
	if w.tour.t == nil {
		w.tour.t = &tour.Tour{Title: "My Mosaic tour"}
	}
	t := w.tour.t
	if at < 0 || at >= len(t.Scenes) {
		at = len(t.Scenes) - 1
	}
	if err := t.Insert(at+1, ts); err != nil {
		w.dialogs.showError(err)
		return
	}
	w.status.say(fmt.Sprintf("added scene %d of %d to %q: write its caption in Tour → Edit tour…", at+2, len(t.Scenes), t.Title))
	if w.tour.editor != nil {
		w.tour.editor.refresh()
		w.tour.editor.list.Select(at + 1)
	}
}

// tourEditor is the Edit tour window: the tour's title and its scenes in
// order, with the actions that author them.
type tourEditor struct {
	w        *Window
	win      fyne.Window
	title    *widget.Entry
	list     *widget.List
	selected int // -1: none
}

// openTourEditor opens (or raises) the Edit tour window.
func (w *Window) openTourEditor() {
	if e := w.tour.editor; e != nil {
		e.refresh()
		e.win.Show()
		e.win.RequestFocus()
		return
	}
	if w.tour.t == nil {
		w.tour.t = &tour.Tour{Title: "My Mosaic tour"}
	}
	e := &tourEditor{w: w, selected: -1}
	e.win = w.app.NewWindow("Edit tour")
	e.build()
	w.dialogs.child(e.win, fyne.NewSize(760, 620), func() {
		if w.tour.editor == e {
			w.tour.editor = nil
		}
	})
	w.tour.editor = e
	e.win.Show()
}

func (e *tourEditor) build() {
	t := func() *tour.Tour { return e.w.tour.t }
	e.title = widget.NewEntry()
	e.title.SetText(t().Title)
	e.title.OnChanged = func(s string) {
		if strings.TrimSpace(s) != "" {
			t().Title = s
		}
	}
	e.list = widget.NewList(
		func() int { return len(t().Scenes) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			body := widget.NewLabel("")
			body.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, body)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			sc := t().Scenes[i]
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%d. %s", i+1, sc.Title))
			caption := sc.Caption
			if caption == "" {
				caption = "(no caption yet: Edit caption…)"
			}
			box.Objects[1].(*widget.Label).SetText(caption)
		})
	e.list.OnSelected = func(i widget.ListItemID) { e.selected = i }
	e.list.OnUnselected = func(widget.ListItemID) { e.selected = -1 }
	buttons := container.NewGridWithColumns(4,
		widget.NewButton("Add current view", func() { e.w.addScene(e.selected) }),
		widget.NewButton("Show", e.show),
		widget.NewButton("Move up", func() { e.move(-1) }),
		widget.NewButton("Move down", func() { e.move(+1) }),
		widget.NewButton("Edit caption…", e.editCaption),
		widget.NewButton("Delete", e.delete),
		widget.NewButton("Save tour…", e.w.saveTour),
		widget.NewButton("Start tour here", func() { e.w.startTour(max(e.selected, 0)) }),
	)
	top := container.NewBorder(nil, nil, widget.NewLabel("Tour title"), nil, e.title)
	e.win.SetContent(container.NewBorder(top, buttons, nil, nil, e.list))
}

// refresh shows the tour again (after it changed or was replaced).
func (e *tourEditor) refresh() {
	e.title.SetText(e.w.tour.t.Title)
	e.list.Refresh()
	if e.selected >= len(e.w.tour.t.Scenes) {
		e.list.UnselectAll()
	}
}

// scene returns the selected scene's index, or says to select one.
func (e *tourEditor) scene() (int, bool) {
	if e.selected < 0 || e.selected >= len(e.w.tour.t.Scenes) {
		dialog.ShowInformation("Edit tour", "Select a scene in the list first.", e.win)
		return 0, false
	}
	return e.selected, true
}

// show puts the selected scene in the main window (without presenting).
func (e *tourEditor) show() {
	i, ok := e.scene()
	if !ok {
		return
	}
	sc, field, err := DecodeScene(&e.w.tour.t.Scenes[i])
	if err != nil {
		dialog.ShowError(&tour.FieldError{Scene: i + 1, Field: field, Err: err}, e.win)
		return
	}
	e.w.restore(sc.Session)
	e.w.image.image.SetRegion(sc.Region)
}

func (e *tourEditor) move(delta int) {
	i, ok := e.scene()
	if !ok {
		return
	}
	j, err := e.w.tour.t.Move(i, delta)
	if err != nil {
		return // already first or last
	}
	e.list.Refresh()
	e.list.Select(j)
}

func (e *tourEditor) delete() {
	i, ok := e.scene()
	if !ok {
		return
	}
	title := e.w.tour.t.Scenes[i].Title
	dialog.ShowConfirm("Delete scene", fmt.Sprintf("Delete scene %d, %q?", i+1, title), func(yes bool) {
		if !yes || e.w.tour.t.Delete(i) != nil {
			return
		}
		e.list.UnselectAll()
		e.list.Refresh()
	}, e.win)
}

// editCaption edits the selected scene's title and caption in a form.
func (e *tourEditor) editCaption() {
	i, ok := e.scene()
	if !ok {
		return
	}
	sc := &e.w.tour.t.Scenes[i]
	title := widget.NewEntry()
	title.SetText(sc.Title)
	title.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("a scene needs a title")
		}
		return nil
	}
	caption := widget.NewMultiLineEntry()
	caption.Wrapping = fyne.TextWrapWord
	caption.SetMinRowsVisible(4)
	caption.SetText(sc.Caption)
	play := widget.NewCheck("play the trajectory on arrival", nil)
	play.SetChecked(sc.Play)
	form := dialog.NewForm(fmt.Sprintf("Scene %d", i+1), "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Title", title),
		widget.NewFormItem("Caption", caption),
		widget.NewFormItem("", play),
	}, func(ok bool) {
		if !ok || i >= len(e.w.tour.t.Scenes) {
			return
		}
		sc := &e.w.tour.t.Scenes[i]
		sc.Title, sc.Caption, sc.Play = strings.TrimSpace(title.Text), strings.TrimSpace(caption.Text), play.Checked
		e.list.RefreshItem(i)
		if e.w.tour.on && e.w.tour.i == i {
			e.w.tour.band.show(sc.Title, sc.Caption, i, len(e.w.tour.t.Scenes))
		}
	}, e.win)
	form.Resize(fyne.NewSize(640, 380))
	form.Show()
}
