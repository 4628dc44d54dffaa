// Package app is the Mosaic desktop application: the window, its panels and
// menus (window*.go, panel*.go), and the state behind them, which is tested
// without a window: Settings and sessions (settings.go, session.go), the
// data and machine cache (data.go), the compute Controller that runs the
// sampler off the UI goroutine, supersedes stale requests and re-runs only
// the steps a change affects (controller.go), the pixel Inspector
// (inspector.go), the views of a step (views.go) and the exports
// (export.go).
//
// Threading: everything that touches a widget runs on the Fyne UI
// goroutine. Work runs on goroutines of the Controller and the Inspector,
// which hand results back through an injected dispatch function (fyne.Do in
// the app, a synchronous call in tests). Trajectories handed to the UI are
// snapshots that the workers never modify again.
//
// Keyboard: space plays/pauses, left/right step through the timeline and
// home/end jump to the first/last step, whenever no widget has the
// keyboard focus (the canvas's typed-key handler forwards them to the
// timeline). Clicking a pixel focuses the image view: then the arrow keys
// move the selected pixel (and the inspector follows) instead, and every
// other key goes on to the same handler (ImageView.OnUnhandledKey), so
// space and home/end still drive the timeline; click the timeline or
// filmstrip (or press Tab) to give the arrow keys back. F11 toggles
// presentation mode, Escape leaves it.
package app
