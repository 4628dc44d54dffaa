package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// presentTheme is the presentation-mode theme: larger type and a
// high-contrast palette (white on black, a saturated yellow accent) that
// survives a washed-out projector.
type presentTheme struct{ base fyne.Theme }

// PresentationTheme returns the theme of presentation mode.
func PresentationTheme() fyne.Theme { return presentTheme{theme.DefaultTheme()} }

// Color returns the high-contrast palette (always the dark variant).
func (t presentTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
		return color.Black
	case theme.ColorNameForeground:
		return color.White
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return color.RGBA{255, 214, 0, 255}
	case theme.ColorNameButton, theme.ColorNameInputBackground:
		return color.RGBA{40, 40, 40, 255}
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder:
		return color.RGBA{170, 170, 170, 255}
	case theme.ColorNameSeparator, theme.ColorNameInputBorder:
		return color.RGBA{200, 200, 200, 255}
	case theme.ColorNameForegroundOnPrimary:
		return color.Black
	}
	return t.base.Color(n, theme.VariantDark)
}

// Font returns the default fonts.
func (t presentTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

// Icon returns the default icons.
func (t presentTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size enlarges text (22 pt body) and, by 30%, every other size.
func (t presentTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 22
	case theme.SizeNameCaptionText:
		return 17
	case theme.SizeNameHeadingText:
		return 30
	case theme.SizeNameSubHeadingText:
		return 24
	case theme.SizeNameInlineIcon:
		return 28
	}
	return t.base.Size(n) * 1.3
}
