package network

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"mosaic/assets"
)

// builtinFS holds the built-in networks, NAME.safetensors in networks/;
// tests replace it.
var builtinFS fs.FS = assets.Networks

// builtinCache keeps the built-in networks loaded once.
var builtinCache sync.Map // name -> *Net

// BuiltinNames returns the names of the networks Mosaic ships, sorted.
func BuiltinNames() []string {
	entries, err := fs.ReadDir(builtinFS, "networks")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".safetensors"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// IsBuiltin reports whether name is a built-in network's name.
func IsBuiltin(name string) bool { return slices.Contains(BuiltinNames(), name) }

// Builtin returns the built-in network called name, loading it on first
// use.
func Builtin(name string) (*Net, error) {
	if n, ok := builtinCache.Load(name); ok {
		return n.(*Net), nil
	}
	if !IsBuiltin(name) {
		known := BuiltinNames()
		if len(known) == 0 {
			return nil, fmt.Errorf("no built-in network %q: this build ships none; give a checkpoint file", name)
		}
		return nil, fmt.Errorf("no built-in network %q: the built-in ones are %s (or give a checkpoint file)", name, strings.Join(known, ", "))
	}
	data, err := fs.ReadFile(builtinFS, path.Join("networks", name+".safetensors"))
	if err != nil {
		return nil, fmt.Errorf("built-in network %s: %w", name, err)
	}
	n, err := loadBytes(data, name, func() (*Config, error) { return nil, nil })
	if err != nil {
		return nil, fmt.Errorf("built-in network %s: %w", name, err)
	}
	actual, _ := builtinCache.LoadOrStore(name, n)
	return actual.(*Net), nil
}

// Open returns the built-in network called nameOrPath, or else loads the
// checkpoint file at that path (Load).
func Open(nameOrPath string) (*Net, error) {
	if IsBuiltin(nameOrPath) {
		return Builtin(nameOrPath)
	}
	return Load(nameOrPath)
}
