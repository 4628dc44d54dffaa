package app

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the tests away from the user's configuration: user
// presets (Calibrate, mosaic-cli calibrate --save) live in
// $XDG_CONFIG_HOME/mosaic, and a developer's saved presets must not
// change what the preset menus offer.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mosaic-app-test-config")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
