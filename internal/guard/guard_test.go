package guard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWaitKeepsWhatIsStillRegistered(t *testing.T) {
	in := strings.Join([]string{"lab /run/a", "remove /tmp/bin", "lab /run/b", "done /run/a", "add ns1", "add ns2", "done ns2", ""}, "\n")
	got := Wait(strings.NewReader(in))
	want := map[string][]string{"lab": {"/run/b"}, "remove": {"/tmp/bin"}, "add": {"ns1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
