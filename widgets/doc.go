// Package widgets holds Mosaic's reusable Fyne widgets: a crisp pixel
// image view with selection, hover and region picking, a timeline
// scrubber with playback, a filmstrip of thumbnails, the pixel
// inspector's patch list, weight bars, a gonum/plot view, the patch-size
// schedule editor, a legend, a colour bar and light tabs that wrap
// instead of hiding tabs behind a menu.
//
// The package does not depend on the model packages: every input is an
// image.Image, an int, a string or a float64.
//
// Threading: every exported method and every field (callbacks included)
// must be used from the Fyne UI goroutine only. Code running on another
// goroutine must hop over with fyne.Do. Callbacks are always invoked on
// the UI goroutine (Timeline playback uses its own ticker goroutine, which
// only ever touches the widget through fyne.Do).
//
// Crispness: every raster is drawn with canvas.ImageScalePixels
// (nearest neighbour) and, where a whole image is scaled up, at an integer
// number of device pixels per source pixel, so pixels stay square and
// sharp on a projector.
package widgets
