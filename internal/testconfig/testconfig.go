// Package testconfig keeps tests away from the user's configuration: user
// presets (calibrate --save, the app's Calibrate) live in
// $XDG_CONFIG_HOME/mosaic, and a developer's saved presets must not change
// what a test sees.
package testconfig

import (
	"fmt"
	"os"
	"testing"
)

// Main runs a package's tests with XDG_CONFIG_HOME set to a fresh
// temporary folder, removed afterwards; call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "mosaic-test-config")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testconfig:", err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
