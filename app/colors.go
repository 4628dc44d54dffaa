package app

import "image/color"

// colorRGBA is the colour type canvas rasters return.
type colorRGBA = color.Color

var (
	colorWhite color.Color = color.White
	colorBlack color.Color = color.Black
)
