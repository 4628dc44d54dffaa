package network

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Param is one named tensor of a network, with the name and shape it has in
// the PyTorch state_dict (for example "convs.0.0.weight", [128, 128, 3, 3]).
type Param struct {
	Name  string
	Shape []int
	Data  []float32
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Info describes a loaded network.
type Info struct {
	// Arch is "resnet" or "unet".
	Arch string
	// Channels is the number of image channels the network takes and returns.
	Channels int
	// Padding is the convolutions' boundary mode, "zeros" or "circular".
	Padding string
	// Normalization is true when the network has GroupNorm layers in its
	// convolution path (the ResNet's embedding MLPs always have one).
	Normalization bool
	// Conditional networks take a class label in [0, NumClasses).
	Conditional bool
	NumClasses  int
	// EmbDim is the width of the time embedding (and of the ResNet's layers).
	EmbDim int
	// Layers is the ResNet's number of residual layers, or the UNet's number
	// of levels (len(fsizes)).
	Layers int
	// ImageSize is the side of the square images the network was trained on
	// when the checkpoint says so, else 0.
	ImageSize int
	// Source is the file the network was loaded from (or a name).
	Source string
	// Params is the number of scalar parameters.
	Params int
}

// Net is a trained denoiser backbone (MinimalResNet or MinimalUNet) ready
// for inference. It predicts the noise eps of a noisy image at time t; a Net
// is safe for concurrent use.
type Net struct {
	cfg    Config
	source string
	params []Param

	classEmb []float32 // [NumClasses, EmbDim] or nil

	// MinimalResNet.
	up       *conv2d
	embs     []embMLP
	convs    []*conv2d
	convNorm []*groupNorm // nil entries without normalization
	downNorm *groupNorm
	down     *conv2d

	// MinimalUNet.
	enc, dec []*uBlock
	bott     *uBlock
	ups      []*convT2
	lastEmb  *linear
	lastNorm *groupNorm
	out      *conv2d
}

// embMLP is the ResNet's Linear -> GroupNorm(8) -> ReLU on the embedding.
type embMLP struct {
	lin *linear
	gn  *groupNorm
}

// uBlock is the UNet's UBlock: x + Linear(ReLU(e)), then two
// Conv -> [GroupNorm] -> ReLU.
type uBlock struct {
	emb   *linear
	convs [2]*conv2d
	norms [2]*groupNorm
}

// Info describes the network.
func (n *Net) Info() Info {
	total := 0
	for _, p := range n.params {
		total += len(p.Data)
	}
	layers := n.cfg.NumLayers
	if n.cfg.Arch == "unet" {
		layers = len(n.cfg.FSizes)
	}
	return Info{
		Arch:          n.cfg.Arch,
		Channels:      n.cfg.Channels,
		Padding:       n.cfg.Mode,
		Normalization: n.cfg.Normalization != "",
		Conditional:   n.cfg.Conditional,
		NumClasses:    n.cfg.NumClasses,
		EmbDim:        n.cfg.EmbDim,
		Layers:        layers,
		ImageSize:     n.cfg.ImageSize,
		Source:        n.source,
		Params:        total,
	}
}

// Config returns the network's hyper-parameters.
func (n *Net) Config() Config {
	c := n.cfg
	c.FSizes = slices.Clone(c.FSizes)
	return c
}

// Params returns the network's tensors in state_dict order. The slices are
// the network's own: callers must not modify them.
func (n *Net) Params() []Param { return slices.Clone(n.params) }

// New builds a network from its hyper-parameters and its tensors, named as
// in the PyTorch state_dict. Every tensor the configuration needs must be
// present with its exact shape (biases may be absent), and no other tensor
// may be; source names the network in Info.
func New(cfg Config, params []Param, source string) (*Net, error) {
	return newNet(cfg, params, source, nil)
}

// newNet is New with the eps of GroupNorm layers by module path, when the
// checkpoint records them (pickled modules do).
func newNet(cfg Config, params []Param, source string, eps map[string]float64) (*Net, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	ps := paramSet{byName: make(map[string]Param, len(params)), eps: eps}
	for _, p := range params {
		if _, dup := ps.byName[p.Name]; dup {
			return nil, fmt.Errorf("tensor %s appears twice", p.Name)
		}
		if numel(p.Shape) != len(p.Data) {
			return nil, fmt.Errorf("tensor %s: shape %v does not match its %d values", p.Name, p.Shape, len(p.Data))
		}
		ps.byName[p.Name] = p
	}
	net := &Net{cfg: cfg, source: source, params: slices.Clone(params)}
	var err error
	if cfg.Arch == "resnet" {
		err = net.buildResNet(&ps)
	} else {
		err = net.buildUNet(&ps)
	}
	if err == nil {
		err = ps.unused()
	}
	if err != nil {
		return nil, fmt.Errorf("%s checkpoint does not match its hyper-parameters: %w", archName(cfg.Arch), err)
	}
	return net, nil
}

func archName(arch string) string {
	if arch == "unet" {
		return "MinimalUNet"
	}
	return "MinimalResNet"
}

// paramSet hands out named tensors with shape checks and remembers which
// were used.
type paramSet struct {
	byName map[string]Param
	used   map[string]bool
	eps    map[string]float64 // GroupNorm eps by module path, when known
	// record, when set, makes the set answer every request with a new
	// zero tensor of the requested shape and list it (see shapes).
	record *[]Param
}

func (s *paramSet) get(name string, shape ...int) ([]float32, error) {
	if s.record != nil {
		p := Param{Name: name, Shape: slices.Clone(shape), Data: make([]float32, numel(shape))}
		*s.record = append(*s.record, p)
		return p.Data, nil
	}
	p, ok := s.byName[name]
	if !ok {
		return nil, fmt.Errorf("tensor %s missing (want shape %v)", name, shape)
	}
	if !slices.Equal(p.Shape, shape) {
		return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, p.Shape, shape)
	}
	if s.used == nil {
		s.used = make(map[string]bool)
	}
	s.used[name] = true
	return p.Data, nil
}

// optional is get for a tensor that may be absent (a bias).
func (s *paramSet) optional(name string, shape ...int) ([]float32, error) {
	if _, ok := s.byName[name]; !ok && s.record == nil {
		return nil, nil
	}
	return s.get(name, shape...)
}

func (s *paramSet) has(name string) bool {
	_, ok := s.byName[name]
	return ok
}

func (s *paramSet) unused() error {
	var extra []string
	for name := range s.byName {
		if !s.used[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	if len(extra) > 5 {
		extra = append(extra[:5], fmt.Sprintf("and %d more", len(extra)-5))
	}
	return fmt.Errorf("unexpected tensors %s", strings.Join(extra, ", "))
}

func (s *paramSet) conv(prefix string, cout, cin, k int, circular bool) (*conv2d, error) {
	w, err := s.get(prefix+".weight", cout, cin, k, k)
	if err != nil {
		return nil, err
	}
	b, err := s.optional(prefix+".bias", cout)
	if err != nil {
		return nil, err
	}
	return &conv2d{cout: cout, cin: cin, k: k, circular: circular, w: w, b: b}, nil
}

func (s *paramSet) linear(prefix string, out, in int) (*linear, error) {
	w, err := s.get(prefix+".weight", out, in)
	if err != nil {
		return nil, err
	}
	b, err := s.optional(prefix+".bias", out)
	if err != nil {
		return nil, err
	}
	return &linear{out: out, in: in, w: w, b: b}, nil
}

func (s *paramSet) groupNorm(prefix string, groups, channels int) (*groupNorm, error) {
	if channels%groups != 0 {
		return nil, fmt.Errorf("%s: GroupNorm(%d, %d) needs channels divisible by groups", prefix, groups, channels)
	}
	g := &groupNorm{groups: groups, channels: channels, eps: 1e-5}
	if e, ok := s.eps[prefix]; ok {
		g.eps = e
	}
	if s.record != nil || s.has(prefix+".weight") || s.has(prefix+".bias") {
		var err error
		if g.w, err = s.get(prefix+".weight", channels); err != nil {
			return nil, err
		}
		if g.b, err = s.get(prefix+".bias", channels); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (n *Net) buildEmbedding(s *paramSet) error {
	if !n.cfg.Conditional {
		return nil
	}
	var err error
	n.classEmb, err = s.get("embedding.class_embeddings.weight", n.cfg.NumClasses, n.cfg.EmbDim)
	return err
}

// buildResNet follows the authors' MinimalResNet: embedding,
// up_projection, embs[i] = Sequential(Linear, GroupNorm(8), ReLU),
// convs[i] = Sequential(Conv, [GroupNorm(8)], ReLU), and down_projection =
// Conv, or Sequential(GroupNorm(8), Conv) with normalization.
func (n *Net) buildResNet(s *paramSet) error {
	c := &n.cfg
	circ := c.Mode == "circular"
	e, k := c.EmbDim, c.KernelSize
	if err := n.buildEmbedding(s); err != nil {
		return err
	}
	var err error
	if n.up, err = s.conv("up_projection", e, c.Channels, k, circ); err != nil {
		return err
	}
	nEmbs := c.NumLayers
	if c.addOne() {
		nEmbs++
	}
	for i := range nEmbs {
		p := fmt.Sprintf("embs.%d", i)
		lin, err := s.linear(p+".0", e, e)
		if err != nil {
			return err
		}
		gn, err := s.groupNorm(p+".1", 8, e)
		if err != nil {
			return err
		}
		n.embs = append(n.embs, embMLP{lin, gn})
	}
	if s.has(fmt.Sprintf("embs.%d.0.weight", nEmbs)) {
		return fmt.Errorf("more embedding MLPs than num_layers %d and add_one %v describe", c.NumLayers, c.addOne())
	}
	for i := range c.NumLayers {
		p := fmt.Sprintf("convs.%d", i)
		cv, err := s.conv(p+".0", e, e, k, circ)
		if err != nil {
			return err
		}
		var gn *groupNorm
		if c.Normalization != "" {
			if gn, err = s.groupNorm(p+".1", 8, e); err != nil {
				return err
			}
		}
		n.convs = append(n.convs, cv)
		n.convNorm = append(n.convNorm, gn)
	}
	if c.Normalization == "" {
		n.down, err = s.conv("down_projection", c.Channels, e, c.LastKSize, circ)
		return err
	}
	if n.downNorm, err = s.groupNorm("down_projection.0", 8, e); err != nil {
		return err
	}
	n.down, err = s.conv("down_projection.1", c.Channels, e, c.LastKSize, circ)
	return err
}

// buildUNet follows the authors' MinimalUNet: feature_blocks and
// bottleneck UBlocks (emb = Sequential(ReLU, Linear(emb_dim, in)), model =
// Sequential(Conv, [GroupNorm(min(32, out))], ReLU, Conv, [GroupNorm],
// ReLU)), upsamples[i] = ConvTranspose2d(f[l-i], f[l-i-1], 2, 2),
// output_blocks[i] = UBlock(2 f, f) with the default kernel 3, last_emb =
// Sequential(ReLU, Linear(emb_dim, f[0])), the optional last_normalizer
// GroupNorm(min(32, f[0])) and output_conv.
func (n *Net) buildUNet(s *paramSet) error {
	c := &n.cfg
	if err := n.buildEmbedding(s); err != nil {
		return err
	}
	f := c.FSizes
	in := c.Channels
	for i, fo := range f[:len(f)-1] {
		b, err := n.buildUBlock(s, fmt.Sprintf("feature_blocks.%d", i), in, fo, c.KernelSize)
		if err != nil {
			return err
		}
		n.enc = append(n.enc, b)
		in = fo
	}
	var err error
	if n.bott, err = n.buildUBlock(s, "bottleneck", f[len(f)-2], f[len(f)-1], c.KernelSize); err != nil {
		return err
	}
	for j, i := 0, len(f)-1; i > 0; j, i = j+1, i-1 {
		p := fmt.Sprintf("upsamples.%d", j)
		w, err := s.get(p+".weight", f[i], f[i-1], 2, 2)
		if err != nil {
			return err
		}
		b, err := s.optional(p+".bias", f[i-1])
		if err != nil {
			return err
		}
		n.ups = append(n.ups, newConvT2(w, b, f[i], f[i-1]))
		blk, err := n.buildUBlock(s, fmt.Sprintf("output_blocks.%d", j), 2*f[i-1], f[i-1], 3)
		if err != nil {
			return err
		}
		n.dec = append(n.dec, blk)
	}
	if n.lastEmb, err = s.linear("last_emb.1", f[0], c.EmbDim); err != nil {
		return err
	}
	if c.LastNorm && c.Normalization != "" {
		if n.lastNorm, err = s.groupNorm("last_normalizer", min(32, f[0]), f[0]); err != nil {
			return err
		}
	}
	n.out, err = s.conv("output_conv", c.Channels, f[0], c.LastKSize, c.Mode == "circular")
	return err
}

func (n *Net) buildUBlock(s *paramSet, prefix string, in, out, k int) (*uBlock, error) {
	b := &uBlock{}
	var err error
	if b.emb, err = s.linear(prefix+".emb.1", in, n.cfg.EmbDim); err != nil {
		return nil, err
	}
	circ := n.cfg.Mode == "circular"
	// Module indices inside model: Conv, [GroupNorm], ReLU per layer.
	stride := 2
	if n.cfg.Normalization != "" {
		stride = 3
	}
	cin := in
	for l := range 2 {
		if b.convs[l], err = s.conv(fmt.Sprintf("%s.model.%d", prefix, l*stride), out, cin, k, circ); err != nil {
			return nil, err
		}
		if n.cfg.Normalization != "" {
			if b.norms[l], err = s.groupNorm(fmt.Sprintf("%s.model.%d", prefix, l*stride+1), min(32, out), out); err != nil {
				return nil, err
			}
		}
		cin = out
	}
	return b, nil
}

// newConvT2 transposes a ConvTranspose2d weight [cin, cout, 2, 2] to the
// [cout*4, cin] matrix convT2 multiplies with.
func newConvT2(w, b []float32, cin, cout int) *convT2 {
	wt := make([]float32, cout*4*cin)
	for ci := range cin {
		for co := range cout {
			for q := range 4 {
				wt[(co*4+q)*cin+ci] = w[(ci*cout+co)*4+q]
			}
		}
	}
	return &convT2{cout: cout, cin: cin, wt: wt, b: b}
}
