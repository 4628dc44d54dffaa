package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"mosaic/model/machine"
)

// sourceJSON is one (training image, centre pixel) pair and its weight.
type sourceJSON struct {
	Image  int     `json:"image"`
	Row    int     `json:"row"`
	Col    int     `json:"col"`
	Weight float64 `json:"weight"`
}

// imageWeightJSON is the weight summed over one training image's patches.
type imageWeightJSON struct {
	Image  int     `json:"image"`
	Label  int     `json:"label"`
	Weight float64 `json:"weight"`
}

// weightsJSON is what mosaic-cli weights prints. "effective" and "top" are
// the contract; the other fields are extra context.
type weightsJSON struct {
	Effective  float64           `json:"effective"`
	Top        []sourceJSON      `json:"top"`
	Machine    string            `json:"machine"`
	T          float64           `json:"t"`
	K          int               `json:"k"`
	Pixel      [2]int            `json:"pixel"`
	Value      []float64         `json:"value"`
	Candidates int               `json:"candidates"`
	PerImage   []imageWeightJSON `json:"per_image"`
}

// parsePixel reads "ROW,COL".
func parsePixel(s string) (int, int, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 2 {
		r, e1 := strconv.Atoi(strings.TrimSpace(parts[0]))
		c, e2 := strconv.Atoi(strings.TrimSpace(parts[1]))
		if e1 == nil && e2 == nil {
			return r, c, nil
		}
	}
	return 0, 0, usagef("--pixel must be ROW,COL such as --pixel 16,16 (got %q)", s)
}

func cmdWeights(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("weights", weightsUsage, stderr)
	var df dataFlags
	var mf machineFlags
	df.add(fs, "")
	mf.add(fs)
	var qf queryFlags
	qf.add(fs)
	pixel := fs.String("pixel", "", "ROW,COL")
	top := fs.Int("top", 10, "how many candidates to list")
	set, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	spec, err := mf.spec(set)
	if err != nil {
		return err
	}
	if spec.Kind == machine.Network {
		return usagef("%v", machine.ErrNoWeights)
	}
	if !spec.Kind.Weighted() {
		return usagef("the %s machine is a linear filter of x (D = mu + F_t (x/a - mu)): it has no training-image weights to list; use --machine pca-locality, ideal, ls or els, or open the app's pixel inspector to see the filter row", spec.Kind)
	}
	t, k, err := qf.parse(spec.Kind)
	if err != nil {
		return err
	}
	if *pixel == "" {
		return usagef("no pixel: give --pixel ROW,COL, e.g. --pixel 16,16")
	}
	r, c, err := parsePixel(*pixel)
	if err != nil {
		return err
	}
	if *top < 1 {
		return usagef("--top must be at least 1, e.g. --top 10")
	}
	if err := checkOneEvaluation(&df, spec, k, stderr); err != nil {
		return err
	}
	ds, err := df.load(set)
	if err != nil {
		return err
	}
	if r < 0 || r >= ds.H || c < 0 || c >= ds.W {
		return usagef("--pixel %d,%d is outside the %dx%d images: ROW must be 0..%d and COL 0..%d", r, c, ds.H, ds.W, ds.H-1, ds.W-1)
	}
	x, err := readImage(qf.x, "the image --x", ds.C, ds.H, ds.W)
	if err != nil {
		return err
	}
	m, err := machine.New(ds, spec)
	if err != nil {
		return err
	}
	if err := m.CheckPatch(k); err != nil {
		return usagef("--patch: %v", err)
	}
	at, err := m.Attribute(x, t, k, r, c, *top)
	if err != nil {
		return err
	}
	vals := append([]float64{at.Effective}, at.Value...)
	for _, s := range at.Top {
		vals = append(vals, s.Weight)
	}
	if err := finite("the weights", vals); err != nil {
		return err
	}
	out := weightsJSON{
		Effective: at.Effective, Machine: spec.String(), T: t, K: k, Pixel: [2]int{r, c},
		Value: at.Value, Candidates: at.Candidates,
		Top: make([]sourceJSON, 0, len(at.Top)), PerImage: []imageWeightJSON{},
	}
	if !spec.Kind.HasPatch() {
		out.K = 0
	}
	for _, s := range at.Top {
		out.Top = append(out.Top, sourceJSON{s.Image, s.Row, s.Col, s.Weight})
	}
	for i, iw := range at.PerImage {
		if i >= *top {
			break
		}
		out.PerImage = append(out.PerImage, imageWeightJSON{iw.Image, iw.Label, iw.Weight})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
