package assets

import "embed"

// Tours is the embedded tours/ folder: the built-in lecture tours, one
// JSON file each (the format is mosaic/app/tour's); paths are
// "tours/NAME.json".
//
//go:embed tours/*.json
var Tours embed.FS
