package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Config holds the hyper-parameters of a backbone, named as the arguments
// of the authors' constructors. It is also the JSON schema of the side file
// that accompanies state_dict and safetensors checkpoints (see the package
// documentation).
type Config struct {
	// Arch is "resnet" (MinimalResNet) or "unet" (MinimalUNet).
	Arch string `json:"arch"`
	// Channels is the number of image channels (input and output).
	Channels int `json:"channels"`
	// EmbDim is the width of the time (and class) embedding; for the ResNet
	// it is also the width of every hidden layer.
	EmbDim int `json:"emb_dim"`
	// Mode is the padding of every convolution: "zeros" or "circular".
	Mode string `json:"mode"`
	// Normalization is "" (JSON null; none) or "GroupNorm".
	Normalization string `json:"normalization"`
	// Conditional networks add a learned class embedding; NumClasses
	// classes are known.
	Conditional bool `json:"conditional"`
	NumClasses  int  `json:"num_classes"`
	// KernelSize is the size of the hidden convolutions (odd; the UNet's
	// decoder blocks always use 3, as in the authors' code).
	KernelSize int `json:"kernel_size"`
	// LastKSize is the kernel size of the final convolution.
	LastKSize int `json:"lastksize"`
	// NumLayers is the ResNet's number of residual layers.
	NumLayers int `json:"num_layers,omitempty"`
	// AddOne (ResNet; default true) adds a last embedding before the
	// down-projection; without it the state is doubled instead.
	AddOne *bool `json:"add_one,omitempty"`
	// FSizes are the UNet's feature widths per level, finest first.
	FSizes []int `json:"fsizes,omitempty"`
	// LastNorm (UNet) applies GroupNorm before the output convolution when
	// Normalization is GroupNorm.
	LastNorm bool `json:"last_norm,omitempty"`
	// ImageSize is the side of the square images the network was trained
	// on, 0 when unknown.
	ImageSize int `json:"image_size,omitempty"`
}

func (c *Config) addOne() bool { return c.AddOne == nil || *c.AddOne }

// normalize fills defaults and checks that the hyper-parameters describe a
// network this package can run.
func (c *Config) normalize() error {
	c.Arch = strings.ToLower(c.Arch)
	switch c.Arch {
	case "resnet", "minimalresnet":
		c.Arch = "resnet"
	case "unet", "minimalunet":
		c.Arch = "unet"
	default:
		return fmt.Errorf("arch %q is not supported (supported: resnet, unet)", c.Arch)
	}
	switch c.Mode {
	case "zeros", "circular":
	case "":
		return fmt.Errorf("padding mode missing (supported: zeros, circular)")
	default:
		return fmt.Errorf("padding mode %q is not supported (supported: zeros, circular)", c.Mode)
	}
	switch strings.ToLower(c.Normalization) {
	case "", "none", "null":
		c.Normalization = ""
	case "groupnorm":
		c.Normalization = "GroupNorm"
	default:
		return fmt.Errorf("normalization %q is not supported (supported: none, GroupNorm)", c.Normalization)
	}
	if c.KernelSize == 0 {
		c.KernelSize = 3
	}
	if c.LastKSize == 0 {
		c.LastKSize = 1
	}
	switch {
	case c.Channels < 1 || c.Channels > 64:
		return fmt.Errorf("channels %d out of range (1 to 64)", c.Channels)
	case c.EmbDim < 4 || c.EmbDim > 4096:
		return fmt.Errorf("emb_dim %d out of range (4 to 4096)", c.EmbDim)
	case c.EmbDim%2 != 0:
		return fmt.Errorf("emb_dim %d is odd (the embedding is sin and cos halves)", c.EmbDim)
	case c.KernelSize < 1 || c.KernelSize > 31:
		return fmt.Errorf("kernel_size %d out of range (1 to 31)", c.KernelSize)
	case c.LastKSize < 1 || c.LastKSize > 31:
		return fmt.Errorf("lastksize %d out of range (1 to 31)", c.LastKSize)
	case c.Conditional && (c.NumClasses < 1 || c.NumClasses > 1<<20):
		return fmt.Errorf("conditional network with num_classes %d (need at least 1)", c.NumClasses)
	case c.ImageSize < 0:
		return fmt.Errorf("image_size %d is negative", c.ImageSize)
	}
	if !c.Conditional {
		c.NumClasses = 0
	}
	if c.Arch == "resnet" {
		c.FSizes, c.LastNorm = nil, false
		if c.NumLayers < 0 || c.NumLayers > 1000 {
			return fmt.Errorf("num_layers %d out of range (0 to 1000)", c.NumLayers)
		}
		if c.EmbDim%8 != 0 {
			return fmt.Errorf("emb_dim %d is not a multiple of 8 (the ResNet's GroupNorm(8, emb_dim) needs it)", c.EmbDim)
		}
		if c.AddOne == nil {
			t := true
			c.AddOne = &t
		}
		return nil
	}
	c.NumLayers, c.AddOne = 0, nil
	if len(c.FSizes) < 2 || len(c.FSizes) > 12 {
		return fmt.Errorf("fsizes %v: need 2 to 12 levels", c.FSizes)
	}
	for _, f := range c.FSizes {
		if f < 1 || f > 8192 {
			return fmt.Errorf("fsizes %v: widths must be 1 to 8192", c.FSizes)
		}
	}
	if c.Normalization == "" {
		c.LastNorm = false
	}
	return nil
}

// readConfigFile reads the JSON side file of a checkpoint.
func readConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("hyper-parameters: %w", err)
	}
	return parseConfig(data, path)
}

func parseConfig(data []byte, path string) (Config, error) {
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("hyper-parameters %s: %w", filepath.Base(path), err)
	}
	if err := c.normalize(); err != nil {
		return Config{}, fmt.Errorf("hyper-parameters %s: %w", filepath.Base(path), err)
	}
	return c, nil
}

// sidePath returns the JSON side file of a checkpoint: the same path with
// its extension replaced by .json.
func sidePath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

func (c Config) marshal() ([]byte, error) {
	type plain Config
	var norm any
	if c.Normalization != "" {
		norm = c.Normalization
	}
	// Write normalization as null when there is none, as the Python side does.
	b, err := json.Marshal(struct {
		plain
		Normalization any `json:"normalization"`
	}{plain(c), norm})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
