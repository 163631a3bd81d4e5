package serve

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"underlay.dev/underlay/api/v1alpha1"
)

func TestStatusOf(t *testing.T) {
	cond := func(typ string, s metav1.ConditionStatus, reason string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: s, Reason: reason}
	}
	for _, c := range []struct {
		name   string
		conds  []metav1.Condition
		state  string
		reason string
	}{
		{"none yet", nil, StateUnknown, ""},
		{"ready", []metav1.Condition{cond("Ready", "True", "Applied")}, StateReady, "Applied"},
		{"not ready, no cause", []metav1.Condition{cond("Ready", "False", "WaitingForConfig")}, StateUnknown, "WaitingForConfig"},
		{"applying", []metav1.Condition{cond("Ready", "True", "Applied"), cond("Progressing", "True", "Applying")}, StateProgressing, "Applying"},
		{"degraded wins", []metav1.Condition{cond("Ready", "True", "Applied"), cond("Progressing", "True", "Applying"),
			cond("Degraded", "True", "RolledBack")}, StateDegraded, "RolledBack"},
	} {
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: "leaf1"}}
		for _, x := range c.conds {
			meta.SetStatusCondition(&nd.Status.Conditions, x)
		}
		got := statusOf(nd)
		if got.State != c.state || got.Reason != c.reason {
			t.Errorf("%s: %s/%s, want %s/%s", c.name, got.State, got.Reason, c.state, c.reason)
		}
	}
	if got := statusOf(&v1alpha1.NetworkDevice{}); got.Established != -1 || got.Expected != -1 {
		t.Errorf("no sessions reported: %d/%d, want -1/-1", got.Established, got.Expected)
	}
	peers := []v1alpha1.PeerStatus{{Peer: "swp1", Description: "spine1:swp1", State: "Established"},
		{Peer: "swp2", Description: "spine1:swp2", State: "Active"}, {Peer: "swp3", Description: "spine2:swp1", State: "Established"},
		{Peer: "k8s", Description: "k8s", State: "Established"}}
	got := peersByDevice(peers)
	if want := map[string]string{"spine1": "Active", "spine2": "Established"}; !maps.Equal(got, want) {
		t.Errorf("peers by device %v, want %v", got, want)
	}
}

// TestReadOnlyLoopback: nothing but GET, and on loopback only requests
// that name a loopback host (a DNS-rebinding page cannot read the fabric).
func TestReadOnlyLoopback(t *testing.T) {
	h := newServer(t, loadExample(t, "seed-lab"), nil).Handler()
	for _, c := range []struct {
		method, host, path string
		code               int
	}{
		{"GET", "127.0.0.1:8080", "/api/topology", http.StatusOK},
		{"GET", "localhost:8080", "/", http.StatusOK},
		{"GET", "[::1]:8080", "/api/device/leaf1", http.StatusOK},
		{"GET", "127.0.0.1:8080", "/api/device/nosuch", http.StatusNotFound},
		{"GET", "evil.example:8080", "/api/topology", http.StatusForbidden},
		{"POST", "127.0.0.1:8080", "/api/topology", http.StatusMethodNotAllowed},
		{"DELETE", "127.0.0.1:8080", "/api/device/leaf1", http.StatusMethodNotAllowed},
	} {
		r := httptest.NewRequest(c.method, c.path, strings.NewReader(""))
		r.Host = c.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.code {
			t.Errorf("%s %s (Host %s): %d, want %d", c.method, c.path, c.host, w.Code, c.code)
		}
	}
}

// TestWatchError: when the watch cannot list (here no API server; in
// life RBAC forbidding it), the page is told why instead of showing every
// device unknown without a word.
func TestWatchError(t *testing.T) {
	url := start(t, loadExample(t, "seed-lab"), &rest.Config{Host: "http://127.0.0.1:1"})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "api/topology")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			WatchError string `json:"watchError"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body.WatchError, "127.0.0.1:1") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no watch error on /api/topology within 10s (got %q)", body.WatchError)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
