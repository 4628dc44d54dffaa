package app

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// menu builds the main menu: File (data, sessions, exports), View
// (compare, presentation), Hands (gallery, region trace, commitment map;
// they work on any data set, but hands are what they are for).
func (w *Window) menu() *fyne.MainMenu {
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open data file…", w.controls.openFile),
		fyne.NewMenuItem("Open data folder…", w.controls.openFolder),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Open session…", w.openSession),
		fyne.NewMenuItem("Save session…", func() {
			w.saveAs("mosaic-session.json", ".json", func(p string) error { return SaveSession(p, w.session()) })
		}),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Export view as PNG…", func() {
			w.saveAs(fmt.Sprintf("mosaic-%s-step%d.png", w.view.Key(), w.step), ".png", func(p string) error {
				if w.res == nil {
					return fmt.Errorf("nothing computed yet")
				}
				return ExportPNG(p, w.rendered(w.res, w.step, w.view).Image)
			})
		}),
		fyne.NewMenuItem("Export trajectory as GIF…", func() {
			w.saveAs(fmt.Sprintf("mosaic-%s.gif", w.view.Key()), ".gif", func(p string) error { return ExportGIF(p, w.res, w.view) })
		}),
		fyne.NewMenuItem("Export frames as .npy…", func() {
			w.saveAs("mosaic-frames.npy", ".npy", func(p string) error { return ExportNPY(p, w.res) })
		}),
		fyne.NewMenuItem("Export attribution as JSON…", func() {
			w.saveAs("mosaic-attribution.json", ".json", func(p string) error { return ExportAttribution(p, w.ins) })
		}),
	)
	compare := fyne.NewMenuItem("Compare side by side", func() { w.cmp.setOn(!w.cmp.on) })
	present := fyne.NewMenuItem("Presentation mode (F11)", func() { w.setPresenting(!w.presenting) })
	view := fyne.NewMenu("View", compare, present)
	hands := fyne.NewMenu("Hands",
		fyne.NewMenuItem("Hands gallery…", w.openGallery),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Trace latest-decided region", w.traceLatest),
		fyne.NewMenuItem("Show commitment-time map", func() { w.setView(ViewCommitment) }),
	)
	return fyne.NewMainMenu(file, view, hands)
}

// saveAs asks for a file name and writes it with write (atomically, by
// the exporters); errors are shown in a dialog.
func (w *Window) saveAs(name, ext string, write func(path string) error) {
	d := dialog.NewFileSave(func(u fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if u == nil {
			return
		}
		path := u.URI().Path()
		u.Close()
		if err := write(path); err != nil {
			os.Remove(path) // the dialog created it empty
			dialog.ShowError(err, w.win)
			return
		}
		w.status.SetText("saved " + path)
	}, w.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Show()
}

// openSession restores a saved session.
func (w *Window) openSession() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s, err := LoadSession(path)
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		w.restore(s)
		w.request(s.Settings)
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}
