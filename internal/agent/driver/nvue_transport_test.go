package driver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/nvueemu"
)

// TestNVUERefusesCredentialsOverHTTP: the credentials go over https:// or
// the unix socket; to an http:// URL only with --nvue-insecure-http. The
// refusal comes at startup (For, which the agent calls before anything
// else) and again before any request, and never echoes a password.
func TestNVUERefusesCredentialsOverHTTP(t *testing.T) {
	emu := nvueemu.New()
	emu.User, emu.Password = "cumulus", "s3cret-Pa55"
	var mu sync.Mutex
	var sent int // requests that carried credentials
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			mu.Lock()
			sent++
			mu.Unlock()
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	creds := filepath.Join(t.TempDir(), "creds")
	must(t, os.WriteFile(creds, []byte("cumulus:s3cret-Pa55\n"), 0o600))
	ctx := context.Background()

	_, _, err := For(model.PlatformNVUE, Options{NVUEURL: srv.URL, NVUECredentials: creds})
	if err == nil || !strings.Contains(err.Error(), "in the clear") || !strings.Contains(err.Error(), "--nvue-insecure-http") {
		t.Errorf("startup with credentials over http://: %v", err)
	}
	if err := (&NVUE{BaseURL: srv.URL, CredentialsFile: creds}).Apply(ctx, seedLeaf2(t)); err == nil || sent > 0 {
		t.Errorf("apply over http:// without the flag: %v, %d requests with credentials", err, sent)
	}

	drv, _, err := For(model.PlatformNVUE, Options{NVUEURL: srv.URL, NVUECredentials: creds, NVUEInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := drv.Apply(ctx, seedLeaf2(t)); err != nil || sent == 0 {
		t.Errorf("apply with --nvue-insecure-http: %v", err)
	}
	if _, _, err := For(model.PlatformNVUE, Options{NVUEURL: srv.URL}); err != nil {
		t.Errorf("http:// without credentials sends no secret: %v", err)
	}
	if _, _, err := For(model.PlatformNVUE, Options{NVUEURL: "https://switch:8765", NVUECredentials: creds}); err != nil {
		t.Errorf("https://: %v", err)
	}
	for _, u := range []string{"https://cumulus:s3cret-Pa55@switch:8765", "ftp://switch", "switch:8765"} {
		_, _, err := For(model.PlatformNVUE, Options{NVUEURL: u, NVUECredentials: creds, NVUEInsecureHTTP: true})
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("--nvue-url %s: %v", u, err)
		}
	}
}
