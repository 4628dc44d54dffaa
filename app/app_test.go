package app

import (
	"encoding/json"
	"errors"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/npy"
	"mosaic/model/sampler"
)

// toyData is a small labelled training set: 12 images of 8x8 with simple
// strokes, labels 0 and 1.
func toyData() *dataset.Dataset {
	const m, h, w = 12, 8, 8
	d := &dataset.Dataset{Name: "toy", M: m, C: 1, H: h, W: w, Pixels: make([]float64, m*h*w), Labels: make([]int, m)}
	for mu := range m {
		d.Labels[mu] = mu % 2
		for r := range h {
			for c := range w {
				v := -1.0
				if (mu%2 == 0 && c == 2+mu%5) || (mu%2 == 1 && r == 1+mu%6) {
					v = 1
				}
				d.Pixels[mu*h*w+r*w+c] = v
			}
		}
	}
	return d
}

func toyLibrary(loads *int) *Library {
	lib := NewLibrary()
	lib.load = func(path, labels string) (*dataset.Dataset, error) {
		if loads != nil {
			*loads++
		}
		if strings.HasSuffix(path, "broken.npy") {
			return nil, os.ErrNotExist
		}
		return toyData(), nil
	}
	return lib
}

func toySettings() Settings {
	s := DefaultSettings()
	s.Dataset = "/data/toy.npy"
	s.Size = 8
	s.Limit = 0
	s.Mode = ScheduleCustom
	s.Steps = 8
	s.Custom = []int{3, 3, 3, 5, 5, 5, 7, 7}
	return s
}

// recorder collects what a controller hands to the UI.
type recorder struct {
	mu      sync.Mutex
	results []*Result
	errs    []error
	timings []Timing
}

func newRecorded(lib *Library) (*Controller, *recorder) {
	rec := &recorder{}
	c := NewController(lib, func(f func()) { f() })
	c.OnResult = func(r *Result) { rec.mu.Lock(); rec.results = append(rec.results, r); rec.mu.Unlock() }
	c.OnError = func(err error) { rec.mu.Lock(); rec.errs = append(rec.errs, err); rec.mu.Unlock() }
	c.OnTiming = func(t Timing) { rec.mu.Lock(); rec.timings = append(rec.timings, t); rec.mu.Unlock() }
	return c, rec
}

func TestSettingsValidateAndSchedule(t *testing.T) {
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	k, _ := s.Schedule()
	if k.String() != "3,3,5,5,5,7,7,7,9,9,11,11,11,11,13,15,15,15,15,15" {
		t.Errorf("default schedule %v", k)
	}
	if k, _ := s.WithSteps(10).Schedule(); len(k) != 10 || k[9] != 15 {
		t.Errorf("resampled preset %v", k)
	}
	bad := map[string]func(*Settings){
		"even":                          func(s *Settings) { s.Mode, s.Constant = ScheduleConstant, 4 },
		"unknown preset":                func(s *Settings) { s.Preset = "nope" },
		"steps":                         func(s *Settings) { s.Steps = 1 },
		"top-K of 0":                    func(s *Settings) { s.TopK = 0 },
		"unknown machine":               func(s *Settings) { s.Machine = "gan" },
		"custom schedule has 3 entries": func(s *Settings) { s.Mode, s.Custom = ScheduleCustom, []int{3, 3, 3} },
		"no data set":                   func(s *Settings) { s.Dataset = " " },
		"class -2":                      func(s *Settings) { s.Class = -2 },
	}
	for want, f := range bad {
		s := DefaultSettings()
		f(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	c := s.WithCustom([]int{1, 1, 3, 3}).WithSteps(8)
	if len(c.Custom) != 8 || c.Custom[7] != 3 {
		t.Errorf("custom resample %v", c.Custom)
	}
}

func TestCompareFindsHighestChangedStep(t *testing.T) {
	a := toySettings()
	b := a.WithCustom([]int{3, 3, 3, 9, 5, 5, 7, 7})
	if k, i := Compare(a, b); k != ChangeSchedule || i != 3 {
		t.Errorf("custom change = %v at %d", k, i)
	}
	b.TopK = 3
	b.Custom = a.Custom
	if k, _ := Compare(a, b); k != ChangeNone {
		t.Errorf("top-K change = %v", k)
	}
	for _, f := range []func(*Settings){
		func(s *Settings) { s.Boundary = "circular" }, func(s *Settings) { s.Seed = 2 },
		func(s *Settings) { s.Class = 1 }, func(s *Settings) { s.Limit = 5 }, func(s *Settings) { s.Machine = "ideal" },
		func(s *Settings) { *s = s.WithSteps(6) },
	} {
		b := a
		f(&b)
		if k, i := Compare(a, b); k != ChangeAll || i != b.Steps-1 {
			t.Errorf("%+v: change %v at %d", b, k, i)
		}
	}
	// Switching mode to an equal constant schedule changes nothing above.
	c := a
	c.Mode, c.Constant = ScheduleConstant, 7
	if k, i := Compare(a, c); k != ChangeSchedule || i != 5 {
		t.Errorf("constant 7 vs custom: %v at %d", k, i)
	}
}

func TestSessionRoundTripRestoresTrajectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.json")
	s := toySettings()
	s.Seed = 42
	if err := SaveSession(p, Session{Settings: s, Step: 3, Row: 2, Col: 5, View: ViewMosaic}); err != nil {
		t.Fatal(err)
	}
	back, err := LoadSession(p)
	if err != nil {
		t.Fatal(err)
	}
	if back.Step != 3 || back.Row != 2 || back.Col != 5 || back.View != ViewMosaic || back.Settings.Seed != 42 || len(back.Settings.Custom) != 8 {
		t.Errorf("restored %+v", back)
	}
	lib := toyLibrary(nil)
	run := func(s Settings) *Result {
		c, rec := newRecorded(lib)
		if _, err := c.Request(s); err != nil {
			t.Fatal(err)
		}
		c.Wait()
		return rec.results[len(rec.results)-1]
	}
	r1, r2 := run(s), run(back.Settings)
	for i, v := range r1.Traj.Final() {
		if r2.Traj.Final()[i] != v {
			t.Fatalf("reopened session gives a different x_0 at %d", i)
		}
	}
	os.WriteFile(p, []byte(`{"settings": {}}`), 0o644)
	if _, err := LoadSession(p); !errors.Is(err, ErrNotSession) || !strings.Contains(err.Error(), "not a Mosaic session") {
		t.Errorf("bad session: %v", err)
	}
	os.WriteFile(p, []byte(`{"mosaic_session": 1, "settings": {"steps": 1}}`), 0o644)
	if _, err := LoadSession(p); err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("invalid session: %v", err)
	}
}

func TestControllerStreamsAFullRun(t *testing.T) {
	loads := 0
	lib := toyLibrary(&loads)
	c, rec := newRecorded(lib)
	s := toySettings()
	if kind, err := c.Request(s); err != nil || kind != ChangeAll {
		t.Fatalf("request: %v %v", kind, err)
	}
	c.Wait()
	if len(rec.results) != 7 || len(rec.errs) != 0 {
		t.Fatalf("%d results, errors %v", len(rec.results), rec.errs)
	}
	for j, r := range rec.results {
		if r.Done != j+1 || r.Total != 7 || r.Complete != (j == 6) {
			t.Errorf("result %d: done %d/%d complete %v", j, r.Done, r.Total, r.Complete)
		}
		// Streaming: step 7-j has just been computed, lower ones not.
		if !r.Ready(6-j) || (j < 6 && r.Traj.X[5-j] != nil) {
			t.Errorf("result %d streams the wrong rows", j)
		}
	}
	last := rec.results[6]
	want, err := sampler.Run(t.Context(), last.Machine, sampler.Noise(s.Seed, 1, 8, 8), last.Traj.K, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Final() {
		if last.Traj.Final()[i] != v {
			t.Fatalf("x_0 differs from sampler.Run at %d", i)
		}
	}
	if len(rec.timings) != 1 || rec.timings[0].FirstFrame <= 0 || rec.timings[0].Complete < rec.timings[0].FirstFrame {
		t.Errorf("timings %+v", rec.timings)
	}
	// An identical request is a no-op; a top-K change too.
	s.TopK = 3
	if kind, _ := c.Request(s); kind != ChangeNone {
		t.Errorf("top-K request = %v", kind)
	}
	if loads != 1 {
		t.Errorf("data set loaded %d times", loads)
	}
}

func TestControllerBranchKeepsStepsAboveChange(t *testing.T) {
	lib := toyLibrary(nil)
	c, rec := newRecorded(lib)
	s := toySettings()
	c.Request(s)
	c.Wait()
	before := rec.results[len(rec.results)-1]
	rec.results = nil
	s2 := s.WithCustom([]int{3, 3, 1, 5, 5, 5, 7, 7}) // step 2 changes
	kind, err := c.Request(s2)
	c.Wait()
	if err != nil || kind != ChangeSchedule {
		t.Fatalf("%v %v", kind, err)
	}
	if len(rec.results) != 2 {
		t.Fatalf("branch at step 2 streamed %d results, want 2", len(rec.results))
	}
	first := rec.results[0]
	if first.From != 2 || first.Total != 2 {
		t.Errorf("branch from %d total %d", first.From, first.Total)
	}
	// While running, the unfinished rows come from the old trajectory.
	if !first.Stale[0] || first.Traj.X[0] == nil || &first.Traj.X[0][0] != &before.Traj.X[0][0] {
		t.Error("the old x_0 should stay on screen, marked stale")
	}
	after := rec.results[1]
	for i := 3; i < 8; i++ {
		if &after.Traj.X[i][0] != &before.Traj.X[i][0] || (i > 2 && after.Traj.Steps[i] != before.Traj.Steps[i]) {
			t.Errorf("step %d above the change was recomputed", i)
		}
	}
	if after.Traj.K[2] != 1 || after.Stale[0] || after.Stale[1] {
		t.Errorf("new schedule %v stale %v", after.Traj.K, after.Stale)
	}
	full, _ := sampler.Run(t.Context(), after.Machine, sampler.Noise(s.Seed, 1, 8, 8), after.Traj.K, nil)
	for i, v := range full.Final() {
		if math.Abs(after.Traj.Final()[i]-v) > 0 {
			t.Fatalf("branched x_0 differs from a full run at %d", i)
		}
	}
	// A boundary change re-runs from the top.
	rec.results = nil
	s3 := s2
	s3.Boundary = "circular"
	if kind, _ := c.Request(s3); kind != ChangeAll {
		t.Errorf("boundary change = %v", kind)
	}
	c.Wait()
	if len(rec.results) != 7 || rec.results[0].From != 7 {
		t.Errorf("boundary change streamed %d results from %d", len(rec.results), rec.results[0].From)
	}
}

func TestControllerSupersedesRapidRequests(t *testing.T) {
	lib := toyLibrary(nil)
	c, rec := newRecorded(lib)
	s := toySettings()
	s.Steps = 40
	s.Custom = nil
	s.Mode, s.Constant = ScheduleConstant, 5
	c.Request(s)
	// A burst of drags: only the last one must reach the end.
	var last Settings
	for k := 1; k <= 7; k += 2 {
		last = s
		last.Constant = k
		c.Request(last)
	}
	c.Wait()
	final := rec.results[len(rec.results)-1]
	if !final.Complete || final.Settings.Constant != 7 {
		t.Fatalf("final result %+v", final.Settings)
	}
	for i := 1; i < 40; i++ {
		if final.Traj.K[i] != 7 || final.Stale[i] {
			t.Fatalf("final trajectory mixes schedules at %d", i)
		}
	}
	// Only the newest generation is complete, and generations only grow.
	var prev uint64
	complete := 0
	for _, r := range rec.results {
		if r.Gen < prev {
			t.Errorf("result of an older request after a newer one")
		}
		prev = r.Gen
		if r.Complete {
			complete++
		}
	}
	if complete != 1 {
		t.Errorf("%d complete results, want 1", complete)
	}
}

func TestControllerErrorKeepsPreviousResult(t *testing.T) {
	lib := toyLibrary(nil)
	c, rec := newRecorded(lib)
	s := toySettings()
	c.Request(s)
	c.Wait()
	shown := c.Current()
	bad := s
	bad.Dataset = "/data/broken.npy"
	if _, err := c.Request(bad); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if len(rec.errs) != 1 || c.Current() != shown {
		t.Errorf("errors %v; current replaced: %v", rec.errs, c.Current() != shown)
	}
	// ELS-circular with k larger than the image is an input error.
	big := s
	big.Boundary = "circular"
	big.Custom = []int{3, 3, 3, 3, 3, 3, 3, 9}
	c.Request(big)
	c.Wait()
	if len(rec.errs) != 2 || !errors.Is(rec.errs[1], machine.ErrPatchSize) || !strings.Contains(rec.errs[1].Error(), "larger than") {
		t.Errorf("errors %v", rec.errs)
	}
	if _, err := c.Request(Settings{}); err == nil {
		t.Error("empty settings accepted")
	}
}

func TestLibraryReusesMachines(t *testing.T) {
	loads := 0
	lib := toyLibrary(&loads)
	s := toySettings()
	m1, _, err := lib.Machine(s)
	if err != nil {
		t.Fatal(err)
	}
	m2, _, _ := lib.Machine(s)
	if m1 != m2 || loads != 1 {
		t.Errorf("machine rebuilt (%v) or data reloaded (%d)", m1 != m2, loads)
	}
	s.Class = 1
	m3, _, _ := lib.Machine(s)
	if m3 == m1 || m3.Data().M != 6 {
		t.Errorf("class 1 machine has %d images", m3.Data().M)
	}
	is1 := s
	is1.Machine = "ideal"
	is2 := is1
	is2.Boundary = "circular"
	a, _, _ := lib.Machine(is1)
	b, _, _ := lib.Machine(is2)
	if a != b {
		t.Error("IS machines differing only in boundary should be shared")
	}
	s.Class = 7
	if _, _, err := lib.Machine(s); !errors.Is(err, dataset.ErrNoClass) || !strings.Contains(err.Error(), "class 7") {
		t.Errorf("missing class: %v", err)
	}
	lib.Keep = 1
	lib.Machine(toySettings())
	if lib.Cached() != 1 {
		t.Errorf("cache holds %d", lib.Cached())
	}
}

// TestInspectorAnswersTheLastClick clicks eight pixels in a row: the
// inspector answers at most once per click, ends on the last one, and its
// answer agrees with the step's effective number and mosaic map.
func TestInspectorAnswersTheLastClick(t *testing.T) {
	res := toyResult(t)
	var mu sync.Mutex
	var got []*Inspection
	in := NewInspector(func(f func()) { f() })
	in.OnResult = func(i *Inspection) { mu.Lock(); got = append(got, i); mu.Unlock() }
	for col := range 8 {
		in.Request(Query{Res: res, Step: 4, Row: 3, Col: col, TopK: 4})
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		var last *Inspection
		if n > 0 {
			last = got[n-1]
		}
		mu.Unlock()
		if last != nil && last.Query.Col == 7 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("inspector never answered the last click")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	ins := got[len(got)-1]
	n := len(got)
	mu.Unlock()
	if n > 8 {
		t.Errorf("%d answers for 8 clicks", n)
	}
	a := ins.Attr
	if len(a.Top) != 4 || len(ins.Patches) != 4 || len(ins.Sources) != 4 || ins.QueryPatch.Bounds().Dx() != res.Traj.K[4] {
		t.Fatalf("inspection %+v", ins)
	}
	if st := res.Traj.Steps[4]; math.Abs(st.Effective[3*8+7]-a.Effective) > 1e-6*a.Effective {
		t.Errorf("effective number %v vs step's %v", a.Effective, st.Effective[3*8+7])
	}
	if h, _ := Heaviest(res, 4, 3, 7); h.Image != a.Top[0].Image {
		t.Errorf("mosaic source %d vs top patch %d", h.Image, a.Top[0].Image)
	}
	half := *res
	tr := *res.Traj
	tr.X = append([][]float64(nil), tr.X...)
	tr.X[2] = nil
	half.Traj = &tr
	if _, err := Inspect(Query{Res: &half, Step: 2, Row: 0, Col: 0, TopK: 1}); !errors.Is(err, ErrNotComputed) {
		t.Errorf("inspecting a step not computed: %v", err)
	}
}

// TestViewsRenderAtEveryFrame checks that every view renders at every
// frame where it exists (and only there), with a readout of the pixel.
func TestViewsRenderAtEveryFrame(t *testing.T) {
	res := toyResult(t)
	for i := range res.Traj.N {
		for _, v := range Views {
			r := RenderView(res, i, v)
			missing := (v == ViewNoise && i == 0) || (v == ViewChange && i == res.Traj.N-1) || v == ViewResidual // no network here
			if (r.Image == nil) != missing {
				t.Errorf("view %s at %d: image %v note %q", v.Title(), i, r.Image != nil, r.Note)
			}
			if r.Image != nil && (r.Image.Bounds().Dx() != res.Traj.W || r.Image.Bounds().Dy() != res.Traj.H) && v != ViewMosaic {
				t.Errorf("view %s at %d is %v, not the image's size", v.Title(), i, r.Image.Bounds())
			}
			if txt := Readout(res, i, v, 3, 7); !strings.HasPrefix(txt, "row 3, col 7") {
				t.Errorf("readout %q", txt)
			}
		}
	}
	mos := RenderView(res, 1, ViewMosaic)
	if len(mos.Legend.Entries) == 0 || !strings.Contains(Readout(res, 1, ViewMosaic, 0, 0), "training image #") {
		t.Errorf("mosaic legend %v", mos.Legend.Entries)
	}
	eff := EffectiveSeries(res, 3, 7)
	if !math.IsNaN(eff[0]) || eff[4] != res.Traj.Steps[4].Effective[31] {
		t.Errorf("series %v", eff)
	}
	if StepLabel(res, 7) != "t=0.88 k=7" {
		t.Errorf("label %q", StepLabel(res, 7))
	}
}

// TestExportsWriteEveryFormat writes a view as PNG, the trajectory as GIF
// and .npy and an attribution as JSON, and reads each back.
func TestExportsWriteEveryFormat(t *testing.T) {
	res := toyResult(t)
	dir := t.TempDir()
	if err := ExportPNG(filepath.Join(dir, "v.png"), RenderView(res, 1, ViewMosaic).Image); err != nil {
		t.Error(err)
	}
	if err := ExportGIF(filepath.Join(dir, "t.gif"), res, ViewX); err != nil {
		t.Error(err)
	}
	f, _ := os.Open(filepath.Join(dir, "t.gif"))
	g, err := gif.DecodeAll(f)
	f.Close()
	if err != nil || len(g.Image) != 8 || g.Image[0].Bounds().Dx() != 8*32 {
		t.Errorf("gif: %v", err)
	}
	if err := ExportNPY(filepath.Join(dir, "f.npy"), res); err != nil {
		t.Fatal(err)
	}
	arr, err := npy.ReadFile(filepath.Join(dir, "f.npy"))
	if err != nil || len(arr.Shape) != 4 || arr.Shape[0] != 8 || arr.Shape[2] != 8 {
		t.Fatalf("npy %v %v", err, arr)
	}
	vals := arr.Data
	if math.Abs(vals[0]-res.Traj.X[7][0]) > 1e-6 || math.Abs(vals[7*64+5]-res.Traj.X[0][5]) > 1e-6 {
		t.Error("npy frames are not x_{N-1}..x_0")
	}
	ins, err := Inspect(Query{Res: res, Step: 4, Row: 3, Col: 7, TopK: 4})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "a.json")
	if err := ExportAttribution(p, ins); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	data, _ := os.ReadFile(p)
	if err := json.Unmarshal(data, &back); err != nil || back["row"].(float64) != 3 || len(back["top"].([]any)) != 4 {
		t.Errorf("attribution json %v %v", err, back)
	}
	if err := ExportAttribution(p, nil); err == nil {
		t.Error("nil attribution exported")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 4 {
		t.Errorf("%d files in the export directory (temporary files left?)", len(ents))
	}
}

func TestPresetFor(t *testing.T) {
	for _, c := range [][4]string{
		{"fashion", "zeros", "mnist-resnet-zeros", "fashion-resnet-zeros"},
		{"fashion", "circular", "mnist-resnet-circular", "fashion-resnet-zeros"},
		{"mnist", "circular", "fashion-resnet-zeros", "mnist-resnet-circular"},
		{"mnist", "zeros", "mnist-unet-zeros", "mnist-unet-zeros"},
		{"hands", "zeros", "mnist-resnet-zeros", "mnist-resnet-zeros"},
	} {
		if got := PresetFor(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("PresetFor(%s, %s, %s) = %s, want %s", c[0], c[1], c[2], got, c[3])
		}
	}
}

func TestControllerTopKChangeWhileRunningKeepsTheRun(t *testing.T) {
	c, rec := newRecorded(toyLibrary(nil))
	s := toySettings()
	s = s.WithSteps(30)
	c.Request(s)
	s.TopK = 3
	if kind, err := c.Request(s); err != nil || kind != ChangeNone {
		t.Fatalf("top-K change while running = %v %v", kind, err)
	}
	c.Wait()
	for _, r := range rec.results {
		if r.Gen != 1 {
			t.Fatalf("a top-K change restarted the computation (gen %d)", r.Gen)
		}
	}
	if last := rec.results[len(rec.results)-1]; !last.Complete || last.Total != 29 {
		t.Errorf("last result %d/%d", last.Done, last.Total)
	}
}

func TestEffectiveFormat(t *testing.T) {
	if effective(19.31) != "19.3" || effective(287020.9) != "287,021" {
		t.Errorf("effective: %q %q", effective(19.31), effective(287020.9))
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 450000: "450,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestControllerPrefetchesTheFocusStep checks the work done ahead while
// idle: after ComputeAhead(3) the evaluations of step 3 with k-2 and k+2 are
// cached, a one-notch change there takes its first step from the cache,
// going back takes every step from it, and both equal plain runs exactly.
func TestControllerPrefetchesTheFocusStep(t *testing.T) {
	c, rec := newRecorded(toyLibrary(nil))
	s := toySettings() // k = 3, 3, 3, 5, 5, 5, 7, 7
	c.Request(s)
	c.Wait()
	orig := rec.results[len(rec.results)-1].Traj
	c.ComputeAhead(3)
	c.WaitAhead()
	hits := c.CacheHits()
	check := func(name string, s Settings, wantHits int) {
		t.Helper()
		rec.results = nil
		if kind, err := c.Request(s); err != nil || kind != ChangeSchedule {
			t.Fatalf("%s: %v %v", name, kind, err)
		}
		c.Wait()
		if got := c.CacheHits() - hits; got != wantHits {
			t.Errorf("%s: %d steps from the cache, want %d", name, got, wantHits)
		}
		hits = c.CacheHits()
		res := rec.results[len(rec.results)-1]
		full, _ := sampler.Run(t.Context(), res.Machine, sampler.Noise(s.Seed, 1, 8, 8), res.Traj.K, nil)
		for i := range full.N {
			if !slices.Equal(full.X[i], res.Traj.X[i]) {
				t.Fatalf("%s: x_%d differs from a plain run", name, i)
			}
		}
	}
	check("one notch up at step 3", s.WithCustom([]int{3, 3, 3, 7, 5, 5, 7, 7}), 1)
	// The neighbours of the new k = 7 at step 3 are 5 (cached by the
	// first run) and 9 (computed now); going back takes steps 3, 2, 1
	// from the cache.
	c.Wait()
	c.ComputeAhead(3) // as the window does when a request completes
	c.WaitAhead()
	hits = c.CacheHits()
	check("back to the original", s, 3)
	if res := rec.results[len(rec.results)-1]; !slices.Equal(res.Traj.X[0], orig.X[0]) {
		t.Error("undo did not restore x_0")
	}
	// Focus on the final frame (no evaluation) or on a step whose
	// neighbours are not allowed computes nothing and does not block.
	c.ComputeAhead(0)
	c.WaitAhead()
}

// TestControllerPrefetchesConstantNeighbours checks that with one constant
// patch size the trajectories one notch either side are computed while
// idle, so that moving the slider takes every step from the cache.
func TestControllerPrefetchesConstantNeighbours(t *testing.T) {
	c, rec := newRecorded(toyLibrary(nil))
	s := toySettings()
	s.Mode, s.Constant = ScheduleConstant, 3
	c.Request(s)
	c.Wait()
	c.ComputeAhead(0) // as the window does when a request completes
	c.WaitAhead()
	hits := c.CacheHits()
	s5 := s
	s5.Constant = 5
	rec.results = nil
	if _, err := c.Request(s5); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if got := c.CacheHits() - hits; got != s.Steps-1 {
		t.Fatalf("%d of %d steps from the cache after the slider moved one notch", got, s.Steps-1)
	}
	res := rec.results[len(rec.results)-1]
	full, _ := sampler.Run(t.Context(), res.Machine, sampler.Noise(s.Seed, 1, 8, 8), res.Traj.K, nil)
	for i := range full.N {
		if !slices.Equal(full.X[i], res.Traj.X[i]) {
			t.Fatalf("x_%d differs from a plain run", i)
		}
	}
}

// TestControllerDropsOvertakenSnapshots checks that when the UI goroutine
// lags (here it runs nothing until the request is done), only the first
// snapshot and the newest are drawn: each holds every step before it.
func TestControllerDropsOvertakenSnapshots(t *testing.T) {
	var mu sync.Mutex
	var queue []func()
	c := NewController(toyLibrary(nil), func(f func()) { mu.Lock(); queue = append(queue, f); mu.Unlock() })
	var shown []*Result
	c.OnResult = func(r *Result) { shown = append(shown, r) }
	c.Request(toySettings())
	c.Wait()
	mu.Lock()
	q := queue
	mu.Unlock()
	if len(q) != 7 {
		t.Fatalf("%d snapshots dispatched, want 7", len(q))
	}
	for _, f := range q {
		f()
	}
	if len(shown) != 2 || shown[0].Done != 1 || !shown[1].Complete || !shown[1].Traj.Complete() {
		t.Fatalf("drawn %d snapshots (want the first and the complete one)", len(shown))
	}
}

// TestControllerCacheKeepsRecentMachines checks that the cache of
// evaluations keeps the steps of the last three machines only (an entry
// holds its machine's copy of the training set), and that going back to
// one of them recomputes nothing.
func TestControllerCacheKeepsRecentMachines(t *testing.T) {
	c, _ := newRecorded(toyLibrary(nil))
	s := toySettings() // 8 steps: 7 evaluations per trajectory
	for _, b := range []string{"zeros", "circular", "reflect"} {
		s.Boundary = b
		c.Request(s)
		c.Wait()
	}
	if c.cache.Len() != 21 {
		t.Fatalf("three machines: %d cached steps, want 21", c.cache.Len())
	}
	s.Boundary, s.Machine = "zeros", "ls"
	c.Request(s)
	c.Wait()
	if c.cache.Len() != 21 {
		t.Fatalf("a fourth machine: %d cached steps, want 21 (the oldest machine's dropped)", c.cache.Len())
	}
	hits := c.CacheHits()
	s.Boundary, s.Machine = "circular", "els"
	c.Request(s)
	c.Wait()
	if got := c.CacheHits() - hits; got != 7 {
		t.Fatalf("back to a recent machine: %d steps from the cache, want 7", got)
	}
}
