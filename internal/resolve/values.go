package resolve

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/distribution/reference"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// This file checks single values whose syntax belongs to someone else: the
// pools a subnet must stay out of, SONiC's DEVICE_METADATA, the container
// image of the agent. Each check says what the value must look like.

// subnetInPool reports a server subnet that overlaps a loopback or link
// pool: addresses there are handed out to devices and links as the fabric
// grows, so the subnet would collide with an allocation later even if it
// collides with none today.
func (r *resolver) subnetInPool(p *field.Path, pfx netip.Prefix) bool {
	for _, pool := range r.pools.prefixPools() {
		if pool.pool != nil && pool.pool.Prefix.Overlaps(pfx) {
			r.errs = append(r.errs, field.Invalid(p, pfx.String(), fmt.Sprintf(
				"overlaps spec.pools.%s %s, which underlay allocates from; move the subnet out of the pool or shrink the pool",
				pool.name, pool.pool.Prefix)))
			return true
		}
	}
	return false
}

// SONiC's YANG (sonic-device_metadata.yang) takes a base MAC as six
// colon-separated octets; hwsku and platform name directories under
// /usr/share/sonic/device, so they are path-safe names of 1-255 characters.
var (
	sonicMAC  = regexp.MustCompile(`^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$`)
	sonicName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$`)
)

// deviceSonic checks the hardware values of a SONiC device.
func (r *resolver) deviceSonic(d *device) {
	in := d.in.Sonic
	if in == nil {
		return
	}
	p := d.path.Child("sonic")
	if in.MAC != "" {
		switch {
		case !sonicMAC.MatchString(in.MAC):
			r.errs = append(r.errs, field.Invalid(p.Child("mac"), in.MAC, "want six colon-separated hex octets, e.g. 02:42:ac:11:00:02"))
		case strings.Trim(strings.ReplaceAll(in.MAC, ":", ""), "0") == "":
			r.errs = append(r.errs, field.Invalid(p.Child("mac"), in.MAC, "the all-zero MAC is no address; set the switch's base MAC"))
		case hexNibble(in.MAC[1])&1 == 1:
			r.errs = append(r.errs, field.Invalid(p.Child("mac"), in.MAC,
				"a multicast MAC (the first octet is odd) cannot be a switch's base MAC; set the switch's base MAC"))
		}
	}
	for _, v := range []struct{ name, value, example string }{
		{"hwsku", in.HWSKU, "Force10-S6000 or Mellanox-SN2700"}, {"platform", in.Platform, "x86_64-mlnx_msn2700-r0"}} {
		if v.value != "" && (!sonicName.MatchString(v.value) || strings.Contains(v.value, "..")) {
			r.errs = append(r.errs, field.Invalid(p.Child(v.name), v.value, fmt.Sprintf(
				"SONiC looks it up as a directory name: 1-255 of A-Z, a-z, 0-9, '.', '_', '+', '-', e.g. %s", v.example)))
		}
	}
}

func hexNibble(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// checkImage parses the agent image as a container image reference, as
// the kubelet will: registry/name[:tag][@digest].
func (r *resolver) checkImage(p *field.Path, image string) {
	if image == "" {
		return
	}
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		r.errs = append(r.errs, field.Invalid(p, image, fmt.Sprintf(
			"not a container image reference (%v); want e.g. registry.example.com/underlay-agent:v0.1.0", err)))
	}
}
