package app

import (
	"testing"

	"mosaic/model/network"
)

// TestGalleryNetwork checks which network the hands gallery sets beside
// its machine: none when the gallery samples a network itself, the
// network the user opened, else the built-in zero-padding ResNet of the
// data set when Mosaic ships one.
func TestGalleryNetwork(t *testing.T) {
	s := DefaultSettings()
	s.Dataset, s.Machine = "hands", "els"
	want := ""
	if network.IsBuiltin("hands-resnet-zeros") {
		want = "hands-resnet-zeros"
	}
	if got := galleryNetwork(s); got != want {
		t.Errorf("hands with ELS: %q, want %q", got, want)
	}
	s.Network = "/tmp/mine.safetensors"
	if got := galleryNetwork(s); got != "/tmp/mine.safetensors" {
		t.Errorf("with an opened network: %q, want it", got)
	}
	s.Machine = "network"
	if got := galleryNetwork(s); got != "" {
		t.Errorf("the gallery of a network: column %q, want none", got)
	}
	s = DefaultSettings()
	s.Dataset = "no-such-set"
	if got := galleryNetwork(s); got != "" {
		t.Errorf("a data set without a built-in network: %q, want none", got)
	}
}

// TestBuiltinNetworkFor checks the choice of a data set's own built-in
// network: its padding when shipped, else zero padding, else none.
func TestBuiltinNetworkFor(t *testing.T) {
	if got := builtinNetworkFor("no-such-set", "zeros"); got != "" {
		t.Errorf("no-such-set: %q", got)
	}
	if !network.IsBuiltin("mnist-resnet-zeros") {
		t.Skip("this build ships no mnist-resnet-zeros")
	}
	if got := builtinNetworkFor("mnist", "reflect"); got != "mnist-resnet-zeros" {
		t.Errorf("mnist, reflect: %q, want mnist-resnet-zeros (no reflect network ships)", got)
	}
	if network.IsBuiltin("mnist-resnet-circular") {
		if got := builtinNetworkFor("mnist", "circular"); got != "mnist-resnet-circular" {
			t.Errorf("mnist, circular: %q", got)
		}
	}
}
