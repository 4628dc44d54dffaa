package widgets

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Timeline is a scrubber over positions 0..n-1 with a label per position
// (e.g. "t=0.95 · k=15"): a big current label, a slider, first / step
// back / play-pause / step forward / last buttons and a speed control in
// frames per second.
//
// User moves (slider, buttons, keys through HandleKey, playback) call
// OnChange on the UI goroutine; SetCurrent does not. Moving by hand
// pauses playback. Playback stops at the last position unless Loop is
// set; pressing play at the end starts again from the first position.
//
// Use from the UI goroutine only (see the package doc). Playback runs a
// ticker goroutine that reaches the widget only through fyne.Do, and
// never queues a second frame before the first was handled, so a slow
// OnChange makes playback slower rather than piling up work.
type Timeline struct {
	widget.BaseWidget

	// OnChange is called with the new position after a user move.
	OnChange func(i int)
	// Loop makes playback wrap around to position 0 instead of stopping.
	Loop bool
	// Dispatch runs playback's frames on the UI goroutine; nil means
	// fyne.Do. An app whose other work hands results back through its
	// own dispatcher (a test's event queue) sets the same one here. Set
	// it before Play.
	Dispatch func(func())

	labels []string

	mu      sync.Mutex // guards cur, n, playing, gen, fps, stop (read by Current/Playing)
	cur, n  int
	playing bool
	gen     int
	fps     float64
	stop    chan struct{}
	pending atomic.Bool

	title      *canvas.Text
	position   *canvas.Text
	slider     *widget.Slider
	firstBtn   *widget.Button
	backBtn    *widget.Button
	playBtn    *widget.Button
	fwdBtn     *widget.Button
	lastBtn    *widget.Button
	speed      *widget.Slider
	speedLabel *widget.Label
}

// Speed limits of the speed control (frames per second).
const (
	MinFPS = 1
	MaxFPS = 20
)

// NewTimeline returns a timeline with no positions at 6 frames per second.
func NewTimeline() *Timeline {
	t := &Timeline{fps: 6}
	t.title = canvas.NewText("—", theme.Color(theme.ColorNameForeground))
	t.title.TextStyle = fyne.TextStyle{Bold: true}
	t.title.TextSize = theme.TextHeadingSize() * 1.4
	t.position = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	t.position.TextSize = theme.TextSize()
	t.position.Alignment = fyne.TextAlignTrailing

	t.slider = widget.NewSlider(0, 1)
	t.slider.Step = 1
	t.slider.OnChanged = func(v float64) {
		t.Pause()
		t.move(int(v+0.5), true)
	}
	t.firstBtn = widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { t.user(0) })
	t.backBtn = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { t.user(t.Current() - 1) })
	t.playBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), t.Toggle)
	t.playBtn.Importance = widget.HighImportance
	t.fwdBtn = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { t.user(t.Current() + 1) })
	t.lastBtn = widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { t.user(t.count() - 1) })

	t.speed = widget.NewSlider(MinFPS, MaxFPS)
	t.speed.Step = 1
	t.speed.Value = t.fps
	t.speedLabel = widget.NewLabel("")
	t.speed.OnChanged = func(v float64) { t.SetSpeed(v) }
	t.ExtendBaseWidget(t)
	t.refreshAll()
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	buttons := container.NewHBox(t.firstBtn, t.backBtn, t.playBtn, t.fwdBtn, t.lastBtn)
	speedBox := container.New(layout.NewGridWrapLayout(fyne.NewSize(theme.TextSize()*11, t.speed.MinSize().Height)), t.speed)
	speedRow := container.NewHBox(widget.NewLabel("Speed"), speedBox, t.speedLabel)
	controls := container.NewBorder(nil, nil, buttons, speedRow)
	head := container.NewBorder(nil, nil, nil, t.position, t.title)
	content := container.NewVBox(head, t.slider, controls)
	return &timelineRenderer{WidgetRenderer: widget.NewSimpleRenderer(content), t: t}
}

type timelineRenderer struct {
	fyne.WidgetRenderer
	t *Timeline
}

func (r *timelineRenderer) Refresh() {
	r.t.title.Color = theme.Color(theme.ColorNameForeground)
	r.t.position.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.t.title.TextSize = theme.TextHeadingSize() * 1.4
	r.t.position.TextSize = theme.TextSize()
	r.WidgetRenderer.Refresh()
}

// Destroy stops playback when the widget goes away.
func (r *timelineRenderer) Destroy() { r.t.Pause() }

// SetSteps sets the label of every position (and so n). The current
// position is kept if still valid, otherwise clamped to the last one.
// OnChange is not called; the labels on show already are a no-op.
func (t *Timeline) SetSteps(labels []string) {
	if slices.Equal(labels, t.labels) && t.count() == len(labels) {
		return
	}
	t.labels = append(t.labels[:0], labels...)
	t.mu.Lock()
	t.n = len(labels)
	t.cur = clampInt(t.cur, 0, max(t.n-1, 0))
	t.mu.Unlock()
	if len(labels) <= 1 {
		t.Pause()
	}
	t.refreshAll()
}

// Steps returns the number of positions.
func (t *Timeline) Steps() int { return t.count() }

// SetCurrent moves to position i (clamped) without calling OnChange.
func (t *Timeline) SetCurrent(i int) { t.move(i, false) }

// Current returns the current position.
func (t *Timeline) Current() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

func (t *Timeline) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// Playing reports whether playback is running.
func (t *Timeline) Playing() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.playing
}

// Speed returns the playback speed in frames per second.
func (t *Timeline) Speed() float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fps
}

// user is a move by hand: it pauses playback and calls OnChange.
func (t *Timeline) user(i int) {
	t.Pause()
	t.move(i, true)
}

// move sets the position (clamped) and updates the controls; notify
// calls OnChange when the position changed.
func (t *Timeline) move(i int, notify bool) {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return
	}
	i = clampInt(i, 0, t.n-1)
	changed := i != t.cur
	t.cur = i
	t.mu.Unlock()
	if !changed {
		return
	}
	t.refreshAll()
	if notify && t.OnChange != nil {
		t.OnChange(i)
	}
}

// refreshAll brings the label, slider and buttons up to date.
func (t *Timeline) refreshAll() {
	t.mu.Lock()
	cur, n, playing, fps := t.cur, t.n, t.playing, t.fps
	t.mu.Unlock()

	if n == 0 {
		t.title.Text = "—"
		t.position.Text = ""
	} else {
		t.title.Text = t.labels[cur]
		t.position.Text = fmt.Sprintf("%d / %d", cur+1, n)
	}
	t.title.Refresh()
	t.position.Refresh()

	// The sliders show the values without calling their OnChanged (which
	// is for the user's moves): set the fields, then redraw.
	t.slider.Max = float64(max(n-1, 1))
	if n <= 1 {
		t.slider.Disable()
	} else {
		t.slider.Enable()
	}
	t.slider.Value = float64(cur)
	t.slider.Refresh()
	t.speed.Value = fps
	t.speed.Refresh()
	t.speedLabel.SetText(fmt.Sprintf("%2.0f fps", fps))

	setEnabled(t.firstBtn, n > 1 && cur > 0)
	setEnabled(t.backBtn, n > 1 && cur > 0)
	setEnabled(t.fwdBtn, n > 1 && cur < n-1)
	setEnabled(t.lastBtn, n > 1 && cur < n-1)
	setEnabled(t.playBtn, n > 1)
	if playing {
		t.playBtn.SetIcon(theme.MediaPauseIcon())
	} else {
		t.playBtn.SetIcon(theme.MediaPlayIcon())
	}
}

func setEnabled(w fyne.Disableable, on bool) {
	if on == w.Disabled() {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// HandleKey applies a key to the timeline: space toggles playback,
// Left/Right step, Home/End go to the first/last position. It returns
// whether the key was handled. Wire it to the window's canvas, e.g.
// canvas.SetOnTypedKey(func(e *fyne.KeyEvent) { tl.HandleKey(e.Name) }).
func (t *Timeline) HandleKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeySpace:
		t.Toggle()
	case fyne.KeyLeft:
		t.user(t.Current() - 1)
	case fyne.KeyRight:
		t.user(t.Current() + 1)
	case fyne.KeyHome:
		t.user(0)
	case fyne.KeyEnd:
		t.user(t.count() - 1)
	default:
		return false
	}
	return true
}

// Toggle plays when paused and pauses when playing.
func (t *Timeline) Toggle() {
	if t.Playing() {
		t.Pause()
	} else {
		t.Play()
	}
}

// Play starts playback at the current speed. At the last position (and
// without Loop) it first goes back to position 0 (calling OnChange).
func (t *Timeline) Play() {
	t.mu.Lock()
	if t.playing || t.n <= 1 {
		t.mu.Unlock()
		return
	}
	restart := t.cur >= t.n-1
	t.mu.Unlock()
	if restart {
		t.move(0, true)
	}
	t.mu.Lock()
	t.playing = true
	t.mu.Unlock()
	t.refreshAll()
	t.mu.Lock()
	if t.playing {
		t.startLocked()
	}
	t.mu.Unlock()
}

// uiDo runs f on the UI goroutine; tests replace it with their own
// event loop (the test driver's fyne.Do runs f on the calling goroutine).
var uiDo = fyne.Do

// startLocked starts a ticker goroutine for the current generation.
func (t *Timeline) startLocked() {
	t.gen++
	gen := t.gen
	stop := make(chan struct{})
	t.stop = stop
	interval := time.Duration(float64(time.Second) / t.fps)
	go t.run(gen, interval, stop)
}

// stopLocked stops the ticker goroutine, if any.
func (t *Timeline) stopLocked() {
	t.gen++
	if t.stop != nil {
		close(t.stop)
		t.stop = nil
	}
}

func (t *Timeline) run(gen int, interval time.Duration, stop chan struct{}) {
	tk := time.NewTicker(interval)
	defer tk.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tk.C:
			if !t.pending.CompareAndSwap(false, true) {
				continue // the previous frame is still queued: skip a beat
			}
			do := uiDo
			if t.Dispatch != nil {
				do = t.Dispatch
			}
			do(func() {
				t.pending.Store(false)
				t.tick(gen)
			})
		}
	}
}

// tick advances playback by one position (UI goroutine).
func (t *Timeline) tick(gen int) {
	t.mu.Lock()
	if gen != t.gen || !t.playing || t.n == 0 {
		t.mu.Unlock()
		return
	}
	next := t.cur + 1
	if next >= t.n {
		if !t.Loop {
			t.mu.Unlock()
			t.Pause()
			return
		}
		next = 0
	}
	atEnd := next == t.n-1 && !t.Loop
	t.mu.Unlock()
	if atEnd {
		t.Pause()
	}
	t.move(next, true)
}

// Pause stops playback.
func (t *Timeline) Pause() {
	t.mu.Lock()
	if !t.playing {
		t.mu.Unlock()
		return
	}
	t.playing = false
	t.stopLocked()
	t.mu.Unlock()
	t.refreshAll()
}

// SetSpeed sets the playback speed in frames per second, clamped to
// [MinFPS, MaxFPS]; a running playback continues at the new speed.
func (t *Timeline) SetSpeed(fps float64) {
	if fps != fps { // NaN
		return
	}
	fps = min(max(fps, MinFPS), MaxFPS)
	t.mu.Lock()
	if fps == t.fps {
		t.mu.Unlock()
		return
	}
	t.fps = fps
	if t.playing {
		t.stopLocked()
		t.startLocked()
	}
	t.mu.Unlock()
	t.refreshAll()
}
