package serve

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
)

// TestSnapshotCache: /api/topology answers the same JSON plain and
// gzipped, keeps answering the same bytes while nothing changes, and
// shows a status change on the next request.
func TestSnapshotCache(t *testing.T) {
	s := newServer(t, loadExample(t, "seed-lab"), nil)
	h := s.Handler()
	get := func(accept string) (*httptest.ResponseRecorder, []byte) {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/topology", nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("GET /api/topology (Accept-Encoding %q): %d %s", accept, w.Code, w.Body)
		}
		body := w.Body.Bytes()
		if w.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return w, body
	}
	plainW, plain := get("")
	gzW, unzipped := get("deflate, gzip;q=0.8")
	refusedW, _ := get("gzip;q=0, br")
	if plainW.Header().Get("Content-Encoding") != "" || gzW.Header().Get("Content-Encoding") != "gzip" ||
		refusedW.Header().Get("Content-Encoding") != "" {
		t.Errorf("encodings: none asked %q, gzip asked %q, gzip refused %q; want \"\", gzip, \"\"",
			plainW.Header().Get("Content-Encoding"), gzW.Header().Get("Content-Encoding"), refusedW.Header().Get("Content-Encoding"))
	}
	if !bytes.Equal(plain, unzipped) {
		t.Fatal("the gzipped answer differs from the plain one")
	}
	var body struct {
		Topology json.RawMessage   `json:"topology"`
		Status   map[string]Status `json:"status"`
		Watching bool              `json:"watching"`
	}
	if err := json.Unmarshal(plain, &body); err != nil {
		t.Fatalf("the answer is not JSON: %v", err)
	}
	if !bytes.Equal(body.Topology, s.topoJSON) || len(body.Status) != 0 || body.Watching {
		t.Errorf("answer: topology equal %v, %d statuses, watching %v; want true, 0, false",
			bytes.Equal(body.Topology, s.topoJSON), len(body.Status), body.Watching)
	}
	if _, again := get(""); !bytes.Equal(again, plain) {
		t.Error("a second request without a change answered different bytes")
	}
	s.store.put(&v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: "leaf1"},
		Status: v1alpha1.NetworkDeviceStatus{AppliedRevision: rev1}}, false)
	_, changed := get("gzip")
	body.Status = nil
	if err := json.Unmarshal(changed, &body); err != nil {
		t.Fatal(err)
	}
	if got := body.Status["leaf1"].AppliedRevision; got != rev1 {
		t.Errorf("after a status change leaf1's applied revision is %q, want %q", got, rev1)
	}
}
