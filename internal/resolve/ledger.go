package resolve

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/intent"
)

// ledger records who holds each value (an ASN, a loopback, a link prefix)
// so a collision names both holders and says where each came from.
type ledger[V comparable] struct {
	what   string // "asn", "loopback", "link prefix"
	holder map[V]holding
	// fix, when set, ends the error of two explicit values with what to do.
	fix string
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

// collision words the error for the later claim, cur. Explicit values are
// claimed before lock entries, so an explicit value always wins and a lock
// entry takes the blame; two lock entries blame the later one and name the
// other (the lock file was edited or merged by hand).
func (lg *ledger[V]) collision(prev, cur holding) string {
	switch {
	case cur.locked && prev.locked:
		return fmt.Sprintf("%s of %s in the lock file is also the lock file's %s of %s (%s); "+
			"delete one of the two entries to let underlay allocate that one afresh",
			lg.what, cur.owner, lg.what, prev.owner, lockEntry(prev.path))
	case cur.locked:
		return fmt.Sprintf("%s of %s in the lock file collides with %s, which sets it explicitly at %s; "+
			"pick another value for %s, or delete %s's entry from the lock file to give it a new one",
			lg.what, cur.owner, prev.owner, prev.path, prev.owner, cur.owner)
	}
	msg := fmt.Sprintf("%s collides with %s (set at %s)", lg.what, prev.owner, prev.path)
	if lg.fix != "" {
		msg += "; " + lg.fix
	}
	return msg
}

// lockEntry names a lock file entry as the lock file spells it: asns.leaf1.
func lockEntry(p *field.Path) string {
	return strings.TrimPrefix(p.String(), intent.LockRoot.String()+".")
}
