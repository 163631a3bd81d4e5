package fleet

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Sort keys of SortBy.
const (
	SortName     = "name"     // namespace, then name (List's order)
	SortReason   = "reason"   // degraded first, then by reason
	SortSessions = "sessions" // most expected sessions down first
	SortApplied  = "applied"  // oldest applied revision first
)

// SortKeys are the keys SortBy takes, for flags and errors.
var SortKeys = []string{SortName, SortReason, SortSessions, SortApplied}

// SortBy orders devs by key, stably and with namespace and name breaking
// ties, so that the same devices always print in the same order.
func SortBy(devs []Device, key string) error {
	var by func(a, b Device) int
	switch key {
	case SortName, "":
		by = func(Device, Device) int { return 0 }
	case SortReason:
		by = func(a, b Device) int {
			if a.Degraded != b.Degraded {
				return boolFirst(a.Degraded)
			}
			return cmp.Compare(a.Reason, b.Reason)
		}
	case SortSessions:
		by = func(a, b Device) int { return cmp.Compare(down(b), down(a)) }
	case SortApplied:
		by = func(a, b Device) int { return a.AppliedTime.Compare(b.AppliedTime) }
	default:
		return fmt.Errorf("sort by %q: want one of %s", key, strings.Join(SortKeys, ", "))
	}
	slices.SortStableFunc(devs, func(a, b Device) int {
		if c := by(a, b); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return nil
}

// down is how many expected sessions are not Established.
func down(d Device) int32 { return d.SessionsExpected - d.SessionsEstablished }

func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}
