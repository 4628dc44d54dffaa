package schedule

import (
	"fmt"
	"strconv"
	"strings"
)

// Patch is a patch-size schedule: entry i is the patch size k used at time
// t_i = i/N. Entry 0 is never used by the sampler but is kept so that a
// schedule always has one entry per step, as in SPEC.md.
type Patch []int

// Constant returns a schedule of n steps that uses patch size k throughout.
func Constant(n, k int) Patch {
	p := make(Patch, n)
	for i := range p {
		p[i] = k
	}
	return p
}

// Parse reads a comma-separated schedule such as "3,3,5,5,7". Spaces are
// allowed around entries. Each entry must be a positive odd integer.
func Parse(s string) (Patch, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty patch-size schedule: give comma-separated odd sizes such as 3,3,5,5")
	}
	p := make(Patch, len(fields))
	for i, f := range fields {
		k, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("patch-size schedule entry %d (%q) is not an integer", i, f)
		}
		p[i] = k
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return p, nil
}

// Check reports the first entry that is not a valid patch size (odd, >= 1).
func (p Patch) Check() error {
	for i, k := range p {
		if err := CheckSize(k); err != nil {
			return fmt.Errorf("schedule entry %d: %w", i, err)
		}
	}
	return nil
}

// CheckSize reports whether k is a valid patch size: odd and at least 1.
func CheckSize(k int) error {
	if k < 1 {
		return fmt.Errorf("patch size %d is too small: it must be an odd number >= 1", k)
	}
	if k%2 == 0 {
		return fmt.Errorf("patch size %d is even: patches are centred on a pixel, so use an odd size such as %d or %d", k, k-1, k+1)
	}
	return nil
}

// Resample maps the schedule to n steps by time: step j of the result, at
// t = j/n, takes the entry of p whose time i/len(p) is nearest. With n ==
// len(p) it returns a copy. (An extension of SPEC.md, which defines the
// presets for N = 20 only.)
func (p Patch) Resample(n int) Patch {
	out := make(Patch, n)
	src := len(p)
	for j := range out {
		i := int(float64(j)*float64(src)/float64(n) + 0.5)
		if i > src-1 {
			i = src - 1
		}
		out[j] = p[i]
	}
	return out
}

// String formats the schedule as comma-separated sizes, the form Parse reads.
func (p Patch) String() string {
	parts := make([]string, len(p))
	for i, k := range p {
		parts[i] = strconv.Itoa(k)
	}
	return strings.Join(parts, ",")
}

// Max returns the largest patch size in the schedule, ignoring entry 0 which
// the sampler never uses (0 for a schedule of fewer than two entries).
func (p Patch) Max() int {
	m := 0
	for i := 1; i < len(p); i++ {
		if p[i] > m {
			m = p[i]
		}
	}
	return m
}
