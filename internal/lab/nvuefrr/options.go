package nvuefrr

// A Kubernetes cluster's session settings, as NVIDIA's NVUE reference
// (Cumulus Linux 5.x) names them, and the FRR commands NVUE writes for
// them: bfd enable on is `neighbor X bfd`; graceful-restart mode full,
// helper-only and off are `neighbor X graceful-restart`,
// `graceful-restart-helper` and `graceful-restart-disable` (auto leaves
// the instance's); per address family route-reflector-client on,
// nexthop-setting self or force (`next-hop-self [force]`), aspath
// replace-peer-as on (`as-override`) and default-route-origination enable
// on (`default-originate`).

var grModes = map[string]string{"auto": "", "full": "graceful-restart", "helper-only": "graceful-restart-helper",
	"off": "graceful-restart-disable"}

// sessionFeatures reads a neighbor's or peer group's bfd and
// graceful-restart.
func (p *parser) sessionFeatures(path string, m map[string]any, n *neighbor) {
	bfd := p.obj(path+".bfd", m["bfd"], "enable")
	n.bfd = p.on(path+".bfd.enable", bfd["enable"], false)
	gr := p.obj(path+".graceful-restart", m["graceful-restart"], "mode")
	n.grMode = p.str(path+".graceful-restart.mode", gr["mode"], false)
	_, known := grModes[n.grMode]
	p.failIf(n.grMode != "" && !known, path+".graceful-restart.mode", ErrInvalid, "want auto, off, helper-only or full, got %q", n.grMode)
}

// familyOptions reads an address family's route reflection, next hop,
// as-override and default route.
func (p *parser) familyOptions(path string, a map[string]any, af *peerAF) {
	af.rrClient = p.on(path+".route-reflector-client", a["route-reflector-client"], false)
	af.nexthop = p.str(path+".nexthop-setting", a["nexthop-setting"], false)
	switch af.nexthop {
	case "", "auto", "self", "force":
	default:
		p.fail(path+".nexthop-setting", ErrInvalid, "want auto, self or force, got %q", af.nexthop)
	}
	asp := p.obj(path+".aspath", a["aspath"], "replace-peer-as")
	af.asOverride = p.on(path+".aspath.replace-peer-as", asp["replace-peer-as"], false)
	def := p.obj(path+".default-route-origination", a["default-route-origination"], "enable")
	af.defaultOrig = p.on(path+".default-route-origination.enable", def["enable"], false)
}

// renderFeatures writes a neighbor's or peer group's bfd and graceful
// restart.
func renderFeatures(l *lines, n *neighbor) {
	if n.bfd {
		l.add("neighbor %s bfd", n.id)
	}
	if cmd := grModes[n.grMode]; cmd != "" {
		l.add("neighbor %s %s", n.id, cmd)
	}
}

// renderFamilyOptions writes a neighbor's family settings beyond its
// policies and limit.
func renderFamilyOptions(l *lines, id string, a *peerAF) {
	if a.rrClient {
		l.add("neighbor %s route-reflector-client", id)
	}
	switch a.nexthop {
	case "self":
		l.add("neighbor %s next-hop-self", id)
	case "force":
		l.add("neighbor %s next-hop-self force", id)
	}
	if a.asOverride {
		l.add("neighbor %s as-override", id)
	}
	if a.defaultOrig {
		l.add("neighbor %s default-originate", id)
	}
}
