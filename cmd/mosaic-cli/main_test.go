package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the tests away from the user's configuration: user
// presets (mosaic-cli calibrate --save) live in $XDG_CONFIG_HOME/mosaic,
// and a developer's saved presets must not change what "presets" lists.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mosaic-cli-test-config")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
