package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"mosaic/app/internal/worker"
	"mosaic/app/tour"
	"mosaic/model/render"
	"mosaic/model/sampler"
)

// Slide geometry of an exported scene (pixels): the image's side, the
// margins, and the type sizes of the caption below it.
const (
	slideImageSide = 640
	slideMinWidth  = 1280
	slideMargin    = 56
	slideTitleSize = 44
	slideTextSize  = 30
	slideLabelSize = 26
)

// ExportTour writes every scene of t into dir: for scene n of N,
// "NN-title.png", the scene's view at its step (the final frame for a
// scene that plays on arrival; side B beside it for a
// side-by-side scene, the selected pixel and the traced region outlined)
// with its title, caption and "n / N" rendered below, and "NN-title.gif",
// its trajectory as an animated GIF. Each file is written atomically as
// soon as its scene is computed; progress, if set, is called after each
// scene. Trajectories come from lib and the evaluation cache (nil for
// none). It runs for as long as the computations take: call it off the UI
// goroutine. It returns the files written.
func ExportTour(ctx context.Context, lib *Library, cache *sampler.StepCache, t *tour.Tour, dir string, progress func(done, total int)) ([]string, error) {
	if t == nil || len(t.Scenes) == 0 {
		return nil, errors.New("the tour has no scenes to export")
	}
	faces, err := newSlideFaces()
	if err != nil {
		return nil, err
	}
	var files []string
	for i := range t.Scenes {
		sc, field, err := DecodeScene(&t.Scenes[i])
		if err != nil {
			return files, &tour.FieldError{Scene: i + 1, Field: field, Err: err}
		}
		name := fmt.Sprintf("%02d-%s", i+1, slug(sc.Title))
		res, err := computeScene(ctx, lib, cache, sc.Session.Settings)
		if err != nil {
			return files, fmt.Errorf("scene %d: %w", i+1, err)
		}
		panels := []slidePanel{{label: "", img: sceneImage(res, sc)}}
		if c := sc.Session.Compare; c != nil && c.On && !c.Versus {
			b := sc.Session.Settings
			b.Machine, b.Boundary = machineName(c.Machine), boundaryName(c.Boundary)
			if b.Boundary == "" {
				b.Boundary = sc.Session.Settings.Boundary
			}
			resB, err := computeScene(ctx, lib, cache, b)
			if err != nil {
				return files, fmt.Errorf("scene %d, side B: %w", i+1, err)
			}
			specA, _ := sc.Session.Settings.Spec()
			specB, _ := b.Spec()
			panels = []slidePanel{{label: "A: " + specA.String(), img: panels[0].img}, {label: "B: " + specB.String(), img: sceneImage(resB, sc)}}
		}
		png := filepath.Join(dir, name+".png")
		if err := render.WritePNG(png, faces.slide(panels, sc.Title, sc.Caption, i, len(t.Scenes))); err != nil {
			return files, fmt.Errorf("scene %d: %w", i+1, err)
		}
		files = append(files, png)
		gifView := sc.Session.View
		if gifView == ViewCommitment || gifView == ViewResidual {
			gifView = ViewX // the same at every step, or needs a network
		}
		gif := filepath.Join(dir, name+".gif")
		if err := ExportGIF(gif, res, gifView); err != nil {
			return files, fmt.Errorf("scene %d: %w", i+1, err)
		}
		files = append(files, gif)
		if progress != nil {
			progress(i+1, len(t.Scenes))
		}
	}
	return files, nil
}

// computeScene computes the complete trajectory of s (taking the steps in
// cache from it).
func computeScene(ctx context.Context, lib *Library, cache *sampler.StepCache, s Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	m, data, err := lib.Machine(s)
	if err != nil {
		return nil, err
	}
	k, _ := s.Schedule()
	if err := m.CheckSchedule(k); err != nil {
		return nil, err
	}
	if err := m.Prepare(ctx, func(float64) {}); err != nil {
		return nil, err
	}
	d := m.Data()
	tr, err := sampler.New(sampler.Noise(s.Seed, d.C, d.H, d.W), d.C, d.H, d.W, k)
	if err != nil {
		return nil, err
	}
	if err := tr.ResumeCached(ctx, m, tr.N-1, nil, cache); err != nil {
		return nil, fmt.Errorf("computing the trajectory: %w", err)
	}
	total := tr.N - 1
	return &Result{Settings: s, Traj: tr, Stale: make([]bool, tr.N), Machine: m, Data: data,
		Done: total, Total: total, From: tr.N - 1, Complete: true}, nil
}

// sceneImage renders the scene's view of res at its step (at the final
// frame, where playback ends, for a scene that plays), upscaled to
// about slideImageSide, with the selected pixel (white) and the region
// (yellow) outlined.
func sceneImage(res *Result, sc Scene) *image.RGBA {
	s := sc.Session
	step := s.Step
	if sc.Play {
		step = 0 // where its playback ends
	}
	r := RenderView(res, step, s.View)
	if r.Image == nil {
		r = RenderView(res, step, ViewX)
	}
	b := r.Image.Bounds()
	scale := max(1, slideImageSide/max(b.Dx(), b.Dy()))
	up := render.Upscale(r.Image, scale)
	out := image.NewRGBA(up.Bounds())
	draw.Draw(out, out.Bounds(), up, up.Bounds().Min, draw.Src)
	if s.Row >= 0 && s.Col >= 0 {
		outline(out, scaleRect(image.Rect(s.Col, s.Row, s.Col+1, s.Row+1), scale), color.White)
	}
	if !sc.Region.Empty() {
		outline(out, scaleRect(sc.Region, scale), captionYellow)
	}
	return out
}

// scaleRect scales a rectangle of image pixels to upscaled pixels.
func scaleRect(r image.Rectangle, s int) image.Rectangle {
	return image.Rectangle{r.Min.Mul(s), r.Max.Mul(s)}
}

// outline draws a 3-pixel rectangle outline just inside r.
func outline(img *image.RGBA, r image.Rectangle, c color.Color) {
	r = r.Intersect(img.Bounds())
	u := image.NewUniform(c)
	const w = 3
	for _, e := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+w)}, {image.Pt(r.Min.X, r.Max.Y-w), r.Max},
		{r.Min, image.Pt(r.Min.X+w, r.Max.Y)}, {image.Pt(r.Max.X-w, r.Min.Y), r.Max},
	} {
		draw.Draw(img, e.Intersect(r), u, image.Point{}, draw.Src)
	}
}

// slidePanel is one image of a slide with its label ("" for none).
type slidePanel struct {
	label string
	img   *image.RGBA
}

// slideFaces are the fonts of a slide (Fyne's own, so that slides look
// like the app).
type slideFaces struct{ title, text, label font.Face }

func newSlideFaces() (*slideFaces, error) {
	regular, err := opentype.Parse(theme.DefaultTextFont().Content())
	if err != nil {
		return nil, fmt.Errorf("reading the caption font: %w", err)
	}
	bold, err := opentype.Parse(theme.DefaultTextBoldFont().Content())
	if err != nil {
		return nil, fmt.Errorf("reading the caption font: %w", err)
	}
	face := func(f *opentype.Font, size float64) font.Face {
		fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		return fc
	}
	return &slideFaces{title: face(bold, slideTitleSize), text: face(regular, slideTextSize), label: face(regular, slideLabelSize)}, nil
}

// slide lays out the panels side by side on black, and below them the
// title (yellow), "i+1 / n" (right) and the caption, word-wrapped.
func (f *slideFaces) slide(panels []slidePanel, title, caption string, i, n int) *image.RGBA {
	const gap = 40
	imgW, imgH := 0, 0
	for j, p := range panels {
		if j > 0 {
			imgW += gap
		}
		imgW += p.img.Bounds().Dx()
		imgH = max(imgH, p.img.Bounds().Dy())
	}
	width := max(slideMinWidth, imgW+2*slideMargin)
	labelH := 0
	if len(panels) > 1 {
		labelH = slideLabelSize * 3 / 2
	}
	lines := wrapText(f.text, caption, width-2*slideMargin)
	lineH := slideTextSize * 3 / 2
	height := slideMargin + labelH + imgH + slideMargin + slideTitleSize*3/2 + len(lines)*lineH + slideMargin
	out := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
	x := (width - imgW) / 2
	for _, p := range panels {
		if p.label != "" {
			drawText(out, f.label, p.label, x, slideMargin+slideLabelSize, captionGrey)
		}
		y := slideMargin + labelH
		draw.Draw(out, p.img.Bounds().Add(image.Pt(x, y)), p.img, p.img.Bounds().Min, draw.Src)
		x += p.img.Bounds().Dx() + gap
	}
	y := slideMargin + labelH + imgH + slideMargin
	draw.Draw(out, image.Rect(0, y-slideMargin/2, width, y-slideMargin/2+4), image.NewUniform(captionYellow), image.Point{}, draw.Src)
	y += slideTitleSize
	count := fmt.Sprintf("%d / %d", i+1, n)
	cw := font.MeasureString(f.text, count).Ceil()
	drawText(out, f.title, title, slideMargin, y, captionYellow)
	drawText(out, f.text, count, width-slideMargin-cw, y, captionGrey)
	y += slideTitleSize/2 + lineH - slideTextSize/3
	for _, l := range lines {
		drawText(out, f.text, l, slideMargin, y, color.White)
		y += lineH
	}
	return out
}

// drawText draws s with its baseline at y.
func drawText(dst draw.Image, face font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrapText breaks s into lines no wider than width pixels in face
// (a word longer than a line gets a line of its own).
func wrapText(face font.Face, s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && font.MeasureString(face, try).Ceil() > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// exportTour asks for a folder and exports the tour into it (the
// built-in tour when none is open) in the background, with a progress
// dialog whose button cancels it.
func (w *Window) exportTour() {
	t, err := w.currentTour()
	if err != nil {
		w.dialogs.showError(err)
		return
	}
	w.dialogs.pickFolder(func(dir string) {
		bar := widget.NewProgressBar()
		note := widget.NewLabel(fmt.Sprintf("computing %d scenes of %q…", len(t.Scenes), t.Title))
		var job worker.Worker
		job.Dispatch = w.opts.dispatch
		dlg := dialog.NewCustom("Exporting the tour", "Cancel", container.NewVBox(note, bar), w.win)
		dlg.SetOnClosed(func() { // the Cancel button
			job.Cancel()
			w.status.say("tour export cancelled: the scenes exported so far are in " + dir)
		})
		dlg.Resize(fyne.NewSize(520, 160))
		dlg.Show()
		snapshot := &tour.Tour{Title: t.Title, Scenes: append([]tour.Scene(nil), t.Scenes...)}
		job.Start(func(j *worker.Job) {
			files, err := ExportTour(j.Context(), w.lib, w.ctl.cache, snapshot, dir, func(done, total int) {
				j.Progress(func() {
					bar.SetValue(float64(done) / float64(total))
					note.SetText(fmt.Sprintf("scene %d of %d written", done, total))
				})
			})
			j.Deliver(func() {
				dlg.SetOnClosed(nil)
				dlg.Hide()
				switch {
				case errors.Is(err, context.Canceled): // reported by the dialog's Cancel
				case err != nil:
					w.dialogs.showError(fmt.Errorf("exporting the tour (%d files written before the error): %w", len(files), err))
				default:
					w.status.say(fmt.Sprintf("exported %d scenes (%d files) to %s", len(snapshot.Scenes), len(files), dir))
				}
			})
		})
	})
}
