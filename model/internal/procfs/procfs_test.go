package procfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFieldAndBytes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "status")
	text := "Name:\tmosaic\nUmask:\t0022\nVmHWM:\t   54016 kB\nVmHWMx:\t1 kB\nBad:\tlots kB\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := Field(p, "Umask"); !ok || v != "0022" {
		t.Errorf("Umask = %q, %v", v, ok)
	}
	if b, ok := Bytes(p, "VmHWM"); !ok || b != 54016*1024 {
		t.Errorf("VmHWM = %d, %v, want %d", b, ok, 54016*1024)
	}
	if _, ok := Bytes(p, "Bad"); ok {
		t.Error("a value that is not a number was read")
	}
	if _, ok := Field(p, "Vm"); ok {
		t.Error("a key prefix matched")
	}
	if _, ok := Field(filepath.Join(t.TempDir(), "none"), "Name"); ok {
		t.Error("a missing file gave a value")
	}
}
