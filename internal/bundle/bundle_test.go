package bundle

import "testing"

// TestContentHash pins the revision format: the renderer's annotation and
// the agent's computation must agree across versions, so a change here is
// a change of every deployed revision. The value is sha256 of
// "expect.json\x002\x00{}frr.conf\x002\x00v1" (printf … | sha256sum).
func TestContentHash(t *testing.T) {
	got := ContentHash(map[string][]byte{"frr.conf": []byte("v1"), "expect.json": []byte("{}")})
	if want := "sha256:6795635321f752c1cd7ac6ad73a91aff06d3ead646dd2b686898d032fa9cb9ff"; got != want {
		t.Errorf("ContentHash = %s, want %s", got, want)
	}
	// The length is hashed, so moving bytes between name and content
	// changes the revision.
	if ContentHash(map[string][]byte{"ab": []byte("c")}) == ContentHash(map[string][]byte{"a": []byte("bc")}) {
		t.Error("name/content boundary not part of the hash")
	}
}

func TestValidFileName(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"frr.conf", true},
		{"config_db.json", true},
		{"nvue.yaml", true},
		{"0-x", true},
		{"a23456789012345678901234567890123456789012345678901234567890123", true},
		{"a234567890123456789012345678901234567890123456789012345678901234", false},
		{"", false},
		{".hidden", false},
		{"..data", false},
		{"x..y", false},
		{"a/b", false},
		{"../etc/passwd", false},
		{"-x", false},
		{"a b", false},
	} {
		if got := ValidFileName(tt.name); got != tt.want {
			t.Errorf("ValidFileName(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if err := CheckFileName(tt.name); (err == nil) != tt.want {
			t.Errorf("CheckFileName(%q) = %v", tt.name, err)
		}
	}
}

func TestConfigMapName(t *testing.T) {
	if got := ConfigMapName("leaf1"); got != "underlay-leaf1" {
		t.Errorf("ConfigMapName = %q", got)
	}
	if got := ShortHash("sha256:6795635321f752c1cd7ac6ad"); got != "sha256:6795635321f7" {
		t.Errorf("ShortHash = %q", got)
	}
}
