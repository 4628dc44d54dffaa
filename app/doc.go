// Package app is the Mosaic desktop application.
//
// State and data flow. State (state.go) is the one owner of what the user
// has chosen: the settings, the step on screen, the view, the selected
// pixel and the commitment tolerance; its setters are no-ops when nothing
// changes. The Window (window.go) builds the panels and carries the data
// flow between them (dataflow.go): a panel reports a user's move through a
// small host interface, the Window asks the Controller first when settings
// change, sets the State, and the State's observer shows the new values in
// the panels. Panels only render what they are given, so no value echoes
// back into the widget that produced it.
//
// Panels: the settings panel (controls.go), the image with its view
// selector, legend and readout (imagepanel.go), the timeline and filmstrip
// (steps.go), the pixel inspector (inspectorpanel.go), the charts
// (chartspanel.go, built by charts.go), compare mode (compare.go, with
// Network vs machine: a machine evaluated along a trained network's own
// trajectory, r^2 per step, the residual view, the r^2 chart of every
// machine and the Calibrate action, computed by the runner in nvm.go), the
// status line (statusbar.go), the menus (menu.go), file dialogs and child
// windows (dialogs.go), and the Hands tools, gallery and region trace
// (hands.go). Rendered views are cached in renders.go.
//
// Tested without a window: Settings and sessions (settings.go,
// session.go), the data and machine cache (data.go), the compute
// Controller that runs the sampler off the UI goroutine, supersedes stale
// requests and re-runs only the steps a change affects (controller.go),
// the pixel Inspector (inspector.go), the views of a step (views.go) and
// the exports (export.go).
//
// Threading: everything that touches a widget runs on the Fyne UI
// goroutine. Work runs on the goroutines of internal/worker (the
// Controller's requests and work ahead, the Inspector, the gallery, the
// trace panel, and Network vs machine's side B, r^2 chart and calibration), which hand results back through an injected dispatch
// function (fyne.Do in the app, a queue in tests). Trajectories handed to
// the UI are snapshots that the workers never modify again. The one
// exception is start-up with Options.ShowEarly (startup.go): while the
// main goroutine starts GLFW and creates the window, another goroutine
// (buildBeside) makes the panels and lays them out, before any window
// holds them, requests the first trajectory from the Controller, and
// hands both over through a channel; until then the main goroutine
// touches neither. The desktop app declares Fyne's fyne.Do migration
// (cmd/mosaic), so Fyne trusts all of this and does not check goroutines.
// It also runs the machines' worker threads at a lower priority than the
// UI (machine.SetWorkerNice), so that on few cores the window, scrubbing
// and the X server get the CPU first.
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
//
// Lecture tours (tourscene.go, tourplay.go, tourmenu.go, tourexport.go;
// the file format in package app/tour): a scene is a session (the State
// and the side-by-side view) with a title, a caption, a traced region, a
// chart tab and whether it plays on arrival. While a tour is presented
// (tourPlayer), PageDown/Right/Space and PageUp/Left move between scenes,
// Home/End jump to the first/last, C hides the caption and Escape leaves;
// the Controller computes the next scenes ahead (PrepareAhead). In a tour
// a click on the image or the timeline does not keep the keyboard focus,
// so that the clicker's keys always reach the tour.
package app
