package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mosaic/model/dataset"
	"mosaic/model/hands"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/schedule"
	"mosaic/widgets"
)

// datasetTitles are the display names of the known built-in sets.
var datasetTitles = map[string]string{"mnist": "MNIST", "fashion": "Fashion-MNIST", "hands": "Hands (procedural)"}

// controlsHost is what the settings panel may ask of the window: the
// settings to start from, and what the user did.
type controlsHost interface {
	// settings returns the settings in use.
	settings() Settings
	// apply asks for new settings (refused ones are reported, and the
	// panel is shown the settings in use again).
	apply(s Settings)
	// setStep moves to frame i (Left/Right on the focused schedule chart).
	setStep(i int)
	// warn reports a value the panel cannot read.
	warn(msg string)
	// openGallery opens the hands gallery.
	openGallery()
	// pickFile and pickFolder ask for a path (see dialogs).
	pickFile(exts []string, then func(path string), cancelled func())
	pickFolder(then func(path string))
}

// controls is the settings panel on the left. It shows the settings it is
// given (show) without reporting them back, and turns the user's edits
// into settings for host.apply.
type controls struct {
	host controlsHost

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
	// netBox picks the network of the "Network" machine: the built-in
	// networks and the checkpoint opened last in netSel (netPaths are
	// their names or paths), a button to open another checkpoint, and the
	// network's architecture in netInfo (shown for that machine only).
	netBox   *fyne.Container
	netSel   *widget.Select
	netPaths []string
	netInfo  *widget.Label
	// scheduleFor, when set, names the machine that uses the patch-size
	// schedule although A's machine has none (side B of Network vs
	// machine): the schedule controls stay on for it.
	scheduleFor string
	// patchNote says why the patch-size controls are off for a machine
	// without patches.
	patchNote  *widget.Label
	patchItems []disabler
	mode       *widget.RadioGroup
	modeShown  ScheduleMode // the mode whose controls modeBox holds
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
	step       int            // the frame on screen (showStep), for stepK
}

func newControls(host controlsHost) *controls {
	c := &controls{host: host}
	c.dataset = widget.NewSelect(nil, func(string) { c.changed() })
	c.limit = widgets.NewCommitSelectEntry([]string{"100", "250", "500", "1000", "2000", "5000", "all"})
	c.limit.OnCommit = func(string) { c.changed() }
	c.class = widget.NewSelect([]string{"unconditional"}, func(string) { c.changed() })
	c.machine = widget.NewSelect(machine.KindTitles(), func(string) { c.changed() })
	c.tau = widgets.NewCommitSelectEntry([]string{"0.005", "0.01", "0.02", "0.05", "0.1", "0.2"})
	c.tau.OnCommit = func(string) { c.changed() }
	c.temp = widgets.NewCommitSelectEntry([]string{"0.25", "0.5", "1", "2", "4"})
	c.temp.OnCommit = func(string) { c.changed() }
	c.pcaBox = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("tau"), nil, c.tau),
		container.NewBorder(nil, nil, widget.NewLabel("Temperature"), nil, c.temp))
	c.netSel = widget.NewSelect(nil, c.pickNetwork)
	c.netSel.PlaceHolder = "(no network)"
	c.netInfo = widget.NewLabel("")
	c.netInfo.Wrapping = fyne.TextWrapWord
	c.netInfo.SizeName = theme.SizeNameCaptionText
	c.netBox = container.NewVBox(container.NewBorder(nil, nil, nil, widget.NewButton("Open network…", c.openNetwork), c.netSel), c.netInfo)
	c.patchNote = widget.NewLabel("")
	c.patchNote.Wrapping = fyne.TextWrapWord
	c.patchNote.Importance = widget.MediumImportance
	c.boundary = widget.NewSelect(machine.BoundaryTitles(), func(string) { c.changed() })
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
	c.editor.OnChanged = func(k []int, step int) { host.apply(host.settings().WithCustom(k)) }
	c.editor.OnCurrent = host.setStep // Left/Right on the focused chart
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
	c.hands = widget.NewButtonWithIcon("Hands gallery…", theme.GridIcon(), host.openGallery)
	c.hands.Importance = widget.HighImportance
	c.show(host.settings())
	return c
}

// newSeed applies the settings in use with a random seed.
func (c *controls) newSeed() {
	s := c.host.settings()
	s.Seed = uint64(rand.IntN(1_000_000))
	c.host.apply(s)
}

// panel lays out every control.
func (c *controls) panel() fyne.CanvasObject {
	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.NewVBox(
		heading("Data"),
		c.dataset,
		c.hands,
		container.NewGridWithColumns(2, widget.NewButton("Open file…", c.openFile), widget.NewButton("Open folder…", c.openFolder)),
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
		container.NewBorder(nil, nil, widget.NewLabel("Seed"), widget.NewButton("New seed", c.newSeed), c.seed),
		widget.NewSeparator(),
		heading("Inspector"),
		container.NewBorder(nil, nil, c.topKLabel, nil, c.topK),
	)
}

// essential is the single row of controls kept in presentation mode.
func (c *controls) essential() fyne.CanvasObject {
	wide := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.New(&minWidth{w: w}, o)
	}
	return container.NewHBox(wide(c.machine, 11*theme.TextSize()), widget.NewSeparator(), wide(c.boundary, 12*theme.TextSize()), widget.NewSeparator(),
		wide(c.preset, 16*theme.TextSize()), widget.NewButton("New seed", c.newSeed), c.hands)
}

// showMode puts the controls of schedule mode m in modeBox.
func (c *controls) showMode(m ScheduleMode) {
	if m == c.modeShown {
		return
	}
	c.modeShown = m
	switch m {
	case ScheduleConstant:
		c.modeBox.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, c.constLabel, nil, c.constant)}
	case SchedulePreset:
		c.modeBox.Objects = []fyne.CanvasObject{c.preset, widget.NewLabel("drag the bars to edit a copy:"), c.editor}
	default:
		c.modeBox.Objects = []fyne.CanvasObject{widget.NewLabel("drag or tap the bars (one per step):"), c.editor, c.stepK}
	}
	c.modeBox.Refresh()
}

// showStep marks frame i on the schedule editor and names its patch size.
func (c *controls) showStep(i int) {
	c.step = i
	c.editor.SetCurrent(i)
	k, err := c.host.settings().Schedule()
	if err == nil && i >= 1 && i < len(k) {
		c.stepK.SetText(fmt.Sprintf("step %d (t = %.2f): k = %d", i, schedule.Time(i, len(k)), k[i]))
	}
}

// show shows s in the controls. Nothing is reported back: the widgets'
// values are set without calling their OnChanged.
func (c *controls) show(s Settings) {
	c.showDataset(s)
	spec, err := s.Spec()
	if err != nil { // e.g. a network not chosen yet: show the machine anyway
		k, _ := machine.ParseKind(s.Machine)
		spec = machine.Spec{Kind: k}
	}
	c.showMachine(s, spec)
	showRadio(c.mode, string(s.Mode))
	showValue(c.constant, float64(s.Constant))
	c.constLabel.SetText(fmt.Sprintf("k = %d", s.Constant))
	showSelected(c.preset, s.Preset)
	c.steps.SetCommitted(strconv.Itoa(s.Steps))
	c.seed.SetCommitted(strconv.FormatUint(s.Seed, 10))
	showValue(c.topK, float64(s.TopK))
	c.topKLabel.SetText(fmt.Sprintf("K = %d", s.TopK))
	c.showMode(s.Mode)
	if k, err := s.Schedule(); err == nil {
		c.editor.SetMaxK(max(15, k.Max()+4) | 1)
		c.editor.SetSchedule(k)
		if c.step >= 1 && c.step < len(k) {
			c.stepK.SetText(fmt.Sprintf("step %d (t = %.2f): k = %d", c.step, schedule.Time(c.step, len(k)), k[c.step]))
		}
	}
}

// showDataset shows the data set, its size and class of s.
func (c *controls) showDataset(s Settings) {
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
	if !slices.Equal(opts, c.dataset.Options) {
		c.dataset.Options = opts
		c.dataset.Refresh()
	}
	setShown(c.hands, strings.EqualFold(s.Dataset, hands.Name))
	for i, n := range c.dsNames {
		if n == strings.ToLower(s.Dataset) || n == s.Dataset {
			showSelected(c.dataset, opts[i])
		}
	}
	if s.Limit == 0 {
		c.limit.SetCommitted("all")
	} else {
		c.limit.SetCommitted(strconv.Itoa(s.Limit))
	}
	showSelected(c.class, c.classTitle(s.Class))
}

// showMachine shows the machine of s (spec) with the controls it uses.
func (c *controls) showMachine(s Settings, spec machine.Spec) {
	showSelected(c.machine, spec.Kind.Title())
	showSelected(c.boundary, spec.Boundary.Title())
	patch := spec.Kind.HasPatch()
	setEnabled(c.boundary, patch)
	sched := patch || c.scheduleFor != ""
	for _, d := range c.patchItems {
		setEnabled(d, sched)
	}
	if !patch {
		note := noPatchReason(spec.Kind)
		if c.scheduleFor != "" {
			note = "The patch sizes below are side B's: " + c.scheduleFor + " at the network's x_t."
		}
		c.patchNote.SetText(note)
	}
	setShown(c.patchNote, !patch)
	setShown(c.modeBox, sched) // the schedule editor: nothing to edit without patches
	if spec.Kind == machine.Network {
		c.showNetworkChoice(s.Network)
	}
	setShown(c.netBox, spec.Kind == machine.Network)
	if spec.Kind == machine.PCALocality {
		c.tau.SetCommitted(strconv.FormatFloat(spec.Tau, 'g', -1, 64))
		c.temp.SetCommitted(strconv.FormatFloat(spec.Temperature, 'g', -1, 64))
	}
	setShown(c.pcaBox, spec.Kind == machine.PCALocality)
	if spec.Extension() {
		c.extNote.SetText(spec.String() + " is an extension of SPEC.md (not a machine of the paper).")
	}
	setShown(c.extNote, spec.Extension())
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

// setClasses offers the labels of the data set d in the class selector,
// class selected.
func (c *controls) setClasses(d *dataset.Dataset, class int) {
	if d == nil {
		return
	}
	c.classes = ClassChoices(d)
	opts := append([]string{"unconditional"}, c.classes...)
	if !slices.Equal(opts, c.class.Options) {
		c.class.Options = opts
		c.class.Refresh()
	}
	showSelected(c.class, c.classTitle(class))
}

// read builds settings from the controls, starting from the ones in use.
func (c *controls) read() (Settings, error) {
	s := c.host.settings()
	newData := false
	for i, o := range c.dataset.Options {
		if o == c.dataset.Selected && i < len(c.dsNames) {
			if s.Dataset != c.dsNames[i] {
				newData = true
				s.Class = -1
				s.Preset = PresetFor(c.dsNames[i], s.Boundary, s.Preset)
			}
			s.Dataset = c.dsNames[i]
		}
	}
	if !newData && c.preset.Selected != "" {
		s.Preset = c.preset.Selected
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
	if name := machineName(c.machine.Selected); name != "" {
		s.Machine = name
	}
	if s.Machine == machine.PCALocality.String() {
		var err error
		if s.Tau, s.Temperature, err = c.readPCA(); err != nil {
			return s, err
		}
	}
	if b := boundaryName(c.boundary.Selected); b != "" {
		s.Boundary = b
	}
	s.Mode = ScheduleMode(c.mode.Selected)
	s.Constant = int(c.constant.Value) | 1
	if s.Mode == ScheduleCustom && len(s.Custom) != s.Steps {
		k, _ := c.host.settings().Schedule()
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

// readPCA reads PCA-locality's tau and temperature; empty fields (the
// machine has just been picked) take the defaults of SPEC.md.
func (c *controls) readPCA() (tau, temp float64, err error) {
	tau, temp = machine.DefaultTau, machine.DefaultTemperature
	if t := strings.TrimSpace(c.tau.Text); t != "" {
		if tau, err = strconv.ParseFloat(t, 64); err != nil || !(tau > 0 && tau <= 1) {
			return 0, 0, fmt.Errorf("tau: %q is not a number in (0, 1] (the default is %v)", c.tau.Text, machine.DefaultTau)
		}
	}
	if t := strings.TrimSpace(c.temp.Text); t != "" {
		if temp, err = strconv.ParseFloat(t, 64); err != nil || !(temp > 0) || math.IsInf(temp, 0) {
			return 0, 0, fmt.Errorf("temperature: %q is not a positive number (the default is %v)", c.temp.Text, machine.DefaultTemperature)
		}
	}
	return tau, temp, nil
}

// disabler is a control that can be switched off.
type disabler interface {
	Enable()
	Disable()
	Disabled() bool
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

// showNetworkChoice offers the built-in networks and the checkpoint in use
// (when it is a file) in the network picker, with current selected.
func (c *controls) showNetworkChoice(current string) {
	c.netPaths = c.netPaths[:0]
	var opts []string
	for _, n := range network.BuiltinNames() {
		c.netPaths = append(c.netPaths, n)
		opts = append(opts, n+" (built in)")
	}
	if current != "" && !network.IsBuiltin(current) {
		c.netPaths = append(c.netPaths, current)
		opts = append(opts, "file: "+filepath.Base(current))
	}
	if !slices.Equal(opts, c.netSel.Options) {
		c.netSel.Options = opts
		c.netSel.Refresh()
	}
	if i := slices.Index(c.netPaths, current); i >= 0 {
		showSelected(c.netSel, opts[i])
	} else {
		showSelected(c.netSel, "")
	}
}

// pickNetwork switches to the network picked in the network picker.
func (c *controls) pickNetwork(title string) {
	if i := slices.Index(c.netSel.Options, title); i >= 0 && i < len(c.netPaths) && c.netPaths[i] != c.host.settings().Network {
		c.useNetwork(c.netPaths[i])
	}
}

// showNetwork describes the network of a Network machine under the
// picker: architecture, width, layers, padding and image size.
func (c *controls) showNetwork(m *machine.Machine) {
	net, ok := m.Network().(*network.Net)
	if !ok {
		c.netInfo.SetText("")
		return
	}
	c.netInfo.SetText(NetworkSummary(net.Info()))
}

// NetworkSummary describes a network in one line ("ResNet · width 32 · 6
// layers · zeros padding · 32x32 images · 59,905 parameters").
func NetworkSummary(in network.Info) string {
	arch := map[string]string{"resnet": "ResNet", "unet": "UNet"}[in.Arch]
	if arch == "" {
		arch = in.Arch
	}
	layers := fmt.Sprintf("%d layers", in.Layers)
	if in.Arch == "unet" {
		layers = fmt.Sprintf("%d levels", in.Layers)
	}
	size := "any image size"
	if in.ImageSize > 0 {
		size = fmt.Sprintf("%dx%d images", in.ImageSize, in.ImageSize)
	}
	parts := []string{arch, fmt.Sprintf("width %d", in.EmbDim), layers, in.Padding + " padding", size}
	if in.Channels > 1 {
		parts = append(parts, fmt.Sprintf("%d channels", in.Channels))
	}
	if in.Normalization {
		parts = append(parts, "GroupNorm")
	}
	if in.Conditional {
		parts = append(parts, fmt.Sprintf("conditional on %d classes", in.NumClasses))
	}
	parts = append(parts, thousands(in.Params)+" parameters")
	return strings.Join(parts, " · ")
}

// setScheduleFor keeps the schedule controls on for machine (side B of
// Network vs machine) while A's machine has no patches; "" undoes it.
func (c *controls) setScheduleFor(machine string) {
	if c.scheduleFor == machine {
		return
	}
	c.scheduleFor = machine
	c.show(c.host.settings())
}

// changed reacts to a user edit of any control.
func (c *controls) changed() {
	if machineName(c.machine.Selected) == machine.Network.String() && c.host.settings().Network == "" {
		cur := c.host.settings()
		if name := builtinNetworkFor(cur.Dataset, cur.Boundary); name != "" {
			c.useNetwork(name) // the data set's own built-in network
			return
		}
		if names := network.BuiltinNames(); len(names) > 0 {
			c.useNetwork(names[0]) // the first built-in network
			return
		}
		c.openNetwork() // a network machine needs a checkpoint first
		return
	}
	s, err := c.read()
	if err != nil {
		c.host.warn(err.Error())
		return
	}
	c.host.apply(s)
}

// openFile lets the user pick a data set file (.npy, IDX, gzipped IDX).
func (c *controls) openFile() { c.host.pickFile(nil, c.openDataset, nil) }

// openFolder lets the user pick a folder of images (one sub-folder per
// class, or flat).
func (c *controls) openFolder() { c.host.pickFolder(c.openDataset) }

// openNetwork lets the user pick a network checkpoint (.pt, .safetensors)
// and switches to it; cancelling keeps the current machine.
func (c *controls) openNetwork() {
	c.host.pickFile(nil, c.useNetwork, func() { c.show(c.host.settings()) })
}

// useNetwork switches to the Network machine on the checkpoint at path; a
// checkpoint that does not load, or does not fit the data, is reported
// and the previous machine stays.
func (c *controls) useNetwork(path string) {
	s := c.host.settings()
	s.Machine, s.Network = machine.Network.String(), path
	c.host.apply(s)
	c.show(c.host.settings())
}

// openDataset switches to a data set file or folder; on a load error the
// controller reports it in a dialog and the previous state stays.
func (c *controls) openDataset(path string) {
	s := c.host.settings()
	s.Dataset, s.Labels, s.Class = path, "", -1
	c.host.apply(s)
}

// showRadio shows v in a radio group without calling its OnChanged.
func showRadio(r *widget.RadioGroup, v string) {
	if r.Selected != v {
		r.Selected = v
		r.Refresh()
	}
}

// showValue shows v on a slider without calling its OnChanged.
func showValue(s *widget.Slider, v float64) {
	if s.Value != v {
		s.Value = v
		s.Refresh()
	}
}

// setEnabled switches a control on or off.
func setEnabled(d disabler, on bool) {
	if on && d.Disabled() {
		d.Enable()
	} else if !on && !d.Disabled() {
		d.Disable()
	}
}
