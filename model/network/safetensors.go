package network

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
)

// safetensors (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, a JSON header of N bytes mapping each
// tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
// into the data that follows the header) plus an optional "__metadata__"
// map of strings, then the raw little-endian data. Weights may be F32, F64,
// F16 or BF16; they are converted to float32.

// maxSafetensorsHeader bounds the JSON header.
const maxSafetensorsHeader = 100 << 20

// metadataKey is the __metadata__ entry in which SaveSafetensors also
// records the hyper-parameters (the JSON side file wins when both exist).
const metadataKey = "mosaic_config"

type stEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// isSafetensors reports whether data starts like a safetensors file.
func isSafetensors(data []byte) bool {
	if len(data) < 9 {
		return false
	}
	n := binary.LittleEndian.Uint64(data)
	return n >= 2 && n <= uint64(len(data)-8) && data[8] == '{'
}

// readSafetensors parses a safetensors file held in data: its tensors in
// data order, and the hyper-parameters recorded in its metadata, if any.
func readSafetensors(data []byte) ([]Param, *Config, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("safetensors file of %d bytes is truncated", len(data))
	}
	hl := binary.LittleEndian.Uint64(data)
	if hl > maxSafetensorsHeader || hl > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("safetensors header of %d bytes does not fit in the file's %d", hl, len(data))
	}
	body := data[8+hl:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+hl], &raw); err != nil {
		return nil, nil, fmt.Errorf("safetensors header: %w", err)
	}
	var cfg *Config
	type named struct {
		name string
		e    stEntry
	}
	var ents []named
	for name, msg := range raw {
		if name == "__metadata__" {
			var meta map[string]string
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors __metadata__: %w", err)
			}
			if s, ok := meta[metadataKey]; ok {
				c, err := parseConfig([]byte(s), "in the safetensors metadata")
				if err != nil {
					return nil, nil, err
				}
				cfg = &c
			}
			continue
		}
		var e stEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, nil, fmt.Errorf("safetensors tensor %s: %w", name, err)
		}
		ents = append(ents, named{name, e})
	}
	sort.Slice(ents, func(i, j int) bool {
		if ents[i].e.DataOffsets[0] != ents[j].e.DataOffsets[0] {
			return ents[i].e.DataOffsets[0] < ents[j].e.DataOffsets[0]
		}
		return ents[i].name < ents[j].name
	})
	params := make([]Param, 0, len(ents))
	for _, ne := range ents {
		name, e := ne.name, ne.e
		dt, ok := floatDtypes[e.DType]
		if !ok {
			return nil, nil, fmt.Errorf("safetensors tensor %s has dtype %q (supported: F32, F64, F16, BF16)", name, e.DType)
		}
		n := int64(1)
		for _, d := range e.Shape {
			if d < 0 || d > math.MaxInt32 {
				return nil, nil, fmt.Errorf("safetensors tensor %s has shape %v", name, e.Shape)
			}
			n *= int64(d)
			if n > math.MaxInt32 {
				return nil, nil, fmt.Errorf("safetensors tensor %s of shape %v is too large", name, e.Shape)
			}
		}
		b, end := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || end < b || end > int64(len(body)) {
			return nil, nil, fmt.Errorf("safetensors tensor %s: data offsets [%d, %d] outside the %d data bytes", name, b, end, len(body))
		}
		if end-b != n*int64(dt.size) {
			return nil, nil, fmt.Errorf("safetensors tensor %s: shape %v of %s needs %d bytes, its offsets span %d", name, e.Shape, e.DType, n*int64(dt.size), end-b)
		}
		v, err := dt.toFloat32(body[b:end], int(n))
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors tensor %s: %w", name, err)
		}
		params = append(params, Param{Name: name, Shape: append([]int{}, e.Shape...), Data: v})
	}
	return params, cfg, nil
}

// SaveSafetensors writes the network's tensors to path as float32
// safetensors and its hyper-parameters to the JSON side file beside it (path
// with the extension .json), each atomically (a temporary file in the same
// directory renamed over the target). The hyper-parameters are also stored
// in the safetensors metadata under "mosaic_config".
func SaveSafetensors(path string, net *Net) error {
	cfgJSON, err := net.cfg.marshal()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	data, err := encodeSafetensors(net.params, map[string]string{"format": "pt", metadataKey: string(bytes.TrimSpace(cfgJSON))})
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := writeAtomic(path, data); err != nil {
		return err
	}
	return writeAtomic(sidePath(path), cfgJSON)
}

// encodeSafetensors returns the safetensors file of the tensors, as
// float32 in the given order, with the metadata.
func encodeSafetensors(params []Param, meta map[string]string) ([]byte, error) {
	header := map[string]any{"__metadata__": meta}
	off := int64(0)
	for _, p := range params {
		size := int64(len(p.Data)) * 4
		header[p.Name] = stEntry{DType: "F32", Shape: p.Shape, DataOffsets: [2]int64{off, off + size}}
		off += size
	}
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	var buf bytes.Buffer
	buf.Grow(8 + len(h) + int(off))
	var lenb [8]byte
	binary.LittleEndian.PutUint64(lenb[:], uint64(len(h)))
	buf.Write(lenb[:])
	buf.Write(h)
	var b4 [4]byte
	for _, p := range params {
		for _, v := range p.Data {
			binary.LittleEndian.PutUint32(b4[:], math.Float32bits(v))
			buf.Write(b4[:])
		}
	}
	return buf.Bytes(), nil
}

// writeAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
