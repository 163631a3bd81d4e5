package resolve

import (
	"fmt"
	"net/netip"
	"regexp"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// Defaults applied when the intent leaves a value out.
const (
	DefaultNamespace    = "underlay-system"
	DefaultMaximumPaths = 64
	DefaultKeepalive    = 3
	DefaultHold         = 9
	DefaultMTU          = 9216
	minMTU, maxMTU      = 552, 9216 // what ifupdown2 and SONiC accept
	maxPaths            = 64        // FRR's MULTIPATH_NUM in Debian's build
)

// pools are the parsed pools; a zero value means "not given".
type pools struct {
	asn          map[model.Role]*ipam.ASNRange
	asnPath      map[model.Role]*field.Path
	asnBroken    map[model.Role]bool // given but invalid: already reported
	lo4, lo6     *ipam.PrefixPool
	link4, link6 *ipam.PrefixPool
	// prefixBroken marks a prefix pool given but invalid (by its intent
	// key, e.g. "loopbackIPv4"): its error is reported, and what would have
	// been allocated from it is not reported missing as well.
	prefixBroken map[string]bool
	// vlans and vnis are the server networks' pools (or their defaults);
	// nil when the intent's does not parse.
	vlans, vnis *ipam.IntRange
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func (r *resolver) settings() {
	meta := field.NewPath("metadata")
	if r.in.APIVersion != v1alpha1.APIVersion {
		r.errs = append(r.errs, field.NotSupported(field.NewPath("apiVersion"), r.in.APIVersion, []string{v1alpha1.APIVersion}))
	}
	if r.in.Kind != v1alpha1.KindFabric {
		r.errs = append(r.errs, field.NotSupported(field.NewPath("kind"), r.in.Kind, []string{v1alpha1.KindFabric}))
	}
	r.out.Name = r.in.Metadata.Name
	r.checkLabel(meta.Child("name"), r.in.Metadata.Name)
	r.out.Namespace = r.in.Metadata.Namespace
	if r.out.Namespace == "" {
		r.out.Namespace = DefaultNamespace
	} else {
		r.checkLabel(meta.Child("namespace"), r.out.Namespace)
	}
	r.parsePools()
	r.out.BGP = r.fabricBGP()
	r.agent()
}

// checkLabel requires a DNS-1123 label: it becomes a hostname, a label
// value and part of ConfigMap names.
func (r *resolver) checkLabel(p *field.Path, v string) bool {
	switch {
	case v == "":
		r.errs = append(r.errs, field.Required(p, "a lowercase DNS label such as \"leaf1\""))
	case len(v) > 63 || !dnsLabel.MatchString(v):
		r.errs = append(r.errs, field.Invalid(p, v,
			"must be a DNS label: at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit"))
	default:
		return true
	}
	return false
}

func (r *resolver) parsePools() {
	p := field.NewPath("spec", "pools")
	in := r.in.Spec.Pools
	r.pools.asn = map[model.Role]*ipam.ASNRange{}
	r.pools.asnPath = map[model.Role]*field.Path{}
	r.pools.asnBroken = map[model.Role]bool{}
	for role, s := range map[model.Role]string{model.RoleSuperspine: in.ASN.Superspine, model.RoleSpine: in.ASN.Spine,
		model.RoleLeaf: in.ASN.Leaf, model.RoleHost: in.ASN.Host} {
		path := p.Child("asn", string(role))
		r.pools.asnPath[role] = path
		if s == "" {
			continue
		}
		rng, err := ipam.ParseASNRange(s)
		if err != nil {
			r.errs = append(r.errs, field.Invalid(path, s, err.Error()))
			r.pools.asnBroken[role] = true
			continue
		}
		r.pools.asn[role] = &rng
	}
	r.checkASNPoolOverlap()
	r.pools.prefixBroken = map[string]bool{}
	r.pools.lo4 = r.prefixPool(p, "loopbackIPv4", in.LoopbackIPv4, true, 32)
	r.pools.lo6 = r.prefixPool(p, "loopbackIPv6", in.LoopbackIPv6, false, 128)
	r.pools.link4 = r.prefixPool(p, "linkIPv4", in.LinkIPv4, true, 31)
	r.pools.link6 = r.prefixPool(p, "linkIPv6", in.LinkIPv6, false, 127)
	if r.pools.lo4 != nil {
		r.pools.lo4.Skip = 1 // never hand out the network address as a loopback
	}
	if r.pools.lo6 != nil {
		r.pools.lo6.Skip = 1
	}
	r.checkPrefixPoolOverlap(p)
	r.parseNetworkPools()
}

func (r *resolver) checkASNPoolOverlap() {
	for i, a := range model.Roles {
		for _, b := range model.Roles[i+1:] {
			ra, rb := r.pools.asn[a], r.pools.asn[b]
			if ra != nil && rb != nil && ra.Overlaps(*rb) {
				r.poolsOverlap = true
				r.errs = append(r.errs, field.Invalid(r.pools.asnPath[b], rb.String(),
					fmt.Sprintf("overlaps spec.pools.asn.%s %s; ASN pools of different roles must not share ASNs", a, ra)))
			}
		}
	}
}

func (r *resolver) prefixPool(pools *field.Path, key, s string, v4 bool, bits int) *ipam.PrefixPool {
	if s == "" {
		return nil
	}
	p := pools.Child(key)
	r.pools.prefixBroken[key] = true // until it parses
	pfx, err := netip.ParsePrefix(s)
	family := map[bool]string{true: "IPv4", false: "IPv6"}[v4]
	switch {
	case err != nil:
		r.errs = append(r.errs, field.Invalid(p, s, "not a prefix: want an "+family+" prefix like "+
			map[bool]string{true: "10.0.0.0/16", false: "fd00::/64"}[v4]))
	case pfx.Addr().Is4() != v4:
		r.errs = append(r.errs, field.Invalid(p, s, "must be an "+family+" prefix"))
	case pfx.Masked() != pfx:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
	case pfx.Bits() > bits:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("too small: must hold at least one /%d", bits)))
	default:
		r.pools.prefixBroken[key] = false
		return &ipam.PrefixPool{Prefix: pfx, Bits: bits}
	}
	return nil
}

// namedPool is a prefix pool with its field name under spec.pools.
type namedPool struct {
	name string
	pool *ipam.PrefixPool
}

// prefixPools lists the prefix pools, set or not, by field name.
func (p *pools) prefixPools() []namedPool {
	return []namedPool{{"loopbackIPv4", p.lo4}, {"loopbackIPv6", p.lo6}, {"linkIPv4", p.link4}, {"linkIPv6", p.link6}}
}

func (r *resolver) checkPrefixPoolOverlap(p *field.Path) {
	named := r.pools.prefixPools()
	for i, a := range named {
		for _, b := range named[i+1:] {
			if a.pool != nil && b.pool != nil && a.pool.Prefix.Overlaps(b.pool.Prefix) {
				r.poolsOverlap = true
				r.errs = append(r.errs, field.Invalid(p.Child(b.name), b.pool.Prefix.String(),
					fmt.Sprintf("overlaps spec.pools.%s %s; pools must be disjoint", a.name, a.pool.Prefix)))
			}
		}
	}
	for _, lp := range []*ipam.PrefixPool{r.pools.lo4, r.pools.lo6} {
		if lp != nil {
			r.out.LoopbackPools = append(r.out.LoopbackPools, lp.Prefix)
		}
	}
}

func (r *resolver) fabricBGP() model.BGP {
	in := r.in.Spec.BGP
	b := model.BGP{MultipathRelax: in.MultipathRelax == nil || *in.MultipathRelax,
		MaximumPaths: DefaultMaximumPaths, Keepalive: DefaultKeepalive, Hold: DefaultHold}
	p := field.NewPath("spec", "bgp")
	r.overrideBGP(&b, p, in.MaximumPaths, in.Timers)
	return b
}

// overrideBGP applies a maximumPaths / timers override after checking it.
func (r *resolver) overrideBGP(b *model.BGP, p *field.Path, paths int, t *v1alpha1.Timers) {
	if paths != 0 {
		if paths < 1 || paths > maxPaths {
			r.errs = append(r.errs, field.Invalid(p.Child("maximumPaths"), paths, fmt.Sprintf("must be 1-%d", maxPaths)))
		} else {
			b.MaximumPaths = paths
		}
	}
	if t == nil {
		return
	}
	tp := p.Child("timers")
	switch {
	case t.Keepalive < 1 || t.Keepalive > 65535:
		r.errs = append(r.errs, field.Invalid(tp.Child("keepalive"), t.Keepalive, "must be 1-65535 seconds"))
	case t.Hold < 3 || t.Hold > 65535:
		r.errs = append(r.errs, field.Invalid(tp.Child("hold"), t.Hold, "must be 3-65535 seconds (RFC 4271)"))
	case t.Keepalive*3 > t.Hold:
		r.errs = append(r.errs, field.Invalid(tp.Child("hold"), t.Hold,
			fmt.Sprintf("must be at least 3 × keepalive (%d), or a single lost keepalive drops the session", 3*t.Keepalive)))
	default:
		b.Keepalive, b.Hold = t.Keepalive, t.Hold
	}
}

func (r *resolver) agent() {
	in := r.in.Spec.Agent
	if in == nil {
		return
	}
	p := field.NewPath("spec", "agent")
	a := &model.Agent{Image: in.Image, HealthTimeout: in.HealthTimeout}
	if a.Image == "" {
		r.errs = append(r.errs, field.Required(p.Child("image"), "the underlay-agent image, e.g. registry.example.com/underlay-agent:v0.1.0"))
	}
	r.checkImage(p.Child("image"), a.Image)
	if a.HealthTimeout == 0 {
		a.HealthTimeout = 60
	} else if a.HealthTimeout < 1 || a.HealthTimeout > 3600 {
		r.errs = append(r.errs, field.Invalid(p.Child("healthTimeout"), in.HealthTimeout, "must be 1-3600 seconds"))
	}
	r.out.Agent = a
}
