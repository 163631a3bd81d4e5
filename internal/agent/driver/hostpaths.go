package driver

import (
	"path/filepath"
	"sort"

	"underlay.dev/underlay/internal/platform"
)

// hostPather is a driver or prober that opens files or sockets of the
// host: an agent workload must mount each of them.
type hostPather interface{ hostPaths(asDriver bool) []string }

// HostPaths are the host paths d and p open themselves, sorted: what the
// agent's workload must mount. A command run through a prefix (docker
// exec, nsenter) opens its files in another mount namespace and is not
// listed; what it is handed must be, so the prefixed SONiC commands'
// files are.
func HostPaths(d Driver, p Prober) []string {
	seen := map[string]bool{}
	add := func(x any, asDriver bool) {
		if h, ok := x.(hostPather); ok {
			for _, path := range h.hostPaths(asDriver) {
				seen[path] = true
			}
		}
	}
	if c, ok := d.(Chain); ok {
		for _, member := range c {
			add(member, true)
		}
	} else {
		add(d, true)
	}
	add(p, false)
	out := make([]string, 0, len(seen))
	for path := range seen {
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

// hostPaths are FRR's vtysh sockets (probe and frr-reload.py) and, as a
// driver, the frr.conf it writes; none when vtysh runs elsewhere (Exec).
func (f *FRR) hostPaths(asDriver bool) []string {
	if len(f.Exec) > 0 {
		return nil
	}
	out := []string{filepath.Join(platform.FRRRunDir, f.Pathspace)}
	if asDriver {
		out = append(out, f.confPath())
	}
	return out
}

func (i *Ifupdown2) hostPaths(bool) []string { return []string{i.path()} }

func (n *NVUE) hostPaths(bool) []string { return nonEmpty(n.Socket, n.CredentialsFile, n.CAFile) }

// hostPaths are the files SONiC's commands are handed: config_db.json,
// the bgp container's frr.conf and the patch files in WorkDir (the system
// temp dir when unset, which no prefixed command can see).
func (s *SONiC) hostPaths(bool) []string {
	work := s.WorkDir
	if work == "" {
		work = "(the system temp dir)"
	}
	return []string{s.configPath(), s.frrPath(), work}
}

func (s *SONiC) configPath() string {
	if s.ConfigPath != "" {
		return s.ConfigPath
	}
	return filepath.Join(platform.SONiCDir, platform.FileConfigDB)
}

func (s *SONiC) frrPath() string {
	if s.FRRPath != "" {
		return s.FRRPath
	}
	return filepath.Join(platform.SONiCDir, "frr", platform.FileFRR)
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
