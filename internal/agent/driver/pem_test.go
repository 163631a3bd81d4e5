package driver

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"testing"
)

func writePEM(t *testing.T, path string, srv *httptest.Server) {
	t.Helper()
	cert := srv.Certificate()
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
