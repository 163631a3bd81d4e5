package ipam

import "fmt"

// Allocator tracks which slots of one pool are taken and by whom.
type Allocator struct {
	pool  Pool
	owner map[uint64]string
	next  uint64 // every slot below next is taken
	need  int    // requests Next could not serve
}

// NewAllocator returns an allocator with every slot of pool free.
func NewAllocator(pool Pool) *Allocator {
	return &Allocator{pool: pool, owner: map[uint64]string{}}
}

// Reserve marks slot i as owner's. If another owner holds it, Reserve
// returns that owner and false.
func (a *Allocator) Reserve(i uint64, owner string) (string, bool) {
	if prev, taken := a.owner[i]; taken && prev != owner {
		return prev, false
	}
	a.owner[i] = owner
	return "", true
}

// Next hands owner the lowest free slot, or reports false when the pool is
// exhausted (Shortfall then counts it).
func (a *Allocator) Next(owner string) (uint64, bool) {
	size := a.pool.Size()
	for ; a.next < size; a.next++ {
		if _, taken := a.owner[a.next]; !taken {
			a.owner[a.next] = owner
			return a.next, true
		}
	}
	a.need++
	return 0, false
}

// Shortfall describes an exhausted pool, or returns "" when all requests
// were served.
func (a *Allocator) Shortfall(what string) string {
	if a.need == 0 {
		return ""
	}
	return fmt.Sprintf("pool %s is exhausted: %d more %s needed than it holds (%d slots, all taken); enlarge the pool",
		a.pool, a.need, what, a.pool.Size())
}
