//go:build ignore

// gen_fashion writes assets/data/fashion-train-{images-idx3,labels-idx1}-ubyte.gz:
// the first N (10,000) images and labels of the Fashion-MNIST training set,
// read from the Debian package dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist), as gzipped IDX files. The output is
// deterministic (no name or time in the gzip header).
//
// Run from the module root:
//
//	go run ./assets/gen_fashion.go
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"mosaic/model/idx"
)

const (
	src = "/usr/share/datasets/fashion-mnist"
	dst = "assets/data"
	n   = 10000
)

func main() {
	for _, f := range []struct{ in, out string }{
		{"train-images-idx3-ubyte.gz", "fashion-train-images-idx3-ubyte.gz"},
		{"train-labels-idx1-ubyte.gz", "fashion-train-labels-idx1-ubyte.gz"},
	} {
		if err := trim(filepath.Join(src, f.in), filepath.Join(dst, f.out)); err != nil {
			log.Fatal(err)
		}
	}
}

func trim(in, out string) error {
	a, err := idx.ReadFile(in)
	if err != nil {
		return err
	}
	if a.Type != idx.Uint8 || len(a.Dims) == 0 || a.Dims[0] < n {
		return fmt.Errorf("%s: unexpected content %v %v", in, a.Type, a.Dims)
	}
	per := a.Len() / a.Dims[0]
	dims := append([]int{n}, a.Dims[1:]...)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err := idx.WriteUint8(zw, dims, a.Bytes[:n*per]); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %v, %d bytes\n", out, dims, buf.Len())
	return nil
}
