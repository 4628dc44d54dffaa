package app

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// dialogs opens the file dialogs and child windows of the main window.
type dialogs struct {
	app fyne.App
	win fyne.Window
}

// pickFile asks for a file to open (only the extensions exts, when given)
// and calls then with its path. cancelled, if set, is called instead when
// the user cancels or the dialog fails (the failure is shown).
func (d dialogs) pickFile(exts []string, then func(path string), cancelled func()) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, d.win)
		}
		if r == nil || err != nil {
			if cancelled != nil {
				cancelled()
			}
			return
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, d.win)
	if len(exts) > 0 {
		fd.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	fd.Show()
}

// pickFolder asks for a folder and calls then with its path.
func (d dialogs) pickFolder(then func(path string)) {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, d.win)
			return
		}
		if u != nil {
			then(u.Path())
		}
	}, d.win)
}

// saveFile asks for a file name (name proposed, extension ext) and writes
// it with write (atomically, by the exporters), then calls saved; errors
// are shown in a dialog and the empty file the dialog made is removed.
func (d dialogs) saveFile(name, ext string, write func(path string) error, saved func(path string)) {
	fd := dialog.NewFileSave(func(u fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, d.win)
			return
		}
		if u == nil {
			return
		}
		path := u.URI().Path()
		u.Close()
		if err := write(path); err != nil {
			os.Remove(path) // the dialog created it empty
			dialog.ShowError(err, d.win)
			return
		}
		saved(path)
	}, d.win)
	fd.SetFileName(name)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	fd.Show()
}

// showError shows err in a dialog over the main window.
func (d dialogs) showError(err error) { dialog.ShowError(err, d.win) }

// child places a window opened beside the main one: at want, shrunk to
// fit inside the main window (a second window at its full size would not
// fit a 1280x800 screen), and calls closed when the user closes it.
func (d dialogs) child(win fyne.Window, want fyne.Size, closed func()) {
	have := d.win.Canvas().Size()
	if have.Width >= 400 && have.Height >= 300 {
		want = fyne.NewSize(min(want.Width, have.Width), min(want.Height, have.Height))
	}
	win.Resize(want)
	win.SetOnClosed(closed)
}
