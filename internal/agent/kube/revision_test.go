package kube

import (
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
)

// TestRevisionRefusesMalformedAnnotation: the revision lands in status,
// condition messages and Events, so an annotation that is not a revision
// token (too long, spaces, newlines) gives way to the content hash.
func TestRevisionRefusesMalformedAnnotation(t *testing.T) {
	files := store.Files{"frr.conf": []byte("x")}
	for _, ann := range []string{strings.Repeat("a", 100<<10), "sha256:abc def", "sha256:abc\nlastError: forged", ""} {
		rev, _ := Revision(configMap("dc1", "leaf1", ann, files))
		if rev != bundle.ContentHash(files) {
			t.Errorf("annotation %.40q became revision %.40q", ann, rev)
		}
	}
	if rev, _ := Revision(configMap("dc1", "leaf1", "sha256:0123abcd", files)); rev != "sha256:0123abcd" {
		t.Errorf("a well-formed annotation was not used: %q", rev)
	}
}
