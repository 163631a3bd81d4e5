package driver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/platform"
)

// NVUE applies nvue.yaml through NVUE's REST revision workflow: create a
// revision, read it, patch it so that the subtrees underlay owns
// (NVUEOwned) equal the document's, apply with auto-prompt, and poll until
// applied, invalid or ays_fail. Everything else in the revision (the
// management VRF, users, NTP, syslog, …) is left as it was. It talks to
// https://<host>:8765 with basic auth, or to the local unix socket.
type NVUE struct {
	// BaseURL, e.g. https://127.0.0.1:8765; ignored when Socket is set.
	BaseURL string
	// Socket is NVUE's unix socket, e.g. /var/run/nvue/nvue.sock.
	Socket string
	// CredentialsFile holds "user:password" (mounted from a Secret); the
	// agent never logs it.
	CredentialsFile string
	// CAFile verifies the switch's certificate; empty uses the system pool.
	CAFile string
	// InsecureHTTP allows sending the credentials to an http:// BaseURL,
	// in the clear (--nvue-insecure-http).
	InsecureHTTP bool
	// Timeout bounds the wait for a revision to apply (default 2 min).
	Timeout time.Duration
	client  *http.Client
}

var _ Driver = (*NVUE)(nil)

// Files is nvue.yaml.
func (n *NVUE) Files() []string { return []string{platform.FileNVUE} }

// Precheck refuses anything outside NVUEOwned, then validates the document
// against the NVUE object model we use.
func (n *NVUE) Precheck(_ context.Context, cfg store.Files) error {
	doc, err := admitNVUE(cfg[platform.FileNVUE])
	if err != nil {
		return err
	}
	if err := doc.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return nil
}

// Apply runs the revision workflow with the document's set tree.
func (n *NVUE) Apply(ctx context.Context, cfg store.Files) error {
	want, err := parseNVUE(cfg[platform.FileNVUE])
	if err != nil {
		return err
	}
	var created map[string]any
	if err := n.call(ctx, http.MethodPost, "/nvue_v1/revision", nil, &created); err != nil {
		return fmt.Errorf("creating revision: %w", err)
	}
	if len(created) != 1 {
		return fmt.Errorf("creating revision: unexpected reply %v", created)
	}
	var id string
	for id = range created {
	}
	// A new revision starts as the applied configuration: patch only
	// what underlay owns of it.
	rev := "/nvue_v1/?rev=" + url.QueryEscape(id)
	var got map[string]any
	if err := n.call(ctx, http.MethodGet, rev, nil, &got); err != nil {
		return fmt.Errorf("reading revision %s: %w", id, err)
	}
	if err := n.call(ctx, http.MethodPatch, rev, nvuePatch(got, want), nil); err != nil {
		return fmt.Errorf("patching revision %s: %w", id, err)
	}
	path := "/nvue_v1/revision/" + url.PathEscape(id)
	apply := map[string]any{"state": "apply", "auto-prompt": map[string]any{"ays": "ays_yes"}}
	if err := n.call(ctx, http.MethodPatch, path, apply, nil); err != nil {
		return fmt.Errorf("applying revision %s: %w", id, err)
	}
	return n.wait(ctx, id, path)
}

func (n *NVUE) wait(ctx context.Context, id, path string) error {
	timeout := n.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	for {
		var st struct {
			State string         `json:"state"`
			Issue map[string]any `json:"issue"`
		}
		if err := n.call(ctx, http.MethodGet, path, nil, &st); err != nil {
			return fmt.Errorf("reading revision %s: %w", id, err)
		}
		switch st.State {
		case "applied":
			return nil
		case "invalid", "ays_fail", "apply_fail", "confirm_fail":
			issues, _ := json.Marshal(st.Issue)
			return fmt.Errorf("NVUE revision %s ended %s: %s", id, st.State, issues)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("NVUE revision %s still %s after %s", id, st.State, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// httpClient builds the client once, after CheckTransport: no request
// leaves without it, so credentials never travel in the clear.
func (n *NVUE) httpClient() (*http.Client, error) {
	if n.client != nil {
		return n.client, nil
	}
	if err := n.CheckTransport(); err != nil {
		return nil, err
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	if n.CAFile != "" {
		pem, err := os.ReadFile(n.CAFile)
		if err != nil {
			return nil, fmt.Errorf("NVUE CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("NVUE CA: no certificates in " + n.CAFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	if n.Socket != "" {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", n.Socket)
		}
	}
	n.client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return n.client, nil
}

func (n *NVUE) call(ctx context.Context, method, path string, body, out any) error {
	c, err := n.httpClient()
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(n.BaseURL, "/")
	if n.Socket != "" {
		base = "http://localhost"
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := n.authorize(req); err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status) // the body may echo input; keep it out
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// CheckTransport refuses a BaseURL that would carry the credentials in the
// clear: http:// with a credentials file, unless InsecureHTTP says so
// (the unix socket never leaves the switch), or user:password inside the
// URL, which would end up in logs and process listings.
func (n *NVUE) CheckTransport() error {
	if n.Socket != "" || n.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(n.BaseURL)
	if err != nil || u.Host == "" {
		return errors.New("--nvue-url is not a URL (want https://HOST:8765)") // the value may hold a password: not echoed
	}
	switch {
	case u.User != nil:
		return errors.New("--nvue-url holds credentials: put user:password in the --nvue-credentials file instead")
	case u.Scheme == "https":
		return nil
	case u.Scheme != "http":
		return fmt.Errorf("--nvue-url scheme %q: want https://", u.Scheme)
	case n.CredentialsFile != "" && !n.InsecureHTTP:
		return fmt.Errorf("--nvue-url %s is http://: the NVUE credentials would cross the network in the clear; "+
			"use https:// (with --nvue-ca), the unix socket (--nvue-socket), or accept the risk with --nvue-insecure-http", u.Redacted())
	}
	return nil
}

// authorize adds basic auth from the credentials file.
func (n *NVUE) authorize(req *http.Request) error {
	if n.CredentialsFile == "" {
		return nil
	}
	raw, err := os.ReadFile(n.CredentialsFile)
	if err != nil {
		return fmt.Errorf("NVUE credentials: %w", err)
	}
	user, pass, ok := strings.Cut(strings.TrimSpace(string(raw)), ":")
	if !ok {
		return errors.New("NVUE credentials file must hold user:password")
	}
	req.SetBasicAuth(user, pass)
	return nil
}
