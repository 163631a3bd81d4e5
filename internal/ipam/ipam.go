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
	"errors"
	"fmt"
	"math"
	"math/bits"
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

// ParseASNRange parses "65001-65099" or a single ASN, each end asplain or
// asdot. A range that contains a reserved ASN (model.ReservedASNs) is an
// error rather than a pool the allocator skips in: the pool in the intent
// then says exactly what can be handed out.
func ParseASNRange(s string) (ASNRange, error) {
	lo, hi, found := strings.Cut(s, "-")
	first, err := parseEnd(lo)
	if err != nil {
		return ASNRange{}, err
	}
	last := first
	if found {
		if last, err = parseEnd(hi); err != nil {
			return ASNRange{}, err
		}
	}
	if last < first {
		return ASNRange{}, fmt.Errorf("range %q ends before it starts", s)
	}
	r := ASNRange{first, last}
	var inside []string
	for _, res := range model.ReservedASNs {
		if r.Contains(res.ASN) {
			inside = append(inside, fmt.Sprintf("AS %d, reserved (%s)", res.ASN, res.Why))
		}
	}
	if len(inside) > 0 {
		return ASNRange{}, fmt.Errorf("range %q contains %s; make the range leave it out", s, strings.Join(inside, " and "))
	}
	return r, nil
}

// parseEnd parses one end of a range, adding the range syntax to errors
// about syntax. A reserved end is returned as such: the range check names
// it with every other reserved ASN the range holds.
func parseEnd(s string) (model.ASN, error) {
	a, err := model.ParseASN(strings.TrimSpace(s))
	var reserved *model.ReservedError
	if errors.As(err, &reserved) {
		return reserved.ASN, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%w; a pool is \"first-last\", e.g. \"65001-65099\"", err)
	}
	return a, nil
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
	hi, lo := shl(i+p.Skip, step)
	return netip.PrefixFrom(addOffset(p.Prefix.Addr(), hi, lo), p.Bits)
}

// Index returns the slot of q, which must be a block of the pool.
func (p PrefixPool) Index(q netip.Prefix) (uint64, bool) {
	if q.Bits() != p.Bits || !p.Prefix.Contains(q.Addr()) || q.Masked() != q {
		return 0, false
	}
	step := p.Prefix.Addr().BitLen() - p.Bits
	hi, lo := offset(p.Prefix.Addr(), q.Addr())
	off := shr([2]uint64{hi, lo}, step)
	if off < p.Skip {
		return 0, false
	}
	return off - p.Skip, true
}

// addOffset adds the 128-bit offset hi:lo to a. A block of a pool can
// start beyond the low 64 bits (the /64s of an IPv6 /48), so the sum
// carries into the high half.
func addOffset(a netip.Addr, hi, lo uint64) netip.Addr {
	b := a.As16()
	l, carry := bits.Add64(binary.BigEndian.Uint64(b[8:]), lo, 0)
	h, _ := bits.Add64(binary.BigEndian.Uint64(b[:8]), hi, carry)
	binary.BigEndian.PutUint64(b[8:], l)
	binary.BigEndian.PutUint64(b[:8], h)
	r := netip.AddrFrom16(b)
	if a.Is4() {
		return r.Unmap()
	}
	return r
}

// offset is a - base as a 128-bit hi:lo (a is not below base).
func offset(base, a netip.Addr) (hi, lo uint64) {
	x, y := base.As16(), a.As16()
	lo, borrow := bits.Sub64(binary.BigEndian.Uint64(y[8:]), binary.BigEndian.Uint64(x[8:]), 0)
	hi, _ = bits.Sub64(binary.BigEndian.Uint64(y[:8]), binary.BigEndian.Uint64(x[:8]), borrow)
	return hi, lo
}

// shl is n << s in 128 bits.
func shl(n uint64, s int) (hi, lo uint64) {
	switch {
	case s == 0:
		return 0, n
	case s >= 128:
		return 0, 0
	case s >= 64:
		return n << (s - 64), 0
	}
	return n >> (64 - s), n << s
}

// shr is the 128-bit hi:lo >> s, cut to 64 bits (Size keeps slot indices
// there).
func shr(v [2]uint64, s int) uint64 {
	hi, lo := v[0], v[1]
	switch {
	case s == 0:
		return lo
	case s >= 128:
		return 0
	case s >= 64:
		return hi >> (s - 64)
	}
	return lo>>s | hi<<(64-s)
}

// Check says why q is not one of the pool's slots, or returns nil when it
// is: a value read back from the lock file must be one, or it was not
// handed out from this pool.
func (p PrefixPool) Check(q netip.Prefix) error {
	fam := map[bool]string{true: "IPv4", false: "IPv6"}
	switch {
	case q.Addr().Is4() != p.Prefix.Addr().Is4():
		return fmt.Errorf("%s is %s, but the pool %s is %s", q, fam[q.Addr().Is4()], p.Prefix, fam[p.Prefix.Addr().Is4()])
	case q.Bits() != p.Bits:
		return fmt.Errorf("%s is not a /%d", q, p.Bits)
	case q.Masked() != q:
		return fmt.Errorf("%s has host bits set (%s)", q, q.Masked())
	case !p.Prefix.Contains(q.Addr()):
		return fmt.Errorf("%s is outside the pool %s", q, p.Prefix)
	}
	if _, ok := p.Index(q); !ok {
		return fmt.Errorf("%s is the network address of the pool, which is never handed out", q)
	}
	return nil
}
