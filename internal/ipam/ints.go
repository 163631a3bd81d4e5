package ipam

import (
	"fmt"
	"strconv"
	"strings"
)

// IntRange is an inclusive range of small integers: VLAN IDs, VNIs.
type IntRange struct{ First, Last int }

// ParseIntRange parses "first-last" (or one value) and checks that both
// ends lie within [lo, hi], the values the thing counted may take.
func ParseIntRange(s string, lo, hi int) (IntRange, error) {
	a, b, found := strings.Cut(s, "-")
	first, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return IntRange{}, fmt.Errorf("%q is not a range: want \"first-last\", e.g. \"%d-%d\"", s, lo, hi)
	}
	last := first
	if found {
		if last, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return IntRange{}, fmt.Errorf("%q is not a range: want \"first-last\", e.g. \"%d-%d\"", s, lo, hi)
		}
	}
	switch {
	case last < first:
		return IntRange{}, fmt.Errorf("range %q ends before it starts", s)
	case first < lo || last > hi:
		return IntRange{}, fmt.Errorf("range %q leaves %d-%d", s, lo, hi)
	}
	return IntRange{first, last}, nil
}

// Size is the number of values in the range.
func (r IntRange) Size() uint64 { return uint64(r.Last-r.First) + 1 }

func (r IntRange) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// Contains reports whether v is in the range.
func (r IntRange) Contains(v int) bool { return v >= r.First && v <= r.Last }

// Slot returns the value of slot i.
func (r IntRange) Slot(i uint64) int { return r.First + int(i) }

// Index returns v's slot.
func (r IntRange) Index(v int) (uint64, bool) {
	if !r.Contains(v) {
		return 0, false
	}
	return uint64(v - r.First), true
}
