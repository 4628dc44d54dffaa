// Package boundedread reads a declared number of bytes from a stream
// without trusting the declaration: the buffer grows only as data actually
// arrives, so a corrupt header that claims gigabytes cannot make a reader
// allocate far more than the input holds. The file-format readers (npy, idx)
// share it.
package boundedread

import (
	"errors"
	"fmt"
	"io"
)

// ReadN reads exactly n bytes from r. A stream that ends early is an error
// that says how many of the n bytes were present.
func ReadN(r io.Reader, n int) ([]byte, error) {
	const chunk = 1 << 20
	buf := make([]byte, 0, min(n, chunk))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			nc := min(n, 2*cap(buf)+chunk)
			nb := make([]byte, len(buf), nc)
			copy(nb, buf)
			buf = nb
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(buf) < n {
					return nil, fmt.Errorf("truncated file: %d of %d data bytes present", len(buf), n)
				}
				break
			}
			return nil, fmt.Errorf("reading data: %w", err)
		}
	}
	return buf, nil
}
