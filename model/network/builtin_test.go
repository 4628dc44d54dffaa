package network

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinNetworksByName(t *testing.T) {
	// A stand-in for the embedded folder, holding one network saved as the
	// built-in ones are (safetensors with the config in its metadata).
	net, err := NewRandom(Config{Arch: "resnet", Channels: 1, EmbDim: 16, Mode: "zeros", KernelSize: 3, LastKSize: 1, NumLayers: 2, ImageSize: 8}, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "toy-resnet.safetensors")
	if err := SaveSafetensors(file, net); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	old := builtinFS
	t.Cleanup(func() { builtinFS = old; builtinCache.Clear() })
	builtinFS = fstest.MapFS{
		"networks/toy-resnet.safetensors": {Data: data},
		"networks/README.md":              {Data: []byte("not a network")},
	}
	if got := BuiltinNames(); len(got) != 1 || got[0] != "toy-resnet" {
		t.Fatalf("BuiltinNames() = %v", got)
	}
	b, err := Open("toy-resnet")
	if err != nil {
		t.Fatal(err)
	}
	if b.Info().Source != "toy-resnet" || b.Info().ImageSize != 8 {
		t.Errorf("info %+v", b.Info())
	}
	again, _ := Builtin("toy-resnet")
	if again != b {
		t.Error("a built-in network was loaded twice")
	}
	// The same weights as the file.
	x := make([]float64, 64)
	for i := range x {
		x[i] = float64(i%7)/3 - 1
	}
	d1, err := b.Denoise(t.Context(), x, 1, 8, 8, 0.4, -1)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := net.Denoise(t.Context(), x, 1, 8, 8, 0.4, -1)
	for i := range d1 {
		if d1[i] != d2[i] {
			t.Fatalf("value %d: built-in %v, saved network %v", i, d1[i], d2[i])
		}
	}
	// A name that is not built in is looked up as a file; the error names both.
	if _, err := Open("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Open(nope): %v", err)
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "toy-resnet") {
		t.Errorf("Builtin(nope): %v", err)
	}
	// Loading from bytes does not depend on the file system.
	if !bytes.HasPrefix(data[8:], []byte("{")) {
		t.Error("the saved file is not safetensors")
	}
}
