package widgets

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func labels(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("t=%.2f · k=%d", 1-float64(i)/float64(n), 2*i+1)
	}
	return s
}

func newTimeline(t *testing.T, n int) (*Timeline, *[]int) {
	t.Helper()
	test.NewTempApp(t)
	tl := NewTimeline()
	tl.SetSteps(labels(n))
	w := test.NewWindow(tl)
	w.Resize(fyne.NewSize(800, 200))
	t.Cleanup(func() { tl.Pause(); w.Close() })
	var got []int
	tl.OnChange = func(i int) { got = append(got, i) }
	return tl, &got
}

func TestTimelineButtons(t *testing.T) {
	tl, got := newTimeline(t, 5)
	if tl.Current() != 0 || tl.title.Text != labels(5)[0] {
		t.Fatalf("start: %d %q", tl.Current(), tl.title.Text)
	}
	test.Tap(tl.fwdBtn)
	test.Tap(tl.fwdBtn)
	test.Tap(tl.backBtn)
	test.Tap(tl.lastBtn)
	test.Tap(tl.fwdBtn) // disabled at the end: nothing
	test.Tap(tl.firstBtn)
	want := []int{1, 2, 1, 4, 0}
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Fatalf("OnChange %v, want %v", *got, want)
	}
	if tl.Current() != 0 {
		t.Fatalf("Current %d", tl.Current())
	}
	// SetCurrent moves without OnChange and updates the big label.
	*got = nil
	tl.SetCurrent(3)
	if tl.Current() != 3 || len(*got) != 0 {
		t.Fatalf("SetCurrent: current %d, OnChange %v", tl.Current(), *got)
	}
	if tl.title.Text != labels(5)[3] || tl.position.Text != "4 / 5" || tl.slider.Value != 3 {
		t.Fatalf("labels not updated: %q %q %v", tl.title.Text, tl.position.Text, tl.slider.Value)
	}
	tl.SetCurrent(99) // clamped
	if tl.Current() != 4 {
		t.Fatalf("SetCurrent(99) -> %d", tl.Current())
	}
	// Moving the slider by hand is a user move.
	tl.slider.SetValue(2)
	if tl.Current() != 2 || fmt.Sprint(*got) != "[2]" {
		t.Fatalf("slider: current %d, OnChange %v", tl.Current(), *got)
	}
}

func TestTimelineKeys(t *testing.T) {
	tl, got := newTimeline(t, 6)
	for _, k := range []fyne.KeyName{fyne.KeyRight, fyne.KeyRight, fyne.KeyLeft, fyne.KeyEnd, fyne.KeyRight, fyne.KeyHome, fyne.KeyLeft} {
		if !tl.HandleKey(k) {
			t.Fatalf("HandleKey(%s) = false", k)
		}
	}
	if want := "[1 2 1 5 0]"; fmt.Sprint(*got) != want {
		t.Fatalf("OnChange %v, want %s", *got, want)
	}
	for _, k := range []fyne.KeyName{fyne.KeyA, fyne.KeyUp, fyne.KeyReturn} {
		if tl.HandleKey(k) {
			t.Fatalf("HandleKey(%s) = true", k)
		}
	}
	if !tl.HandleKey(fyne.KeySpace) || !tl.Playing() {
		t.Fatalf("space did not start playback")
	}
	if !tl.HandleKey(fyne.KeySpace) || tl.Playing() {
		t.Fatalf("space did not pause playback")
	}
}

func TestTimelineSetSteps(t *testing.T) {
	tl, got := newTimeline(t, 10)
	tl.SetCurrent(7)
	tl.SetSteps(labels(12))
	if tl.Current() != 7 {
		t.Fatalf("kept position: %d", tl.Current())
	}
	tl.SetSteps(labels(4))
	if tl.Current() != 3 {
		t.Fatalf("clamped position: %d", tl.Current())
	}
	tl.SetSteps(nil)
	if tl.Current() != 0 || tl.title.Text != "—" {
		t.Fatalf("empty: %d %q", tl.Current(), tl.title.Text)
	}
	tl.HandleKey(fyne.KeyRight)
	tl.Play()
	if tl.Playing() || len(*got) != 0 {
		t.Fatalf("empty timeline moved or played")
	}
}

// uiLoop makes the test goroutine the UI goroutine for playback: the
// ticker's fyne.Do calls are queued and run by pump, as the real driver
// runs them on its event loop.
func uiLoop(t *testing.T) (pump func(until func() bool)) {
	queue := make(chan func(), 16)
	uiDo = func(f func()) { queue <- f }
	t.Cleanup(func() { uiDo = fyne.Do })
	return func(until func() bool) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for !until() {
			select {
			case f := <-queue:
				f()
			case <-timeout:
				t.Fatalf("timed out")
			}
		}
	}
}

func TestTimelinePlayStopsAtEnd(t *testing.T) {
	pump := uiLoop(t)
	tl, got := newTimeline(t, 4)
	tl.SetSpeed(20)
	tl.Play()
	if !tl.Playing() || tl.playBtn.Icon != theme.MediaPauseIcon() {
		t.Fatalf("not playing")
	}
	start := time.Now()
	pump(func() bool { return !tl.Playing() })
	if fmt.Sprint(*got) != "[1 2 3]" || tl.Current() != 3 {
		t.Fatalf("playback visited %v, current %d", *got, tl.Current())
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("3 frames at 20 fps took only %v", d)
	}
	if tl.playBtn.Icon != theme.MediaPlayIcon() {
		t.Fatalf("play button not reset at the end")
	}
}

func TestTimelinePlayLoops(t *testing.T) {
	pump := uiLoop(t)
	tl, got := newTimeline(t, 3)
	tl.Loop = true
	tl.SetSpeed(50) // clamped to MaxFPS
	if tl.Speed() != MaxFPS {
		t.Fatalf("speed %v", tl.Speed())
	}
	tl.Play()
	pump(func() bool { return len(*got) >= 5 })
	tl.Pause()
	if fmt.Sprint(*got) != "[1 2 0 1 2]" || tl.Playing() {
		t.Fatalf("looping playback visited %v (playing %v)", *got, tl.Playing())
	}
	// A user move while playing pauses.
	tl.Play()
	tl.HandleKey(fyne.KeyLeft)
	if tl.Playing() {
		t.Fatalf("a user move did not pause playback")
	}
}

func TestTimelinePlayAtEndRestarts(t *testing.T) {
	tl, got := newTimeline(t, 3)
	tl.SetCurrent(2)
	tl.Play()
	tl.Pause()
	if tl.Current() != 0 || fmt.Sprint(*got) != "[0]" {
		t.Fatalf("play at the end: current %d, OnChange %v", tl.Current(), *got)
	}
}
