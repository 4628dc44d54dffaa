// Command mosaic is the Mosaic desktop app.
package main

import (
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("io.mosaic.app")
	w := a.NewWindow("Mosaic")
	w.SetContent(widget.NewLabel("Mosaic"))
	w.ShowAndRun()
}
