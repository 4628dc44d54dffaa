package app

import (
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mosaic/app/tour"
	"mosaic/model/machine"
	"mosaic/model/network"
)

// toyTourData returns a file standing for the toy data set (the toy
// library reads toyData whatever the file holds; a tour checks that the
// file exists).
func toyTourData(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "toy.npy")
	if err := os.WriteFile(p, []byte("toy"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// toyScene is a scene of the toy data set with the given seed and frame.
func toyScene(t *testing.T, data string, title string, seed uint64, step int) Scene {
	s := toySettings()
	s.Dataset, s.Seed = data, seed
	return Scene{Title: title, Caption: "Caption of " + title + ".", Session: Session{Settings: s, Step: step, Row: -1, Col: -1}}
}

// toyTour encodes scenes into a tour.
func toyTour(t *testing.T, scenes ...Scene) *tour.Tour {
	tr := &tour.Tour{Title: "Toy tour"}
	for _, sc := range scenes {
		ts, err := EncodeScene(sc)
		if err != nil {
			t.Fatal(err)
		}
		tr.Scenes = append(tr.Scenes, ts)
	}
	return tr
}

func TestBuiltinTourLoads(t *testing.T) {
	tr, err := BuiltinTour()
	if err != nil {
		t.Fatal(err)
	}
	if tr.Title != "How diffusion models create" || len(tr.Scenes) != 9 {
		t.Fatalf("tour %q with %d scenes", tr.Title, len(tr.Scenes))
	}
	var machines, views []string
	for i := range tr.Scenes {
		sc, field, err := DecodeScene(&tr.Scenes[i])
		if err != nil {
			t.Fatalf("scene %d, %s: %v", i+1, field, err)
		}
		s := sc.Session.Settings
		if s.Machine == machine.Network.String() && (i != 8 || !network.IsBuiltin(s.Network)) {
			t.Errorf("scene %d shows the network %q: only scene 9 shows one, a built-in one", i+1, s.Network)
		}
		if n := len(strings.Fields(sc.Caption)); n < 15 || n > 70 {
			t.Errorf("scene %d: caption of %d words", i+1, n)
		}
		if s.Steps != 20 || s.Limit != 500 || s.Preset != "mnist-resnet-zeros" || s.Mode != SchedulePreset {
			t.Errorf("scene %d: settings %+v", i+1, s)
		}
		machines = append(machines, s.Machine+"/"+s.Boundary)
		views = append(views, sc.Session.View.Key())
	}
	// The story: IS, LS (beside IS), ELS, the inspector, zeros beside
	// circular, the schedule, extra fingers, the commitment map, and a
	// trained network beside ELS.
	if got := strings.Join(machines, ","); got != "ideal/zeros,ls/zeros,els/zeros,els/zeros,els/zeros,els/zeros,els/zeros,els/zeros,network/zeros" {
		t.Errorf("machines %s", got)
	}
	if got := strings.Join(views, ","); got != "x,x,mosaic,d,x,d,x,commitment,residual" {
		t.Errorf("views %s", got)
	}
	sc := func(i int) Scene { s, _, _ := DecodeScene(&tr.Scenes[i]); return s }
	if c := sc(8).Session.Compare; c == nil || !c.On || !c.Versus || c.Machine != "els" || sc(8).Chart != "r2" || sc(8).Session.Step != 10 {
		t.Errorf("scene 9 compare %+v chart %q step %d", c, sc(8).Chart, sc(8).Session.Step)
	}
	if c := sc(1).Session.Compare; c == nil || !c.On || c.Machine != "ideal" {
		t.Errorf("scene 2 compare %+v", c)
	}
	if c := sc(4).Session.Compare; c == nil || !c.On || c.Machine != "els" || c.Boundary != "circular" {
		t.Errorf("scene 5 compare %+v", c)
	}
	if s := sc(3).Session; s.Step != 10 || s.Row != 15 || s.Col != 12 {
		t.Errorf("scene 4: step %d pixel (%d, %d)", s.Step, s.Row, s.Col)
	}
	if s := sc(5); s.Chart != "schedule" || !s.Play || s.Session.Step != 19 {
		t.Errorf("scene 6: chart %q play %v step %d", s.Chart, s.Play, s.Session.Step)
	}
	if s := sc(6); s.Region != image.Rect(21, 5, 26, 11) || s.Session.Settings.Dataset != "hands" || s.Session.Settings.Seed != 2 {
		t.Errorf("scene 7: region %v settings %+v", s.Region, s.Session.Settings)
	}
	// The captions quote the preset: k = 15 at the top, 11 at t = 0.5,
	// 3 at the end.
	k, _ := sc(5).Session.Settings.Schedule()
	if k[19] != 15 || k[10] != 11 || k[1] != 3 || !strings.Contains(sc(5).Caption, "15x15") || !strings.Contains(sc(3).Caption, "11x11") {
		t.Errorf("the captions do not match the schedule %v", k)
	}
}

// TestTourFilesNameTheBadField loads tours whose scene 2 has one bad
// field each and checks the message names scene 2 and that field.
func TestTourFilesNameTheBadField(t *testing.T) {
	data := toyTourData(t)
	good := toyScene(t, data, "Good", 1, 0)
	cases := []struct {
		field string
		edit  func(sc *Scene)
		msg   string
	}{
		{"state.settings.machine", func(sc *Scene) { sc.Session.Settings.Machine = "gan" }, "gan"},
		{"state.settings.boundary", func(sc *Scene) { sc.Session.Settings.Boundary = "mirror" }, "mirror"},
		{"state.settings.size", func(sc *Scene) { sc.Session.Settings.Size = 0 }, "image size 0"},
		{"state.settings.class", func(sc *Scene) { sc.Session.Settings.Class = -3 }, "class -3"},
		{"state.settings.steps", func(sc *Scene) { sc.Session.Settings = sc.Session.Settings.WithSteps(1) }, "1 steps"},
		{"state.settings.custom_schedule", func(sc *Scene) { sc.Session.Settings.Custom = []int{3, 3} }, "2 entries for 8 steps"},
		{"state.settings.patch_size", func(sc *Scene) { sc.Session.Settings.Mode, sc.Session.Settings.Constant = ScheduleConstant, 4 }, "4"},
		{"state.settings.preset", func(sc *Scene) { sc.Session.Settings.Mode, sc.Session.Settings.Preset = SchedulePreset, "nope" }, "nope"},
		{"state.settings.network", func(sc *Scene) { sc.Session.Settings.Machine = "network" }, "no network chosen"},
		{"state.settings.top_k", func(sc *Scene) { sc.Session.Settings.TopK = 0 }, "top-K of 0"},
		{"state.settings.dataset", func(sc *Scene) { sc.Session.Settings.Dataset = "/no/such/data.npy" }, "no such file"},
		{"state.step", func(sc *Scene) { sc.Session.Step = 8 }, "frame 8 is outside 0..7"},
		{"state.row", func(sc *Scene) { sc.Session.Row = 3 }, "give both"},
		{"state.compare.machine", func(sc *Scene) { sc.Session.Compare = &CompareState{On: true, Machine: "vae"} }, "vae"},
		{"state.compare.boundary", func(sc *Scene) {
			sc.Session.Compare = &CompareState{On: true, Machine: "els", Boundary: "torus"}
		}, "torus"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		bad := toyScene(t, data, "Bad", 2, 0)
		c.edit(&bad)
		p := filepath.Join(dir, "t.json")
		if err := toyTour(t, good, bad).Save(p); err != nil {
			t.Fatal(err)
		}
		_, err := LoadTour(p)
		var fe *tour.FieldError
		if !errors.As(err, &fe) || fe.Scene != 2 || fe.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	// Fields a person types by hand: a misspelt view, chart or field name,
	// a pixel or region outside a built-in image, a wrong type.
	hand := []struct{ scene, field, msg string }{
		{`{"title": "S", "state": {"settings": {"dataset": "mnist"}, "view": "mosiac"}}`, "state.view", `unknown view "mosiac"`},
		{`{"title": "S", "chart": "pie", "state": {"settings": {"dataset": "mnist"}}}`, "chart", `unknown chart "pie"`},
		{`{"title": "S", "state": {"settings": {"dataset": "mnist"}, "row": 40, "col": 2}}`, "state.row", "outside the 32x32 image"},
		{`{"title": "S", "region": {"row": 30, "col": 0, "height": 4, "width": 4}, "state": {"settings": {"dataset": "mnist"}}}`, "region", "leave the 32x32 image"},
		{`{"title": "S", "state": {"settings": {"dataset": "mnist", "seed": "five"}}}`, "state.settings.seed", "cannot be a string"},
		{`{"title": "S", "state": {"settings": {"dataset": "mnist", "sede": 5}}}`, "state.settings.sede", "unknown field"},
		{`{"title": "S", "state": {"setings": {}}}`, "state.setings", "unknown field"},
	}
	for _, h := range hand {
		file := `{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "ok", "state": {}}, ` + h.scene + `]}`
		_, err := tour.Parse([]byte(file), CheckScene)
		var fe *tour.FieldError
		if !errors.As(err, &fe) || fe.Scene != 2 || fe.Field != h.field || !strings.Contains(err.Error(), h.msg) {
			t.Errorf("%s: got %v", h.field, err)
		}
	}
	// Fields left out take the defaults; a scene with only a title and a
	// data set is the default view of that data set.
	tr, err := tour.Parse([]byte(`{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "ok", "state": {"settings": {"dataset": "fashion"}}}]}`), CheckScene)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, _ := DecodeScene(&tr.Scenes[0])
	want := DefaultSettings()
	want.Dataset = "fashion"
	if !sameSettings(sc.Session.Settings, want) || sc.Session.Step != 0 || sc.Session.Row != -1 || sc.Session.View != ViewX {
		t.Errorf("defaults: %+v", sc.Session)
	}
}

// TestSceneRoundTrip saves a scene with every field set in a tour file,
// loads it and compares.
func TestSceneRoundTrip(t *testing.T) {
	s := toySettings()
	s.Dataset, s.Seed, s.Class = "mnist", 42, 3
	s.Size = 32
	s = s.WithCustom([]int{1, 3, 3, 5, 5, 7, 9, 11})
	net := DefaultSettings()
	net.Machine, net.Network = "network", "mnist-resnet-zeros" // a built-in network's name
	scenes := []Scene{
		{Title: "Everything", Caption: "All the fields.", Play: true, Chart: "pixel", Region: image.Rect(3, 4, 9, 7),
			Session: Session{Settings: s, Step: 5, Row: 6, Col: 7, View: ViewEffective,
				Compare: &CompareState{On: true, Machine: "ideal", Boundary: "circular"}}},
		{Title: "A network", Caption: "Beside the machine.",
			Session: Session{Settings: net, Step: 3, Row: -1, Col: -1, View: ViewResidual,
				Compare: &CompareState{On: true, Versus: true, Machine: "els", Boundary: "zeros"}}},
	}
	p := filepath.Join(t.TempDir(), "round.json")
	if err := toyTour(t, scenes...).Save(p); err != nil {
		t.Fatal(err)
	}
	tr, err := LoadTour(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range scenes {
		got, field, err := DecodeScene(&tr.Scenes[i])
		if err != nil {
			t.Fatalf("scene %d %s: %v", i+1, field, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("scene %d:\n got %+v\nwant %+v", i+1, got, want)
		}
	}
}

// TestTourKeysInAHeadlessWindow presents a three-scene tour and steps
// through it with the keys a presenter's clicker sends.
func TestTourKeysInAHeadlessWindow(t *testing.T) {
	w := newTestWindow(t)
	data := toyTourData(t)
	one := toyScene(t, data, "One", 1, 0)
	two := toyScene(t, data, "Two", 2, 3)
	two.Session.View, two.Session.Row, two.Session.Col = ViewD, 2, 5
	three := toyScene(t, data, "Three", 1, 7)
	three.Play, three.Region = true, image.Rect(1, 1, 4, 4)
	three.Session.Compare = &CompareState{On: true, Machine: "ideal", Boundary: "zeros"}
	w.setTour(toyTour(t, one, two, three), "")
	// press sends a key as the desktop driver does: to the focused
	// widget, if any, otherwise to the canvas.
	press := func(k fyne.KeyName) {
		ev := &fyne.KeyEvent{Name: k}
		if f := w.win.Canvas().Focused(); f != nil {
			f.TypedKey(ev)
		} else {
			w.win.Canvas().OnTypedKey()(ev)
		}
	}
	complete := func(seed uint64) func() bool {
		return func() bool {
			return w.res != nil && w.res.Complete && w.res.Settings.Seed == seed && w.tour.pending == nil
		}
	}

	w.setPresenting(true) // a tour started in presentation mode shows its caption too
	w.startTour(0)
	if !inTree(w.win.Content(), w.tour.band.obj) {
		t.Error("no caption")
	}
	if !w.presenting || !w.tour.on || w.tour.band.count.Text != "1 / 3" || w.tour.band.title.Text != "One" || w.tour.band.text.Text != "Caption of One." {
		t.Fatalf("start: presenting %v, caption %q %q %q", w.presenting, w.tour.band.title.Text, w.tour.band.text.Text, w.tour.band.count.Text)
	}
	waitFor(t, "scene 1", complete(1))
	ui.Drain()
	w.ctl.WaitAhead() // scenes 2 and 3 are computed ahead
	hits := w.ctl.CacheHits()

	press(fyne.KeyPageDown)
	st := w.state
	if st.Settings().Seed != 2 || st.Step() != 3 || st.View() != ViewD || st.Selected() != (Pixel{2, 5}) || w.tour.band.count.Text != "2 / 3" {
		t.Fatalf("page down: seed %d step %d view %v pixel %v count %q", st.Settings().Seed, st.Step(), st.View(), st.Selected(), w.tour.band.count.Text)
	}
	waitFor(t, "scene 2", complete(2))
	// All 7 of scene 2's steps come from the cache; work ahead that
	// starts once scene 2 is shown (its neighbours, scene 3) may add
	// hits of its own while we wait, on a slow run (-race).
	if got := w.ctl.CacheHits() - hits; got < 7 {
		t.Errorf("scene 2 took %d of its 7 steps from the cache, want all: it was not computed ahead", got)
	}
	if st.Step() != 3 {
		t.Errorf("the scene's trajectory moved the view to frame %d", st.Step())
	}

	// A click on the image focuses it; in a tour the focus is given back,
	// so that Right still goes to the next scene.
	w.win.Canvas().Focus(w.image.image)
	w.selectPixel(Pixel{1, 1})
	ui.Drain()
	if f := w.win.Canvas().Focused(); f != nil {
		t.Errorf("the image keeps the focus in a tour: %T", f)
	}
	press(fyne.KeySpace)
	waitFor(t, "scene 3", complete(1))
	if !w.cmp.on || w.image.image.Region() != three.Region || w.tour.trace == nil || w.tour.side != sideTrace {
		t.Errorf("scene 3: compare %v, region %v, trace %v", w.cmp.on, w.image.image.Region(), w.tour.trace != nil)
	}
	if !w.steps.timeline.Playing() {
		t.Error("scene 3 does not play on arrival")
	}
	press(fyne.KeyRight) // past the last scene: stays
	if w.tour.i != 2 {
		t.Errorf("right at the last scene moved to %d", w.tour.i)
	}
	press(fyne.KeyLeft)
	if w.tour.i != 1 || w.steps.timeline.Playing() || w.cmp.on {
		t.Errorf("left: scene %d, playing %v, compare %v", w.tour.i+1, w.steps.timeline.Playing(), w.cmp.on)
	}
	press(fyne.KeyHome)
	if w.tour.i != 0 || st.Settings().Seed != 1 || st.Step() != 0 {
		t.Errorf("home: scene %d", w.tour.i+1)
	}
	press(fyne.KeyEnd)
	if w.tour.i != 2 {
		t.Errorf("end: scene %d", w.tour.i+1)
	}
	press(fyne.KeyPageUp)
	if w.tour.i != 1 {
		t.Errorf("page up: scene %d", w.tour.i+1)
	}
	press(fyne.KeyC)
	if !w.tour.hidden || inTree(w.win.Content(), w.tour.band.obj) {
		t.Error("C did not hide the caption")
	}
	press(fyne.KeyC)
	if w.tour.hidden || !inTree(w.win.Content(), w.tour.band.obj) {
		t.Error("C did not show the caption again")
	}
	press(fyne.KeyEscape)
	if w.presenting || w.tour.on {
		t.Errorf("escape: presenting %v, tour %v", w.presenting, w.tour.on)
	}
	// Leaving presentation mode (View menu) leaves the tour too.
	w.startTour(2)
	if !w.tour.on || w.tour.i != 2 || !w.presenting {
		t.Fatalf("start at scene 3: on %v, scene %d", w.tour.on, w.tour.i+1)
	}
	w.setPresenting(false)
	if w.tour.on {
		t.Error("the tour goes on outside presentation mode")
	}
	press(fyne.KeyHome)
	// Outside a tour the keys drive the timeline again.
	waitFor(t, "scene 3 again", func() bool { return w.res != nil && w.res.Complete && w.res.Settings.Seed == 1 })
	w.setStep(3)
	press(fyne.KeyRight)
	if w.tour.i != 2 || st.Step() != 2 {
		t.Errorf("right after the tour: scene %d, frame %d", w.tour.i+1, st.Step())
	}
}

// TestSceneRoundTripThroughTheWindow adds the view on screen to a tour,
// saves it, and opens it in a second window: the same settings, frame,
// view and pixel.
func TestSceneRoundTripThroughTheWindow(t *testing.T) {
	data := toyTourData(t)
	w := newTestWindow(t)
	s := toySettings()
	s.Dataset, s.Seed = data, 9
	w.apply(s)
	waitFor(t, "seed 9", func() bool { return w.res.Complete && w.res.Settings.Seed == 9 })
	w.setStep(4)
	w.setView(ViewMosaic)
	w.selectPixel(Pixel{2, 6})
	w.addScene(-1)
	if w.tour.t == nil || len(w.tour.t.Scenes) != 1 {
		t.Fatal("the scene was not added")
	}
	p := filepath.Join(t.TempDir(), "mine.json")
	if err := w.tour.t.Save(p); err != nil {
		t.Fatal(err)
	}

	w2 := newTestWindow(t)
	w2.openTourAtStart(p, 1)
	waitFor(t, "the scene", func() bool { return w2.res.Complete && w2.res.Settings.Seed == 9 })
	if !sameSettings(w2.state.Settings(), w.state.Settings()) || w2.state.Step() != 4 || w2.state.View() != ViewMosaic || w2.state.Selected() != (Pixel{2, 6}) {
		t.Errorf("reloaded: %+v frame %d view %v pixel %v", w2.state.Settings(), w2.state.Step(), w2.state.View(), w2.state.Selected())
	}
	if w2.tour.band.title.Text != w.tour.t.Scenes[0].Title || !strings.Contains(w2.tour.band.title.Text, "seed 9") {
		t.Errorf("title %q", w2.tour.band.title.Text)
	}
	// A file that fails its check changes nothing and says why.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"mosaic_tour": 1, "title": "T", "scenes": [{"title": "x", "state": {"step": -1}}]}`), 0o644)
	before := w2.tour.t
	w2.openTourAtStart(bad, 1)
	if w2.tour.t != before || !strings.Contains(w2.status.Text(), `scene 1, field "state.step"`) {
		t.Errorf("bad tour: status %q", w2.status.Text())
	}
}

// TestExportTour exports a two-scene tour (one side by side) and checks
// the slides' pixels and the GIFs.
func TestExportTour(t *testing.T) {
	data := toyTourData(t)
	one := toyScene(t, data, "One: a title", 1, 0)
	one.Session.Row, one.Session.Col = 2, 3
	two := toyScene(t, data, "Two", 2, 4)
	two.Session.View = ViewD
	two.Session.Compare = &CompareState{On: true, Machine: "ideal"}
	two.Caption = strings.Repeat("A long caption that wraps onto more than one line. ", 4)
	dir := t.TempDir()
	var done []int
	lib := toyLibrary(nil)
	files, err := ExportTour(t.Context(), lib, nil, toyTour(t, one, two), dir, func(d, n int) { done = append(done, d) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"01-one-a-title.png", "01-one-a-title.gif", "02-two.png", "02-two.gif"}
	for i, f := range want {
		if i >= len(files) || filepath.Base(files[i]) != f {
			t.Fatalf("files %v, want %v", files, want)
		}
	}
	if !reflect.DeepEqual(done, []int{1, 2}) {
		t.Errorf("progress %v", done)
	}
	read := func(name string) image.Image {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	// Slide 1: the 8x8 image at 80 pixels a pixel (640 wide) centred on a
	// 1280-wide slide; each block is the rendered view's pixel, the
	// selected pixel is outlined in white; the title is yellow below it.
	res, err := computeScene(t.Context(), lib, nil, one.Session.Settings)
	if err != nil {
		t.Fatal(err)
	}
	view := RenderView(res, 0, ViewX).Image
	slide := read(want[0])
	b := slide.Bounds()
	if b.Dx() != slideMinWidth {
		t.Fatalf("slide 1 is %v", b)
	}
	x0, y0 := (slideMinWidth-640)/2, slideMargin
	for r := range 8 {
		for c := range 8 {
			got := color.RGBAModel.Convert(slide.At(x0+80*c+40, y0+80*r+40))
			if exp := color.RGBAModel.Convert(view.At(c, r)); got != exp {
				t.Fatalf("pixel (%d, %d): slide %v, view %v", r, c, got, exp)
			}
		}
	}
	if got := color.RGBAModel.Convert(slide.At(x0+80*3+1, y0+80*2+40)); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("the selected pixel's outline is %v", got)
	}
	if n := countColor(slide, image.Rect(0, y0+640, b.Dx(), b.Dy()), captionYellow); n < 200 {
		t.Errorf("%d yellow pixels below the image: no title", n)
	}
	if n := countColor(slide, image.Rect(0, y0+640+slideMargin+slideTitleSize, b.Dx(), b.Dy()), color.RGBA{255, 255, 255, 255}); n < 200 {
		t.Errorf("%d white pixels in the caption", n)
	}
	// The GIFs hold every frame of the trajectory (8 steps), x_7 first.
	for _, name := range []string{want[1], want[3]} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(f)
		f.Close()
		if err != nil || len(g.Image) != 8 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Slide 2: A and B side by side, and a caption of several lines (taller).
	slide2 := read(want[2])
	if slide2.Bounds().Dx() != 640*2+40+2*slideMargin || slide2.Bounds().Dy() <= b.Dy()+slideTextSize {
		t.Errorf("slide 2 is %v (slide 1 %v)", slide2.Bounds(), b)
	}
}

// countColor counts the pixels of img inside r of colour c.
func countColor(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

// inTree reports whether o is root or inside it.
func inTree(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	switch c := root.(type) {
	case *fyne.Container:
		for _, x := range c.Objects {
			if inTree(x, o) {
				return true
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(c)
		for _, x := range r.Objects() {
			if inTree(x, o) {
				return true
			}
		}
	}
	return false
}

// TestTourEditor authors a tour from the app: add the view on screen after
// a selected scene, move scenes, show one.
func TestTourEditor(t *testing.T) {
	w := newTestWindow(t)
	data := toyTourData(t)
	w.setTour(toyTour(t, toyScene(t, data, "One", 1, 0), toyScene(t, data, "Two", 2, 5), toyScene(t, data, "Three", 3, 0)), "")
	w.openTourEditor()
	e := w.tour.editor
	if e == nil || e.list.Length() != 3 || e.title.Text != "Toy tour" {
		t.Fatal("the editor does not list the tour")
	}
	titles := func() string {
		var s []string
		for _, sc := range w.tour.t.Scenes {
			s = append(s, sc.Title)
		}
		return strings.Join(s, ",")
	}
	e.list.Select(0)
	e.move(+1)
	if titles() != "Two,One,Three" || e.selected != 1 {
		t.Errorf("move down: %s, selected %d", titles(), e.selected)
	}
	e.move(-1)
	e.move(-1) // already first: nothing happens
	if titles() != "One,Two,Three" || e.selected != 0 {
		t.Errorf("move up: %s, selected %d", titles(), e.selected)
	}
	e.list.Select(1)
	e.show()
	if w.state.Settings().Seed != 2 || w.state.Step() != 5 || w.presenting {
		t.Errorf("show: seed %d frame %d presenting %v", w.state.Settings().Seed, w.state.Step(), w.presenting)
	}
	waitFor(t, "scene 2", func() bool { return w.res.Complete && w.res.Settings.Seed == 2 })
	w.selectPixel(Pixel{1, 1})
	e.w.addScene(e.selected) // after "Two"
	if titles() != "One,Two,"+w.tour.t.Scenes[2].Title+",Three" || e.selected != 2 || e.list.Length() != 4 {
		t.Fatalf("add: %s, selected %d", titles(), e.selected)
	}
	sc, _, err := DecodeScene(&w.tour.t.Scenes[2])
	if err != nil || sc.Session.Step != 5 || sc.Session.Row != 1 || sc.Session.Settings.Seed != 2 || sc.Caption != "" {
		t.Errorf("the added scene %+v %v", sc, err)
	}
	e.title.SetText("Renamed")
	if w.tour.t.Title != "Renamed" {
		t.Errorf("title %q", w.tour.t.Title)
	}
}

// TestTourGivesTheFocusBack: in a tour, choosing a view or turning the
// side-by-side view on with the mouse leaves no widget with the keyboard
// focus, so that the clicker's next key (Down would open a focused select,
// Space would toggle a focused check box) reaches the tour.
func TestTourGivesTheFocusBack(t *testing.T) {
	w := newTestWindow(t)
	data := toyTourData(t)
	w.setTour(toyTour(t, toyScene(t, data, "One", 1, 0), toyScene(t, data, "Two", 2, 3)), "")
	w.startTour(0)
	ui.Drain()
	c := w.win.Canvas()

	c.Focus(w.image.viewSel)
	w.image.viewSel.SetSelected(ViewD.Title())
	ui.Drain()
	if f := c.Focused(); f != nil {
		t.Errorf("the view select keeps the focus in a tour: %T", f)
	}
	if w.state.View() != ViewD {
		t.Errorf("view %v, want %v", w.state.View(), ViewD)
	}

	c.Focus(w.cmp.check)
	w.cmp.check.SetChecked(true)
	ui.Drain()
	if f := c.Focused(); f != nil {
		t.Errorf("the compare check box keeps the focus in a tour: %T", f)
	}
	if !w.cmp.on {
		t.Error("the side-by-side view did not turn on")
	}

	// Outside a tour the focus stays where the user put it.
	w.leaveTour()
	ui.Drain()
	c.Focus(w.image.viewSel)
	w.image.viewSel.SetSelected(ViewX.Title())
	ui.Drain()
	if c.Focused() == nil {
		t.Error("outside a tour the view select lost the focus")
	}
}
