package outfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTemps fails if a temporary file is left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteFileReplacesWithOneMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	os.WriteFile(p, []byte("old"), 0o600)
	if err := WriteFile(p, text("new")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if read(t, p) != "new" || st.Mode().Perm() != Mode() {
		t.Errorf("content %q mode %v, want new %v", read(t, p), st.Mode().Perm(), Mode())
	}
	if Mode()&^0o644 != 0 {
		t.Errorf("mode %v is more than 0644", Mode())
	}
	noTemps(t, dir)
}

func TestSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	target := filepath.Join(dir, "real", "f.png")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.png")
	os.Symlink("real/f.png", link)
	if err := WriteFile(link, text("new")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a regular file")
	}
	if read(t, target) != "new" {
		t.Errorf("target holds %q", read(t, target))
	}
	// A dangling link: its target is created.
	dl := filepath.Join(dir, "dangling.png")
	os.Symlink(filepath.Join(dir, "real", "new.png"), dl)
	if err := WriteFile(dl, text("x")); err != nil {
		t.Fatal(err)
	}
	if read(t, filepath.Join(dir, "real", "new.png")) != "x" {
		t.Errorf("dangling link target not written")
	}
	noTemps(t, dir)
	noTemps(t, filepath.Join(dir, "real"))
}

func TestDevicesAndPipesAreWrittenDirectly(t *testing.T) {
	if err := WriteFile("/dev/null", text("x")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", st.Mode(), err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no mkfifo:", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := WriteFile(fifo, text("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("read %q from the pipe", s)
	}
	if st, _ := os.Lstat(fifo); st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", st.Mode())
	}
}

func TestPlanRefusesBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	cases := []struct{ path, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "nope", "f.npy"), "does not exist"},
		{filepath.Join(dir, "file", "f.npy"), "is a file, not a folder"},
	}
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	if os.Geteuid() != 0 {
		cases = append(cases, struct{ path, want string }{filepath.Join(ro, "f.npy"), "permission denied"})
	}
	for _, c := range cases {
		_, err := Plan(nil, "--out", c.path)
		var pe *PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--out") {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
	a := filepath.Join(dir, "a.npy")
	if _, err := Plan(nil, "--frames", a, "--denoised", a); err == nil || !strings.Contains(err.Error(), "--frames already writes there") {
		t.Errorf("the same file twice: %v", err)
	}
	if _, err := Plan(nil, "--frames", "/dev/null", "--denoised", "/dev/null"); err != nil {
		t.Errorf("/dev/null twice: %v", err)
	}
}

// TestCommitIsAllOrNothing: when one output fails, no file is replaced and
// no temporary file is left.
func TestCommitIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("old a"), 0o644)
	s, err := Plan(nil, "--a", a, "--b", b)
	if err != nil {
		t.Fatal(err)
	}
	s.Put(a, text("new a"))
	s.Put(b, func(io.Writer) error { return errors.New("disk full") })
	if err := s.Commit(context.Background()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("commit: %v", err)
	}
	if read(t, a) != "old a" {
		t.Errorf("a was replaced")
	}
	if _, err := os.Stat(b); err == nil {
		t.Errorf("b was written")
	}
	noTemps(t, dir)
}

// TestCancelRemovesTemps: an interrupt during a write leaves no temporary
// file and replaces nothing, even while the write is blocked.
func TestCancelRemovesTemps(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.WriteFile(a, []byte("old"), 0o644)
	s, _ := Plan(nil, "", a)
	ctx, cancel := context.WithCancel(context.Background())
	s.Put(a, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 1<<20))
		cancel()
		// The temporary file goes while the write is still running.
		for i := 0; ; i++ {
			ents, _ := os.ReadDir(dir)
			if len(ents) == 1 {
				break
			}
			if i == 1000 {
				t.Errorf("%d files in the folder after the cancel, want 1", len(ents))
				break
			}
			time.Sleep(time.Millisecond)
		}
		_, err := w.Write(bytes.Repeat([]byte("x"), 1<<20))
		return err
	})
	if err := s.Commit(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("commit: %v", err)
	}
	if read(t, a) != "old" {
		t.Errorf("replaced after a cancel")
	}
	noTemps(t, dir)
}

func TestStdout(t *testing.T) {
	var buf bytes.Buffer
	s, err := Plan(&buf, "--png", "-")
	if err != nil || !s.ToStdout() {
		t.Fatal(err, s.ToStdout())
	}
	s.Put("-", text("png bytes"))
	if err := s.Commit(context.Background()); err != nil || buf.String() != "png bytes" {
		t.Errorf("%v %q", err, buf.String())
	}
}
