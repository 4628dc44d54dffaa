// Package outfile writes the output files of a command safely.
//
// Every output of one command is checked before any computation (Plan): the
// path must not be a folder, its folder must exist and be writable, and no two
// outputs may name the same file. After the computation, Commit writes every
// output to a temporary file beside its target and renames them into place
// only when all of them were written, so a failure (a full disk, an
// interrupt) leaves every previous file as it was and no temporary file
// behind.
//
// Paths that are not regular files are written directly, never replaced: a
// character device (/dev/null, a terminal), a named pipe (mkfifo, or bash's
// >(...)), and anything under /dev or /proc (/dev/stdout, /proc/self/fd/1).
// A symbolic link is followed and its target replaced atomically, so the
// link stays a link. "-" is the command's standard output. Files are created
// with mode 0644 minus the umask.
//
// An interrupted Commit (its context cancelled, e.g. on SIGINT or SIGTERM)
// removes its temporary files at once, even while a write is blocked.
package outfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// Stdout is the path that names standard output.
const Stdout = "-"

// PathError is an output path that cannot be written, found before any
// computation. Flag says which output (e.g. "--frames"), when known.
type PathError struct {
	Flag, Path, Problem string
}

func (e *PathError) Error() string {
	name := e.Path
	if e.Flag != "" {
		name = e.Flag + " " + e.Path
	}
	return name + ": " + e.Problem
}

// kind is how an output is written.
type kind int

const (
	atomic kind = iota // temporary file and rename
	direct             // opened and written in place (devices, pipes)
	stdout             // the command's standard output writer
)

// Output is one planned output.
type Output struct {
	Flag, Path string
	target     string // the file replaced (symbolic links followed)
	kind       kind
	toStdout   bool // the path is the process's standard output
	write      func(io.Writer) error
}

// Set is the outputs of one command.
type Set struct {
	out  io.Writer // the command's standard output, for "-"
	outs []*Output
}

// Plan checks every output path (flag, path pairs; empty paths are skipped)
// before any computation and returns the set to Put results in. out is the
// command's standard output, which the path "-" names.
func Plan(out io.Writer, flagPaths ...string) (*Set, error) {
	if len(flagPaths)%2 != 0 {
		panic("outfile.Plan: flag and path pairs expected")
	}
	s := &Set{out: out}
	seen := map[string]string{}
	for i := 0; i < len(flagPaths); i += 2 {
		flag, path := flagPaths[i], flagPaths[i+1]
		if path == "" {
			continue
		}
		o, err := check(flag, path)
		if err != nil {
			return nil, err
		}
		key := o.target
		if o.kind == stdout || o.toStdout {
			key = "(standard output)"
		}
		if prev, dup := seen[key]; dup && o.kind != direct || dup && o.toStdout {
			return nil, &PathError{Flag: flag, Path: path, Problem: fmt.Sprintf("%s already writes there: give each output its own file", prev)}
		}
		seen[key] = flag
		s.outs = append(s.outs, o)
	}
	return s, nil
}

// Check checks one output path as Plan does.
func Check(path string) error {
	_, err := check("", path)
	return err
}

// special reports paths written in place whatever they point to: the
// kernel's views of open files and devices.
func special(abs string) bool {
	return strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
}

func check(flag, path string) (*Output, error) {
	o := &Output{Flag: flag, Path: path}
	bad := func(format string, a ...any) (*Output, error) {
		return nil, &PathError{Flag: flag, Path: path, Problem: fmt.Sprintf(format, a...)}
	}
	if path == Stdout {
		o.kind, o.toStdout = stdout, true
		return o, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return bad("%v", err)
	}
	st, err := os.Stat(path) // follows symbolic links
	switch {
	case err == nil && st.IsDir():
		return bad("is a directory: give a file name")
	case err == nil && (!st.Mode().IsRegular() || special(abs)):
		if st.Mode()&(fs.ModeSocket|fs.ModeIrregular) != 0 {
			return bad("is not a file, a device or a pipe (%v)", st.Mode().Type())
		}
		if !writable(path, false) {
			return bad("cannot be written (permission denied)")
		}
		o.kind, o.target = direct, abs
		o.toStdout = sameAsStdout(st)
		return o, nil
	case err == nil:
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return bad("%v", err)
		}
		if o.target, err = filepath.Abs(target); err != nil {
			return bad("%v", err)
		}
		if !writable(o.target, false) {
			return bad("the existing file is read-only: make it writable (chmod u+w) or give another name")
		}
		o.toStdout = sameAsStdout(st)
		if o.toStdout {
			o.kind = direct
		}
	case errors.Is(err, fs.ErrNotExist):
		target, lerr := danglingTarget(abs)
		if lerr != nil {
			return bad("%v", lerr)
		}
		o.target = target
	case errors.Is(err, syscall.ENOTDIR):
		return bad("a part of the folder path is a file, not a folder")
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return bad("cannot be written: %v", err)
	}
	dir := filepath.Dir(o.target)
	dst, err := os.Stat(dir)
	switch {
	case err != nil || !dst.IsDir():
		return bad("the folder %s does not exist: create it first or give another path", dir)
	case !writable(dir, true):
		return bad("cannot write in the folder %s (permission denied)", dir)
	}
	return o, nil
}

// danglingTarget follows the symbolic links of a path that does not exist
// (yet) and returns the file the write will create.
func danglingTarget(abs string) (string, error) {
	p := abs
	for hops := 0; hops < 40; hops++ {
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = filepath.Clean(link)
	}
	return "", errors.New("too many levels of symbolic links")
}

// sameAsStdout reports whether st is the file the process's standard
// output writes to.
func sameAsStdout(st fs.FileInfo) bool {
	so, err := os.Stdout.Stat()
	return err == nil && os.SameFile(st, so)
}

// ToStdout reports whether an output goes to standard output, so that the
// command should print its summary on standard error instead.
func (s *Set) ToStdout() bool {
	for _, o := range s.outs {
		if o.toStdout {
			return true
		}
	}
	return false
}

// Put gives the planned output path its content (write is called by
// Commit). Putting a path that was not planned is a programming error.
func (s *Set) Put(path string, write func(io.Writer) error) {
	if path == "" {
		return
	}
	for _, o := range s.outs {
		if o.Path == path && o.write == nil {
			o.write = write
			return
		}
	}
	panic(fmt.Sprintf("outfile: %q was not planned", path))
}

// Commit writes every output that was Put: the files to be replaced first,
// to temporary files, then devices, pipes and standard output, and renames
// the temporary files into place only when every write succeeded. On any
// error no file is replaced and no temporary file is left.
func (s *Set) Commit(ctx context.Context) (err error) {
	var tmps []*temp
	defer func() {
		if err != nil {
			for _, t := range tmps {
				t.remove()
			}
		}
	}()
	for _, o := range s.outs {
		if o.write == nil || o.kind != atomic {
			continue
		}
		t, err := newTemp(o.target)
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", o.Path, err)
		}
		tmps = append(tmps, t)
		if err := t.fill(ctx, o.write); err != nil {
			return fmt.Errorf("writing %s: %w", o.Path, err)
		}
	}
	for _, o := range s.outs {
		if o.write == nil || o.kind == atomic {
			continue
		}
		if err := s.writeDirect(ctx, o); err != nil {
			return err
		}
	}
	for i, t := range tmps {
		if err := t.commit(ctx); err != nil {
			tmps = tmps[i:] // the earlier ones are in place
			return err
		}
	}
	return nil
}

func (s *Set) writeDirect(ctx context.Context, o *Output) error {
	if o.kind == stdout {
		bw := bufio.NewWriterSize(ctxWriter{ctx, s.out}, 1<<16)
		if err := o.write(bw); err != nil {
			return fmt.Errorf("writing to standard output: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("writing to standard output: %w", err)
		}
		return nil
	}
	f, err := os.OpenFile(o.Path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", o.Path, err)
	}
	bw := bufio.NewWriterSize(ctxWriter{ctx, f}, 1<<16)
	werr := o.write(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("writing %s: %w", o.Path, werr)
	}
	return nil
}

// WriteFile writes one file safely: as a Set of one output (see Plan and
// Commit), without the standard output "-".
func WriteFile(path string, write func(io.Writer) error) error {
	if path == Stdout {
		return &PathError{Path: path, Problem: "standard output is not available here: give a file name"}
	}
	s, err := Plan(nil, "", path)
	if err != nil {
		return err
	}
	s.Put(path, write)
	return s.Commit(context.Background())
}

// ctxWriter fails writes once its context is done, so that an interrupt
// stops a long write.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Mode returns the permission bits of the files written: 0644 minus the
// umask.
func Mode() fs.FileMode { return fs.FileMode(0o644 &^ umask()) }

// The temporary files alive in the process, removed by RemoveTemps.
var (
	liveMu      sync.Mutex
	live        = map[*temp]bool{}
	interrupted bool
)

// RemoveTemps removes every temporary file of every Commit in progress and
// makes those Commits fail instead of renaming: for a signal handler that
// then exits.
func RemoveTemps() {
	liveMu.Lock()
	defer liveMu.Unlock()
	interrupted = true
	for t := range live {
		os.Remove(t.name)
		delete(live, t)
	}
}

// temp is a temporary file beside a target.
type temp struct {
	target, name string
	f            *os.File
	stop         func() bool // stops the removal on cancellation
}

func newTemp(target string) (*temp, error) {
	liveMu.Lock()
	defer liveMu.Unlock()
	if interrupted {
		return nil, context.Canceled
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return nil, err
	}
	t := &temp{target: target, name: f.Name(), f: f}
	live[t] = true
	return t, nil
}

// fill writes the content, syncs and closes the file and gives it its mode.
// A cancelled ctx removes the file at once, even during a blocked write.
func (t *temp) fill(ctx context.Context, write func(io.Writer) error) error {
	t.stop = context.AfterFunc(ctx, t.remove)
	bw := bufio.NewWriterSize(ctxWriter{ctx, t.f}, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := t.f.Sync(); err != nil {
		return err
	}
	liveMu.Lock()
	f := t.f
	t.f = nil
	liveMu.Unlock()
	if f == nil { // removed by a cancellation
		return context.Canceled
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(t.name, Mode())
}

// commit renames the file over its target, unless interrupted.
func (t *temp) commit(ctx context.Context) error {
	liveMu.Lock()
	defer liveMu.Unlock()
	if !live[t] || interrupted || ctx.Err() != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		return context.Canceled
	}
	if err := os.Rename(t.name, t.target); err != nil {
		return fmt.Errorf("cannot replace %s: %w", t.target, err)
	}
	delete(live, t)
	if t.stop != nil {
		t.stop()
	}
	if d, err := os.Open(filepath.Dir(t.target)); err == nil { // durable rename, best effort
		d.Sync()
		d.Close()
	}
	return nil
}

// remove deletes the temporary file if it is still there.
func (t *temp) remove() {
	liveMu.Lock()
	defer liveMu.Unlock()
	if t.f != nil {
		t.f.Close()
	}
	if live[t] {
		os.Remove(t.name)
		delete(live, t)
	}
}
