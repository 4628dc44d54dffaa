//go:build unix

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"mosaic/model/budget"
)

// npyRaw builds a .npy file from a header dict and raw data bytes.
func npyRaw(dict string, data []byte) []byte {
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(b[8:], uint16(len(h)))
	return append(append(b, h...), data...)
}

// TestBadInputMatrix is the matrix of bad and odd inputs of issue 9: every
// row must exit with the given status and a message naming the problem,
// and leave the outputs that were there before byte for byte as they were
// (and no temporary file). The machine's memory is set to 23 GB, as on the
// machine where the issue was found.
func TestBadInputMatrix(t *testing.T) {
	old := budget.MemAvailable
	defer func() { budget.MemAvailable = old }()
	budget.MemAvailable = func() (int64, bool) { return 23e9, true }

	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	put := func(name string, b []byte) string {
		if err := os.WriteFile(p(name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p(name)
	}
	good := writeNpy(t, p("good.npy"), []int{4, 1, 8, 8}, randomImages(1, 4, 1, 8, 8))
	noise := func(name string, scale float64, nan bool) string {
		z := randomImages(2, 1, 1, 8, 8)
		for i := range z {
			z[i] *= scale
		}
		if nan {
			z[5] = math.NaN()
		}
		return writeNpy(t, p(name), []int{1, 8, 8}, z)
	}
	huge := noise("huge.npy", 1e19, false)
	nanNoise := noise("nan.npy", 1, true)
	x := noise("x.npy", 1, false)

	f32 := make([]byte, 4*64)
	put("badmagic.npy", append([]byte("NOTNUMPY"), f32...))
	put("truncated.npy", npyRaw("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 1, 8, 8), }", f32[:100]))
	hugeHdr := append([]byte("\x93NUMPY\x02\x00"), 0xff, 0xff, 0xff, 0x7f)
	put("hugeheader.npy", hugeHdr)
	put("absurd.npy", npyRaw("{'descr': '<f4', 'fortran_order': False, 'shape': (999999999, 999999999), }", nil))
	put("complex.npy", npyRaw("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 1, 8, 8), }", make([]byte, 8*64)))
	put("bool.npy", npyRaw("{'descr': '|b1', 'fortran_order': False, 'shape': (4, 1, 8, 8), }", make([]byte, 4*64)))
	put("onedim.npy", npyRaw("{'descr': '<f4', 'fortran_order': False, 'shape': (64,), }", f32[:256]))
	nanTrain := randomImages(3, 4, 1, 8, 8)
	nanTrain[70] = math.NaN()
	writeNpy(t, p("nantrain.npy"), []int{4, 1, 8, 8}, nanTrain)
	writeNpy(t, p("labels3.npy"), []int{3}, []float64{0, 1, 2})

	// A gzipped IDX that declares 300000x32x32 (307 million values, over
	// the data set limit): refused from its header, before inflating.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	hdr := []byte{0, 0, 8, 3}
	for _, d := range []uint32{300000, 32, 32} {
		hdr = binary.BigEndian.AppendUint32(hdr, d)
	}
	zw.Write(hdr)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	put("big-idx3-ubyte.gz", gz.Bytes())

	// A folder holding one 4096x4096 PNG.
	os.Mkdir(p("bigpng"), 0o755)
	var pb bytes.Buffer
	png.Encode(&pb, image.NewGray(image.Rect(0, 0, 4096, 4096)))
	put(filepath.Join("bigpng", "a.png"), pb.Bytes())

	os.Mkdir(p("adir"), 0o755)
	put("afile", []byte("x"))

	// The outputs that exist before each run and must survive it.
	outs := map[string][]byte{"out.npy": []byte("previous frames"), "den.npy": []byte("previous denoised"), "out.png": []byte("previous png"), "out.csv": []byte("previous csv")}
	frames, pngOut := p("out.npy"), p("out.png")
	sample := []string{"sample", "--train", good, "--seed", "1", "--patch", "3", "--frames", frames, "--png", pngOut}

	rows := []struct {
		name string
		args []string
		code int
		want []string
	}{
		// Item 1: no input may panic.
		{"huge --steps", append(sample, "--steps", "99999999999999"), 2, []string{"--steps", "at most 1000000"}},
		// Item 2: work or memory that cannot fit.
		{"mnist at 512x512", []string{"sample", "--dataset", "mnist", "--size", "512", "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"memory", "23 GB is available", "--limit"}},
		{"300M steps", append(sample, "--steps", "300000000"), 2, []string{"--steps", "at most"}},
		{"4096x4096 PNG in a folder", []string{"sample", "--train", p("bigpng"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"4096x4096", "at most 512x512"}},
		{"--size over the limit", []string{"sample", "--dataset", "mnist", "--size", "4096", "--seed", "1", "--patch", "3", "--frames", frames}, 2, []string{"at most 512x512"}},
		// Item 3: never NaN with exit 0.
		{"noise scaled by 1e19", []string{"sample", "--train", good, "--noise", huge, "--patch", "3", "--frames", frames}, 1, []string{"huge.npy", "within +-100"}},
		{"NaN noise", []string{"sample", "--train", good, "--noise", nanNoise, "--patch", "3", "--frames", frames}, 1, []string{"NaN"}},
		{"weights --t 1e-10", []string{"weights", "--train", good, "--x", x, "--t", "1e-10", "--patch", "3", "--pixel", "3,3"}, 2, []string{"--t 1e-10 is too small", "6.8e-09"}},
		{"denoise --t 1e-10", []string{"denoise", "--train", good, "--x", x, "--t", "1e-10", "--patch", "3", "--out", frames}, 2, []string{"too small"}},
		{"denoise huge --x", []string{"denoise", "--train", good, "--x", huge, "--t", "0.5", "--patch", "3", "--out", frames}, 1, []string{"within +-100"}},
		// Item 4: odd output paths, before any computation.
		{"--png a directory", []string{"sample", "--train", good, "--seed", "1", "--patch", "3", "--frames", frames, "--png", p("adir")}, 2, []string{"--png", "is a directory"}},
		{"--out a directory", []string{"denoise", "--train", good, "--x", x, "--t", "0.5", "--patch", "3", "--out", p("adir")}, 2, []string{"is a directory"}},
		{"fingers --csv a directory", []string{"fingers", "--train", good, "--patch", "3", "--samples", "1", "--csv", p("adir"), "--png", pngOut}, 2, []string{"--csv", "is a directory"}},
		// Item 5: outputs checked up front, written together.
		{"--denoised in a missing folder", append(sample, "--denoised", p("nope/d.npy")), 2, []string{"--denoised", "does not exist"}},
		{"--denoised under a file", append(sample, "--denoised", p("afile/d.npy")), 2, []string{"--denoised", "not a folder"}},
		{"the same file twice", append(sample, "--denoised", frames), 2, []string{"--frames already writes there"}},
		// Item 6: loose ends.
		{"gzipped IDX declaring 300000x32x32", []string{"sample", "--train", p("big-idx3-ubyte.gz"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"300000 32 32", "limit"}},
		{"bool .npy", []string{"sample", "--train", p("bool.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"bool", "uint8"}},
		// The existing classes.
		{"bad magic", []string{"sample", "--train", p("badmagic.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"magic"}},
		{"truncated", []string{"sample", "--train", p("truncated.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"truncated"}},
		{"huge header", []string{"sample", "--train", p("hugeheader.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"header length", "absurd"}},
		{"absurd shape", []string{"sample", "--train", p("absurd.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"absurd"}},
		{"complex dtype", []string{"sample", "--train", p("complex.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"unsupported dtype"}},
		{"1-D shape", []string{"sample", "--train", p("onedim.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"[64]"}},
		{"NaN in the training set", []string{"sample", "--train", p("nantrain.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"NaN"}},
		{"labels mismatch", []string{"sample", "--train", good, "--labels", p("labels3.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"3 labels", "4 images"}},
		{"bad flag", append(sample, "--bogus"), 2, []string{"flag provided but not defined"}},
		{"even patch", []string{"sample", "--train", good, "--seed", "1", "--patch", "4", "--frames", frames}, 2, []string{"odd"}},
		{"missing training file", []string{"sample", "--train", p("missing.npy"), "--seed", "1", "--patch", "3", "--frames", frames}, 1, []string{"missing.npy"}},
		{"missing --x", []string{"denoise", "--train", good, "--x", p("missing.npy"), "--t", "0.5", "--patch", "3", "--out", frames}, 1, []string{"missing.npy"}},
		{"compare --csv a directory", []string{"compare", "--net", "nonet", "--train", good, "--patch", "3", "--csv", p("adir")}, 2, []string{"is a directory"}},
		{"calibrate --save bad name", []string{"calibrate", "--net", "nonet", "--train", good, "--save", "Bad Name"}, 2, []string{"--save"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			for name, b := range outs {
				put(name, b)
			}
			before, _ := os.ReadDir(dir)
			code, stdout, stderr := cli(t, r.args...)
			if code != r.code {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, r.code, stdout, stderr)
			}
			for _, w := range r.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("the message does not say %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stdout, "NaN") {
				t.Errorf("panic or NaN:\n%s%s", stdout, stderr)
			}
			for name, b := range outs {
				if got, err := os.ReadFile(p(name)); err != nil || !bytes.Equal(got, b) {
					t.Errorf("%s changed: %q %v", name, got, err)
				}
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("%d files in the folder before, %d after: %v", len(before), len(after), after)
			}
		})
	}
}

// TestOddOutputPaths: outputs through a symbolic link, to /dev/null, to a
// named pipe and to standard output work without replacing what the path
// is, the summary moves to standard error when an output is standard
// output, and every file gets the same mode.
func TestOddOutputPaths(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	good := writeNpy(t, p("good.npy"), []int{4, 1, 8, 8}, randomImages(1, 4, 1, 8, 8))
	base := []string{"sample", "--train", good, "--seed", "1", "--patch", "3", "--quiet"}

	// A symbolic link stays a link; its target gets the frames.
	os.Mkdir(p("real"), 0o755)
	os.WriteFile(p("real/f.npy"), []byte("old"), 0o600)
	os.Symlink("real/f.npy", p("link.npy"))
	code, stdout, stderr := cli(t, append(base, "--frames", p("link.npy"), "--png", p("x.png"), "--denoised", "/dev/null")...)
	expectCode(t, 0, code, stdout, stderr)
	if st, _ := os.Lstat(p("link.npy")); st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("--frames replaced the symbolic link")
	}
	if a := readNpy(t, p("real/f.npy")); a.Shape[0] != 20 {
		t.Errorf("the link's target holds %v", a.Shape)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v", st.Mode())
	}
	// One mode for every file: 0644 minus the umask.
	fst, _ := os.Stat(p("real/f.npy"))
	pst, _ := os.Stat(p("x.png"))
	if fst.Mode().Perm() != pst.Mode().Perm() || fst.Mode().Perm()&0o044 == 0 && pst.Mode().Perm()&0o044 != 0 {
		t.Errorf("frames %v, png %v", fst.Mode().Perm(), pst.Mode().Perm())
	}
	for _, d := range []string{dir, p("real")} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp") {
				t.Errorf("temporary file left: %s", e.Name())
			}
		}
	}

	// "-" is standard output: the PNG alone goes there, the summary to
	// standard error.
	code, stdout, stderr = cli(t, append(base, "--png", "-")...)
	expectCode(t, 0, code, stdout, stderr)
	if _, err := png.Decode(strings.NewReader(stdout)); err != nil {
		t.Errorf("standard output is not a PNG: %v", err)
	}
	if !strings.Contains(stderr, "nearest") || !strings.Contains(stderr, "wrote     - ") {
		t.Errorf("no summary on standard error:\n%s", stderr)
	}

	// A named pipe is written in place.
	fifo := p("fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		got := make(chan []byte)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- nil
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- b
		}()
		code, stdout, stderr = cli(t, append(base, "--frames", fifo)...)
		expectCode(t, 0, code, stdout, stderr)
		if b := <-got; !bytes.HasPrefix(b, []byte("\x93NUMPY")) {
			t.Errorf("the pipe carried %d bytes, not a .npy", len(b))
		}
		if st, _ := os.Lstat(fifo); st.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced")
		}
	}
}

// TestLongScheduleIsAbbreviated: a schedule of thousands of steps prints
// as runs, not as a line of thousands of numbers.
func TestLongScheduleIsAbbreviated(t *testing.T) {
	dir := t.TempDir()
	good := writeNpy(t, filepath.Join(dir, "good.npy"), []int{2, 1, 5, 5}, randomImages(1, 2, 1, 5, 5))
	code, stdout, stderr := cli(t, "sample", "--train", good, "--seed", "1", "--machine", "ls", "--patch", "3", "--steps", "3000", "--quiet")
	expectCode(t, 0, code, stdout, stderr)
	for _, l := range strings.Split(stdout, "\n") {
		if len(l) > 300 {
			t.Errorf("summary line of %d characters: %.80s...", len(l), l)
		}
	}
	if !strings.Contains(stdout, "[3 x 3000]") {
		t.Errorf("schedule not abbreviated:\n%s", stdout)
	}
	if got := fmtSchedule([]int{1, 3, 3, 5, 7, 7, 7}); got != "1,3,3,5,7,7,7" {
		t.Errorf("short schedule printed %q", got)
	}
}

// TestInterruptWhileWritingLeavesNothing: a cancel (SIGINT, SIGTERM) that
// arrives while the outputs are written removes the temporary files and
// replaces nothing.
func TestInterruptWhileWritingLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	good := writeNpy(t, filepath.Join(dir, "good.npy"), []int{2, 1, 5, 5}, randomImages(1, 2, 1, 5, 5))
	frames := filepath.Join(dir, "f.npy")
	os.WriteFile(frames, []byte("old"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	// The summary is printed after the commit; the progress lines before
	// it. Cancel at the last progress line: the run then fails in Commit.
	var errb cancelAt
	errb.at, errb.cancel = "step 1/", cancel
	var out bytes.Buffer
	code := runContext(ctx, []string{"sample", "--train", good, "--seed", "1", "--patch", "3", "--steps", "200", "--frames", frames}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d\n%s", code, errb.String())
	}
	if b, _ := os.ReadFile(frames); string(b) != "old" {
		t.Errorf("frames replaced after an interrupt")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("files left: %v", ents)
	}
}

// cancelAt is a stderr that cancels when a line containing at is written.
type cancelAt struct {
	bytes.Buffer
	at     string
	cancel func()
}

func (c *cancelAt) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.at) {
		c.cancel()
	}
	return c.Buffer.Write(p)
}
