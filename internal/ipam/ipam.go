// Package ipam hands out ASNs, loopbacks and link prefixes from pools
// without ever moving what was handed out before.
//
// A pool is a sequence of equal slots (an ASN, a /32, a /31, a /127).
// Callers first Reserve every value that is already decided (explicit in
// the intent or recorded in the lock file), then call Next for the rest in
// a stable order. Next takes the lowest free slot, so the result depends
// only on what is reserved, never on map order or timing.
package ipam

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// Pool is a sequence of Size slots, numbered from 0.
type Pool interface {
	Size() uint64
	String() string
}

// ASNRange is an inclusive range of ASNs.
type ASNRange struct{ First, Last model.ASN }

// ParseASNRange parses "65001-65099" or a single ASN.
func ParseASNRange(s string) (ASNRange, error) {
	lo, hi, found := strings.Cut(s, "-")
	first, err := model.ParseASN(strings.TrimSpace(lo))
	if err != nil {
		return ASNRange{}, err
	}
	last := first
	if found {
		if last, err = model.ParseASN(strings.TrimSpace(hi)); err != nil {
			return ASNRange{}, err
		}
	}
	if last < first {
		return ASNRange{}, fmt.Errorf("range %q ends before it starts", s)
	}
	return ASNRange{first, last}, nil
}

// Size is the number of ASNs in the range.
func (r ASNRange) Size() uint64 { return uint64(r.Last-r.First) + 1 }

func (r ASNRange) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// Contains reports whether a is in the range.
func (r ASNRange) Contains(a model.ASN) bool { return a >= r.First && a <= r.Last }

// Overlaps reports whether the ranges share an ASN.
func (r ASNRange) Overlaps(o ASNRange) bool { return r.First <= o.Last && o.First <= r.Last }

// Slot returns the ASN of slot i.
func (r ASNRange) Slot(i uint64) model.ASN { return r.First + model.ASN(i) }

// Index returns a's slot.
func (r ASNRange) Index(a model.ASN) (uint64, bool) {
	if !r.Contains(a) {
		return 0, false
	}
	return uint64(a - r.First), true
}

// PrefixPool splits Prefix into blocks of Bits length. Skip slots at the
// start are never handed out (the .0 of a loopback pool).
type PrefixPool struct {
	Prefix netip.Prefix
	Bits   int
	Skip   uint64
}

// Size is the number of blocks, capped to keep arithmetic in uint64.
func (p PrefixPool) Size() uint64 {
	shift := p.Bits - p.Prefix.Bits()
	if shift >= 62 {
		return math.MaxUint64 >> 2
	}
	n := uint64(1) << shift
	if n <= p.Skip {
		return 0
	}
	return n - p.Skip
}

func (p PrefixPool) String() string { return p.Prefix.String() }

// Slot returns block i.
func (p PrefixPool) Slot(i uint64) netip.Prefix {
	step := p.Prefix.Addr().BitLen() - p.Bits
	return netip.PrefixFrom(addOffset(p.Prefix.Addr(), (i+p.Skip)<<step), p.Bits)
}

// Index returns the slot of q, which must be a block of the pool.
func (p PrefixPool) Index(q netip.Prefix) (uint64, bool) {
	if q.Bits() != p.Bits || !p.Prefix.Contains(q.Addr()) || q.Masked() != q {
		return 0, false
	}
	step := p.Prefix.Addr().BitLen() - p.Bits
	off := offset(p.Prefix.Addr(), q.Addr()) >> step
	if off < p.Skip {
		return 0, false
	}
	return off - p.Skip, true
}

// addOffset adds off to the low 64 bits of a (pools never span more).
func addOffset(a netip.Addr, off uint64) netip.Addr {
	b := a.As16()
	lo := binary.BigEndian.Uint64(b[8:]) + off
	binary.BigEndian.PutUint64(b[8:], lo)
	r := netip.AddrFrom16(b)
	if a.Is4() {
		return r.Unmap()
	}
	return r
}

func offset(base, a netip.Addr) uint64 {
	x, y := base.As16(), a.As16()
	return binary.BigEndian.Uint64(y[8:]) - binary.BigEndian.Uint64(x[8:])
}
