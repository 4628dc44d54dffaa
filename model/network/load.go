package network

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxFile bounds the size of a checkpoint Load reads (2 GiB).
const maxFile = 2 << 30

// supported is the list of formats error messages point to.
const supported = "supported: PyTorch files from torch.save(model) of a MinimalResNet or MinimalUNet, " +
	"torch.save(model.state_dict()) .pt files and .safetensors files, each with a JSON file of hyper-parameters beside it"

// Load reads a network checkpoint, detecting its format from its content:
//
//   - a PyTorch zip archive (torch.save) holding a whole pickled
//     MinimalResNet or MinimalUNet (or a module that holds one as
//     .backbone): the hyper-parameters come from the pickled attributes;
//   - a PyTorch zip archive holding a state_dict, with the JSON side file
//     (the path with extension .json);
//   - a safetensors file, with the JSON side file or the hyper-parameters
//     that SaveSafetensors records in its metadata.
//
// Anything else is an error that says what the file holds and what is
// supported.
func Load(path string) (*Net, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load network: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("load network %s: %w", path, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("load network %s: file larger than %d bytes", path, maxFile)
	}
	side := func() (*Config, error) {
		sp := sidePath(path)
		if sp == path {
			return nil, nil
		}
		c, err := readConfigFile(sp)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &c, nil
	}
	n, err := loadBytes(data, path, side)
	if err != nil {
		return nil, fmt.Errorf("load network %s: %w", path, err)
	}
	return n, nil
}

// loadBytes is Load on a file's content; side returns the hyper-parameters
// of the JSON side file (nil when there is none).
func loadBytes(data []byte, source string, side func() (*Config, error)) (*Net, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		obj, err := readTorch(data)
		if err != nil {
			return nil, err
		}
		var cfg *Config
		if _, isModule := obj.(*pyObject); !isModule {
			if cfg, err = side(); err != nil {
				return nil, err
			}
		}
		return fromTorchObject(obj, cfg, source)
	case isSafetensors(data):
		params, meta, err := readSafetensors(data)
		if err != nil {
			return nil, err
		}
		cfg, err := side()
		if err != nil {
			return nil, err
		}
		if cfg == nil {
			cfg = meta
		}
		if cfg == nil {
			return nil, fmt.Errorf("safetensors file (%d tensors) without hyper-parameters: put them in a JSON file beside it (same name, extension .json; see the package documentation)", len(params))
		}
		return New(*cfg, params, source)
	case len(data) >= 2 && data[0] == 0x80 && data[1] <= 5:
		return nil, fmt.Errorf("a bare pickle or a legacy PyTorch file (saved before PyTorch 1.6 or with _use_new_zipfile_serialization=False) is not supported: re-save it with a recent torch.save; %s", supported)
	case len(data) == 0:
		return nil, fmt.Errorf("the file is empty; %s", supported)
	}
	head := data[:min(len(data), 8)]
	return nil, fmt.Errorf("unrecognised format (starts with % x, %q); %s", head, head, supported)
}
