package app

import (
	"encoding/json"
	"fmt"
	"image"
	"io"

	"mosaic/model/npy"
	"mosaic/model/render"
)

// ExportScale is the upscale factor that makes an exported image at least
// 512 pixels on its longer side (crisp nearest-neighbour blocks).
func ExportScale(img image.Image) int {
	b := img.Bounds()
	return max(1, (512+max(b.Dx(), b.Dy())-1)/max(b.Dx(), b.Dy(), 1))
}

// ExportPNG writes img upscaled (nearest neighbour) to path, atomically.
func ExportPNG(path string, img image.Image) error {
	if img == nil {
		return fmt.Errorf("there is no image to export at this step")
	}
	return render.WritePNG(path, render.Upscale(img, ExportScale(img)))
}

// ExportGIF writes view v of every computed frame, x_{N-1} first, as an
// animated GIF (upscaled, 8 frames a second), atomically.
func ExportGIF(path string, res *Result, v View) error {
	if res == nil {
		return fmt.Errorf("no trajectory to export yet")
	}
	var frames []image.Image
	for i := res.Traj.N - 1; i >= 0; i-- {
		r := RenderView(res, i, v)
		if r.Image == nil {
			continue
		}
		frames = append(frames, render.Upscale(r.Image, ExportScale(r.Image)/2))
	}
	if len(frames) == 0 {
		return fmt.Errorf("the %s view has no frames to export", v.Title())
	}
	return render.WriteGIF(path, frames, 12)
}

// ExportNPY writes the frames x_{N-1}, ..., x_0 as a float32 .npy array of
// shape [N, C, H, W], atomically. The trajectory must be complete.
func ExportNPY(path string, res *Result) error {
	if res == nil || !res.Complete {
		return fmt.Errorf("the trajectory is still being computed: export when it is complete")
	}
	tr := res.Traj
	n := tr.C * tr.H * tr.W
	data := make([]float64, 0, tr.N*n)
	for i := tr.N - 1; i >= 0; i-- {
		data = append(data, tr.X[i]...)
	}
	return npy.WriteFileFloat32(path, []int{tr.N, tr.C, tr.H, tr.W}, data)
}

// attributionJSON is the exported form of an Inspection.
type attributionJSON struct {
	Settings   Settings       `json:"settings"`
	Step       int            `json:"step"`
	T          float64        `json:"t"`
	PatchSize  int            `json:"patch_size"`
	Row        int            `json:"row"`
	Col        int            `json:"col"`
	Value      []float64      `json:"denoised_value"`
	Effective  float64        `json:"effective_number"`
	Candidates int            `json:"candidates"`
	Top        []topJSON      `json:"top"`
	PerImage   []perImageJSON `json:"per_image"`
}

type topJSON struct {
	Image  int     `json:"image"`
	Label  string  `json:"label,omitempty"`
	Row    int     `json:"row"`
	Col    int     `json:"col"`
	Weight float64 `json:"weight"`
}

type perImageJSON struct {
	Image  int     `json:"image"`
	Label  int     `json:"label"`
	Weight float64 `json:"weight"`
}

// ExportAttribution writes an inspection as JSON, atomically: the pixel,
// step, top-K patches, effective number and weight per training image.
func ExportAttribution(path string, ins *Inspection) error {
	if ins == nil {
		return fmt.Errorf("select a pixel first: there is no attribution to export")
	}
	a := ins.Attr
	out := attributionJSON{Settings: ins.Query.Res.Settings, Step: ins.MachineStep, T: a.T, PatchSize: a.K,
		Row: a.Row, Col: a.Col, Value: a.Value, Effective: a.Effective, Candidates: a.Candidates}
	for j, s := range a.Top {
		out.Top = append(out.Top, topJSON{Image: s.Image, Label: ins.Labels[j], Row: s.Row, Col: s.Col, Weight: s.Weight})
	}
	for _, p := range a.PerImage {
		out.PerImage = append(out.PerImage, perImageJSON{p.Image, p.Label, p.Weight})
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return render.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
