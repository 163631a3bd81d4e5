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

// Condition reasons.
const (
	ReasonApplied          = "Applied"
	ReasonApplying         = "Applying"
	ReasonRejected         = "Rejected"
	ReasonRolledBack       = "RolledBack"
	ReasonFailed           = "Failed"
	ReasonConfigMissing    = "ConfigMapMissing"
	ReasonDriftCorrected   = "DriftCorrected"
	ReasonDriftDetected    = "DriftDetected"
	ReasonWaitingForConfig = "WaitingForConfig"
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
// +kubebuilder:printcolumn:name="Sessions",type=string,JSONPath=`.status.sessions`
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

// NetworkDeviceStatus is what the device's agent last did.
//
// +kubebuilder:object:generate=true
type NetworkDeviceStatus struct {
	// DesiredRevision is the content hash of the device's ConfigMap.
	DesiredRevision string `json:"desiredRevision,omitempty"`
	// AppliedRevision is the revision the device runs and that passed the
	// health gate (its last-known-good).
	AppliedRevision string `json:"appliedRevision,omitempty"`
	// Sessions is "established/expected" BGP sessions after the last apply.
	Sessions string `json:"sessions,omitempty"`
	// LastApplyDuration of the last apply, e.g. "1.2s".
	LastApplyDuration string `json:"lastApplyDuration,omitempty"`
	// LastError of the last failed apply.
	LastError string `json:"lastError,omitempty"`
	// RollbackCount counts automatic rollbacks since the agent started.
	RollbackCount int64 `json:"rollbackCount,omitempty"`
	// LastAppliedTime is when AppliedRevision last changed.
	LastAppliedTime *metav1.Time `json:"lastAppliedTime,omitempty"`
	// Conditions: Ready, Progressing, Degraded.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// NetworkDeviceList is a list of NetworkDevices.
//
// +kubebuilder:object:root=true
type NetworkDeviceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NetworkDevice `json:"items"`
}
