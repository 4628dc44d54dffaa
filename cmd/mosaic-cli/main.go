// Command mosaic-cli runs Mosaic's score machines from the command line: it
// samples images (saving the whole trajectory as .npy), prints the weights
// behind one pixel as JSON, lists the calibrated patch-size presets, runs the
// speed benchmark and counts fingers on samples of the hands data set.
//
// Run "mosaic-cli help" for the commands and their flags. The command-line
// interface is a contract that scripts call; see usage.go.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
