package kube

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
)

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// TestPeerList: every reported session and every expected one the device
// lacks, sorted naturally, with the device's description or else
// expect.json's peer name, and a time only while Established.
func TestPeerList(t *testing.T) {
	st := &driver.State{
		Sessions: map[string]string{"swp10": "Established", "swp2": "Active", "10.0.0.9": "Established"},
		Peers: map[string]driver.Peer{
			"swp10":    {Description: "spine2:swp1", EstablishedSince: t0, PrefixesReceived: 7, PrefixesSent: 3},
			"swp2":     {EstablishedSince: t0},
			"10.0.0.9": {Description: "fw1", EstablishedSince: t0},
		},
	}
	exp := []expect.Session{{Neighbor: "swp2", Peer: "spine1"}, {Neighbor: "swp10", Peer: "spine2"}, {Neighbor: "swp3", Peer: "spine3"}}
	var s v1alpha1.NetworkDeviceStatus
	setSessions(&s, st, exp)
	if *s.SessionsEstablished != 1 || *s.SessionsExpected != 3 || s.PeersOmitted != 0 {
		t.Errorf("counts %d/%d, omitted %d; want 1/3, 0", *s.SessionsEstablished, *s.SessionsExpected, s.PeersOmitted)
	}
	var got []string
	for _, p := range s.Peers {
		since := "-"
		if p.EstablishedSince != nil {
			since = p.EstablishedSince.UTC().Format(time.TimeOnly)
		}
		got = append(got, fmt.Sprintf("%s %s %s %t %s %d/%d", p.Peer, p.Description, p.State, p.Expected, since, p.PrefixesReceived, p.PrefixesSent))
	}
	want := "10.0.0.9 fw1 Established false 10:00:00 0/0|swp2 spine1 Active true - 0/0|swp3 spine3 NotConfigured true - 0/0|" +
		"swp10 spine2:swp1 Established true 10:00:00 7/3"
	if strings.Join(got, "|") != want {
		t.Errorf("peers\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	// FRR's establishment time moves by its rounding: the recorded one stays.
	st.Peers["swp10"] = driver.Peer{Description: "spine2:swp1", EstablishedSince: t0.Add(time.Second), PrefixesReceived: 7, PrefixesSent: 3}
	before := s.DeepCopy()
	setSessions(&s, st, exp)
	if !equalStatus(*before, s) {
		t.Errorf("a one-second jitter changed the status: %v → %v", before.Peers[3].EstablishedSince, s.Peers[3].EstablishedSince)
	}
	// A session that flapped has a new time.
	st.Peers["swp10"] = driver.Peer{EstablishedSince: t0.Add(time.Minute)}
	setSessions(&s, st, exp)
	if !s.Peers[3].EstablishedSince.Time.Equal(t0.Add(time.Minute)) {
		t.Errorf("after a flap: since %v", s.Peers[3].EstablishedSince)
	}
}

// TestPeerListBounded: past MaxPeers the list keeps the expected sessions,
// then others by name, sorted, and counts what it left out.
func TestPeerListBounded(t *testing.T) {
	st := &driver.State{Sessions: map[string]string{}}
	for i := range 300 {
		st.Sessions[fmt.Sprintf("10.1.%d.%d", i/250, i%250)] = "Established"
	}
	exp := []expect.Session{{Neighbor: "swp1"}, {Neighbor: "swp2"}}
	var s v1alpha1.NetworkDeviceStatus
	setSessions(&s, st, exp)
	if len(s.Peers) != v1alpha1.MaxPeers || s.PeersOmitted != 302-v1alpha1.MaxPeers {
		t.Fatalf("%d peers, %d omitted; want %d, %d", len(s.Peers), s.PeersOmitted, v1alpha1.MaxPeers, 302-v1alpha1.MaxPeers)
	}
	if p := s.Peers[len(s.Peers)-2:]; p[0].Peer != "swp1" || p[1].Peer != "swp2" {
		t.Errorf("the expected sessions are not kept: last peers %v", p)
	}
	if s.Peers[0].Peer != "10.1.0.0" {
		t.Errorf("first peer %s, want 10.1.0.0", s.Peers[0].Peer)
	}
}

// TestHistoryBounded: newest first, at most MaxHistory, messages bounded,
// unchanged applies not recorded and a repeated drift report once.
func TestHistoryBounded(t *testing.T) {
	var h []v1alpha1.ApplyRecord
	at := metav1.NewTime(t0)
	for i := range 15 {
		h = record(h, agent.Result{Revision: fmt.Sprintf("r%d", i), Outcome: agent.Applied, Took: 1234567 * time.Microsecond}, at)
	}
	if len(h) != v1alpha1.MaxHistory || h[0].Revision != "r14" || h[9].Revision != "r5" {
		t.Fatalf("%d records, newest %s, oldest %s", len(h), h[0].Revision, h[len(h)-1].Revision)
	}
	if h[0].Duration.Duration != 1235*time.Millisecond || h[0].Reason != "Applied" {
		t.Errorf("record %+v", h[0])
	}
	if got := record(h, agent.Result{Revision: "r14", Outcome: agent.Unchanged}, at); len(got) != len(h) || got[0].Revision != "r14" {
		t.Error("an unchanged apply was recorded")
	}
	drift := agent.Result{Revision: "r14", Outcome: agent.DriftDetected, Err: errors.New(strings.Repeat("x", 5000))}
	h = record(h, drift, at)
	if n := len(h[0].Message); n > v1alpha1.MaxHistoryMessage || h[0].Reason != "DriftDetected" {
		t.Errorf("drift record: reason %s, message %d bytes", h[0].Reason, n)
	}
	if again := record(h, drift, at); again[1].Outcome == "DriftDetected" {
		t.Error("the same drift found again was recorded twice")
	}
	failed := record(h, agent.Result{Revision: "r15", Outcome: agent.RolledBack, Stage: agent.StageHealth}, at)
	if failed[0].Outcome != "RolledBack" || failed[0].Reason != "HealthCheckFailed" {
		t.Errorf("failed record %+v", failed[0])
	}
}

// TestMergeHistory: the server's records from an earlier run follow ours.
func TestMergeHistory(t *testing.T) {
	rec := func(rev string, d time.Duration) v1alpha1.ApplyRecord {
		return v1alpha1.ApplyRecord{Revision: rev, Time: metav1.NewTime(t0.Add(d))}
	}
	server := []v1alpha1.ApplyRecord{rec("r2", 2*time.Second), rec("r1", time.Second)}
	got := mergeHistory([]v1alpha1.ApplyRecord{rec("r3", 3*time.Second)}, server)
	if len(got) != 3 || got[0].Revision != "r3" || got[2].Revision != "r1" {
		t.Errorf("merged %v", got)
	}
	if got := mergeHistory(nil, server); len(got) != 2 {
		t.Errorf("nothing of ours: %v", got)
	}
}
