package resolve

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ledger records who holds each value (an ASN, a loopback, a link prefix)
// so a collision names both holders and says where each came from.
type ledger[V comparable] struct {
	what   string // "asn", "loopback", "link prefix"
	holder map[V]holding
}

type holding struct {
	owner  string
	path   *field.Path
	locked bool // recorded in the lock file rather than written by the user
}

func newLedger[V comparable](what string) *ledger[V] {
	return &ledger[V]{what: what, holder: map[V]holding{}}
}

// claim gives v to owner, or records an error naming the current holder.
func (lg *ledger[V]) claim(r *resolver, v V, h holding) bool {
	prev, taken := lg.holder[v]
	if !taken || prev.owner == h.owner {
		lg.holder[v] = h
		return true
	}
	r.errs = append(r.errs, field.Invalid(h.path, fmt.Sprint(v), lg.collision(prev, h)))
	return false
}

func (lg *ledger[V]) collision(prev, cur holding) string {
	if cur.locked {
		return fmt.Sprintf("%s of %s in the lock file collides with %s, which sets it explicitly at %s; "+
			"pick another value for %s, or delete %s's entry from the lock file to give it a new one",
			lg.what, cur.owner, prev.owner, prev.path, prev.owner, cur.owner)
	}
	return fmt.Sprintf("%s collides with %s (set at %s)", lg.what, prev.owner, prev.path)
}
