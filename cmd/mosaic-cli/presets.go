package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"mosaic/model/bench"
	"mosaic/model/schedule"
)

func cmdPresets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("presets", presetsUsage, stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTITLE\tSCHEDULE (k0,...,k19)")
	for _, p := range schedule.Presets() {
		fmt.Fprintf(tw, "%s\t%s\t%v\n", p.Name, p.Title(), p.K)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	user, err := schedule.UserPresets()
	if err != nil {
		return err
	}
	if len(user) > 0 {
		path, _ := schedule.UserPresetsPath()
		fmt.Fprintf(stdout, "\nyour presets (%s):\n", path)
		tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, p := range user {
			fmt.Fprintf(tw, "%s\t%s\t%v\n", p.Name, p.Note, p.K)
		}
		return tw.Flush()
	}
	return nil
}

// benchRun is bench.Run followed by bench.Theories (the Wiener and
// PCA-locality rows) and bench.Networks (forward passes and training);
// tests replace it to check the wiring quickly.
var benchRun = func(ctx context.Context, w io.Writer, o bench.Options) error {
	if err := bench.Run(ctx, w, o); err != nil {
		return err
	}
	if err := bench.Theories(ctx, w, o.Quick); err != nil {
		return err
	}
	return bench.Networks(ctx, w)
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", benchUsage, stderr)
	quick := fs.Bool("quick", false, "only the small configurations")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	return benchRun(ctx, stdout, bench.Options{Quick: *quick})
}
