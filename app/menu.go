package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
)

// menu builds the main menu: File (data, sessions, exports), View
// (compare, presentation), Hands (gallery, region trace, commitment map;
// they work on any data set, but hands are what they are for), Tour
// (lecture tours, tourmenu.go).
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
			st := w.state
			w.saveAs(fmt.Sprintf("mosaic-%s-step%d.png", st.View().Key(), st.Step()), ".png", func(p string) error {
				if w.res == nil {
					return errors.New("nothing computed yet")
				}
				return ExportPNG(p, w.renders.get(w.res, st.Step(), st.View(), st.Tolerance()).Image)
			})
		}),
		fyne.NewMenuItem("Export trajectory as GIF…", func() {
			v := w.state.View()
			w.saveAs(fmt.Sprintf("mosaic-%s.gif", v.Key()), ".gif", func(p string) error { return ExportGIF(p, w.res, v) })
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
	return fyne.NewMainMenu(file, view, hands, w.tourMenu())
}

// saveAs asks for a file name and writes it with write; the status line
// says where it went.
func (w *Window) saveAs(name, ext string, write func(path string) error) {
	w.dialogs.saveFile(name, ext, write, func(path string) { w.status.say("saved " + path) })
}

// openSession restores a saved session.
func (w *Window) openSession() {
	w.dialogs.pickFile([]string{".json"}, func(path string) {
		s, err := LoadSession(path)
		if err != nil {
			w.dialogs.showError(err)
			return
		}
		w.restore(s)
	}, nil)
}
