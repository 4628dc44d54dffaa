//go:build amd64 && !purego

package machine

import (
	"testing"
	"unsafe"
)

// TestHexpRowArgsLayout checks hexpRowArgs against the offsets that the
// row kernels read (hexpRow2 and hexpRow512; listed at hexpRow512 in
// kernel_avx512_amd64.s, used by rowargs_amd64.h).
func TestHexpRowArgsLayout(t *testing.T) {
	var a hexpRowArgs
	for _, f := range []struct {
		name     string
		got, off uintptr
	}{
		{"dst", unsafe.Offsetof(a.dst), 0}, {"dsum", unsafe.Offsetof(a.dsum), 8}, {"vin", unsafe.Offsetof(a.vin), 16},
		{"zero", unsafe.Offsetof(a.zero), 24}, {"off", unsafe.Offsetof(a.off), 32}, {"mx", unsafe.Offsetof(a.mx), 40},
		{"best", unsafe.Offsetof(a.best), 48}, {"v", unsafe.Offsetof(a.v), 56}, {"bias", unsafe.Offsetof(a.bias), 64},
		{"out", unsafe.Offsetof(a.out), 72}, {"n", unsafe.Offsetof(a.n), 80}, {"nvec", unsafe.Offsetof(a.nvec), 88},
		{"lb", unsafe.Offsetof(a.lb), 96}, {"klb", unsafe.Offsetof(a.klb), 104}, {"s", unsafe.Offsetof(a.s), 112},
		{"skip", unsafe.Offsetof(a.skip), 116}, {"i", unsafe.Offsetof(a.i), 120}, {"f0", unsafe.Offsetof(a.f0), 128},
		{"f1", unsafe.Offsetof(a.f1), 136}, {"pn", unsafe.Offsetof(a.pn), 144}, {"po", unsafe.Offsetof(a.po), 152},
		{"xn", unsafe.Offsetof(a.xn), 160}, {"xo", unsafe.Offsetof(a.xo), 168}, {"a", unsafe.Offsetof(a.a), 176},
	} {
		if f.got != f.off {
			t.Errorf("hexpRowArgs.%s at offset %d, the assembly reads %d", f.name, f.got, f.off)
		}
	}
}
