package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/lab/nvuefrr"
	"underlay.dev/underlay/internal/nvueemu"
)

// serveNVUE runs the NVUE REST API emulator for device d on a unix socket
// (as NVUE serves /var/run/nvue/nvue.sock), with a backend that does what
// NVUE's does on apply: interface addresses and MTU, then FRR.
func (l *Lab) serveNVUE(ctx context.Context, d Device) (func(), error) {
	sock := l.nvueSocket(d.Name)
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("NVUE emulator for %s: %w", d.Name, err)
	}
	emu := nvueemu.New()
	// The stand-in for the credentials Secret the rendered workload
	// mounts: the emulator requires what it holds, as NVUE would.
	pass := make([]byte, 16)
	rand.Read(pass)
	emu.User, emu.Password = "underlay-lab", hex.EncodeToString(pass)
	if err := atomicfile.WriteFile(l.nvueCredentials(d.Name), []byte(emu.User+":"+emu.Password+"\n"), 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("NVUE credentials for %s: %w", d.Name, err)
	}
	emu.Backend = func(tree map[string]any) error { return l.nvueBackend(d, tree) }
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // returns when the lab closes it
	return func() { srv.Close() }, nil
}

func (l *Lab) nvueBackend(d Device, tree map[string]any) error {
	res, err := nvuefrr.Translate(tree)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for name, mtu := range res.MTU {
		if err := setLink(ctx, d.Netns, name, mtu, true); err != nil {
			return err
		}
	}
	if err := setAddresses(ctx, d.Netns, res.Addresses); err != nil {
		return err
	}
	return loadFRR(ctx, d.Netns, l.path("devices", d.Name, "nvue-frr.conf"), res.FRR)
}

// nvueSocket is where the agent of device d reaches its NVUE emulator.
func (l *Lab) nvueSocket(d string) string { return l.path("devices", d, "nvue.sock") }
