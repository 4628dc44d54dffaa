package main

import (
	"testing"

	"mosaic/internal/testconfig"
)

// TestMain runs the tests with a temporary XDG_CONFIG_HOME, away from the
// user's saved presets.
func TestMain(m *testing.M) { testconfig.Main(m) }
