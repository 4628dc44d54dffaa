package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/schedule"
	"mosaic/widgets"
)

// datasetTitles are the display names of the known built-in sets.
var datasetTitles = map[string]string{"mnist": "MNIST", "fashion": "Fashion-MNIST", "hands": "Hands (procedural)"}

// controls is the settings panel on the left.
type controls struct {
	w        *Window
	updating bool

	dataset  *widget.Select
	dsNames  []string                   // parallel to dataset.Options
	limit    *widgets.CommitSelectEntry // applied on Enter, on a pick, or when left
	class    *widget.Select
	classes  []string
	machine  *widget.Select
	boundary *widget.Select
	extNote  *widget.Label
	// pcaBox holds PCA-locality's tau and temperature (shown for it only).
	pcaBox *fyne.Container
	tau    *widgets.CommitSelectEntry
	temp   *widgets.CommitSelectEntry
	// netBox names the network of the "Network" machine, with a button to
	// open another checkpoint (shown for that machine only).
	netBox   *fyne.Container
	netLabel *widget.Label
	// patchNote says why the patch-size controls are off for a machine
	// without patches.
	patchNote  *widget.Label
	patchItems []disabler
	mode       *widget.RadioGroup
	constant   *widget.Slider
	constLabel *widget.Label
	preset     *widget.Select
	editor     *widgets.ScheduleEditor
	stepK      *widget.Label
	steps      *widgets.CommitSelectEntry
	seed       *widgets.CommitEntry
	topK       *widget.Slider
	topKLabel  *widget.Label
	modeBox    *fyne.Container
	hands      *widget.Button // opens the hands gallery; shown for the hands data set
}

var boundaryOptions = []string{"zeros", "circular", "reflect (extension)"}

func newControls(w *Window) *controls {
	c := &controls{w: w}
	c.dataset = widget.NewSelect(nil, func(string) { c.changed() })
	c.limit = widgets.NewCommitSelectEntry([]string{"100", "250", "500", "1000", "2000", "5000", "all"})
	c.limit.OnCommit = func(string) { c.changed() }
	c.class = widget.NewSelect([]string{"unconditional"}, func(string) { c.changed() })
	c.machine = widget.NewSelect(MachineTitles(), func(string) { c.changed() })
	c.tau = widgets.NewCommitSelectEntry([]string{"0.005", "0.01", "0.02", "0.05", "0.1", "0.2"})
	c.tau.OnCommit = func(string) { c.changed() }
	c.temp = widgets.NewCommitSelectEntry([]string{"0.25", "0.5", "1", "2", "4"})
	c.temp.OnCommit = func(string) { c.changed() }
	c.pcaBox = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("tau"), nil, c.tau),
		container.NewBorder(nil, nil, widget.NewLabel("Temperature"), nil, c.temp))
	c.netLabel = widget.NewLabel("")
	c.netLabel.Truncation = fyne.TextTruncateEllipsis
	c.netBox = container.NewBorder(nil, nil, nil, widget.NewButton("Open network…", c.openNetwork), c.netLabel)
	c.patchNote = widget.NewLabel("")
	c.patchNote.Wrapping = fyne.TextWrapWord
	c.patchNote.Importance = widget.MediumImportance
	c.boundary = widget.NewSelect(boundaryOptions, func(string) { c.changed() })
	c.extNote = widget.NewLabel("")
	c.extNote.Wrapping = fyne.TextWrapWord
	c.extNote.Importance = widget.WarningImportance
	c.mode = widget.NewRadioGroup([]string{"constant", "preset", "custom"}, func(string) { c.changed() })
	c.mode.Horizontal = true
	c.mode.Required = true
	c.constant = widget.NewSlider(1, 31)
	c.constant.Step = 2
	c.constLabel = widget.NewLabel("")
	c.constant.OnChanged = func(v float64) {
		c.constLabel.SetText(fmt.Sprintf("k = %d", int(v)))
		c.changed()
	}
	var names []string
	for _, p := range schedule.Presets() {
		names = append(names, p.Name)
	}
	c.preset = widget.NewSelect(names, func(string) { c.changed() })
	c.editor = widgets.NewScheduleEditor()
	c.editor.SetMinSize(fyne.NewSize(230, 130))
	c.editor.OnChanged = func(k []int, step int) {
		if c.updating {
			return
		}
		s := c.w.settings.WithCustom(k)
		c.sync(s)
		c.w.request(s)
	}
	c.editor.OnCurrent = func(i int) { c.w.setStep(i) } // Left/Right on the focused chart
	c.stepK = widget.NewLabel("")
	c.steps = widgets.NewCommitSelectEntry([]string{"10", "20", "50", "100"})
	c.steps.OnCommit = func(string) { c.changed() }
	c.seed = widgets.NewCommitEntry()
	c.seed.OnCommit = func(string) { c.changed() }
	c.topK = widget.NewSlider(1, 32)
	c.topKLabel = widget.NewLabel("")
	c.topK.OnChanged = func(v float64) {
		c.topKLabel.SetText(fmt.Sprintf("K = %d", int(v)))
		c.changed()
	}
	c.modeBox = container.NewVBox()
	c.patchItems = []disabler{c.mode, c.constant, c.preset}
	c.hands = widget.NewButtonWithIcon("Hands gallery…", theme.GridIcon(), w.openGallery)
	c.hands.Importance = widget.HighImportance
	c.sync(w.settings)
	return c
}

// panel lays out every control.
func (c *controls) panel() fyne.CanvasObject {
	newSeed := widget.NewButton("New seed", func() {
		s := c.w.settings
		s.Seed = uint64(rand.IntN(1_000_000))
		c.sync(s)
		c.w.request(s)
	})
	openFile := widget.NewButton("Open file…", c.openFile)
	openFolder := widget.NewButton("Open folder…", c.openFolder)
	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.NewVBox(
		heading("Data"),
		c.dataset,
		c.hands,
		container.NewGridWithColumns(2, openFile, openFolder),
		container.NewBorder(nil, nil, widget.NewLabel("Images"), nil, c.limit),
		container.NewBorder(nil, nil, widget.NewLabel("Class"), nil, c.class),
		widget.NewSeparator(),
		heading("Machine"),
		c.machine,
		container.NewBorder(nil, nil, widget.NewLabel("Boundary"), nil, c.boundary),
		c.extNote,
		c.pcaBox,
		c.netBox,
		widget.NewSeparator(),
		heading("Patch size"),
		c.patchNote,
		c.mode,
		c.modeBox,
		widget.NewSeparator(),
		heading("Sampler"),
		container.NewBorder(nil, nil, widget.NewLabel("Steps"), nil, c.steps),
		container.NewBorder(nil, nil, widget.NewLabel("Seed"), newSeed, c.seed),
		widget.NewSeparator(),
		heading("Inspector"),
		container.NewBorder(nil, nil, c.topKLabel, nil, c.topK),
	)
}

// essential is the single row of controls kept in presentation mode.
func (c *controls) essential() fyne.CanvasObject {
	newSeed := widget.NewButton("New seed", func() {
		s := c.w.settings
		s.Seed = uint64(rand.IntN(1_000_000))
		c.sync(s)
		c.w.request(s)
	})
	wide := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.New(&minWidth{w: w}, o)
	}
	return container.NewHBox(wide(c.machine, 11*theme.TextSize()), widget.NewSeparator(), wide(c.boundary, 12*theme.TextSize()), widget.NewSeparator(),
		wide(c.preset, 16*theme.TextSize()), newSeed, c.hands)
}

// refreshMode shows the control of the schedule mode.
func (c *controls) refreshMode(s Settings) {
	switch s.Mode {
	case ScheduleConstant:
		c.modeBox.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, c.constLabel, nil, c.constant)}
	case SchedulePreset:
		c.modeBox.Objects = []fyne.CanvasObject{c.preset, widget.NewLabel("drag the bars to edit a copy:"), c.editor}
	default:
		c.modeBox.Objects = []fyne.CanvasObject{widget.NewLabel("drag or tap the bars (one per step):"), c.editor, c.stepK}
	}
	c.modeBox.Refresh()
}

// refreshEditor updates the schedule editor's bars and current step.
func (c *controls) refreshEditor() {
	k, err := c.w.settings.Schedule()
	if err != nil {
		return
	}
	c.updating = true
	c.editor.SetMaxK(max(15, k.Max()+4) | 1)
	c.editor.SetSchedule(k)
	c.editor.SetCurrent(c.w.step)
	if c.w.step >= 1 && c.w.step < len(k) {
		c.stepK.SetText(fmt.Sprintf("step %d (t = %.2f): k = %d", c.w.step, schedule.Time(c.w.step, len(k)), k[c.w.step]))
	}
	c.updating = false
}

// sync shows s in the controls without triggering requests.
func (c *controls) sync(s Settings) {
	c.updating = true
	defer func() { c.updating = false }()
	c.dsNames = c.dsNames[:0]
	var opts []string
	for _, n := range BuiltinNames() {
		c.dsNames = append(c.dsNames, n)
		t := datasetTitles[n]
		if t == "" {
			t = n
		}
		opts = append(opts, t)
	}
	if !IsBuiltin(s.Dataset) {
		c.dsNames = append(c.dsNames, s.Dataset)
		opts = append(opts, "file: "+filepath.Base(s.Dataset))
	}
	c.dataset.Options = opts
	if strings.EqualFold(s.Dataset, hands.Name) {
		c.hands.Show()
	} else {
		c.hands.Hide()
	}
	for i, n := range c.dsNames {
		if n == strings.ToLower(s.Dataset) || n == s.Dataset {
			c.dataset.SetSelected(opts[i])
		}
	}
	if s.Limit == 0 {
		c.limit.SetCommitted("all")
	} else {
		c.limit.SetCommitted(strconv.Itoa(s.Limit))
	}
	c.class.SetSelected(c.classTitle(s.Class))
	spec, err := s.Spec()
	if err != nil { // e.g. a network not chosen yet: show the machine anyway
		k, _ := machine.ParseKind(s.Machine)
		spec = machine.Spec{Kind: k}
	}
	c.machine.SetSelected(spec.Kind.Title())
	c.boundary.SetSelected(boundaryOptions[spec.Boundary])
	if spec.Kind.HasPatch() {
		c.boundary.Enable()
		c.patchNote.Hide()
		c.modeBox.Show()
		for _, d := range c.patchItems {
			d.Enable()
		}
	} else {
		c.boundary.Disable()
		c.patchNote.SetText(noPatchReason(spec.Kind))
		c.patchNote.Show()
		c.modeBox.Hide() // the schedule editor: nothing to edit
		for _, d := range c.patchItems {
			d.Disable()
		}
	}
	if spec.Kind == machine.Network {
		c.netLabel.SetText(filepath.Base(s.Network))
		c.netBox.Show()
	} else {
		c.netBox.Hide()
	}
	if spec.Kind == machine.PCALocality {
		c.tau.SetCommitted(strconv.FormatFloat(spec.Tau, 'g', -1, 64))
		c.temp.SetCommitted(strconv.FormatFloat(spec.Temperature, 'g', -1, 64))
		c.pcaBox.Show()
	} else {
		c.pcaBox.Hide()
	}
	if spec.Extension() {
		c.extNote.SetText(spec.String() + " is an extension of SPEC.md (not a machine of the paper).")
		c.extNote.Show()
	} else {
		c.extNote.Hide()
	}
	c.mode.SetSelected(string(s.Mode))
	c.constant.SetValue(float64(s.Constant))
	c.constLabel.SetText(fmt.Sprintf("k = %d", s.Constant))
	c.preset.SetSelected(s.Preset)
	c.steps.SetCommitted(strconv.Itoa(s.Steps))
	c.seed.SetCommitted(strconv.FormatUint(s.Seed, 10))
	c.topK.SetValue(float64(s.TopK))
	c.topKLabel.SetText(fmt.Sprintf("K = %d", s.TopK))
	c.refreshMode(s)
}

func (c *controls) classTitle(class int) string {
	if class < 0 {
		return "unconditional"
	}
	for _, t := range c.classes {
		if strings.HasPrefix(t, strconv.Itoa(class)+" ") || t == strconv.Itoa(class) {
			return t
		}
	}
	return strconv.Itoa(class)
}

// setClasses offers the labels of the data set in the class selector.
func (c *controls) setClasses(d *dataset.Dataset) {
	if d == nil {
		return
	}
	c.classes = ClassChoices(d)
	c.updating = true
	c.class.Options = append([]string{"unconditional"}, c.classes...)
	c.class.SetSelected(c.classTitle(c.w.settings.Class))
	c.class.Refresh()
	c.updating = false
}

// read builds settings from the controls, starting from the current ones.
func (c *controls) read() (Settings, error) {
	s := c.w.settings
	for i, o := range c.dataset.Options {
		if o == c.dataset.Selected && i < len(c.dsNames) {
			if s.Dataset != c.dsNames[i] {
				s.Class = -1
				s.Preset = PresetFor(c.dsNames[i], s.Boundary, s.Preset)
				c.preset.SetSelected(s.Preset)
			}
			s.Dataset = c.dsNames[i]
		}
	}
	if t := strings.TrimSpace(c.limit.Text); t == "all" || t == "0" {
		s.Limit = 0
	} else if n, err := strconv.Atoi(t); err != nil || n < 1 {
		return s, fmt.Errorf("number of training images: %q is not a positive whole number (or \"all\")", t)
	} else {
		s.Limit = n
	}
	if sel := c.class.Selected; sel == "unconditional" || sel == "" {
		s.Class = -1
	} else if n, err := strconv.Atoi(strings.Fields(sel)[0]); err == nil {
		s.Class = n
	}
	if name := MachineName(c.machine.Selected); name != "" {
		s.Machine = name
	}
	if s.Machine == machine.PCALocality.String() {
		// Empty fields (the machine has just been picked) take the
		// defaults of SPEC.md.
		tau, temp := machine.DefaultTau, machine.DefaultTemperature
		var err error
		if t := strings.TrimSpace(c.tau.Text); t != "" {
			if tau, err = strconv.ParseFloat(t, 64); err != nil || !(tau > 0 && tau <= 1) {
				return s, fmt.Errorf("tau: %q is not a number in (0, 1] (the default is %v)", c.tau.Text, machine.DefaultTau)
			}
		}
		if t := strings.TrimSpace(c.temp.Text); t != "" {
			if temp, err = strconv.ParseFloat(t, 64); err != nil || !(temp > 0) || math.IsInf(temp, 0) {
				return s, fmt.Errorf("temperature: %q is not a positive number (the default is %v)", c.temp.Text, machine.DefaultTemperature)
			}
		}
		s.Tau, s.Temperature = tau, temp
	}
	s.Boundary = strings.Fields(c.boundary.Selected + " zeros")[0]
	s.Mode = ScheduleMode(c.mode.Selected)
	s.Constant = int(c.constant.Value) | 1
	if c.preset.Selected != "" {
		s.Preset = c.preset.Selected
	}
	if s.Mode == ScheduleCustom && len(s.Custom) != s.Steps {
		k, _ := c.w.settings.Schedule()
		s.Custom = k
	}
	n, err := strconv.Atoi(strings.TrimSpace(c.steps.Text))
	if err != nil {
		return s, fmt.Errorf("steps: %q is not a whole number", c.steps.Text)
	}
	if n != s.Steps {
		s = s.WithSteps(n)
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(c.seed.Text), 10, 64)
	if err != nil {
		return s, fmt.Errorf("seed: %q is not a non-negative whole number", c.seed.Text)
	}
	s.Seed = seed
	s.TopK = int(c.topK.Value)
	return s, nil
}

// disabler is a control that can be switched off.
type disabler interface {
	Enable()
	Disable()
}

// noPatchReason says why a machine ignores the patch-size schedule.
func noPatchReason(k machine.Kind) string {
	switch k {
	case machine.Wiener:
		return "Wiener has no patch size: it is one linear filter over the whole image."
	case machine.PCALocality:
		return "PCA-locality has no patch size: each pixel's neighbourhood is read off the data (tau sets it)."
	case machine.Network:
		return "A trained network has no patch size here: it is what the machines try to explain."
	}
	return k.Title() + " has no patch size: it compares whole images."
}

// changed reacts to a user edit of any control.
func (c *controls) changed() {
	if c.updating {
		return
	}
	if MachineName(c.machine.Selected) == machine.Network.String() && c.w.settings.Network == "" {
		c.openNetwork() // a network machine needs a checkpoint first
		return
	}
	s, err := c.read()
	if err != nil {
		c.w.status.SetText("⚠ " + err.Error())
		return
	}
	if s.Mode != c.w.settings.Mode || s.Machine != c.w.settings.Machine || s.Boundary != c.w.settings.Boundary {
		c.sync(s)
	}
	c.w.request(s)
}

// openFile lets the user pick a data set file (.npy, IDX, gzipped IDX).
func (c *controls) openFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, c.w.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		c.openDataset(path)
	}, c.w.win)
}

// openNetwork lets the user pick a network checkpoint (.pt, .safetensors)
// and switches to it; cancelling keeps the current machine.
func (c *controls) openNetwork() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, c.w.win)
		}
		if r == nil || err != nil {
			c.sync(c.w.settings) // back to the machine in use
			return
		}
		path := r.URI().Path()
		r.Close()
		c.useNetwork(path)
	}, c.w.win)
}

// useNetwork switches to the Network machine on the checkpoint at path; a
// checkpoint that does not load, or does not fit the data, is reported
// and the previous machine stays.
func (c *controls) useNetwork(path string) {
	s := c.w.settings
	s.Machine, s.Network = machine.Network.String(), path
	c.w.request(s)
	c.sync(c.w.settings)
}

// openFolder lets the user pick a folder of images (one sub-folder per
// class, or flat).
func (c *controls) openFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, c.w.win)
			return
		}
		if u == nil {
			return
		}
		c.openDataset(u.Path())
	}, c.w.win)
}

// openDataset switches to a data set file or folder; on a load error the
// controller reports it in a dialog and the previous state stays.
func (c *controls) openDataset(path string) {
	s := c.w.settings
	s.Dataset, s.Labels, s.Class = path, "", -1
	c.w.request(s)
	c.sync(c.w.settings)
}
