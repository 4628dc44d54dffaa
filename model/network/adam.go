package network

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"slices"
)

// The optimizer state file. SaveState writes a safetensors file holding
// Adam's moments for every tensor of the network, named
// "exp_avg.<tensor>" and "exp_avg_sq.<tensor>" (PyTorch's names for them),
// and in its metadata under "mosaic_adam" a JSON object:
//
//	{"step": 1200, "batch": 64, "lr": 0.001, "beta1": 0.9, "beta2": 0.999,
//	 "eps": 1e-8, "seed": 1, "lr_decay": 0.99995, "weights_fnv64": "<hash of the weights>"}
//
// The hash ties the state to the weights it was saved with, so that
// LoadState refuses the moments of other weights (for example when a
// checkpoint's weights were replaced but not its optimizer state).

// adamMetaKey is the metadata entry of the optimizer state.
const adamMetaKey = "mosaic_adam"

// TrainState is the optimizer state's metadata.
type TrainState struct {
	Step  int     `json:"step"`
	Batch int     `json:"batch"`
	LR    float64 `json:"lr"`
	Beta1 float64 `json:"beta1"`
	Beta2 float64 `json:"beta2"`
	Eps   float64 `json:"eps"`
	Seed  uint64  `json:"seed"`
	// LRDecay is the learning rate's factor per step (1: constant).
	LRDecay float64 `json:"lr_decay,omitempty"`
	// WeightsHash is the FNV-64a hash of the network's tensors (names,
	// shapes and float32 bits) when the state was saved.
	WeightsHash string `json:"weights_fnv64"`
}

// Options returns the training options the state was saved with.
func (s TrainState) Options() TrainOptions {
	return TrainOptions{Batch: s.Batch, LR: s.LR, Beta1: s.Beta1, Beta2: s.Beta2, Eps: s.Eps, Seed: s.Seed, LRDecay: s.LRDecay}
}

// weightsHash fingerprints the network's tensors.
func weightsHash(n *Net) string {
	h := fnv.New64a()
	var b [4]byte
	for _, p := range n.params {
		h.Write([]byte(p.Name))
		for _, d := range p.Shape {
			b[0], b[1], b[2], b[3] = byte(d), byte(d>>8), byte(d>>16), byte(d>>24)
			h.Write(b[:])
		}
		for _, v := range p.Data {
			u := math.Float32bits(v)
			b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
			h.Write(b[:])
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// State returns the optimizer state's metadata as it is now.
func (tr *Trainer) State() TrainState {
	o := tr.opt
	return TrainState{Step: tr.step, Batch: o.Batch, LR: o.LR, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps, Seed: o.Seed, LRDecay: o.LRDecay, WeightsHash: weightsHash(tr.net)}
}

// SaveState writes the optimizer state (Adam's moments, the step count and
// the options) to path atomically; see the format above.
func (tr *Trainer) SaveState(path string) error {
	meta, err := json.Marshal(tr.State())
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	params := make([]Param, 0, 2*len(tr.net.params))
	for i, p := range tr.net.params {
		params = append(params,
			Param{Name: "exp_avg." + p.Name, Shape: p.Shape, Data: tr.adamM[i]},
			Param{Name: "exp_avg_sq." + p.Name, Shape: p.Shape, Data: tr.adamV[i]})
	}
	data, err := encodeSafetensors(params, map[string]string{adamMetaKey: string(meta)})
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return writeAtomic(path, data)
}

// ReadState reads the metadata of an optimizer state file.
func ReadState(path string) (TrainState, error) {
	st, _, err := readState(path)
	return st, err
}

func readState(path string) (TrainState, map[string]Param, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return TrainState{}, nil, fmt.Errorf("optimizer state: %w", err)
	}
	if !isSafetensors(data) {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s is not a safetensors file", path)
	}
	meta, err := safetensorsMeta(data)
	if err != nil {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s: %w", path, err)
	}
	raw, ok := meta[adamMetaKey]
	if !ok {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s has no %q metadata (not written by mosaic-cli train?)", path, adamMetaKey)
	}
	var st TrainState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s: %w", path, err)
	}
	if st.Step < 0 {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s: step %d", path, st.Step)
	}
	params, _, err := readSafetensors(data)
	if err != nil {
		return TrainState{}, nil, fmt.Errorf("optimizer state %s: %w", path, err)
	}
	byName := make(map[string]Param, len(params))
	for _, p := range params {
		byName[p.Name] = p
	}
	return st, byName, nil
}

// safetensorsMeta returns the __metadata__ map of a safetensors file.
func safetensorsMeta(data []byte) (map[string]string, error) {
	hl := int(min(uint64(len(data)-8), uint64(maxSafetensorsHeader), leUint64(data)))
	var h struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(data[8:8+hl], &h); err != nil {
		return nil, fmt.Errorf("safetensors header: %w", err)
	}
	return h.Meta, nil
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// LoadState restores an optimizer state that SaveState wrote for this
// network's current weights: Adam's moments, the step count and the options
// it was saved with (which replace the trainer's). Batch order, times and
// noise then continue where the saved run stopped.
func (tr *Trainer) LoadState(path string) error {
	st, byName, err := readState(path)
	if err != nil {
		return err
	}
	if h := weightsHash(tr.net); st.WeightsHash != h {
		return fmt.Errorf("optimizer state %s was saved with other weights than the checkpoint's (an interrupted save, or a replaced checkpoint): delete it to resume with fresh Adam moments", path)
	}
	opt := st.Options()
	if err := opt.fill(); err != nil {
		return fmt.Errorf("optimizer state %s: %w", path, err)
	}
	m := make([][]float32, len(tr.net.params))
	v := make([][]float32, len(tr.net.params))
	for i, p := range tr.net.params {
		for _, kind := range []string{"exp_avg.", "exp_avg_sq."} {
			q, ok := byName[kind+p.Name]
			if !ok {
				return fmt.Errorf("optimizer state %s lacks %s%s", path, kind, p.Name)
			}
			if !slices.Equal(q.Shape, p.Shape) {
				return fmt.Errorf("optimizer state %s: %s%s has shape %v, the network's tensor %v", path, kind, p.Name, q.Shape, p.Shape)
			}
			if kind == "exp_avg." {
				m[i] = q.Data
			} else {
				v[i] = q.Data
			}
		}
	}
	if len(byName) != 2*len(tr.net.params) {
		return fmt.Errorf("optimizer state %s holds %d tensors, the network needs %d", path, len(byName), 2*len(tr.net.params))
	}
	tr.adamM, tr.adamV = m, v
	tr.opt = opt
	tr.step = st.Step
	clear(tr.perms)
	return nil
}
