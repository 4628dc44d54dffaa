// Package bench measures the score machines against the project's speed
// targets and prints them as a table (mosaic-cli bench).
package bench

import (
	"context"
	"errors"
	"io"
)

// Options selects what Run measures.
type Options struct {
	// Quick limits the run to the small configurations (for smoke tests).
	Quick bool
}

// Run measures the targets and writes a table to w.
func Run(ctx context.Context, w io.Writer, o Options) error {
	return errors.New("bench: not implemented yet")
}
