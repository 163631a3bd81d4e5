package verify

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
)

func rules(rs ...model.PrefixRule) *model.Policy { return &model.Policy{Name: "P", Rules: rs} }

// TestEscapes: the first prefix a policy lets in beyond the allowed rules,
// found over rule ranges, never by enumerating prefixes.
func TestEscapes(t *testing.T) {
	pods := model.PrefixRule{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 26}
	svc := model.PrefixRule{Prefix: pfx("10.96.0.0/12"), Le: 32}
	v6 := model.PrefixRule{Prefix: pfx("fd00:10:244::/48"), Ge: 122, Le: 122}
	allowed := []model.PrefixRule{pods, svc, v6}
	tests := []struct {
		name string
		pol  *model.Policy
		want string // "" when nothing escapes
	}{
		{"exactly the allowed rules", rules(pods, svc, v6), ""},
		{"narrower rules", rules(model.PrefixRule{Prefix: pfx("10.244.128.0/17"), Ge: 26, Le: 26},
			model.PrefixRule{Prefix: pfx("10.100.0.0/24"), Le: 32}, model.PrefixRule{Prefix: pfx("10.96.0.1/32")}), ""},
		{"in halves", rules(model.PrefixRule{Prefix: pfx("10.244.0.0/17"), Ge: 26, Le: 26},
			model.PrefixRule{Prefix: pfx("10.244.128.0/17"), Ge: 26, Le: 26}), ""},
		{"another length", rules(model.PrefixRule{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 27}), "10.244.0.0/27"},
		{"the pod CIDR itself", rules(model.PrefixRule{Prefix: pfx("10.244.0.0/16")}), "10.244.0.0/16"},
		{"a default route", rules(pods, model.PrefixRule{Prefix: pfx("0.0.0.0/0")}), "0.0.0.0/0"},
		{"wider than the service range", rules(model.PrefixRule{Prefix: pfx("10.64.0.0/10"), Ge: 32}), "10.64.0.0/32"},
		// 10.96.0.0/11 holds 10.96.0.0/12 (allowed) and 10.112.0.0/12
		// (not): the first /24 outside is 10.112.0.0/24.
		{"beyond the covered half", rules(model.PrefixRule{Prefix: pfx("10.96.0.0/11"), Ge: 24, Le: 24}), "10.112.0.0/24"},
		{"v6 block of the wrong length", rules(model.PrefixRule{Prefix: pfx("fd00:10:244::/48"), Ge: 120, Le: 122}), "fd00:10:244::/120"},
	}
	// Allowed rules that only together cover a policy's rule.
	halves := []model.PrefixRule{{Prefix: pfx("10.244.0.0/17"), Ge: 26, Le: 26}, {Prefix: pfx("10.244.128.0/18"), Ge: 26, Le: 26}}
	if esc, bad := escapes(rules(pods), halves); !bad || esc.prefix != pfx("10.244.192.0/26") {
		t.Errorf("three quarters allowed: escape %v %v, want 10.244.192.0/26", esc.prefix, bad)
	}
	if _, bad := escapes(rules(pods), append(halves, model.PrefixRule{Prefix: pfx("10.244.192.0/18"), Ge: 26, Le: 26})); bad {
		t.Error("the pod CIDR covered in three parts still escapes")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			esc, bad := escapes(tt.pol, allowed)
			got := ""
			if bad {
				got = esc.prefix.String()
			}
			if got != tt.want {
				t.Errorf("escape %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBlockParts: the rules' boundaries split a pod CIDR's blocks into
// runs each policy treats alike, an IPv6 /48 of 2^74 blocks as fast as an
// IPv4 /16.
func TestBlockParts(t *testing.T) {
	tests := []struct {
		name  string
		pool  string
		bits  int
		rules []model.PrefixRule
		want  []string // each part's description
	}{
		{"one rule for all", "10.244.0.0/16", 26, []model.PrefixRule{{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 26}},
			[]string{"every /26 of 10.244.0.0/16"}},
		{"a half", "10.244.0.0/16", 26, []model.PrefixRule{{Prefix: pfx("10.244.0.0/17"), Ge: 26, Le: 26}},
			[]string{"the /26 blocks 10.244.0.0/26 … 10.244.127.192/26 of 10.244.0.0/16",
				"the /26 blocks 10.244.128.0/26 … 10.244.255.192/26 of 10.244.0.0/16"}},
		{"one exact block", "10.244.0.0/16", 26, []model.PrefixRule{{Prefix: pfx("10.244.1.0/26")}},
			[]string{"the /26 blocks 10.244.0.0/26 … 10.244.0.192/26, 10.244.1.64/26 … 10.244.255.192/26 of 10.244.0.0/16",
				"the /26 blocks 10.244.1.0/26 of 10.244.0.0/16"}},
		{"other lengths do not cut", "10.244.0.0/16", 26, []model.PrefixRule{{Prefix: pfx("10.244.0.0/17"), Ge: 24, Le: 24},
			{Prefix: pfx("10.244.0.0/27")}}, []string{"every /26 of 10.244.0.0/16"}},
		{"v6", "fd00:10:244::/48", 122, []model.PrefixRule{{Prefix: pfx("fd00:10:244:8000::/49"), Ge: 122, Le: 122}},
			[]string{"the /122 blocks fd00:10:244::/122 … fd00:10:244:7fff:ffff:ffff:ffff:ffc0/122 of fd00:10:244::/48",
				"the /122 blocks fd00:10:244:8000::/122 … fd00:10:244:ffff:ffff:ffff:ffff:ffc0/122 of fd00:10:244::/48"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &model.Device{Name: "leaf1", Policies: []*model.Policy{rules(tt.rules...)}}
			tab := newPolicyTable(&model.Fabric{Devices: []*model.Device{d}})
			var got []string
			for _, bp := range tab.blockParts(pfx(tt.pool), tt.bits) {
				got = append(got, bp.describe(pfx(tt.pool)))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
}
