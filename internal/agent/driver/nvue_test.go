package driver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/nvueemu"
	"underlay.dev/underlay/internal/render/nvue"
)

func seedLeaf2(t *testing.T) store.Files {
	f := modeltest.SeedLab()
	doc, err := nvue.Document(f, f.Devices[1])
	if err != nil {
		t.Fatal(err)
	}
	return store.Files{"nvue.yaml": doc}
}

// TestNVUEOverHTTPS drives the revision workflow against the emulator of
// NVIDIA's documented REST contract, over TLS with basic auth.
func TestNVUEOverHTTPS(t *testing.T) {
	emu := nvueemu.New()
	emu.User, emu.Password = "cumulus", "s3cret-Pa55"
	srv := httptest.NewTLSServer(emu)
	defer srv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	writePEM(t, ca, srv)
	creds := filepath.Join(dir, "creds")
	must(t, os.WriteFile(creds, []byte("cumulus:s3cret-Pa55\n"), 0o600))
	d := &NVUE{BaseURL: srv.URL, CredentialsFile: creds, CAFile: ca}
	ctx := context.Background()

	cfg := seedLeaf2(t)
	if err := d.Precheck(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	bgp := emu.Applied()["router"].(map[string]any)["bgp"].(map[string]any)
	if bgp["autonomous-system"] != float64(65002) || emu.Applies != 1 {
		t.Errorf("applied tree: %v (%d applies)", bgp, emu.Applies)
	}

	bad := store.Files{"nvue.yaml": []byte(strings.Replace(string(cfg["nvue.yaml"]), "mtu: 9216", "mtu: 99999", 1))}
	if err := d.Precheck(ctx, bad); err == nil {
		t.Error("pre-check accepted a bad MTU")
	}
	if err := d.Apply(ctx, bad); err == nil || !strings.Contains(err.Error(), "ended invalid") {
		t.Errorf("emulator accepted a bad MTU: %v", err)
	}
	if emu.Applies != 1 {
		t.Error("an invalid revision was applied")
	}

	must(t, os.WriteFile(creds, []byte("cumulus:wrong-password\n"), 0o600))
	err := d.Apply(ctx, cfg)
	if err == nil || strings.Contains(err.Error(), "wrong-password") || !strings.Contains(err.Error(), "401") {
		t.Errorf("bad credentials: %v", err)
	}
}

func TestNVUEOverUnixSocketAndAYS(t *testing.T) {
	emu := nvueemu.New()
	sock := filepath.Join(t.TempDir(), "nvue.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: emu}
	go srv.Serve(l)
	defer srv.Close()
	d := &NVUE{Socket: sock}
	if err := d.Apply(context.Background(), seedLeaf2(t)); err != nil {
		t.Fatal(err)
	}
	// Without auto-prompt, removing a peer trips the "are you sure" prompt.
	resp := doJSON(t, sock, "POST", "/nvue_v1/revision", "")
	id := strings.Split(strings.TrimPrefix(resp, `{"`), `"`)[0]
	doJSON(t, sock, "DELETE", "/nvue_v1/?rev="+id, "")
	doJSON(t, sock, "PATCH", "/nvue_v1/?rev="+id, `{"interface": {"lo": {"type": "loopback"}}}`)
	out := doJSON(t, sock, "PATCH", "/nvue_v1/revision/"+strings.ReplaceAll(id, "/", "%2F"), `{"state": "apply"}`)
	if !strings.Contains(out, `"ays_fail"`) {
		t.Errorf("want ays_fail, got %s", out)
	}
}

func doJSON(t *testing.T, sock, method, path, body string) string {
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return net.Dial("unix", sock)
	}}}
	req, _ := http.NewRequest(method, "http://localhost"+path, strings.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = io.Copy(b, resp.Body)
	return b.String()
}

// TestNVUEDrift: a change made on the switch outside the agent (here a
// revision applied over the REST API by hand) shows as drift.
func TestNVUEDrift(t *testing.T) {
	emu := nvueemu.New()
	srv := httptest.NewServer(emu)
	defer srv.Close()
	d := &NVUE{BaseURL: srv.URL}
	ctx := context.Background()
	cfg := seedLeaf2(t)
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Fatalf("right after apply: %q, %v", diff, err)
	}
	hand := store.Files{"nvue.yaml": []byte(strings.Replace(string(cfg["nvue.yaml"]), "mtu: 9216", "mtu: 1500", 1))}
	if err := d.Apply(ctx, hand); err != nil {
		t.Fatal(err)
	}
	diff, err := d.Drift(ctx, cfg)
	if err != nil || !strings.Contains(diff, "interface.swp1.link.mtu: 1500, want 9216") {
		t.Errorf("hand-made MTU change: %q, %v", diff, err)
	}
	srv.Close()
	if _, err := d.Drift(ctx, cfg); err == nil {
		t.Error("drift check against a dead NVUE reported no error")
	}
}
