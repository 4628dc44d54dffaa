package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// usageError is a mistake on the command line: the message says what to type
// instead, and the exit status is 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// errReported is a usage error whose message the flag package has already
// printed, with the usage text.
var errReported = &usageError{}

// command is one subcommand.
type command struct {
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"sample":    {sampleUsage, cmdSample},
		"weights":   {weightsUsage, cmdWeights},
		"presets":   {presetsUsage, cmdPresets},
		"bench":     {benchUsage, cmdBench},
		"fingers":   {fingersUsage, cmdFingers},
		"networks":  {networksUsage, cmdNetworks},
		"denoise":   {denoiseUsage, cmdDenoise},
		"compare":   {compareUsage, cmdCompare},
		"calibrate": {calibrateUsage, cmdCalibrate},
		"train":     {trainUsage, cmdTrain},
	}
}

// run is the whole program: it parses args (without the program name),
// writes results to stdout and messages to stderr, and returns the exit
// status (0 success, 1 failure, 2 usage error). An interrupt (Ctrl-C) or a
// SIGTERM cancels the running command, which removes its temporary files.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if c, ok := commands[rest[0]]; ok {
				fmt.Fprint(stdout, c.usage)
				return 0
			}
			fmt.Fprintf(stderr, "mosaic-cli help: unknown command %q\n\n%s", rest[0], mainUsage)
			return 2
		}
		fmt.Fprint(stdout, mainUsage)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		hint := ""
		if strings.HasPrefix(name, "-") {
			hint = " (the command comes first, then its flags)"
		}
		fmt.Fprintf(stderr, "mosaic-cli: unknown command %q%s\n\n%s", name, hint, mainUsage)
		return 2
	}
	err := c.run(ctx, rest, stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err == errReported:
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mosaic-cli %s: %v\nRun \"mosaic-cli %s -h\" for usage.\n", name, err, name)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "mosaic-cli %s: interrupted\n", name)
		return 1
	default:
		fmt.Fprintf(stderr, "mosaic-cli %s: %v\n", name, err)
		return 1
	}
}

// newFlags returns a flag set for a subcommand that prints usage to stderr.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mosaic-cli "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs
}

// parseFlags parses args and returns the set of flags given explicitly.
// Unknown flags print the usage (exit 2); so do stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) (map[string]bool, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errReported
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q: every option is a flag such as --seed 3 (flags start with --)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set, nil
}
