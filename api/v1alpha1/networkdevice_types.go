package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Group and version of the Kubernetes API types.
const (
	Group   = "underlay.dev"
	Version = "v1alpha1"
)

// Condition types of a NetworkDevice.
const (
	// ConditionReady is True when the device runs the desired revision
	// and passed its health gate.
	ConditionReady = "Ready"
	// ConditionProgressing is True while an apply is in flight.
	ConditionProgressing = "Progressing"
	// ConditionDegraded is True when the last apply failed (rejected,
	// rolled back) or the desired config is gone; the device keeps its
	// last-known-good configuration.
	ConditionDegraded = "Degraded"
)

// Condition reasons. A failed apply's Degraded reason names the stage it
// failed at; its Ready reason says what the device runs since (RolledBack:
// the last-known-good again).
const (
	// ReasonApplied: the device runs the desired revision, healthy.
	ReasonApplied = "Applied"
	// ReasonApplying: an apply of the desired revision is in flight.
	ReasonApplying = "Applying"
	// ReasonWaitingForConfig: the device's ConfigMap does not exist and
	// no revision was ever applied; the device runs what it ran before.
	ReasonWaitingForConfig = "WaitingForConfig"
	// ReasonConfigMissing: the ConfigMap is gone after an apply; the
	// device keeps its last-known-good.
	ReasonConfigMissing = "ConfigMapMissing"
	// ReasonValidationFailed: the ConfigMap's keys or expect.json are
	// invalid (or the config directory was refused); device untouched.
	ReasonValidationFailed = "ValidationFailed"
	// ReasonPrecheckFailed: the platform's own parser refused the config;
	// device untouched.
	ReasonPrecheckFailed = "PrecheckFailed"
	// ReasonApplyFailed: applying failed (the agent's lock, baseline
	// capture or store, or the platform's apply or commit).
	ReasonApplyFailed = "ApplyFailed"
	// ReasonHealthCheckFailed: the config was applied but its sessions or
	// prefixes did not come up within the health timeout.
	ReasonHealthCheckFailed = "HealthCheckFailed"
	// ReasonRolledBack (Ready): after a failed apply or health check the
	// last-known-good configuration was restored.
	ReasonRolledBack = "RolledBack"
	// ReasonRollbackFailed (Ready): a failed apply could not be rolled
	// back either; the device may run part of the desired revision.
	ReasonRollbackFailed = "RollbackFailed"
	// ReasonDriftDetected: the running config differs from the
	// last-known-good (a change by hand); reported, not corrected.
	ReasonDriftDetected = "DriftDetected"
	// ReasonDriftCorrected: a drift was found and the last-known-good
	// re-applied, healthy.
	ReasonDriftCorrected = "DriftCorrected"
	// ReasonDriftCheckFailed: the running config could not be read to
	// check for drift.
	ReasonDriftCheckFailed = "DriftCheckFailed"
)

// Deprecated reasons, no longer written: Rejected is now ValidationFailed
// or PrecheckFailed, Failed is RollbackFailed (Ready) with the failed stage
// (Degraded).
const (
	ReasonRejected = "Rejected"
	ReasonFailed   = "Failed"
)

// Bounds of the status lists, so that one NetworkDevice stays small
// whatever the device reports.
const (
	// MaxPeers is the most peers status lists; PeersOmitted counts the rest.
	MaxPeers = 256
	// MaxHistory is the most apply records status keeps, newest first.
	MaxHistory = 10
	// MaxHistoryMessage bounds an apply record's message, in bytes.
	MaxHistoryMessage = 256
)

// NetworkDevice is one switch or host of a fabric as its agent reports it.
// The agent creates it (named after the device, in the namespace of the
// device's ConfigMap) and writes only its status.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=nd
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Established",type=integer,JSONPath=`.status.sessionsEstablished`
// +kubebuilder:printcolumn:name="Expected",type=integer,JSONPath=`.status.sessionsExpected`
// +kubebuilder:printcolumn:name="Applied",type=string,JSONPath=`.status.appliedRevision`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NetworkDevice struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   NetworkDeviceSpec   `json:"spec,omitempty"`
	Status NetworkDeviceStatus `json:"status,omitempty"`
}

// NetworkDeviceSpec names the device's fabric and platform.
//
// +kubebuilder:object:generate=true
type NetworkDeviceSpec struct {
	Fabric   string `json:"fabric,omitempty"`
	Platform string `json:"platform,omitempty"`
}

// NetworkDeviceStatus is what the device's agent last did. The agent
// writes it with one merge patch per change, never when nothing changed.
//
// +kubebuilder:object:generate=true
type NetworkDeviceStatus struct {
	// DesiredRevision is the content hash of the device's ConfigMap.
	DesiredRevision string `json:"desiredRevision,omitempty"`
	// DesiredSince is when the agent first saw DesiredRevision.
	DesiredSince *metav1.Time `json:"desiredSince,omitempty"`
	// AppliedRevision is the revision the device runs and that passed the
	// health gate (its last-known-good).
	AppliedRevision string `json:"appliedRevision,omitempty"`
	// AppliedTime is when AppliedRevision last changed.
	AppliedTime *metav1.Time `json:"appliedTime,omitempty"`
	// SessionsEstablished counts the expected sessions (SessionsExpected)
	// the device reported Established at the last outcome; unset until the
	// agent read the device's sessions.
	SessionsEstablished *int32 `json:"sessionsEstablished,omitempty"`
	// SessionsExpected counts the sessions the last-known-good expect.json
	// gates on (its "sessions", not its "ungated"); unset as
	// SessionsEstablished is.
	SessionsExpected *int32 `json:"sessionsExpected,omitempty"`
	// Peers are the BGP sessions the device reported, and those expected
	// that it did not, sorted by peer; at most MaxPeers.
	//
	// +kubebuilder:validation:MaxItems=256
	Peers []PeerStatus `json:"peers,omitempty"`
	// PeersOmitted counts the peers left out of Peers past MaxPeers
	// (0: Peers is complete).
	PeersOmitted int32 `json:"peersOmitted,omitempty"`
	// LastError of the last failed apply, bounded (4 KiB).
	LastError string `json:"lastError,omitempty"`
	// RollbackCount counts automatic rollbacks since the agent started.
	RollbackCount int64 `json:"rollbackCount,omitempty"`
	// History are the last MaxHistory applies and drift outcomes, newest
	// first.
	//
	// +kubebuilder:validation:MaxItems=10
	History []ApplyRecord `json:"history,omitempty"`
	// Conditions: Ready, Progressing, Degraded.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// PeerStatus is one BGP session as the device reports it.
//
// +kubebuilder:object:generate=true
type PeerStatus struct {
	// Peer is the neighbor as FRR and expect.json name it
	// (model.Session.Neighbor): the interface of an unnumbered session,
	// the peer's address otherwise.
	Peer string `json:"peer"`
	// Description is the neighbor's description on the device (underlay
	// renders the peer's name); "" when it has none.
	Description string `json:"description,omitempty"`
	// State is FRR's session state (Established, Active, Connect, …), or
	// NotConfigured for an expected session the device does not have.
	State string `json:"state"`
	// Expected is true when expect.json gates on this session.
	Expected bool `json:"expected,omitempty"`
	// EstablishedSince is when the session last reached Established; unset
	// while it is not.
	EstablishedSince *metav1.Time `json:"establishedSince,omitempty"`
	// PrefixesReceived and PrefixesSent are the prefixes accepted from and
	// advertised to the peer, summed over the session's address families.
	PrefixesReceived int64 `json:"prefixesReceived"`
	PrefixesSent     int64 `json:"prefixesSent"`
}

// Peer states the agent writes besides FRR's.
const (
	// PeerEstablished is FRR's state of an up session.
	PeerEstablished = "Established"
	// PeerNotConfigured is an expected session the device does not report.
	PeerNotConfigured = "NotConfigured"
)

// ApplyRecord is one entry of the apply history.
//
// +kubebuilder:object:generate=true
type ApplyRecord struct {
	// Revision applied (or, for a drift outcome, the last-known-good).
	Revision string `json:"revision"`
	// Outcome is how it ended: Applied, Rejected, RolledBack, Failed,
	// DriftDetected, DriftCorrected or DriftCheckFailed.
	Outcome string `json:"outcome"`
	// Reason is the condition reason it set: Applied, ValidationFailed,
	// PrecheckFailed, ApplyFailed, HealthCheckFailed, DriftDetected,
	// DriftCorrected or DriftCheckFailed.
	Reason string `json:"reason"`
	// Message is the error, bounded to MaxHistoryMessage bytes; "" on
	// success.
	Message string `json:"message,omitempty"`
	// Time is when it ended.
	Time metav1.Time `json:"time"`
	// Duration is how long it took, health gate included.
	Duration metav1.Duration `json:"duration"`
}

// NetworkDeviceList is a list of NetworkDevices.
//
// +kubebuilder:object:root=true
type NetworkDeviceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NetworkDevice `json:"items"`
}
