package main

import (
	"context"
	"fmt"
	"io"

	"mosaic/model/dataset"
	"mosaic/model/machine"
	"mosaic/model/network"
	"mosaic/model/npy"
	"mosaic/model/schedule"
)

// networkSetup builds a Network machine from --net (a built-in name or a
// checkpoint file). A network needs no
// training data: with --train or --dataset the data set is loaded (its
// shape must fit the network, and sample reports the nearest training
// image); without, the image shape comes from --noise, from --size, or
// from the size the checkpoint records, in that order.
func networkSetup(df *dataFlags, spec machine.Spec, k schedule.Patch, set map[string]bool, noise string) (*setup, error) {
	net, err := network.Open(spec.Net)
	if err != nil {
		return nil, err
	}
	info := net.Info()
	class, err := info.ClassFor(spec.Net, df.class)
	if err != nil {
		return nil, usagef("%v: give --class L with 0 <= L < %d", err, info.NumClasses)
	}
	var ds *dataset.Dataset
	if df.train != "" || df.dataset != "" {
		if ds, err = df.load(set); err != nil {
			return nil, err
		}
		if err := info.FitsImage(spec.Net, ds.H, ds.W); err != nil {
			return nil, usagef("%v (%s holds %dx%d images): use data of that size (e.g. --size %d with --dataset)", err, ds.Name, ds.H, ds.W, info.ImageSize)
		}
	} else {
		c, h, w, err := networkShape(info, df, set, noise)
		if err != nil {
			return nil, err
		}
		ds = &dataset.Dataset{Name: "no training data", C: c, H: h, W: w}
	}
	m, err := machine.NewNetwork(net, ds, spec, class)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return &setup{data: ds, m: m, k: k, info: info}, nil
}

// networkShape returns the image shape of a network run without data.
func networkShape(info network.Info, df *dataFlags, set map[string]bool, noise string) (c, h, w int, err error) {
	c = info.Channels
	switch {
	case noise != "":
		a, err := npy.ReadFile(noise)
		if err != nil {
			return 0, 0, 0, err
		}
		sh := a.Shape
		switch len(sh) {
		case 2:
			return c, sh[0], sh[1], nil
		case 3:
			return sh[0], sh[1], sh[2], nil
		case 4:
			if sh[0] == 1 {
				return sh[1], sh[2], sh[3], nil
			}
		}
		return 0, 0, 0, fmt.Errorf("%s: the noise has shape %v: give one image, [C,H,W] or [1,C,H,W]", noise, sh)
	case set["size"]:
		if df.size < 1 || df.size > 1024 {
			return 0, 0, 0, usagef("--size must be an image side such as 32, not %d", df.size)
		}
		return c, df.size, df.size, nil
	case info.ImageSize > 0:
		return c, info.ImageSize, info.ImageSize, nil
	}
	return 0, 0, 0, usagef("%s does not record the image size it was trained at: give --size S (e.g. --size 32), --noise Z.npy, or training data (--dataset/--train)", info.Source)
}

// networksUsage documents mosaic-cli networks.
const networksUsage = `Usage: mosaic-cli networks

Lists the trained networks built into Mosaic, for --machine network --net NAME
(or give --net a checkpoint file): name, architecture, width and layers,
padding, image size and number of parameters.
`

func cmdNetworks(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("networks", networksUsage, stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	names := network.BuiltinNames()
	if len(names) == 0 {
		fmt.Fprintln(stdout, "This build has no built-in networks: give --net a checkpoint file (.pt, or .safetensors with its .json).")
		return nil
	}
	const format = "%-24s %-7s %6s %7s %-9s %6s %8s %s\n"
	fmt.Fprintf(stdout, format, "name", "arch", "width", "layers", "padding", "size", "params", "classes")
	for _, name := range names {
		net, err := network.Builtin(name)
		if err != nil {
			return err
		}
		in := net.Info()
		size, classes := "-", "unconditional"
		if in.ImageSize > 0 {
			size = fmt.Sprintf("%dx%d", in.ImageSize, in.ImageSize)
		}
		if in.Conditional {
			classes = fmt.Sprintf("%d (conditional)", in.NumClasses)
		}
		fmt.Fprintf(stdout, format, name, in.Arch, fmt.Sprint(in.EmbDim), fmt.Sprint(in.Layers), in.Padding, size, fmt.Sprint(in.Params), classes)
	}
	return nil
}
