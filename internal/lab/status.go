package lab

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"text/tabwriter"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/model"
)

// StatusTimeout bounds lab status as a whole.
const StatusTimeout = time.Minute

// Status prints one line per device: platform (emulations marked), agent,
// applied revision, BGP sessions and the agent's last error. It ends
// within StatusTimeout: a device the API server or FRR does not answer
// for in time shows what failed.
func (l *Lab) Status(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, StatusTimeout)
	defer cancel()
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	var sup SupervisorStatus
	supErr := l.Control(ctx, "GET", "/status", &sup)
	c, err := l.Client()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "lab %s, fabric %s\n", st.ID, st.Fabric)
	if supErr != nil {
		fmt.Fprintf(w, "supervisor: %v\n", supErr)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tPLATFORM\tAGENT\tAPPLIED\tSESSIONS\tSTATUS")
	devices := slices.Clone(st.Devices)
	slices.SortFunc(devices, func(a, b Device) int {
		switch {
		case model.NaturalLess(a.Name, b.Name):
			return -1
		case model.NaturalLess(b.Name, a.Name):
			return 1
		}
		return 0
	})
	for _, d := range devices {
		platform := d.Platform
		if _, ok := Emulated(d.Platform); ok {
			platform += " (emulated)"
		}
		agent := "-"
		if a, ok := sup.Agents[d.Name]; ok {
			agent = fmt.Sprintf("pid %d", a.PID)
			if a.Restarts > 0 {
				agent += fmt.Sprintf(", %d restarts", a.Restarts)
			}
		}
		var nd v1alpha1.NetworkDevice
		applied, status := "-", "no status yet"
		if err := c.Get(ctx, client.ObjectKey{Namespace: st.Namespace, Name: d.Name}, &nd); err != nil && !apierrors.IsNotFound(err) {
			status = "reading its NetworkDevice: " + err.Error()
		} else if err == nil {
			status = condition(nd.Status)
			if rev := bundle.ShortHash(nd.Status.AppliedRevision); rev != "" {
				applied = rev
			}
		}
		peers, err := Peers(ctx, d.Netns)
		sessions := "FRR down"
		if err == nil {
			sessions = fmt.Sprintf("%d/%d Established", established(peers), len(peers))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Name, platform, agent, applied, sessions, status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return nodeStatus(w, st)
}

// condition summarises the NetworkDevice conditions: Degraded (with the
// stage that failed and its message) wins over Ready.
func condition(s v1alpha1.NetworkDeviceStatus) string {
	if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionDegraded); c != nil && c.Status == metav1.ConditionTrue {
		return "Degraded (" + c.Reason + "): " + c.Message
	}
	if meta.IsStatusConditionTrue(s.Conditions, v1alpha1.ConditionReady) {
		return "Ready"
	}
	return "Progressing"
}

// Exec runs a command inside a device: vtysh goes to the device's FRR,
// anything else runs in its network namespace.
func (l *Lab) Exec(ctx context.Context, device string, argv []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	d, err := st.Device(device)
	if err != nil {
		h, herr := st.Host(device)
		if herr != nil {
			return err
		}
		// A server: no FRR, so vtysh is just a command there.
		d = Device{Name: h.Name, Netns: h.Netns}
		if len(argv) > 0 && argv[0] == "vtysh" {
			return fmt.Errorf("%s is a server: it runs no FRR", device)
		}
	}
	if len(argv) == 0 {
		return fmt.Errorf("no command: e.g. underlay lab exec %s -- ping 192.0.2.1", device)
	}
	var cmd *exec.Cmd
	if argv[0] == "vtysh" {
		cmd = exec.CommandContext(ctx, "vtysh", append([]string{"-N", d.Netns}, argv[1:]...)...)
	} else {
		cmd = exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", d.Netns}, argv...)...)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = os.Environ()
	return cmd.Run()
}
