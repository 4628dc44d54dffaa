package network

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/big"
	"mosaic/model/internal/boundedread"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// Reading PyTorch files (torch.save since PyTorch 1.6: a zip archive with
// ARCHIVE/data.pkl and one record ARCHIVE/data/KEY per storage). The pickle
// is run by gopickle's unpickler with classes of our own: every class that
// is not a tensor, storage, set or ordered dict becomes a pyObject that
// keeps its __dict__, so a pickled nn.Module arrives with its _parameters
// and _modules ordered dicts and its hyper-parameters as attributes.
//
// This is what gopickle's pytorch.LoadWithUnpickler does, driven here
// directly so that the loader can bound every allocation by the size of the
// file (scanPickle, and storages read only as far as their records go),
// read from memory (for the fuzz target), and never reach the legacy
// (pre-1.6) code path, which panics on some inputs.

// maxPickle bounds the size of data.pkl.
const maxPickle = 64 << 20

// pyObject is an instance of a pickled Python class.
type pyObject struct {
	module, name string
	dict         map[string]any
}

func (o *pyObject) PyDictSet(key, value any) error {
	k, ok := key.(string)
	if !ok {
		return fmt.Errorf("%s.%s: attribute name %v is not a string", o.module, o.name, key)
	}
	o.dict[k] = value
	return nil
}

func (o *pyObject) PySetAttr(key string, value any) error {
	o.dict[key] = value
	return nil
}

// pyClass is a pickled reference to a Python class; instantiating it
// (NEWOBJ or REDUCE) gives an empty pyObject whose attributes BUILD fills.
type pyClass struct{ module, name string }

func (c *pyClass) PyNew(args ...any) (any, error) {
	return &pyObject{module: c.module, name: c.name, dict: map[string]any{}}, nil
}

func (c *pyClass) Call(args ...any) (any, error) { return c.PyNew(args...) }

// callable adapts a Go function to a pickled Python function.
type callable func(args ...any) (any, error)

func (f callable) Call(args ...any) (any, error) { return f(args...) }

// ptStorageType is a torch.XStorage class named in a persistent id.
type ptStorageType struct{ dt dtype }

// ptStorage is one storage record of the archive.
type ptStorage struct {
	dt    dtype
	numel int
	raw   []byte
}

// ptTensor is a rebuilt tensor, contiguous, converted to float32.
type ptTensor struct {
	shape []int
	data  []float32
	dtype string
}

var storageTypes = map[string]dtype{
	"FloatStorage": dtF32, "DoubleStorage": dtF64, "HalfStorage": dtF16, "BFloat16Storage": dtBF16,
	"LongStorage": dtI64, "IntStorage": dtI32, "ShortStorage": dtI16, "CharStorage": dtI8,
	"ByteStorage": dtU8, "BoolStorage": dtBool,
}

// readTorch unpickles a PyTorch zip archive held in data.
func readTorch(data []byte) (obj any, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a readable PyTorch zip archive: %w", err)
	}
	records := make(map[string]*zip.File, len(zr.File))
	var pkl *zip.File
	for _, f := range zr.File {
		records[f.Name] = f
		switch path.Base(f.Name) {
		case "constants.pkl":
			return nil, fmt.Errorf("a TorchScript archive (torch.jit.save) is not supported: save the model with torch.save(model) or torch.save(model.state_dict())")
		case "data.pkl":
			if pkl == nil || len(f.Name) < len(pkl.Name) {
				pkl = f
			}
		}
	}
	if pkl == nil {
		return nil, fmt.Errorf("zip archive without data.pkl: not a torch.save file")
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	if pkl.UncompressedSize64 > maxPickle {
		return nil, fmt.Errorf("data.pkl declares %d bytes (at most %d supported)", pkl.UncompressedSize64, maxPickle)
	}
	pdata, err := readRecord(pkl, int(pkl.UncompressedSize64))
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	if err := scanPickle(pdata); err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			obj, err = nil, fmt.Errorf("data.pkl: corrupt pickle (%v)", p)
		}
	}()
	storages := map[string]*ptStorage{}
	u := pickle.NewUnpickler(bytes.NewReader(pdata))
	u.FindClass = findTorchClass
	u.PersistentLoad = func(id any) (any, error) {
		return loadStorage(id, records, prefix, storages, len(data))
	}
	obj, err = u.Load()
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	return obj, nil
}

// readRecord reads n bytes of a zip record, allocating only as data arrives.
func readRecord(f *zip.File, n int) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return boundedread.ReadN(rc, n)
}

func findTorchClass(module, name string) (any, error) {
	switch module + "." + name {
	case "torch._utils._rebuild_tensor_v2":
		return callable(rebuildTensor), nil
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		return callable(func(args ...any) (any, error) {
			if len(args) < 1 {
				return nil, fmt.Errorf("_rebuild_parameter without arguments")
			}
			if _, ok := args[0].(*ptTensor); !ok {
				return nil, fmt.Errorf("_rebuild_parameter of a %T, not a tensor", args[0])
			}
			return args[0], nil
		}), nil
	case "builtins.set", "__builtin__.set":
		return callable(func(args ...any) (any, error) { return types.NewSet(), nil }), nil
	}
	if module == "torch" && strings.HasSuffix(name, "Storage") {
		dt, ok := storageTypes[name]
		if !ok {
			return nil, fmt.Errorf("tensor storage torch.%s is not supported", name)
		}
		return &ptStorageType{dt}, nil
	}
	return &pyClass{module: module, name: name}, nil
}

// loadStorage answers a persistent id ('storage', torch.XStorage, key,
// location, numel) with the bytes of record data/KEY.
func loadStorage(id any, records map[string]*zip.File, prefix string, cache map[string]*ptStorage, fileSize int) (any, error) {
	t, ok := id.(*types.Tuple)
	if !ok || t.Len() < 5 {
		return nil, fmt.Errorf("persistent id %v is not a storage tuple", id)
	}
	kind, _ := t.Get(0).(string)
	st, ok1 := t.Get(1).(*ptStorageType)
	key, ok2 := t.Get(2).(string)
	numel, ok3 := t.Get(4).(int)
	if kind != "storage" || !ok1 || !ok2 || !ok3 || numel < 0 {
		return nil, fmt.Errorf("persistent id %v is not a storage tuple", id)
	}
	if s, ok := cache[key]; ok {
		return s, nil
	}
	f, ok := records[prefix+"data/"+key]
	if !ok {
		return nil, fmt.Errorf("storage record data/%s missing from the archive", key)
	}
	if uint64(numel) > uint64(fileSize)*8/uint64(st.dt.size) || uint64(numel)*uint64(st.dt.size) > f.UncompressedSize64 {
		return nil, fmt.Errorf("storage data/%s declares %d %s values but its record holds %d bytes", key, numel, st.dt.name, f.UncompressedSize64)
	}
	raw, err := readRecord(f, numel*st.dt.size)
	if err != nil {
		return nil, fmt.Errorf("storage data/%s: %w", key, err)
	}
	s := &ptStorage{dt: st.dt, numel: numel, raw: raw}
	cache[key] = s
	return s, nil
}

// rebuildTensor is torch._utils._rebuild_tensor_v2(storage, offset, size,
// stride, requires_grad, backward_hooks[, metadata]): it gathers the view
// into a contiguous float32 tensor.
func rebuildTensor(args ...any) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 with %d arguments", len(args))
	}
	s, ok := args[0].(*ptStorage)
	off, ok1 := args[1].(int)
	size, ok2 := intTuple(args[2])
	stride, ok3 := intTuple(args[3])
	if !ok || !ok1 || !ok2 || !ok3 || len(size) != len(stride) || off < 0 || len(size) > 8 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 with unexpected arguments")
	}
	n, last := 1, off
	for i, d := range size {
		if d < 0 || stride[i] < 0 || d > 1<<31 || stride[i] > 1<<40 {
			return nil, fmt.Errorf("tensor with size %v and stride %v", size, stride)
		}
		if d == 0 {
			n = 0
			break
		}
		n *= d
		last += (d - 1) * stride[i]
		if n > 1<<31 || last > s.numel+1<<31 {
			return nil, fmt.Errorf("tensor with size %v too large", size)
		}
	}
	if n > s.numel {
		return nil, fmt.Errorf("tensor of size %v has more values than its storage of %d", size, s.numel)
	}
	if n > 0 && last >= s.numel {
		return nil, fmt.Errorf("tensor view (offset %d, size %v, stride %v) outside its storage of %d values", off, size, stride, s.numel)
	}
	all, err := s.dt.toFloat32(s.raw, s.numel)
	if err != nil {
		return nil, err
	}
	data := make([]float32, n)
	idx := make([]int, len(size))
	for i := range n {
		p := off
		for d, v := range idx {
			p += v * stride[d]
		}
		data[i] = all[p]
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < size[d] {
				break
			}
			idx[d] = 0
		}
	}
	return &ptTensor{shape: size, data: data, dtype: s.dt.name}, nil
}

func intTuple(v any) ([]int, bool) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, false
	}
	out := make([]int, t.Len())
	for i := range out {
		if out[i], ok = t.Get(i).(int); !ok {
			return nil, false
		}
	}
	return out, true
}

// entry is one key/value pair of a pickled dict, in order.
type entry struct {
	key   string
	value any
}

// items returns the string-keyed entries of a dict or OrderedDict in order.
func items(v any) ([]entry, bool) {
	var out []entry
	switch d := v.(type) {
	case *types.OrderedDict:
		for e := d.List.Front(); e != nil; e = e.Next() {
			oe, ok := e.Value.(*types.OrderedDictEntry)
			if !ok {
				return nil, false
			}
			k, ok := oe.Key.(string)
			if !ok {
				return nil, false
			}
			out = append(out, entry{k, oe.Value})
		}
	case *types.Dict:
		for _, de := range *d {
			k, ok := de.Key.(string)
			if !ok {
				return nil, false
			}
			out = append(out, entry{k, de.Value})
		}
	default:
		return nil, false
	}
	return out, true
}

// moduleTree is a pickled nn.Module flattened as state_dict does.
type moduleTree struct {
	params []Param
	mods   map[string]*pyObject // by dotted path; the root is ""
	order  []string
	seen   map[*pyObject]bool
}

const maxModuleDepth = 64

func (m *moduleTree) walk(o *pyObject, prefix string, depth int) error {
	if depth > maxModuleDepth {
		return fmt.Errorf("module tree deeper than %d levels", maxModuleDepth)
	}
	if m.seen[o] {
		return fmt.Errorf("module %s appears twice in the module tree (shared or cyclic modules are not supported)", describePath(prefix))
	}
	m.seen[o] = true
	m.mods[prefix] = o
	m.order = append(m.order, prefix)
	dot := prefix
	if dot != "" {
		dot += "."
	}
	for _, attr := range []string{"_parameters", "_buffers"} {
		v, ok := o.dict[attr]
		if !ok {
			continue
		}
		es, ok := items(v)
		if !ok {
			return fmt.Errorf("module %s: %s is not a dict", describePath(prefix), attr)
		}
		for _, e := range es {
			if e.value == nil {
				continue
			}
			t, ok := e.value.(*ptTensor)
			if !ok {
				return fmt.Errorf("module %s: %s[%q] is a %T, not a tensor", describePath(prefix), attr, e.key, e.value)
			}
			m.params = append(m.params, Param{Name: dot + e.key, Shape: t.shape, Data: t.data})
		}
	}
	v, ok := o.dict["_modules"]
	if !ok {
		return nil
	}
	es, ok := items(v)
	if !ok {
		return fmt.Errorf("module %s: _modules is not a dict", describePath(prefix))
	}
	for _, e := range es {
		if e.value == nil {
			continue
		}
		c, ok := e.value.(*pyObject)
		if !ok {
			return fmt.Errorf("module %s: submodule %s is a %T", describePath(prefix), e.key, e.value)
		}
		if err := m.walk(c, dot+e.key, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func describePath(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

// knownLayers are the module classes the two backbones are made of.
var knownLayers = map[string]bool{
	"MinimalResNet": true, "MinimalUNet": true, "EmbeddingModule": true, "UBlock": true,
	"Conv2d": true, "ConvTranspose2d": true, "Linear": true, "GroupNorm": true, "ReLU": true,
	"Sequential": true, "ModuleList": true, "Embedding": true, "MaxPool2d": true,
}

// fromTorchObject turns the unpickled content of a .pt file into a
// network. A state_dict needs the JSON side file (side, nil when absent).
func fromTorchObject(obj any, side *Config, source string) (*Net, error) {
	return fromTorchObjectDepth(obj, side, source, 0)
}

func fromTorchObjectDepth(obj any, side *Config, source string, depth int) (*Net, error) {
	if o, ok := obj.(*pyObject); ok {
		return fromModule(o, source)
	}
	es, ok := items(obj)
	if !ok {
		return nil, fmt.Errorf("the file holds a %s; supported: a pickled MinimalResNet or MinimalUNet (torch.save(model)) or a state_dict (torch.save(model.state_dict())) with a JSON side file", pyTypeName(obj))
	}
	var params []Param
	for _, e := range es {
		t, ok := e.value.(*ptTensor)
		if !ok {
			// A training checkpoint: {"model": module or state_dict, ...}.
			for _, k := range []string{"model", "state_dict", "model_state_dict", "backbone", "net", "ema"} {
				if depth >= 2 {
					break
				}
				for _, e2 := range es {
					if e2.key == k {
						if _, isDict := items(e2.value); isDict || isObject(e2.value) {
							n, err := fromTorchObjectDepth(e2.value, side, source, depth+1)
							if err != nil {
								return nil, fmt.Errorf("entry %q: %w", k, err)
							}
							return n, nil
						}
					}
				}
			}
			return nil, fmt.Errorf("the file holds a dict whose entry %q is a %s, not a tensor; supported: a state_dict of tensors (or a dict with one under \"model\" or \"state_dict\")", e.key, pyTypeName(e.value))
		}
		params = append(params, Param{Name: e.key, Shape: t.shape, Data: t.data})
	}
	if side == nil {
		return nil, fmt.Errorf("the file holds a state_dict (%d tensors) but no hyper-parameters: put them in a JSON file beside it (same name, extension .json; see the package documentation)", len(params))
	}
	return New(*side, params, source)
}

func isObject(v any) bool { _, ok := v.(*pyObject); return ok }

func pyTypeName(v any) string {
	switch o := v.(type) {
	case *pyObject:
		return "pickled " + o.module + "." + o.name
	case *ptTensor:
		return fmt.Sprintf("tensor of shape %v", o.shape)
	case nil:
		return "None"
	case string:
		return "string"
	case int, *big.Int:
		return "integer"
	case float64:
		return "float"
	case *types.List:
		return "list"
	case *types.Tuple:
		return "tuple"
	case *types.Dict, *types.OrderedDict:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

// fromModule reads a pickled MinimalResNet or MinimalUNet, or a module that
// wraps one as .backbone (the authors' DDIM class).
func fromModule(root *pyObject, source string) (*Net, error) {
	imageSize := 0
	if root.name != "MinimalResNet" && root.name != "MinimalUNet" {
		if es, ok := items(root.dict["_modules"]); ok {
			for _, e := range es {
				if b, ok := e.value.(*pyObject); ok && e.key == "backbone" && (b.name == "MinimalResNet" || b.name == "MinimalUNet") {
					imageSize, _ = attrInt(root, "default_imsize")
					root = b
					break
				}
			}
		}
	}
	if root.name != "MinimalResNet" && root.name != "MinimalUNet" {
		var subs []string
		if es, ok := items(root.dict["_modules"]); ok {
			for _, e := range es {
				subs = append(subs, e.key)
			}
		}
		what := fmt.Sprintf("a pickled %s.%s", root.module, root.name)
		if len(subs) > 0 {
			if len(subs) > 8 {
				subs = append(subs[:8], "...")
			}
			what += " (submodules " + strings.Join(subs, ", ") + ")"
		}
		return nil, fmt.Errorf("the file holds %s; supported: MinimalResNet and MinimalUNet of Kamb & Ganguli (or a module holding one as .backbone), or a state_dict with a JSON side file", what)
	}
	tree := &moduleTree{mods: map[string]*pyObject{}, seen: map[*pyObject]bool{}}
	if err := tree.walk(root, "", 0); err != nil {
		return nil, err
	}
	for _, p := range tree.order {
		if o := tree.mods[p]; !knownLayers[o.name] {
			return nil, fmt.Errorf("module %s is a %s.%s, which %s does not have; supported layers: %s", describePath(p), o.module, o.name, root.name, strings.Join(sortedKeys(knownLayers), ", "))
		}
	}
	var cfg Config
	var err error
	if root.name == "MinimalResNet" {
		cfg, err = resnetConfig(root, tree)
	} else {
		cfg, err = unetConfig(root, tree)
	}
	if err != nil {
		return nil, fmt.Errorf("pickled %s: %w", root.name, err)
	}
	cfg.ImageSize = imageSize
	if err := checkLayers(tree, cfg); err != nil {
		return nil, fmt.Errorf("pickled %s: %w", root.name, err)
	}
	n, err := newNet(cfg, tree.params, source, tree.groupNormEps())
	if err != nil {
		return nil, fmt.Errorf("pickled %s: %w", root.name, err)
	}
	return n, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func attrInt(o *pyObject, name string) (int, bool) {
	switch v := o.dict[name].(type) {
	case int:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func attrBool(o *pyObject, name string) (bool, bool) {
	switch v := o.dict[name].(type) {
	case bool:
		return v, true
	case int:
		return v != 0, true
	}
	return false, false
}

func needInt(o *pyObject, name string) (int, error) {
	v, ok := attrInt(o, name)
	if !ok {
		return 0, fmt.Errorf("attribute %s missing or not an integer (%s)", name, pyTypeName(o.dict[name]))
	}
	return v, nil
}

// normalizationAttr reads the normalization attribute: None, or a string.
func normalizationAttr(o *pyObject) (string, error) {
	switch v := o.dict["normalization"].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", fmt.Errorf("attribute normalization is a %s", pyTypeName(o.dict["normalization"]))
}

func paramShape(tree *moduleTree, name string) []int {
	for _, p := range tree.params {
		if p.Name == name {
			return p.Shape
		}
	}
	return nil
}

// resnetConfig reads MinimalResNet's attributes (channels, emb_dim, mode,
// normalization, conditional, num_classes, num_layers, lastksize); the
// kernel size comes from up_projection's weight and add_one from the number
// of embedding MLPs.
func resnetConfig(root *pyObject, tree *moduleTree) (Config, error) {
	cfg := Config{Arch: "resnet"}
	var err error
	if cfg.Channels, err = needInt(root, "channels"); err != nil {
		return cfg, err
	}
	if cfg.EmbDim, err = needInt(root, "emb_dim"); err != nil {
		return cfg, err
	}
	if cfg.NumLayers, err = needInt(root, "num_layers"); err != nil {
		return cfg, err
	}
	cfg.LastKSize, _ = attrInt(root, "lastksize")
	cfg.Mode, _ = root.dict["mode"].(string)
	if cfg.Normalization, err = normalizationAttr(root); err != nil {
		return cfg, err
	}
	if cfg.Normalization != "" {
		// The authors' ResNet uses GroupNorm(8) for any normalization.
		cfg.Normalization = "GroupNorm"
	}
	cfg.Conditional, _ = attrBool(root, "conditional")
	cfg.NumClasses, _ = attrInt(root, "num_classes")
	if s := paramShape(tree, "up_projection.weight"); len(s) == 4 {
		cfg.KernelSize = s[2]
	} else {
		return cfg, fmt.Errorf("up_projection.weight missing or not 4-dimensional")
	}
	embs := 0
	for embs < 1<<20 && tree.mods[fmt.Sprintf("embs.%d", embs)] != nil {
		embs++
	}
	addOne := embs > cfg.NumLayers
	cfg.AddOne = &addOne
	return cfg, cfg.normalize()
}

// unetConfig reads MinimalUNet's attributes (fsizes, channels, conditional,
// emb_dim, kernel_size, lastksize, last_norm); the padding mode comes from
// the first convolution and the normalization from the layer after it.
func unetConfig(root *pyObject, tree *moduleTree) (Config, error) {
	cfg := Config{Arch: "unet"}
	var err error
	if cfg.Channels, err = needInt(root, "channels"); err != nil {
		return cfg, err
	}
	if cfg.EmbDim, err = needInt(root, "emb_dim"); err != nil {
		return cfg, err
	}
	if att, _ := attrBool(root, "attention"); att {
		return cfg, fmt.Errorf("attention layers are not supported")
	}
	cfg.KernelSize, _ = attrInt(root, "kernel_size")
	cfg.LastKSize, _ = attrInt(root, "lastksize")
	cfg.LastNorm, _ = attrBool(root, "last_norm")
	cfg.Conditional, _ = attrBool(root, "conditional")
	var fs []any
	switch v := root.dict["fsizes"].(type) {
	case *types.List:
		fs = *v
	case *types.Tuple:
		fs = *v
	default:
		return cfg, fmt.Errorf("attribute fsizes missing or not a list (%s)", pyTypeName(root.dict["fsizes"]))
	}
	for _, f := range fs {
		fi, ok := f.(int)
		if !ok {
			return cfg, fmt.Errorf("fsizes holds a %s", pyTypeName(f))
		}
		cfg.FSizes = append(cfg.FSizes, fi)
	}
	if s := paramShape(tree, "embedding.class_embeddings.weight"); len(s) == 2 {
		cfg.NumClasses = s[0]
	}
	first := tree.mods["feature_blocks.0.model.0"]
	if first == nil {
		return cfg, fmt.Errorf("feature_blocks.0.model.0 (the first convolution) missing")
	}
	cfg.Mode, _ = first.dict["padding_mode"].(string)
	if next := tree.mods["feature_blocks.0.model.1"]; next != nil {
		switch next.name {
		case "GroupNorm":
			cfg.Normalization = "GroupNorm"
		case "ReLU":
		default:
			return cfg, fmt.Errorf("normalization layer %s is not supported (supported: none, GroupNorm)", next.name)
		}
	}
	return cfg, cfg.normalize()
}

// checkLayers checks the attributes that the tensors' shapes do not show:
// every convolution has stride 1, dilation 1, one group and the network's
// padding mode, the transposed ones stride 2, and GroupNorms the number of
// groups the architecture uses.
func checkLayers(tree *moduleTree, cfg Config) error {
	for _, p := range tree.order {
		o := tree.mods[p]
		switch o.name {
		case "Conv2d":
			if m, _ := o.dict["padding_mode"].(string); m != cfg.Mode {
				return fmt.Errorf("convolution %s pads with %q, the network with %q", p, m, cfg.Mode)
			}
			if s, ok := intTuple(o.dict["stride"]); ok && !slices.Equal(s, []int{1, 1}) {
				return fmt.Errorf("convolution %s has stride %v (only 1 is supported)", p, s)
			}
			if d, ok := intTuple(o.dict["dilation"]); ok && !slices.Equal(d, []int{1, 1}) {
				return fmt.Errorf("convolution %s has dilation %v (only 1 is supported)", p, d)
			}
			if g, ok := attrInt(o, "groups"); ok && g != 1 {
				return fmt.Errorf("convolution %s has %d groups (only 1 is supported)", p, g)
			}
			if pad, ok := o.dict["padding"].(string); ok && pad != "same" {
				return fmt.Errorf("convolution %s has padding %q (only 'same' is supported)", p, pad)
			}
		case "ConvTranspose2d":
			if s, ok := intTuple(o.dict["stride"]); ok && !slices.Equal(s, []int{2, 2}) {
				return fmt.Errorf("transposed convolution %s has stride %v (only 2 is supported)", p, s)
			}
		case "GroupNorm":
			g, _ := attrInt(o, "num_groups")
			c, _ := attrInt(o, "num_channels")
			want := 8
			if cfg.Arch == "unet" {
				want = min(32, c)
			}
			if g != want {
				return fmt.Errorf("GroupNorm %s has %d groups over %d channels, the architecture %d", p, g, c, want)
			}
		}
	}
	return nil
}

// groupNormEps returns the eps attribute of every pickled GroupNorm.
func (m *moduleTree) groupNormEps() map[string]float64 {
	out := map[string]float64{}
	for p, o := range m.mods {
		if o.name == "GroupNorm" {
			if e, ok := o.dict["eps"].(float64); ok && e > 0 {
				out[p] = e
			}
		}
	}
	return out
}
