package network

import (
	"strings"
	"testing"
)

func TestFitsImage(t *testing.T) {
	in := Info{ImageSize: 32}
	if err := in.FitsImage("net", 32, 32); err != nil {
		t.Errorf("32x32 on a 32x32 network: %v", err)
	}
	for _, hw := range [][2]int{{28, 28}, {32, 28}, {28, 32}} {
		err := in.FitsImage("net", hw[0], hw[1])
		if err == nil || !strings.Contains(err.Error(), "net was trained on 32x32 images") {
			t.Errorf("%v on a 32x32 network: %v", hw, err)
		}
	}
	if err := (Info{}).FitsImage("net", 17, 5); err != nil {
		t.Errorf("a network without a recorded size refused 17x5: %v", err)
	}
}

func TestClassFor(t *testing.T) {
	for _, class := range []int{-1, 0, 7, 99} {
		if got, err := (Info{}).ClassFor("net", class); got != -1 || err != nil {
			t.Errorf("unconditional, class %d: %d, %v; want -1, nil", class, got, err)
		}
	}
	cond := Info{Conditional: true, NumClasses: 10}
	for _, class := range []int{0, 9} {
		if got, err := cond.ClassFor("net", class); got != class || err != nil {
			t.Errorf("conditional, class %d: %d, %v", class, got, err)
		}
	}
	for class, want := range map[int]string{-1: "no class was chosen", 10: "class 10 is not one of them"} {
		_, err := cond.ClassFor("net", class)
		if err == nil || !strings.Contains(err.Error(), "classes 0 to 9") || !strings.Contains(err.Error(), want) {
			t.Errorf("conditional, class %d: %v; want %q", class, err, want)
		}
	}
}
