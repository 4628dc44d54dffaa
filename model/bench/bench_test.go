package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mosaic/model/machine"
)

func TestRunSmall(t *testing.T) {
	var buf bytes.Buffer
	if err := Run(context.Background(), &buf, Options{Quick: true, Sizes: []int{8}, AttributionSize: 8, Random: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"trajectory ELS zeros", "trajectory ELS circular", "attribution", "mosaic map"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
}

// TestWholeProcessRows runs the whole-process rows with stand-ins for
// mosaic-cli: one that succeeds (a row is printed, with the command
// line and the kernel in use) and one that fails (the row says why).
func TestWholeProcessRows(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.sh")
	args := filepath.Join(dir, "args")
	if err := os.WriteFile(ok, []byte("#!/bin/sh\necho \"$@ $MOSAIC_KERNEL\" > "+args+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.sh")
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho broken >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Run(context.Background(), &buf, Options{Quick: true, Sizes: []int{16}, AttributionSize: 16, Exe: ok}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "whole process: mosaic-cli sample, ELS zeros") {
		t.Errorf("no whole-process row:\n%s", buf.String())
	}
	got, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sample --dataset mnist --limit 16 --machine els --boundary zeros --preset mnist-resnet-zeros --seed 1 --frames ", machine.Kernel()} {
		if !strings.Contains(string(got), want) {
			t.Errorf("arguments %q lack %q", got, want)
		}
	}
	buf.Reset()
	if err := Run(context.Background(), &buf, Options{Quick: true, Sizes: []int{16}, AttributionSize: 16, Exe: bad}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "not measured") || !strings.Contains(buf.String(), "broken") {
		t.Errorf("a failing process is not reported:\n%s", buf.String())
	}
}
