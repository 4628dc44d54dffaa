// Package icons embeds Mosaic's application icon (mosaic.png, 512x512,
// drawn by gen_icon.go), so that a plain `go build` binary shows it too;
// `fyne package` takes the same file from FyneApp.toml.
package icons

import _ "embed"

// Mosaic is the PNG of the application icon.
//
//go:embed mosaic.png
var Mosaic []byte
