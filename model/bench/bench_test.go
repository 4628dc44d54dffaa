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

// TestTargetNote checks that the table says when the kernel in use is not
// the one issue 14's targets assume.
func TestTargetNote(t *testing.T) {
	if got := targetNote("avx512"); strings.Contains(got, "expected") || !strings.Contains(got, "issue 14") {
		t.Errorf("avx512: %q", got)
	}
	for _, k := range []string{"avx2", "go"} {
		if got := targetNote(k); !strings.Contains(got, "uses "+k+", so a NO here is expected") {
			t.Errorf("%s: %q", k, got)
		}
	}
	defer machine.SetKernel(machine.Kernel()) // Run sets the kernel for the process
	var buf bytes.Buffer
	if err := Run(context.Background(), &buf, Options{Quick: true, Sizes: []int{8}, AttributionSize: 8, Random: true, Kernel: "go"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "this run uses go") {
		t.Errorf("the table does not name the kernel against the targets:\n%s", buf.String())
	}
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

// TestWholeProcessPeakIsTheChilds: the peak RSS of a whole-process row is
// the child's own, not this process's (which the rusage of a child
// reports on Linux): after this process has touched 300 MB, a stand-in
// that sleeps for 0.3 s must still read as a few MB.
func TestWholeProcessPeakIsTheChilds(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: the rusage is all there is")
	}
	big := make([]byte, 300<<20)
	for i := range big {
		big[i] = byte(i)
	}
	dir := t.TempDir()
	sleeper := filepath.Join(dir, "sleep.sh")
	if err := os.WriteFile(sleeper, []byte("#!/bin/sh\nsleep 0.3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, peak, err := runProcess(context.Background(), sleeper, 16, 1, "go")
	if err != nil {
		t.Fatal(err)
	}
	if peakRSS() < 300 || peak <= 0 || peak > 50 {
		t.Errorf("child peak %.1f MB (this process %.0f MB): want the child's own few MB", peak, peakRSS())
	}
	big[len(big)-1]++ // keep big alive until here
}
