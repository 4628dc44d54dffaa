package network

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A dtype is a little-endian element type of stored tensors, named as in
// safetensors; toFloat32 converts raw bytes of it.
type dtype struct {
	name string
	size int
}

var (
	dtF32  = dtype{"F32", 4}
	dtF64  = dtype{"F64", 8}
	dtF16  = dtype{"F16", 2}
	dtBF16 = dtype{"BF16", 2}
	dtI64  = dtype{"I64", 8}
	dtI32  = dtype{"I32", 4}
	dtI16  = dtype{"I16", 2}
	dtI8   = dtype{"I8", 1}
	dtU8   = dtype{"U8", 1}
	dtBool = dtype{"BOOL", 1}
)

// floatDtypes are the element types a checkpoint's weights may have.
var floatDtypes = map[string]dtype{"F32": dtF32, "F64": dtF64, "F16": dtF16, "BF16": dtBF16}

// toFloat32 converts n elements of raw (little-endian) to float32.
func (d dtype) toFloat32(raw []byte, n int) ([]float32, error) {
	if len(raw) < n*d.size {
		return nil, fmt.Errorf("%d bytes for %d %s values", len(raw), n, d.name)
	}
	out := make([]float32, n)
	le := binary.LittleEndian
	switch d {
	case dtF32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
	case dtF64:
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	case dtF16:
		for i := range out {
			out[i] = halfToFloat32(le.Uint16(raw[2*i:]))
		}
	case dtBF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16)
		}
	case dtI64:
		for i := range out {
			out[i] = float32(int64(le.Uint64(raw[8*i:])))
		}
	case dtI32:
		for i := range out {
			out[i] = float32(int32(le.Uint32(raw[4*i:])))
		}
	case dtI16:
		for i := range out {
			out[i] = float32(int16(le.Uint16(raw[2*i:])))
		}
	case dtI8:
		for i := range out {
			out[i] = float32(int8(raw[i]))
		}
	case dtU8, dtBool:
		for i := range out {
			out[i] = float32(raw[i])
		}
	default:
		return nil, fmt.Errorf("dtype %s not supported", d.name)
	}
	return out, nil
}

// halfToFloat32 converts an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: frac * 2^-24.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
